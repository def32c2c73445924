package dev.switchboard.turn;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STUN/TURN server: UDP, TCP and TLS listeners on a shared event loop group. Thread-safe.
 */
public final class TurnServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TurnServer.class);
  /** Datagrams read per recvmmsg batch on epoll UDP listeners. */
  private static final int UDP_BATCH = 16;
  /**
   * Socket buffers of a UDP listener, which carries every UDP client's traffic: a burst while the
   * loop is busy (GC, a TLS handshake) must not overflow the kernel's ~200 KB default. The kernel
   * caps it at net.core.rmem_max / wmem_max.
   */
  private static final int UDP_SOCKET_BUFFER = 4 << 20;
  /**
   * Unsent bytes above which a client link drops what it is asked to send (ClientLink#send): a
   * client that stops reading, or a kernel that refuses datagrams, must not fill our memory. Above
   * what one consolidated flush holds (up to 256 writes, FlushConsolidationHandler): 256 answers or
   * relayed datagrams to all UDP clients, or a relay socket's read budget to one TCP client.
   */
  private static final WriteBufferWaterMark UDP_WATER_MARK = new WriteBufferWaterMark(2 << 20, 4 << 20);
  private static final WriteBufferWaterMark STREAM_WATER_MARK = new WriteBufferWaterMark(512 << 10, 1 << 20);

  private final TurnContext ctx;
  private final EventLoopGroup group;
  private final Dispatcher dispatcher;
  private final Sweeper sweeper;
  private final List<Channel> listeners = new ArrayList<>(); // written in start(), then only by close()
  private final ChannelGroup connections = new DefaultChannelGroup("turn-connections", GlobalEventExecutor.INSTANCE);
  private int udpPort = -1;
  private int tcpPort = -1;
  private int tlsPort = -1;
  private int udpSockets;
  private final Supplier<List<InetAddress>> hostAddresses;
  private HostAddressSockets hostSockets; // set in start(), on a wildcard UDP listener (epoll)
  private volatile ScheduledFuture<?> sweeping;

  private TurnServer(TurnContext ctx, EventLoopGroup group, Supplier<List<InetAddress>> hostAddresses) {
    this.ctx = ctx;
    this.group = group;
    this.hostAddresses = hostAddresses;
    this.dispatcher = new Dispatcher(ctx);
    this.sweeper = new Sweeper(ctx);
  }

  /**
   * Binds every configured listener and returns once all are bound.
   *
   * @param tls a TLS context per new TLS connection (so certificate renewals apply without a
   *            restart); null when TLS is off
   * @throws BindException naming the listener, e.g. "TURN UDP 0.0.0.0:3478: Address already in use"
   */
  public static TurnServer start(TurnConfig config, EventLoopGroup group, Clock clock,
                                 CredentialStore credentials, Supplier<SslContext> tls) throws BindException {
    return start(config, group, clock, credentials, tls, HostAddresses::list);
  }

  /** As above, with the host's addresses (for a wildcard UDP listener) from {@code hostAddresses}. */
  static TurnServer start(TurnConfig config, EventLoopGroup group, Clock clock, CredentialStore credentials,
                          Supplier<SslContext> tls, Supplier<List<InetAddress>> hostAddresses) throws BindException {
    if (config.listeners().tls() && tls == null) {
      throw new IllegalArgumentException("TURN TLS listener is on but no TLS context was given");
    }
    RelayAddresses addresses = RelayAddresses.of(config.relay());
    RelayPortPool ports = new RelayPortPool(config.relay().minPort(), config.relay().maxPort());
    AllocationRegistry registry = new AllocationRegistry(config.quotas(), addresses, config.relay());
    byte[] nonceKey = new byte[32];
    new SecureRandom().nextBytes(nonceKey);
    TurnMetrics metrics = new TurnMetrics(registry::count);
    TurnContext ctx = new TurnContext(config, clock, metrics, registry, ports,
        new PortReservations(ports, registry), addresses, new RelaySockets(NettyTransports.of(group), metrics),
        PeerPolicy.of(config.peers()), credentials, new Nonces(nonceKey, clock, config.lifetimes().nonce()),
        new UnauthorizedLimiter(config.quotas().unauthorizedPerSecond(), clock), new IntegrityMacs());
    if (config.peers().allowLoopback()) {
      log.warn("TURN relays to loopback peers: for local testing only");
    }
    TurnServer server = new TurnServer(ctx, group, hostAddresses);
    try {
      server.bindAll(tls);
    } catch (BindException | RuntimeException e) {
      server.close();
      throw e;
    }
    server.sweeping = group.next().scheduleAtFixedRate(server::sweepQuietly, 1, 1, TimeUnit.SECONDS);
    if (server.hostSockets != null) {
      server.hostSockets.rescanOn(GlobalEventExecutor.INSTANCE);
    }
    return server;
  }

  private void bindAll(Supplier<SslContext> tls) throws BindException {
    TurnConfig.Listeners l = ctx.config().listeners();
    if (l.udp()) {
      bindUdp(l.address(), l.port());
    }
    if (l.tcp()) {
      tcpPort = bindStream("TCP", l.address(), l.port(), null);
    }
    if (l.tls()) {
      tlsPort = bindStream("TLS", l.address(), l.tlsPort(), tls);
    }
    log.info("TURN listening on {} (UDP {} x{}{}, TCP {}, TLS {}), relay ports {}-{}, realm {}",
        l.address().getHostAddress(), udpPort, udpSockets,
        hostSockets == null ? "" : ", answered from each of " + hostSockets.addresses().size() + " host addresses",
        tcpPort, tlsPort, ctx.config().relay().minPort(), ctx.config().relay().maxPort(), ctx.config().realm());
  }

  /**
   * UDP listener sockets share the port with SO_REUSEPORT (epoll), one per loop on half the loops, so
   * the kernel spreads clients across them; one socket with NIO or when the kernel refuses the
   * shared port. Why half: a client's allocations live on its listener's loop, and relay-to-relay
   * traffic between clients on different loops costs a cross-thread wakeup per packet; measured on
   * 2 cores (bench/), one UDP loop relays at about 35% less CPU per packet than two, and its
   * ceiling (~300k packets/s) is far above what the other core can feed it. TCP and TLS clients
   * still use every loop.
   *
   * <p>On the wildcard, each of the host's addresses gets sockets of its own as well
   * ({@link HostAddressSockets}; epoll: the shared port needs SO_REUSEPORT), as coturn binds every
   * address.
   */
  private void bindUdp(InetAddress address, int port) throws BindException {
    NettyTransports transports = NettyTransports.of(group);
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor e : group) {
      loops.add((EventLoop) e);
    }
    if (!transports.epoll()) {
      loops = loops.subList(0, 1);
    } else {
      loops = loops.subList(0, Math.max(1, loops.size() / 2));
      if (port != 0) {
        probeExclusive(address, port);
      }
    }
    List<Channel> wildcard = bindUdpSockets(transports, loops, address, port, true);
    listeners.addAll(wildcard);
    udpSockets = wildcard.size();
    udpPort = ((InetSocketAddress) wildcard.get(0).localAddress()).getPort();
    if (address.isAnyLocalAddress() && transports.epoll()) {
      List<EventLoop> udpLoops = loops;
      hostSockets = new HostAddressSockets(hostAddresses,
          each -> bindUdpSockets(transports, udpLoops, each, udpPort, false));
      hostSockets.bindNew();
    }
  }

  /**
   * Binds a UDP socket on {@code address:port} on each of {@code loops}; returns them. A socket after
   * the first that the kernel refuses ends the group: it keeps those bound, and says so when
   * {@code warn}.
   */
  private List<Channel> bindUdpSockets(NettyTransports transports, List<EventLoop> loops, InetAddress address,
                                       int port, boolean warn) throws BindException {
    int bound = port;
    List<Channel> sockets = new ArrayList<>();
    for (EventLoop loop : loops) {
      Bootstrap b = new Bootstrap().group(loop).channel(transports.datagramChannelClass())
          .option(ChannelOption.SO_RCVBUF, UDP_SOCKET_BUFFER)
          .option(ChannelOption.SO_SNDBUF, UDP_SOCKET_BUFFER)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK, UDP_WATER_MARK)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              // One flush per read batch (sendmmsg on epoll) instead of one per datagram.
              ch.pipeline().addLast("flush", new FlushConsolidationHandler(
                  FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
              ch.pipeline().addLast("stun", new UdpListenerHandler(dispatcher));
            }
          });
      if (transports.epoll()) {
        b.option(EpollChannelOption.SO_REUSEPORT, true)
            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, RelaySockets.MAX_CLIENT_DATAGRAM)
            .option(ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(RelaySockets.MAX_CLIENT_DATAGRAM * UDP_BATCH));
      } else {
        b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RelaySockets.MAX_CLIENT_DATAGRAM));
      }
      ChannelFuture f = b.bind(address, bound).awaitUninterruptibly();
      if (!f.isSuccess()) {
        if (sockets.isEmpty()) {
          throw bindException("UDP", address, bound, f.cause());
        }
        if (warn) {
          log.warn("TURN UDP: SO_REUSEPORT refused for socket {} on port {} ({}); using {} UDP socket(s)",
              sockets.size() + 1, bound, f.cause().getMessage(), sockets.size());
        }
        break;
      }
      sockets.add(f.channel());
      bound = ((InetSocketAddress) f.channel().localAddress()).getPort();
    }
    return sockets;
  }

  /**
   * SO_REUSEPORT would let us share the port with any other process of the same user that also set
   * it (another instance, or coturn, which does): a plain bind first makes "port taken" an error.
   */
  private static void probeExclusive(InetAddress address, int port) throws BindException {
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(null)) {
      probe.setReuseAddress(false);
      probe.bind(new InetSocketAddress(address, port));
    } catch (java.net.SocketException e) {
      throw bindException("UDP", address, port, e);
    }
  }

  private int bindStream(String name, InetAddress address, int port, Supplier<SslContext> tls) throws BindException {
    ServerBootstrap b = new ServerBootstrap().group(group)
        .channel(NettyTransports.of(group).serverChannelClass())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, STREAM_WATER_MARK)
        .childHandler(new StreamChannelInitializer(dispatcher, tls, connections));
    ChannelFuture f = b.bind(address, port).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw bindException(name, address, port, f.cause());
    }
    listeners.add(f.channel());
    return ((InetSocketAddress) f.channel().localAddress()).getPort();
  }

  private static BindException bindException(String name, InetAddress address, int port, Throwable cause) {
    String reason = cause == null || cause.getMessage() == null ? "bind failed" : cause.getMessage();
    // Epoll says "bind(..) failed with error(-98): Address already in use"; keep the errno text only.
    reason = reason.replaceFirst("^bind\\(\\.\\.\\) failed( with error\\(-?\\d+\\))?: ", "");
    BindException e = new BindException("TURN " + name + " " + address.getHostAddress() + ":" + port + ": " + reason);
    e.initCause(cause);
    return e;
  }

  /** The bound UDP port, or -1 when UDP is off. */
  public int udpPort() {
    return udpPort;
  }

  /** Where relay sockets bind, IPv4 first: the configured address, or on a wildcard the advertised one when it is the host's. */
  public List<InetAddress> relayBindAddresses() {
    return ctx.addresses().binds();
  }

  /** The bound TCP port, or -1 when TCP is off. */
  public int tcpPort() {
    return tcpPort;
  }

  /** The bound TLS port, or -1 when TLS is off. */
  public int tlsPort() {
    return tlsPort;
  }

  /** Appends this server's metrics in Prometheus text format (allocations, relayed bytes/packets, auth failures). */
  public void appendPrometheus(StringBuilder out) {
    ctx.metrics().appendPrometheus(out);
  }

  /** Runs one expiry cycle now (tests move their clock, then call this). */
  CompletableFuture<Void> sweepNow() {
    return sweeper.sweepOnce();
  }

  TurnContext context() {
    return ctx;
  }

  int udpSocketCount() {
    return udpSockets;
  }

  /** The host addresses a wildcard UDP listener has sockets of its own on (for tests). */
  List<InetAddress> udpAddresses() {
    return hostSockets == null ? List.of() : hostSockets.addresses();
  }

  /** Reads the host's addresses again now, as every 30 s; returns those that got sockets (for tests). */
  List<InetAddress> rescanHostAddresses() {
    return hostSockets == null ? List.of() : hostSockets.bindNew();
  }

  private void sweepQuietly() {
    try {
      sweeper.sweepOnce();
    } catch (RuntimeException e) {
      log.warn("TURN expiry sweep failed", e);
    }
  }

  /** Closes every listener and relay socket and waits until they are closed. Not from an event loop. */
  @Override
  public synchronized void close() {
    if (sweeping != null) {
      sweeping.cancel(false);
    }
    if (hostSockets != null) {
      hostSockets.close();
    }
    for (Channel ch : listeners) {
      ch.close().awaitUninterruptibly();
    }
    listeners.clear();
    connections.close().awaitUninterruptibly();
    sweeper.closeAll().join();
    log.info("TURN server closed");
  }
}
