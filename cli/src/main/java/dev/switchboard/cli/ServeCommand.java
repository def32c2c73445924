package dev.switchboard.cli;

import dev.switchboard.cli.config.ConfigOverrides;
import dev.switchboard.cli.config.SwitchboardConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard serve}: signaling, STUN and TURN until SIGTERM/SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the signaling server, the STUN/TURN server and the web pages.",
    footer = {"", "Examples:",
        "  switchboard serve                                   # zero config: ./switchboard-data, ports 8443, 3478, 5349",
        "  switchboard serve --public-address 203.0.113.7 --relay-ports 40000-40999",
        "  switchboard serve --config /etc/switchboard.yaml"})
final class ServeCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin
  ConfigOptions configOptions;

  @Option(names = "--public-address", paramLabel = "ADDR",
      description = "Address clients reach (IP or name; 'auto' detects). Goes into ICE URLs and relayed addresses.")
  String publicAddress;

  @Option(names = "--https-port", paramLabel = "N", description = "HTTPS/WSS port (default 8443; 0 = any free port).")
  Integer httpsPort;

  @Option(names = "--turn-port", paramLabel = "N", description = "STUN/TURN UDP and TCP port (default 3478; 0 = any).")
  Integer turnPort;

  @Option(names = "--turns-port", paramLabel = "N", description = "TURN over TLS port (default 5349; 0 = any).")
  Integer turnsPort;

  @Option(names = "--relay-ports", paramLabel = "MIN-MAX", description = "TURN relay port range (default 49152-65535).")
  String relayPorts;

  @Option(names = "--realm", paramLabel = "R", description = "TURN realm (default switchboard).")
  String realm;

  @Option(names = "--no-tls", description = "Plain http/ws and no turns: (for use behind a TLS proxy).")
  boolean noTls;

  @Option(names = "--allow-loopback-peers", description = "Let TURN relay to loopback: local testing only.")
  boolean allowLoopbackPeers;

  @Option(names = "--log-level", paramLabel = "L", description = "trace, debug, info, warn or error (default info).")
  String logLevel;

  @Option(names = "--class-archive-training", hidden = true,
      description = "Start and stop a throwaway server on loopback (dist/switchboard's class archive).")
  boolean classArchiveTraining;

  @Override
  public Integer call() throws InterruptedException, IOException {
    if (classArchiveTraining) {
      return ClassArchiveTraining.run();
    }
    ConfigOverrides overrides = new ConfigOverrides()
        .set("publicAddress", publicAddress, "--public-address")
        .set("signaling.port", httpsPort, "--https-port")
        .set("turn.port", turnPort, "--turn-port")
        .set("turn.tlsPort", turnsPort, "--turns-port")
        .set("turn.relay.ports", relayPorts, "--relay-ports")
        .set("turn.realm", realm, "--realm")
        .set("tls.enabled", noTls ? false : null, "--no-tls")
        .set("turn.peers.allowLoopback", allowLoopbackPeers ? true : null, "--allow-loopback-peers")
        .set("logLevel", logLevel, "--log-level");
    SwitchboardConfig config = configOptions.load(overrides);
    if (config.tls().enabled()) {
      ServerTls.loadInBackground();
    }
    Logging.configure(config.logLevel());
    if (config.publicAddress().detected()) {
      log.info("publicAddress auto: using {} (set publicAddress or --public-address if clients reach another)",
          config.publicAddress().host());
    }
    Clock clock = Clock.systemUTC();
    ShutdownSignals signals = new ShutdownSignals();
    signals.install();
    Switchboard server = Switchboard.start(config, clock);
    server.logListeners();
    long startedAt = ManagementFactory.getRuntimeMXBean().getStartTime();
    log.info("Switchboard {} ready in {} ms (data dir {})", Version.current(), clock.millis() - startedAt,
        config.dataDir().toAbsolutePath().normalize());
    Runnable stopIdleHeapReturn = IdleHeapReturn.start(); // after "ready": nothing to add to start-up
    String signal = signals.await();
    Duration deadline = config.drainTimeout().plus(BoundedShutdown.GRACE);
    log.info("SIG{}: draining signaling clients for up to {} s, exiting within {} s (a second signal exits at once)",
        signal, config.drainTimeout().toSeconds(), deadline.toSeconds());
    stopIdleHeapReturn.run();
    boolean clean = new BoundedShutdown(deadline, status -> Runtime.getRuntime().halt(status))
        .run(signal, server.shutdownSteps());
    log.info(clean ? "Stopped" : "Stopped, though not cleanly (see above)");
    return clean ? 0 : UserError.RUNTIME;
  }
}
