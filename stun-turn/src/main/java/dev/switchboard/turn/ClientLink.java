package dev.switchboard.turn;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * The client side of one 5-tuple (RFC 8656 §2): how to answer it and which allocation it owns.
 * Confined to {@link #eventLoop()}.
 */
interface ClientLink {

  InetSocketAddress remote();

  InetSocketAddress local();

  /** TCP or TLS: ChannelData must be padded to four bytes. */
  boolean stream();

  EventLoop eventLoop();

  ByteBufAllocator alloc();

  /**
   * Sends {@code frame} to the client; takes ownership of it. False when it was dropped because the
   * client's connection is backed up (a client that stops reading must not fill our memory).
   */
  boolean send(ByteBuf frame);

  /** The allocation of this 5-tuple, or null. */
  Allocation allocation();

  void allocation(Allocation allocation);

  /** "UDP", "TCP" or "TLS", for logs. */
  String protocol();

  /** Whether the client reaches us by datagram (UDP), whose source address anyone can forge. */
  boolean datagram();
}
