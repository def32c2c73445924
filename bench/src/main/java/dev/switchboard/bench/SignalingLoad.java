package dev.switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The signaling load generator for both servers: N WebSocket sessions (ws:// or wss://) in rooms of
 * 4, each sending signals to the next member of its room at a paced rate; measures delivered
 * messages/s and the send→receive latency of every relayed signal (both ends in this process, one
 * clock). Every wait is bounded; loopback targets only. Used from one thread.
 */
final class SignalingLoad implements AutoCloseable {

  static final int ROOM_SIZE = 4;
  /** A bound on sessions per generator: its process has 20000 file descriptors. */
  static final int MAX_CLIENTS = 19_000;

  /** Where the load goes. */
  record Target(SignalingWire wire, InetSocketAddress address, boolean tls) {
    Target {
      if (!address.getAddress().isLoopbackAddress()) {
        throw new IllegalArgumentException("loopback targets only: " + address);
      }
    }

    URI uri() {
      return URI.create((tls ? "wss" : "ws") + "://" + address.getAddress().getHostAddress() + ":"
          + address.getPort() + wire.path());
    }
  }

  /**
   * One offered-load step: what was offered, sent, skipped (a session's socket was not writable: the
   * server did not keep up), delivered and how fast.
   */
  record Step(double offeredPerSecond, double sentPerSecond, double skippedPerSecond, double deliveredPerSecond,
              double p50Millis, double p99Millis, long failures) {

    /** Kept up: p99 within {@code p99Millis}, at least 95% of the offered load delivered, nothing refused. */
    boolean within(double maxP99Millis) {
      return failures == 0 && p99Millis <= maxP99Millis && deliveredPerSecond >= 0.95 * offeredPerSecond;
    }

    /**
     * The generator's own threads fell behind its schedule: sends it made or skipped fall short of
     * the offered rate. Then the step measured the generator, not the server.
     */
    boolean generatorBehind() {
      return sentPerSecond + skippedPerSecond < 0.95 * offeredPerSecond;
    }

    @Override
    public String toString() {
      return String.format("offered %.0f/s sent %.0f/s delivered %.0f/s p50 %.2f ms p99 %.2f ms failures %d%s",
          offeredPerSecond, sentPerSecond, deliveredPerSecond, p50Millis, p99Millis, failures,
          skippedPerSecond > 0 ? String.format(" skipped %.0f/s", skippedPerSecond) : "");
    }
  }

  private final Target target;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final SslContext ssl;
  private final WebSocketClientProtocolConfig ws;
  private final LoadClient.Counters counters = LoadClient.Counters.create();
  private final List<LoadClient> clients = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private final List<String> peerIds = new ArrayList<>();

  SignalingLoad(Target target, int threads) throws Exception {
    this.target = target;
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, io);
    SslContext ssl = target.tls()
        ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build()
        : null;
    WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(target.uri())
        .allowExtensions(false)
        .maxFramePayloadLength(65536)
        .handshakeTimeoutMillis(20_000)
        .dropPongFrames(true)
        .build();
    this.bootstrap = new Bootstrap().group(group)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
        .remoteAddress(target.address());
    this.ssl = ssl;
    this.ws = ws;
  }

  private ChannelInitializer<SocketChannel> pipeline(LoadClient client) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        if (ssl != null) {
          ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), target.address().getHostString(),
              target.address().getPort()));
        }
        ch.pipeline().addLast("http", new HttpClientCodec());
        ch.pipeline().addLast("aggregator", new HttpObjectAggregator(8192));
        ch.pipeline().addLast("websocket", new WebSocketClientProtocolHandler(ws));
        ch.pipeline().addLast("client", client);
      }
    };
  }

  /**
   * Opens {@code count} more sessions, at most {@code inFlight} handshakes at a time, and waits for
   * each one's welcome (socket.io: connect reply); fails if any is refused or {@code within} passes.
   */
  void open(int count, int inFlight, Duration within) throws Exception {
    if (clients.size() + count > MAX_CLIENTS) {
      throw new IllegalArgumentException("at most " + MAX_CLIENTS + " sessions per generator");
    }
    long deadline = System.nanoTime() + within.toNanos();
    Semaphore slots = new Semaphore(inFlight);
    List<LoadClient> opened = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new TimeoutException("opened " + i + " of " + count + " sessions within " + within);
      }
      LoadClient client = new LoadClient(target.wire(), counters);
      client.ready.whenComplete((id, e) -> slots.release());
      ChannelFuture connect = bootstrap.clone().handler(pipeline(client)).connect();
      connect.addListener(f -> {
        if (!f.isSuccess()) {
          client.ready.completeExceptionally(f.cause());
        }
      });
      channels.add(connect.channel());
      opened.add(client);
    }
    for (LoadClient c : opened) {
      peerIds.add(await(c.ready, deadline, "a session's welcome"));
      clients.add(c);
    }
  }

  int sessions() {
    return clients.size();
  }

  /** Puts client i in room i / 4 (rooms "r0", "r1", ...) and waits until every join is answered. */
  void joinRooms(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    for (int i = 0; i < clients.size(); i++) {
      clients.get(i).join(room(i));
    }
    for (LoadClient c : clients) {
      await(c.joined, deadline, "a join");
    }
  }

  private static String room(int client) {
    return "r" + client / ROOM_SIZE;
  }

  /** Client i signals the next member of its room (a ring of 4; a smaller last room wraps sooner). */
  private int targetOf(int client) {
    int first = client / ROOM_SIZE * ROOM_SIZE;
    int size = Math.min(ROOM_SIZE, clients.size() - first);
    return first + (client - first + 1) % size;
  }

  /**
   * Offers {@code perSecond} signals in all, spread evenly over the sessions with random phases;
   * after {@code warmup} measures for {@code measure}, then stops and lets what is in flight arrive.
   */
  Step run(double perSecond, Duration warmup, Duration measure) throws InterruptedException {
    if (clients.size() < 2) {
      throw new IllegalStateException("a load needs at least 2 sessions");
    }
    long period = (long) (clients.size() * 1e9 / perSecond);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < clients.size(); i++) {
      clients.get(i).pace(room(i), peerIds.get(targetOf(i)), random.nextLong(period), period);
    }
    Thread.sleep(warmup.toMillis());
    counters.latency().reset();
    long delivered0 = counters.delivered().sum();
    long sent0 = counters.sent().sum();
    long skipped0 = counters.skipped().sum();
    long failures0 = counters.failures().sum();
    long start = System.nanoTime();
    Thread.sleep(measure.toMillis());
    long delivered = counters.delivered().sum() - delivered0;
    long sent = counters.sent().sum() - sent0;
    long skipped = counters.skipped().sum() - skipped0;
    double seconds = (System.nanoTime() - start) / 1e9;
    double p50 = counters.latency().percentileMillis(0.50);
    double p99 = counters.latency().percentileMillis(0.99);
    long failures = counters.failures().sum() - failures0;
    for (LoadClient c : clients) {
      c.stop();
    }
    drain(Duration.ofSeconds(2));
    return new Step(perSecond, sent / seconds, skipped / seconds, delivered / seconds, p50, p99, failures);
  }

  /** Waits until every sent signal arrived (or {@code within} passes): the next step starts clean. */
  private void drain(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    Thread.sleep(20);
    while (counters.delivered().sum() < counters.sent().sum() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** The first refusal a session got, for error messages (empty if none). */
  String firstFailure() {
    synchronized (counters.firstFailure()) {
      return counters.firstFailure().toString();
    }
  }

  private static <T> T await(CompletableFuture<T> f, long deadline, String what) throws Exception {
    try {
      return f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for " + what + ": " + e.getCause(), e.getCause());
    }
  }

  /** Closes every session at once (TCP close, no goodbye) and ends the generator's threads. */
  @Override
  public void close() {
    for (Channel ch : channels) {
      ch.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }
}
