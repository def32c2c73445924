package dev.switchboard.cli.browser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dist/switchboard serve} as users run it, started in a {@link LoopbackNamespace} on port 0;
 * the chosen ports are read from its log. Thread-safe: the log is collected by one reader thread.
 */
final class SwitchboardProcess implements AutoCloseable {

  private static final Pattern SIGNALING = Pattern.compile("Signaling (HTTPS?) listening on \\S+:(\\d+)");
  private static final Pattern TURN = Pattern.compile("STUN/TURN (UDP|TCP|TLS) listening on \\S+:(\\d+)");
  private static final Pattern READY = Pattern.compile("Web app: ");

  private final Process process;
  private final StringBuffer log = new StringBuffer();
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile String scheme;
  private volatile int httpPort = -1;
  private volatile int udpPort = -1;
  private volatile int tcpPort = -1;
  private volatile int tlsPort = -1;
  final int relayMin;
  final int relayMax;

  private SwitchboardProcess(List<String> command, int relayMin, int relayMax) throws IOException {
    this.relayMin = relayMin;
    this.relayMax = relayMax;
    this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Thread reader = new Thread(this::readLog, "switchboard-log-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the server; {@code tls} false adds {@code --no-tls}. Fails with the log if it does not come up. */
  static SwitchboardProcess start(Path dataDir, boolean tls) throws IOException, InterruptedException {
    Path dist = Path.of(System.getProperty("user.dir")).resolve("../dist/switchboard").normalize();
    if (!Files.isExecutable(dist)) {
      throw new IllegalStateException(dist + " is missing: run mvn package (verify builds it before the ITs)");
    }
    // Inside the namespace nothing else binds, so any fixed relay range is free.
    int relayMin = 50000;
    int relayMax = 50199;
    List<String> serve = new ArrayList<>(List.of(dist.toString(), "serve", "--data-dir", dataDir.toString(),
        "--public-address", "127.0.0.1", "--https-port", "0", "--turn-port", "0", "--turns-port", "0",
        "--relay-ports", relayMin + "-" + relayMax));
    if (!tls) {
      serve.add("--no-tls");
    }
    SwitchboardProcess server = new SwitchboardProcess(LoopbackNamespace.command(serve), relayMin, relayMax);
    if (!server.ready.await(30, TimeUnit.SECONDS) || server.httpPort < 0) {
      String why = server.process.isAlive() ? "did not start within 30 s" : "exited with " + server.process.exitValue();
      server.close();
      throw new IllegalStateException("switchboard serve " + why + ":\n" + server.log());
    }
    return server;
  }

  private void readLog() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        log.append(line).append('\n');
        Matcher m = SIGNALING.matcher(line);
        if (m.find()) {
          scheme = m.group(1).toLowerCase();
          httpPort = Integer.parseInt(m.group(2));
        }
        m = TURN.matcher(line);
        if (m.find()) {
          int port = Integer.parseInt(m.group(2));
          switch (m.group(1)) {
            case "UDP" -> udpPort = port;
            case "TCP" -> tcpPort = port;
            default -> tlsPort = port;
          }
        }
        if (READY.matcher(line).find()) {
          ready.countDown();
        }
      }
    } catch (IOException e) {
      log.append("(log reader stopped: ").append(e.getMessage()).append(")\n");
    } finally {
      ready.countDown();
    }
  }

  long pid() {
    return process.pid();
  }

  /** e.g. https://127.0.0.1:PORT (reachable only inside the namespace, i.e. from Chromium). */
  String baseUrl() {
    return scheme + "://127.0.0.1:" + httpPort;
  }

  int udpPort() {
    return udpPort;
  }

  int tcpPort() {
    return tcpPort;
  }

  int tlsPort() {
    return tlsPort;
  }

  String log() {
    return log.toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      // SIGTERM drains; sessions of closed pages may sit in their resume window, so do not wait out the drain.
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
