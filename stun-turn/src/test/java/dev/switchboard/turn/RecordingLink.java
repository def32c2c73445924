package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A client 5-tuple that records what the server sends it instead of writing to a socket. Runs on a
 * real event loop (allocations bind real relay sockets on it). Thread-safe for reading the record.
 */
final class RecordingLink implements ClientLink {

  private final EventLoop loop;
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private final boolean stream;
  private final List<byte[]> sent = new ArrayList<>();
  private Allocation allocation;

  RecordingLink(EventLoop loop, InetSocketAddress remote, boolean stream) {
    this(loop, remote, new InetSocketAddress("127.0.0.1", 3478), stream);
  }

  RecordingLink(EventLoop loop, InetSocketAddress remote, InetSocketAddress local, boolean stream) {
    this.loop = loop;
    this.remote = remote;
    this.local = local;
    this.stream = stream;
  }

  @Override
  public InetSocketAddress remote() {
    return remote;
  }

  @Override
  public InetSocketAddress local() {
    return local;
  }

  @Override
  public boolean stream() {
    return stream;
  }

  @Override
  public EventLoop eventLoop() {
    return loop;
  }

  @Override
  public ByteBufAllocator alloc() {
    return ByteBufAllocator.DEFAULT;
  }

  @Override
  public boolean send(ByteBuf frame) {
    byte[] bytes = new byte[frame.readableBytes()];
    frame.readBytes(bytes);
    frame.release();
    synchronized (sent) {
      sent.add(bytes);
      sent.notifyAll();
    }
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
    return stream ? "TCP" : "UDP";
  }

  @Override
  public boolean datagram() {
    return !stream;
  }

  /** Every frame sent so far. */
  List<byte[]> sent() {
    synchronized (sent) {
      return new ArrayList<>(sent);
    }
  }

  /** The last frame sent, decoded as STUN, or null when nothing was sent. */
  StunMessage lastMessage() {
    synchronized (sent) {
      return sent.isEmpty() ? null : StunCodec.decode(sent.get(sent.size() - 1));
    }
  }

  /** Waits (bounded) until at least {@code n} frames were sent; returns them. */
  List<byte[]> awaitSent(int n, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    synchronized (sent) {
      while (sent.size() < n && System.nanoTime() < deadline) {
        sent.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      return new ArrayList<>(sent);
    }
  }

  void clear() {
    synchronized (sent) {
      sent.clear();
    }
  }
}
