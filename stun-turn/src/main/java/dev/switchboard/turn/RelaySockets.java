package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Opens an allocation's relay socket on its client's event loop (DESIGN.md "Threading": the proxy
 * pattern of registering the outbound channel on the inbound channel's loop): an {@link EpollRelaySocket}
 * on epoll, a Netty channel ({@link ChannelRelaySocket}) otherwise. Thread-safe.
 */
final class RelaySockets {

  /**
   * Largest datagram relayed. WebRTC keeps media and DTLS datagrams below the path MTU (~1200-1500
   * bytes). A relay socket reads into one byte more than this, so a longer datagram, which the kernel
   * cuts to the buffer, shows as over the limit and is dropped rather than relayed cut short.
   */
  static final int MAX_DATAGRAM = 8192;
  /**
   * Largest datagram read from a UDP client: {@link #MAX_DATAGRAM} of data in a Send indication
   * (header, XOR-PEER-ADDRESS of an IPv6 peer, DATA with its padding, DONT-FRAGMENT, FINGERPRINT)
   * with room to spare for attributes we ignore. A longer one arrives cut short and fails to parse.
   */
  static final int MAX_CLIENT_DATAGRAM = MAX_DATAGRAM + 256;

  private final NettyTransports transports;
  private final TurnMetrics metrics;
  /**
   * Each event loop's buffer for reading its epoll relay sockets. One per loop, not per socket: a
   * datagram is copied out (behind a ChannelData header or into a Data indication) before the next read.
   */
  private final FastThreadLocal<ByteBuf> receiveBuffers = new FastThreadLocal<>() {
    @Override
    protected ByteBuf initialValue() {
      return Unpooled.directBuffer(MAX_DATAGRAM + 1, MAX_DATAGRAM + 1);
    }

    @Override
    protected void onRemoval(ByteBuf buffer) {
      buffer.release();
    }
  };

  RelaySockets(NettyTransports transports, TurnMetrics metrics) {
    this.transports = transports;
    this.metrics = metrics;
  }

  /**
   * Binds a UDP socket on {@code address:port} registered on {@code loop}, whose peer datagrams go to
   * {@code allocation}. Called on {@code loop}, where register and bind complete before returning
   * (the epoll socket is only opened there, where its loop's receive buffer is at hand).
   *
   * @throws IOException when the port cannot be bound
   */
  RelaySocket open(EventLoop loop, InetAddress address, int port, Allocation allocation) throws IOException {
    if (transports.epoll() && loop instanceof IoEventLoop io && loop.inEventLoop()) {
      ByteBuf receive = receiveBuffers.get();
      if (receive.hasMemoryAddress()) {
        return EpollRelaySocket.open(io, address, port, allocation, receive, metrics);
      }
    }
    return new ChannelRelaySocket(openChannel(loop, address, port, allocation));
  }

  private DatagramChannel openChannel(EventLoop loop, InetAddress address, int port, Allocation allocation)
      throws IOException {
    DatagramChannel ch = transports.newDatagramChannel(address instanceof Inet6Address);
    ch.config().setOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM + 1));
    // Writes from the client's channel reads (not this channel's) are flushed once per loop pass.
    ch.pipeline().addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    ch.pipeline().addLast("peer", new RelayPeerHandler(allocation));
    ChannelFuture registered = loop.register(ch);
    await(registered, loop);
    if (!registered.isSuccess()) {
      ch.unsafe().closeForcibly();
      throw new IOException("relay socket registration failed", registered.cause());
    }
    ChannelFuture bound = ch.bind(new InetSocketAddress(address, port));
    await(bound, loop);
    if (!bound.isSuccess()) {
      ch.close();
      throw bindFailure(address, port, bound.cause());
    }
    return ch;
  }

  /** A bind failure that names the relay address, for the Allocate handler's debug log. */
  static BindException bindFailure(InetAddress address, int port, Throwable cause) {
    BindException e = new BindException("relay " + address.getHostAddress() + ":" + port + ": "
        + (cause == null ? "bind failed" : cause.getMessage()));
    e.initCause(cause);
    return e;
  }

  private static void await(ChannelFuture future, EventLoop loop) throws IOException {
    if (future.isDone()) {
      return;
    }
    if (loop.inEventLoop()) {
      // Registration and bind run inline on the channel's own loop; if they ever did not, waiting
      // here would deadlock the loop.
      throw new IOException("relay socket did not bind synchronously on its event loop");
    }
    future.awaitUninterruptibly();
  }
}
