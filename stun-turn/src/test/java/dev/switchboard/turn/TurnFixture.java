package dev.switchboard.turn;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared wiring for handler and dispatcher tests: a real TurnContext on loopback with a mutable clock,
 * one event loop, a static user {@code alice}/{@code secret} and helpers to run code on the loop.
 */
final class TurnFixture implements AutoCloseable {

  static final String REALM = "switchboard.test";
  static final String USER = "alice";
  static final String PASSWORD = "secret";
  private static final AtomicInteger NEXT_CLIENT_PORT = new AtomicInteger(20000);

  final MultiThreadIoEventLoopGroup group;
  final EventLoop loop;
  final MutableClock clock = new MutableClock();
  final TurnConfig config;
  final TurnContext ctx;
  final Dispatcher dispatcher;
  final Sweeper sweeper;

  TurnFixture() {
    this(config(23000, 23999, TurnConfig.Quotas.defaults(), true));
  }

  TurnFixture(TurnConfig config) {
    this(config, NettyTransports.newGroup(1));
  }

  /** On the NIO transport, which the server uses where epoll is not available. */
  static TurnFixture nio() {
    return new TurnFixture(config(23000, 23999, TurnConfig.Quotas.defaults(), true),
        new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()));
  }

  private TurnFixture(TurnConfig config, MultiThreadIoEventLoopGroup group) {
    this.group = group;
    this.loop = group.next();
    this.config = config;
    RelayAddresses addresses = RelayAddresses.of(config.relay());
    RelayPortPool ports = new RelayPortPool(config.relay().minPort(), config.relay().maxPort());
    AllocationRegistry registry = new AllocationRegistry(config.quotas(), addresses, config.relay());
    TurnMetrics metrics = new TurnMetrics(registry::count);
    ctx = new TurnContext(config, clock, metrics, registry, ports,
        new PortReservations(ports, registry), addresses, new RelaySockets(NettyTransports.of(group), metrics),
        PeerPolicy.of(config.peers()), (u, r) -> u.equals(USER) && r.equals(REALM) ? List.of(key(USER, PASSWORD))
        : u.equals("bob") && r.equals(REALM) ? List.of(key("bob", "pw")) : List.of(),
        new Nonces(new byte[32], clock, config.lifetimes().nonce()),
        new UnauthorizedLimiter(config.quotas().unauthorizedPerSecond(), clock), new IntegrityMacs());
    dispatcher = new Dispatcher(ctx);
    sweeper = new Sweeper(ctx);
  }

  static TurnConfig config(int minPort, int maxPort, TurnConfig.Quotas quotas, boolean allowLoopback) {
    InetAddress lo = InetAddress.getLoopbackAddress();
    return new TurnConfig(REALM,
        new TurnConfig.Listeners(lo, 0, 0, true, true, false),
        new TurnConfig.Relay(lo, lo, minPort, maxPort),
        TurnConfig.Lifetimes.defaults(), quotas,
        new TurnConfig.Peers(List.of(), List.of(), allowLoopback), "");
  }

  static byte[] key(String user, String password) {
    try {
      return MessageDigest.getInstance("MD5")
          .digest((user + ":" + REALM + ":" + password).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  RecordingLink newLink() {
    return new RecordingLink(loop, new InetSocketAddress("127.0.0.1", NEXT_CLIENT_PORT.incrementAndGet()), false);
  }

  RecordingLink newStreamLink() {
    return new RecordingLink(loop, new InetSocketAddress("127.0.0.1", NEXT_CLIENT_PORT.incrementAndGet()), true);
  }

  <T> T onLoop(Callable<T> task) throws Exception {
    try {
      return loop.submit(task).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  /** Runs {@code handler} on the loop for {@code message} from {@code link}, authenticated as alice. */
  byte[] handle(StunMethodHandler handler, RecordingLink link, byte[] message) throws Exception {
    StunMessage m = StunCodec.decode(message);
    return onLoop(() -> handler.handle(new TurnRequest(link, m, new Auth(USER, key(USER, PASSWORD)),
        clock.millis(), ctx)));
  }

  /** Feeds {@code bytes} to the dispatcher from {@code link} on the loop. */
  void dispatch(RecordingLink link, byte[] bytes) throws Exception {
    onLoop(() -> {
      dispatcher.onFrame(link, io.netty.buffer.Unpooled.wrappedBuffer(bytes));
      return null;
    });
  }

  void advance(Duration d) {
    clock.advance(d);
  }

  void sweep() {
    sweeper.sweepOnce().join();
  }

  @Override
  public void close() {
    sweeper.closeAll().join();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
