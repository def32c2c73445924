package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** dist/switchboard as shipped (its own JVM options), started with a bench config on loopback. */
final class SwitchboardServer implements BenchServer {

  /** Below the kernel's ephemeral range (32768-60999), so the load generators' client sockets never hold relay ports. */
  static final int RELAY_BASE = 20_000;

  private final Proc proc;
  private final InetSocketAddress turn;
  private final InetSocketAddress http;

  private SwitchboardServer(Proc proc, InetSocketAddress turn, InetSocketAddress http) {
    this.proc = proc;
    this.turn = turn;
    this.http = http;
  }

  /** The TURN benchmark configuration: plain (no TLS) listeners, quotas out of the way. */
  static String turnYaml(TurnSetup setup, int turnPort, int httpPort) {
    return """
        publicAddress: 127.0.0.1
        logLevel: warn
        tls:
          enabled: false
        signaling:
          listen: 127.0.0.1
          port: %d
          connectionsPerIp: 100000
        turn:
          realm: %s
          listen: 127.0.0.1
          port: %d
          tls: false
          relay:
            ports: %d-%d
            address: 127.0.0.1
          quotas:
            userAllocations: 100000
            totalAllocations: 100000
            unauthorizedPerSecond: 1000000
          peers:
            allowLoopback: true
        """.formatted(httpPort, setup.realm(), turnPort, RELAY_BASE, RELAY_BASE + setup.relayPorts() - 1);
  }

  /** Starts serve with the TURN bench configuration and one user; returns once every port answers. */
  static SwitchboardServer startTurn(Path dist, Path work, TurnSetup setup) throws IOException {
    int turnPort = FreePorts.udpAndTcp();
    int httpPort = FreePorts.tcp();
    return start(dist, work, turnYaml(setup, turnPort, httpPort), setup, turnPort, httpPort);
  }

  /**
   * Starts serve with {@code yaml} as its config, after adding {@code setup}'s user; waits until
   * the HTTP port accepts and, when {@code turnPort > 0}, STUN answers.
   */
  static SwitchboardServer start(Path dist, Path work, String yaml, TurnSetup setup, int turnPort, int httpPort)
      throws IOException {
    Files.createDirectories(work);
    Path config = work.resolve("switchboard.yaml");
    Files.writeString(config, yaml);
    Path data = work.resolve("data");
    if (setup != null) {
      run(List.of(dist.toString(), "user", "add", setup.user(), "--password", setup.password(),
          "--realm", setup.realm(), "--config", config.toString(), "--data-dir", data.toString()), work);
    }
    List<String> cmd = new ArrayList<>(List.of(dist.toString(), "serve", "--config", config.toString(),
        "--data-dir", data.toString()));
    Proc proc = Proc.start("switchboard", cmd, work.resolve("switchboard.log"), Map.of());
    InetAddress lo = InetAddress.getLoopbackAddress();
    InetSocketAddress turn = turnPort > 0 ? new InetSocketAddress(lo, turnPort) : null;
    InetSocketAddress http = new InetSocketAddress(lo, httpPort);
    try {
      awaitTcp(http, Duration.ofSeconds(20), proc);
      if (turn != null && !StunPing.await(turn, Duration.ofSeconds(10))) {
        throw new IOException("no STUN answer on " + turn);
      }
    } catch (IOException e) {
      proc.close();
      throw new IOException("switchboard did not start: " + e.getMessage() + "\n" + proc.tail(), e);
    }
    return new SwitchboardServer(proc, turn, http);
  }

  static void awaitTcp(InetSocketAddress address, Duration within, Proc proc) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(address, 200);
        return;
      } catch (IOException e) {
        if (!proc.alive()) {
          throw new IOException(proc.name() + " exited");
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("nothing listens on " + address);
        }
        sleep(5);
      }
    }
  }

  private static void run(List<String> cmd, Path work) throws IOException {
    Path log = work.resolve("setup.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed:\n" + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  InetSocketAddress http() {
    return http;
  }

  @Override
  public String name() {
    return "switchboard";
  }

  @Override
  public Proc proc() {
    return proc;
  }

  @Override
  public InetSocketAddress turn() {
    return turn;
  }

  @Override
  public void close() {
    proc.close();
  }
}
