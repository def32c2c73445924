package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A UDP client as seen by one listener socket. The kernel hashes a client's 5-tuple to one
 * SO_REUSEPORT socket, so the per-socket client map needs no lock. Confined to the listener's loop.
 */
final class UdpClientLink implements ClientLink {

  private final Channel listener;
  private final InetSocketAddress remote;
  private final Map<InetSocketAddress, UdpClientLink> clients;
  private Allocation allocation;

  UdpClientLink(Channel listener, InetSocketAddress remote, Map<InetSocketAddress, UdpClientLink> clients) {
    this.listener = listener;
    this.remote = remote;
    this.clients = clients;
  }

  @Override
  public InetSocketAddress remote() {
    return remote;
  }

  @Override
  public InetSocketAddress local() {
    return (InetSocketAddress) listener.localAddress();
  }

  @Override
  public boolean stream() {
    return false;
  }

  @Override
  public EventLoop eventLoop() {
    return listener.eventLoop();
  }

  @Override
  public ByteBufAllocator alloc() {
    return listener.alloc();
  }

  @Override
  public boolean send(ByteBuf frame) {
    // The kernel refused earlier datagrams (EAGAIN) and Netty holds them: drop rather than queue
    // without bound.
    if (!listener.isWritable()) {
      frame.release();
      return false;
    }
    listener.writeAndFlush(new DatagramPacket(frame, remote), listener.voidPromise());
    return true;
  }

  @Override
  public Allocation allocation() {
    return allocation;
  }

  @Override
  public void allocation(Allocation allocation) {
    this.allocation = allocation;
    if (allocation == null) {
      clients.remove(remote, this);
    } else {
      clients.put(remote, this);
    }
  }

  @Override
  public String protocol() {
    return "UDP";
  }

  @Override
  public boolean datagram() {
    return true;
  }
}
