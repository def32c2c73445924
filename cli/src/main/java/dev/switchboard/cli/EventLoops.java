package dev.switchboard.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;

/**
 * The one event loop group everything runs on (DESIGN.md "Threading"): epoll where the native
 * transport loads, NIO otherwise. The servers pick their channel classes by the same rule.
 */
final class EventLoops {

  private EventLoops() {}

  static EventLoopGroup create(int threads) {
    return Epoll.isAvailable()
        ? new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory())
        : new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
  }

  static String transportName() {
    return Epoll.isAvailable() ? "epoll" : "nio (" + Epoll.unavailabilityCause().getMessage() + ")";
  }
}
