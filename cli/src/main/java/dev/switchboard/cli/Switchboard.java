package dev.switchboard.cli;

import dev.switchboard.cli.config.DataDir;
import dev.switchboard.cli.config.FileErrors;
import dev.switchboard.cli.config.SwitchboardConfig;
import dev.switchboard.signaling.MetricsSource;
import dev.switchboard.signaling.SignalingServer;
import dev.switchboard.signaling.Tokens;
import dev.switchboard.turn.CredentialStore;
import dev.switchboard.turn.TurnRestCredentials;
import dev.switchboard.turn.TurnServer;
import dev.switchboard.turn.UsersFileStore;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Switchboard: the composition root that wires the data dir, TLS, credentials, the TURN
 * server and the signaling server onto one event loop group. Thread-safe.
 */
final class Switchboard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Switchboard.class);
  /** How long past the drain window the drain is waited for, should signaling's own timer not fire. */
  private static final long DRAIN_SLACK_MILLIS = 1000;

  private final SwitchboardConfig config;
  private final EventLoopGroup group;
  private final TurnServer turn;
  private final SignalingServer signaling;
  private final TurnIceServers ice;

  private Switchboard(SwitchboardConfig config, EventLoopGroup group, TurnServer turn,
                      SignalingServer signaling, TurnIceServers ice) {
    this.config = config;
    this.group = group;
    this.turn = turn;
    this.signaling = signaling;
    this.ice = ice;
  }

  /**
   * Prepares the data dir and binds every listener.
   *
   * @throws UserError exit 1 for a port in use or an unusable data dir, exit 2 for unusable TLS files
   */
  static Switchboard start(SwitchboardConfig config, Clock clock) {
    return start(config, clock, () -> EventLoops.create(Runtime.getRuntime().availableProcessors()));
  }

  /** As {@link #start(SwitchboardConfig, Clock)} on the group {@code loops} makes once the files are ready. */
  static Switchboard start(SwitchboardConfig config, Clock clock, Supplier<EventLoopGroup> loops) {
    Path dataDir = config.dataDir();
    DataDirSetup setup = new DataDirSetup(dataDir, clock);
    Supplier<SslContext> tls = null;
    TurnSecretFiles secrets;
    byte[] tokenKey;
    try {
      setup.prepareSecrets();
      tokenKey = readTokenKey(DataDir.tokenKey(dataDir));
    } catch (IOException e) {
      String dir = dataDir.toAbsolutePath().toString();
      String problem = FileErrors.describe(null, e);
      throw new UserError(UserError.RUNTIME, "data dir " + (problem.startsWith(dir + ":") ? "" : dir + ": ") + problem
          + " (check its permissions or choose another with --data-dir)", e);
    }
    try {
      secrets = new TurnSecretFiles(config.effectiveSecretFiles(), secretFromEnv(config), clock);
    } catch (IOException e) {
      throw TurnSecretFiles.unusable(config, e);
    }
    if (config.tls().enabled()) {
      tls = tlsContext(config, setup, clock);
    }
    EventLoopGroup group = loops.get();
    TurnServer turn = null;
    try {
      TurnRestCredentials rest = new TurnRestCredentials(secrets, clock);
      if (config.turnEnabled()) {
        if (config.turn().peers().allowLoopback()) {
          log.warn("TURN relays to loopback peers (turn.peers.allowLoopback): for local testing only");
        }
        CredentialStore credentials = CredentialStore.union(new UsersFileStore(config.effectiveUsersFile()), rest);
        turn = TurnServer.start(config.turn(), group, clock, credentials, tls);
      }
      TurnIceServers ice = turn == null
          ? new TurnIceServers(config.publicAddress(), -1, -1, -1, rest, config.iceTtl())
          : new TurnIceServers(config.publicAddress(), turn.udpPort(), turn.tcpPort(), turn.tlsPort(), rest,
              config.iceTtl());
      MetricsSource turnMetrics = turn == null ? out -> { } : turn::appendPrometheus;
      SignalingServer signaling = SignalingServer.start(config.signaling(), group, clock, tls, ice,
          new Tokens(tokenKey, clock), turnMetrics);
      return new Switchboard(config, group, turn, signaling, ice);
    } catch (BindException e) {
      if (turn != null) {
        turn.close();
      }
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new UserError(UserError.RUNTIME, bindFailure(e.getMessage()));
    } catch (RuntimeException e) {
      if (turn != null) {
        turn.close();
      }
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  private static Supplier<SslContext> tlsContext(SwitchboardConfig config, DataDirSetup setup, Clock clock) {
    Path cert = config.tls().cert().orElse(DataDir.cert(config.dataDir()));
    Path key = config.tls().key().orElse(DataDir.key(config.dataDir()));
    try {
      if (config.tls().cert().isEmpty()) {
        List<String> extra = new ArrayList<>();
        if (!config.publicAddress().address().isAnyLocalAddress()) {
          extra.add(config.publicAddress().host());
        }
        setup.prepareTls(extra);
      }
      return new ReloadingSslContext(cert, key, clock);
    } catch (IOException e) {
      String fix = config.tls().cert().isPresent() ? "fix tls.cert/tls.key, or remove them to use the generated certificate"
          : "check the files in " + DataDir.tlsDir(config.dataDir()) + "; delete cert.pem and key.pem to have them made"
              + " again, and ca.pem with ca-key.pem too when the CA is what is wrong (clients must then trust the new ca.pem)";
      throw new UserError(UserError.USAGE, "TLS: " + FileErrors.describe(null, e) + " (" + fix + ")", e);
    }
  }

  static String secretFromEnv(SwitchboardConfig config) {
    String name = config.turnAuth().secretEnv();
    if (name.isEmpty()) {
      return "";
    }
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new UserError(UserError.USAGE, "turn.auth.secretEnv names " + name
          + ", which is not set (export it where serve runs, or take turn.auth.secretEnv out of the config)");
    }
    return value.trim();
  }

  static byte[] readTokenKey(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).trim();
    try {
      byte[] key = Base64.getUrlDecoder().decode(text);
      if (key.length < 32) {
        throw new IOException(file + " holds " + key.length + " bytes; a signing key needs 32 (delete it to have one made)");
      }
      return key;
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not base64url text (delete it to have a new key made)");
    }
  }

  /**
   * The listener's failure with what to do about it. Two of our own listeners on one port are a
   * config error caught before this (PortClashes), so "in use" here means another process.
   */
  private static String bindFailure(String listenerMessage) {
    boolean signaling = listenerMessage.contains("signaling");
    String flag = signaling ? "--https-port" : listenerMessage.contains("TLS") ? "--turns-port" : "--turn-port";
    String addressKey = signaling ? "signaling.listen" : "turn.listen";
    String hint;
    if (listenerMessage.contains("Address already in use")) {
      hint = "another process holds this port: stop it (ss -ltnup shows which), or choose another with " + flag;
    } else if (listenerMessage.contains("Cannot assign requested address")) {
      hint = "the address is not one of this host's: fix " + addressKey;
    } else if (listenerMessage.contains("Permission denied")) {
      hint = "ports below 1024 need root or CAP_NET_BIND_SERVICE: choose another with " + flag;
    } else {
      hint = "choose another port with " + flag + " or another address with " + addressKey;
    }
    return listenerMessage + System.lineSeparator() + "  " + hint;
  }

  void logListeners() {
    String host = config.publicAddress().urlHost();
    String scheme = config.tls().enabled() ? "https" : "http";
    String ws = config.tls().enabled() ? "wss" : "ws";
    String bind = config.signaling().address().getHostAddress();
    log.info("Signaling {} listening on {}:{}", scheme.toUpperCase(), bind, signaling.port());
    if (turn != null) {
      String turnBind = config.turn().listeners().address().getHostAddress();
      if (turn.udpPort() > 0) {
        log.info("STUN/TURN UDP listening on {}:{}", turnBind, turn.udpPort());
      }
      if (turn.tcpPort() > 0) {
        log.info("STUN/TURN TCP listening on {}:{}", turnBind, turn.tcpPort());
      }
      if (turn.tlsPort() > 0) {
        log.info("STUN/TURN TLS listening on {}:{}", turnBind, turn.tlsPort());
      }
      log.info("TURN relay ports {}-{} on {}, advertised as {}", config.turn().relay().minPort(),
          config.turn().relay().maxPort(), turn.relayBindAddresses().stream().map(InetAddress::getHostAddress)
              .collect(Collectors.joining(" and ")),
          config.turn().relay().advertisedAddress().getHostAddress());
    }
    log.info("Web app: {}://{}:{}/   WebSocket: {}://{}:{}/ws", scheme, host, signaling.port(), ws, host,
        signaling.port());
    if (!ice.urls().isEmpty()) {
      log.info("ICE servers: {}", String.join(" ", ice.urls()));
    }
  }

  int signalingPort() {
    return signaling.port();
  }

  TurnServer turn() {
    return turn;
  }

  /** Tells signaling clients to go and waits for them, at most the configured drain timeout. */
  CompletableFuture<Void> drain() {
    return signaling.drain(config.drainTimeout());
  }

  /**
   * Serve's shutdown after a signal, run by {@link BoundedShutdown}: drain the signaling clients, close
   * the listeners and connections, stop the event loops. Past the drain window no step bounds its
   * own waits: the deadline around them all does, and names the step that hangs.
   */
  List<BoundedShutdown.Step> shutdownSteps() {
    return List.of(
        BoundedShutdown.Step.of("draining signaling clients", this::awaitDrain),
        BoundedShutdown.Step.of("closing signaling", signaling::close),
        BoundedShutdown.Step.of("closing TURN", turn == null ? () -> { } : turn::close),
        new BoundedShutdown.Step(this::describeLoops,
            () -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly()));
  }

  private void awaitDrain() {
    try {
      // Signaling ends the drain at its window by a timer on an event loop: this wait does not count
      // on that loop running.
      drain().get(config.drainTimeout().toMillis() + DRAIN_SLACK_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      log.warn("drain ended early: {}", e.getCause().toString());
    } catch (TimeoutException e) {
      log.warn("the drain did not end with its window (is an event loop stuck?); closing anyway");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** "stopping the event loops (1 of 4 still running)": which part of the shutdown hangs. */
  private String describeLoops() {
    int all = 0;
    int running = 0;
    for (EventExecutor loop : group) {
      all++;
      if (!loop.isTerminated()) {
        running++;
      }
    }
    return "stopping the event loops (" + running + " of " + all + " still running)";
  }

  @Override
  public void close() {
    signaling.close();
    if (turn != null) {
      turn.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
