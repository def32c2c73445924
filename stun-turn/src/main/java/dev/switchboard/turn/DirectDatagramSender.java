package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.epoll.LinuxSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends datagrams from an epoll socket with one {@code sendto} each, below Netty's channel pipeline:
 * no message object, no outbound buffer entry, no flush task. A full send buffer drops the datagram,
 * as a full receive buffer would; a UDP relay must not queue behind it (coturn drops there too).
 * For relay sockets, each of which sends a few datagrams per loop pass at most. Not for the UDP
 * listener: there Netty's {@code sendmmsg} of a whole read batch's answers costs less per datagram
 * (one {@code sendto} per Binding response took 17% more CPU per request). Called on the socket's
 * event loop.
 */
final class DirectDatagramSender {

  private static final Logger log = LoggerFactory.getLogger(DirectDatagramSender.class);

  private final LinuxSocket socket;
  private final TurnMetrics metrics;

  DirectDatagramSender(LinuxSocket socket, TurnMetrics metrics) {
    this.socket = socket;
    this.metrics = metrics;
  }

  /** Sends {@code datagram} to {@code to}; takes ownership of it. False when it was dropped (and counted). */
  boolean send(ByteBuf datagram, InetSocketAddress to) {
    if (!socket.isOpen()) {
      // Closed (at loop shutdown, say): its fd number may already be another socket's.
      datagram.release();
      metrics.droppedPackets.increment();
      return false;
    }
    ByteBuf direct = datagram.hasMemoryAddress() ? datagram : copyToDirect(datagram);
    try {
      int sent = socket.sendToAddress(direct.memoryAddress(), direct.readerIndex(), direct.writerIndex(),
          to.getAddress(), to.getPort());
      if (sent == 0 && direct.isReadable()) {
        metrics.droppedPackets.increment();
        return false;
      }
      return true;
    } catch (IOException e) {
      // A pending socket error, or an address the socket cannot send to: this datagram is lost.
      log.debug("{} to {}: {}", socket, to, e.toString());
      metrics.droppedPackets.increment();
      return false;
    } finally {
      direct.release();
    }
  }

  /** Data that is not in native memory (a heap buffer in a test, say): sendto needs an address. */
  private static ByteBuf copyToDirect(ByteBuf datagram) {
    try {
      int length = datagram.readableBytes();
      ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(length);
      return ByteBufCopy.append(direct, datagram, datagram.readerIndex(), length);
    } finally {
      datagram.release();
    }
  }
}
