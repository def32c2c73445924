package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/** A TCP or TLS client connection: one 5-tuple, at most one allocation. Confined to the connection's loop. */
final class StreamClientLink implements ClientLink {

  private final Channel channel;
  private final String protocol;
  private Allocation allocation;

  StreamClientLink(Channel channel, String protocol) {
    this.channel = channel;
    this.protocol = protocol;
  }

  @Override
  public InetSocketAddress remote() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  public InetSocketAddress local() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public boolean stream() {
    return true;
  }

  @Override
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  @Override
  public ByteBufAllocator alloc() {
    return channel.alloc();
  }

  @Override
  public boolean send(ByteBuf frame) {
    // Above the channel's high water mark (1 MB unsent, TurnServer.STREAM_WATER_MARK) the client is
    // not reading: drop, as a UDP path would, rather than queue without bound.
    if (!channel.isWritable()) {
      frame.release();
      return false;
    }
    channel.writeAndFlush(frame, channel.voidPromise());
    return true;
  }

  @Override
  public Allocation allocation() {
    return allocation;
  }

  @Override
  public void allocation(Allocation allocation) {
    this.allocation = allocation;
  }

  @Override
  public String protocol() {
    return protocol;
  }

  @Override
  public boolean datagram() {
    return false;
  }
}
