package dev.switchboard.signaling;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The HTTPS/WSS signaling server. Thread-safe. */
public final class SignalingServer implements AutoCloseable {

  /** Largest HTTP request accepted (headers and body); the endpoints take no bodies. */
  private static final int MAX_HTTP_REQUEST = 16 * 1024;
  /** How long {@link #close()} waits for the close frames of the sessions still connected to go out. */
  static final long GOING_AWAY_MILLIS = 1000;

  private final Hub hub;
  private final Channel serverChannel;
  private final ScheduledFuture<?> ticker;
  private final EventLoopGroup group;

  private SignalingServer(Hub hub, Channel serverChannel, ScheduledFuture<?> ticker, EventLoopGroup group) {
    this.hub = hub;
    this.serverChannel = serverChannel;
    this.ticker = ticker;
    this.group = group;
  }

  /**
   * Binds the listener and returns once it is bound.
   *
   * @param tls     a TLS context per new connection (renewed certificates apply without a restart);
   *                null serves plain HTTP/WS
   * @param tokens  verifies {@code hello} and Bearer tokens (required when auth is TOKEN)
   * @param extraMetrics appended to {@code GET /metrics} (the TURN server's)
   * @throws BindException naming the listener, e.g. "signaling HTTPS 0.0.0.0:8443: Address already in use"
   */
  public static SignalingServer start(SignalingConfig config, EventLoopGroup group, Clock clock,
                                      Supplier<SslContext> tls, IceServersProvider ice, Tokens tokens,
                                      MetricsSource extraMetrics) throws BindException {
    Hub hub = new Hub(config, clock, ice, tokens, group);
    hub.router(new Router(hub));
    StaticFiles files = new StaticFiles();
    Origins origins = new Origins(config.allowedOrigins());
    WebSocketUpgrade upgrade = new WebSocketUpgrade(hub, origins, tls != null);
    Class<? extends ServerChannel> channelClass = Epoll.isAvailable()
        ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(channelClass)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!hub.connections.accepted(ch)) {
              ch.close(); // too many from its IP have not upgraded yet
              return;
            }
            ChannelPipeline p = ch.pipeline();
            if (tls != null) {
              p.addLast("plain-http-on-tls", new PlainHttpOnTlsPort());
              p.addLast("tls", tls.get().newHandler(ch.alloc()));
            }
            p.addLast("http", new HttpServerCodec());
            p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST));
            p.addLast("http-handler", new HttpRequestHandler(hub, files, extraMetrics, upgrade, origins));
          }
        });
    String what = "signaling " + (tls != null ? "HTTPS " : "HTTP ") + config.address().getHostAddress() + ":" + config.port();
    Channel serverChannel;
    try {
      serverChannel = bootstrap.bind(new InetSocketAddress(config.address(), config.port())).sync().channel();
    } catch (Exception e) {
      BindException bind = new BindException(what + ": " + e.getMessage());
      bind.initCause(e);
      throw bind;
    }
    long period = hub.tickPeriodMillis();
    ScheduledFuture<?> ticker = group.next().scheduleAtFixedRate(hub::tick, period, period, TimeUnit.MILLISECONDS);
    return new SignalingServer(hub, serverChannel, ticker, group);
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /**
   * Starts draining: every session gets {@code server.draining}, new connections get
   * {@code server_draining}, {@code /readyz} answers 503. Completes when every session is gone or
   * {@code deadline} has passed, whichever is first.
   */
  public CompletableFuture<Void> drain(Duration deadline) {
    CompletableFuture<Void> drained = hub.drain(hub.clock.millis() + deadline.toMillis(), deadline.toMillis());
    group.next().schedule(() -> drained.complete(null), deadline.toMillis(), TimeUnit.MILLISECONDS);
    return drained;
  }

  /** Runs the periodic checks once (heartbeat, resume windows, ICE refresh); for tests with a moved clock. */
  void tick() {
    hub.tick();
  }

  Hub hub() {
    return hub;
  }

  /**
   * Closes the listener and every connection. A session still connected (the drain's deadline passed,
   * or there was no drain) gets a close frame first, 1001 server_draining, after what was queued for it:
   * dropped without one, its client saw 1006, a network failure, and could not tell that the server
   * went away. Connections whose close frame is not out within {@link #GOING_AWAY_MILLIS} are dropped.
   * No channel group lists the connections for this (one entry and one close listener per idle
   * WebSocket, ~90 bytes; bench memory-wss): those in their HTTP phase are the connection registry's,
   * the others the sessions', and a WebSocket that opens from here on is refused by the hub.
   */
  @Override
  public void close() {
    ticker.cancel(false);
    serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    hub.close();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GOING_AWAY_MILLIS);
    List<ChannelFuture> goingAway = new ArrayList<>();
    for (Session session : hub.sessions()) {
      Channel channel = session.channel();
      if (channel != null) {
        session.close(1001, "server_draining");
        goingAway.add(channel.closeFuture());
      }
    }
    List<ChannelFuture> closing = new ArrayList<>(hub.connections.closeHttpPhase());
    for (ChannelFuture closed : goingAway) {
      if (!closed.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        closing.add(closed.channel().close());
      }
    }
    closing.addAll(hub.connections.closeHttpPhase()); // again: accepted as the listener closed, registered since
    long closedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (ChannelFuture closed : closing) {
      closed.awaitUninterruptibly(Math.max(0, closedBy - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    hub.releaseAll();
  }
}
