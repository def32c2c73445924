package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Debian's coturn, started with settings equivalent to {@link SwitchboardServer}'s. */
final class CoturnServer implements BenchServer {

  /** Below the kernel's ephemeral range (32768-60999), so the load generators' client sockets never hold relay ports. */
  static final int RELAY_BASE = 10_000;

  private final Proc proc;
  private final InetSocketAddress turn;

  private CoturnServer(Proc proc, InetSocketAddress turn) {
    this.proc = proc;
    this.turn = turn;
  }

  static CoturnServer start(Path work, TurnSetup setup) throws IOException {
    Files.createDirectories(work);
    int port = FreePorts.udpAndTcp();
    List<String> cmd = List.of("turnserver", "-n",
        "--listening-ip=127.0.0.1", "--listening-port=" + port, "--relay-ip=127.0.0.1",
        "--min-port=" + RELAY_BASE, "--max-port=" + (RELAY_BASE + setup.relayPorts() - 1),
        "--lt-cred-mech", "--user=" + setup.user() + ":" + setup.password(), "--realm=" + setup.realm(),
        "--relay-threads=" + setup.threads(),
        "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--no-software-attribute",
        "--userdb=" + work.resolve("turndb"), "--pidfile=" + work.resolve("turnserver.pid"),
        "--log-file=stdout", "--simple-log");
    Proc proc = Proc.start("coturn", cmd, work.resolve("coturn.log"), Map.of());
    InetSocketAddress turn = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (!StunPing.await(turn, Duration.ofSeconds(15))) {
      proc.close();
      throw new IOException("coturn did not answer STUN on " + turn + ":\n" + proc.tail());
    }
    return new CoturnServer(proc, turn);
  }

  static String version() {
    try {
      Process p = new ProcessBuilder("turnserver", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return out.lines().reduce((a, b) -> b).orElse("?");
    } catch (IOException | InterruptedException e) {
      return "not installed";
    }
  }

  @Override
  public String name() {
    return "coturn";
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
