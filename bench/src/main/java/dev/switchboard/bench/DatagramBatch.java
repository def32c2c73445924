package dev.switchboard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The datagrams one client socket sends to the server in one pacer tick, handed to the kernel as one
 * UDP GSO send (UDP_SEGMENT) for as long as they are of one size. The server's socket receives the
 * same datagrams either way (the kernel cuts them apart before its queue, as the server does not ask
 * for UDP_GRO); what changes is the generator's cost per datagram on the way out, which, on a machine
 * the generator shares with the server, is CPU taken from the server under test. Without GSO (NIO,
 * old kernels) each datagram is written on its own. Confined to the socket's event loop.
 */
final class DatagramBatch {

  /** The kernel's limit is 64 or 128 segments per send, depending on its version. */
  static final int MAX_SEGMENTS = 64;
  /** A GSO send is one UDP datagram to the kernel: its payload must fit in 65507 bytes. */
  static final int MAX_BYTES = 65_000;

  private final DatagramChannel channel;
  private final InetSocketAddress to;
  private final boolean gso;
  private ByteBuf pending;
  private int segment;
  private int segments;
  private long sends;

  DatagramBatch(DatagramChannel channel, InetSocketAddress to, boolean gso) {
    this.channel = channel;
    this.to = to;
    this.gso = gso;
  }

  /** Whether this JVM and kernel can send a GSO batch on {@code channel}. */
  static boolean supported(DatagramChannel channel) {
    return channel instanceof EpollDatagramChannel && SegmentedDatagramPacket.isSupported();
  }

  /** Queues {@code message}; nothing reaches the socket before {@link #flush()}. */
  void add(byte[] message) {
    if (pending != null && (message.length != segment || segments == MAX_SEGMENTS
        || pending.readableBytes() + message.length > MAX_BYTES)) {
      writePending();
    }
    if (pending == null) {
      // Most batches of an Allocate load hold one datagram (a socket per 5-tuple): grow on demand.
      pending = channel.alloc().directBuffer(message.length);
      segment = message.length;
    }
    pending.writeBytes(message);
    segments++;
    if (!gso) {
      writePending();
    }
  }

  /** Writes what is queued and flushes the socket. */
  void flush() {
    writePending();
    channel.flush();
  }

  /** Packets handed to the socket so far, a GSO batch counting once (for tests). */
  long sends() {
    return sends;
  }

  private void writePending() {
    if (pending == null) {
      return;
    }
    DatagramPacket packet = segments > 1 ? new SegmentedDatagramPacket(pending, segment, to) : new DatagramPacket(pending, to);
    channel.write(packet, channel.voidPromise());
    sends++;
    pending = null;
    segments = 0;
  }
}
