package dev.switchboard.signaling;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real signaling server on loopback, port 0, with a mutable clock and fixed ICE servers. */
final class TestServer implements AutoCloseable {

  static final byte[] TOKEN_KEY = "0123456789abcdef0123456789abcdef".getBytes();

  final MutableClock clock = new MutableClock();
  final Tokens tokens = new Tokens(TOKEN_KEY, clock);
  final SignalingServer server;
  private final EventLoopGroup group = Epoll.isAvailable()
      ? new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory())
      : new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  TestServer() throws Exception {
    this(config(SignalingConfig.Auth.NONE, List.of("*"), Duration.ofSeconds(30), 50));
  }

  TestServer(SignalingConfig config) throws Exception {
    IceServersProvider ice = peerId -> new IceServersProvider.IceConfig(List.of(
        new IceServersProvider.IceServer(List.of("stun:127.0.0.1:3478"), null, null),
        new IceServersProvider.IceServer(List.of("turn:127.0.0.1:3478?transport=udp"),
            clock.instant().getEpochSecond() + 3600 + ":" + peerId, "credential")), Duration.ofHours(1));
    server = SignalingServer.start(config, group, clock, null, ice, tokens, out -> out.append("turn_metric 1\n"));
  }

  static SignalingConfig config(SignalingConfig.Auth auth, List<String> origins, Duration resumeWindow, int rate) throws Exception {
    return config(auth, origins, resumeWindow, rate, 10_000);
  }

  static SignalingConfig config(SignalingConfig.Auth auth, List<String> origins, Duration resumeWindow, int rate,
                                int connectionsPerIp) throws Exception {
    return config(auth, origins, resumeWindow, rate, connectionsPerIp, List.of());
  }

  static SignalingConfig config(SignalingConfig.Auth auth, List<String> origins, Duration resumeWindow, int rate,
                                int connectionsPerIp, List<String> trustedProxies) throws Exception {
    return new SignalingConfig(InetAddress.getLoopbackAddress(), 0, origins, auth, 8192, rate, connectionsPerIp, resumeWindow,
        Duration.ofSeconds(20), Duration.ofSeconds(45), new SignalingConfig.Rooms(8, 50, 50), "switchboard/test",
        trustedProxies);
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
