package dev.switchboard.turn;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Picks epoll or NIO channel classes to match the event loop group we were given (DESIGN.md: epoll
 * when {@code Epoll.isAvailable()}, NIO otherwise). Immutable.
 */
record NettyTransports(boolean epoll) {

  static NettyTransports of(EventLoopGroup group) {
    return new NettyTransports(Epoll.isAvailable() && group instanceof IoEventLoopGroup io
        && io.isIoType(EpollIoHandler.class));
  }

  /** A group built the way the composition root builds it: epoll when available, else NIO. */
  static MultiThreadIoEventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads,
        Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  DatagramChannel newDatagramChannel(boolean ipv6) {
    if (epoll) {
      return new EpollDatagramChannel(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
    }
    return new NioDatagramChannel(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
  }

  Class<? extends DatagramChannel> datagramChannelClass() {
    return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  Class<? extends ServerSocketChannel> serverChannelClass() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }
}
