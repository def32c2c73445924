package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * An allocation's relay socket: sends the client's data to peers and hands what peers send to the
 * allocation. Confined to the allocation's event loop.
 */
interface RelaySocket {

  /**
   * Sends {@code payload} to {@code peer}. Takes ownership of {@code payload}.
   *
   * @return false when the datagram was dropped here (counted as dropped); true when it left or was
   *     queued to leave
   */
  boolean send(ByteBuf payload, InetSocketAddress peer);

  /** Closes the socket; {@code closed} runs once its port can be bound again. */
  void close(Runnable closed);
}
