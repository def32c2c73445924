package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.config.DataDir;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import dev.switchboard.cli.pki.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} as users run it: the real binary, real ports, real signals. */
class ServeIT {

  private static final Duration START = Duration.ofSeconds(20);

  @TempDir
  Path work;

  private static final String[] FREE_PORTS = {"--https-port", "0", "--turn-port", "0", "--turns-port", "0",
      "--public-address", "127.0.0.1", "--relay-ports", "50000-50999"};

  private ServerProcess serve(String... extra) throws Exception {
    return ServerProcess.start(work, serveArgs(extra)).awaitReady(START);
  }

  private static String[] serveArgs(String... extra) {
    String[] args = new String[1 + FREE_PORTS.length + extra.length];
    args[0] = "serve";
    System.arraycopy(FREE_PORTS, 0, args, 1, FREE_PORTS.length);
    System.arraycopy(extra, 0, args, 1 + FREE_PORTS.length, extra.length);
    return args;
  }

  @Test
  void zeroConfigServeAnswersHealthzOverTheGeneratedCertificateAndLogsWhatAPersonNeeds() throws Exception {
    try (ServerProcess server = serve()) {
      int https = server.port("Signaling HTTPS");
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(work.resolve("switchboard-data"))).build();
      HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + https + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      try (java.net.Socket plain = new java.net.Socket("127.0.0.1", https)) { // http:// typed for https://
        plain.setSoTimeout(10_000);
        plain.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = new String(plain.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 400").contains("This port speaks HTTPS: use https:// and wss://.");
      }

      Path dataDir = work.resolve("switchboard-data");
      for (Path file : List.of(DataDir.caCert(dataDir), DataDir.cert(dataDir), DataDir.key(dataDir),
          DataDir.turnSecret(dataDir), DataDir.tokenKey(dataDir))) {
        assertThat(file).exists();
      }
      String log = server.output();
      assertThat(log).contains("STUN/TURN UDP listening on", "STUN/TURN TCP listening on", "STUN/TURN TLS listening on");
      int turn = server.port("STUN/TURN UDP");
      int turnTcp = server.port("STUN/TURN TCP");
      int turns = server.port("STUN/TURN TLS");
      assertThat(log).contains("https://127.0.0.1:" + https + "/", "wss://127.0.0.1:" + https + "/ws",
          "stun:127.0.0.1:" + turn, "turn:127.0.0.1:" + turn + "?transport=udp",
          "turn:127.0.0.1:" + turnTcp + "?transport=tcp", "turns:127.0.0.1:" + turns + "?transport=tcp");
      assertThat(log).doesNotContain(Files.readString(DataDir.turnSecret(dataDir)).trim());
      assertThat(log).doesNotContain("Exception");
    }
  }

  @Test
  void laterStartsReuseTheDataDir() throws Exception {
    Path dataDir = work.resolve("switchboard-data");
    String cert;
    String secret;
    try (ServerProcess first = serve()) {
      cert = Files.readString(DataDir.cert(dataDir));
      secret = Files.readString(DataDir.turnSecret(dataDir));
      first.terminate();
      assertThat(first.awaitExit(Duration.ofSeconds(15))).isZero();
    }
    try (ServerProcess second = serve()) {
      assertThat(Files.readString(DataDir.cert(dataDir))).isEqualTo(cert);
      assertThat(Files.readString(DataDir.turnSecret(dataDir))).isEqualTo(secret);
      assertThat(second.output()).doesNotContain("Issued a TLS certificate", "Created the");
    }
  }

  @Test
  void flagsOverrideTheConfigFile() throws Exception {
    int https = freeTcpPort();
    Path config = work.resolve("switchboard.yaml");
    Files.writeString(config, """
        dataDir: from-config
        signaling:
          port: 1
        turn:
          realm: from-config
        """);
    try (ServerProcess server = ServerProcess.start(work, "serve", "--config", config.toString(),
        "--https-port", String.valueOf(https), "--turn-port", "0", "--turns-port", "0", "--no-tls",
        "--data-dir", "from-flag", "--public-address", "127.0.0.1", "--log-level", "debug").awaitReady(START)) {
      assertThat(server.port("Signaling HTTP")).isEqualTo(https);
      assertThat(work.resolve("from-flag/turn-secret")).exists();
      assertThat(work.resolve("from-config")).doesNotExist();
      assertThat(server.output()).doesNotContain("STUN/TURN TLS listening", "turns:");
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + https + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void configErrorsAreReportedTogetherWithExit2AndNoStackTrace() throws Exception {
    Path config = work.resolve("bad.yaml");
    Files.writeString(config, """
        signaling:
          port: 99999
        turn:
          relay:
            ports: 70000-80000
          prot: 3478
        """);
    ServerProcess run = ServerProcess.run(work, Duration.ofSeconds(20), "serve", "--config", config.toString());
    assertThat(run.process().exitValue()).isEqualTo(2);
    assertThat(run.output()).contains("3 config errors",
        "signaling.port: 99999 is outside 0-65535 (line 2)",
        "turn.relay.ports: 70000-80000 is outside 1-65535 (line 5)",
        "turn.prot is not a known key; did you mean turn.port? (line 6)");
    assertThat(run.output()).doesNotContain("Exception", "\tat ");

    ServerProcess usage = ServerProcess.run(work, Duration.ofSeconds(20), "serve", "--no-such-flag");
    assertThat(usage.process().exitValue()).isEqualTo(2);
    assertThat(usage.output()).contains("--no-such-flag");
  }

  @Test
  void aMissingSecretFileIsAConfigErrorAtTheLineOfItsEntry() throws Exception {
    Path config = work.resolve("secrets.yaml");
    Path missing = work.resolve("no-such-secret");
    Files.writeString(config, "turn:\n  auth:\n    secretFiles:\n      - " + missing + "\n");
    ServerProcess run = ServerProcess.run(work, Duration.ofSeconds(20), serveArgs("--no-tls", "--config",
        config.toString(), "--data-dir", work.resolve("data").toString()));
    assertThat(run.process().exitValue()).isEqualTo(2);
    assertThat(run.output()).contains("switchboard serve: config error:", config + ": turn.auth.secretFiles: "
        + missing + ": no such file: create it with the secret on its first line, or fix the path (line 4)");
    assertThat(run.output()).doesNotContain("Exception", "\tat ");
  }

  @Test
  void aPortInUseExitsWith1NamingThePortAndTheFix() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("0.0.0.0", 0));
      int port = taken.getLocalPort();
      ServerProcess run = ServerProcess.run(work, Duration.ofSeconds(20), "serve", "--https-port", String.valueOf(port),
          "--turn-port", "0", "--turns-port", "0", "--public-address", "127.0.0.1");
      assertThat(run.process().exitValue()).isEqualTo(1);
      assertThat(run.output()).contains(String.valueOf(port), "--https-port").doesNotContain("\tat ");
    }
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("0.0.0.0", 0))) {
      int port = taken.getLocalPort();
      // Relay ports below the kernel's ephemeral range, which holds the port taken: a TURN port inside the
      // relay range would be a config error (exit 2) before any bind.
      ServerProcess run = ServerProcess.run(work, Duration.ofSeconds(20), "serve", "--https-port", "0",
          "--turn-port", String.valueOf(port), "--turns-port", "0", "--public-address", "127.0.0.1",
          "--relay-ports", "20000-20999");
      assertThat(run.process().exitValue()).isEqualTo(1);
      assertThat(run.output()).contains(String.valueOf(port), "--turn-port").doesNotContain("\tat ");
    }
  }

  @Test
  void sigtermDrainsTellsClientsAndExits0WithNoPortLeftBound() throws Exception {
    try (ServerProcess server = serve("--no-tls")) {
      int http = server.port("Signaling HTTP");
      int udp = server.port("STUN/TURN UDP");
      int tcp = server.port("STUN/TURN TCP");
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + http + "/ws"), new Collector(received)).get(10, TimeUnit.SECONDS);
      assertThat(received.poll(10, TimeUnit.SECONDS)).contains("\"welcome\"");

      server.terminate();
      String draining = received.poll(10, TimeUnit.SECONDS);
      assertThat(draining).contains("\"server.draining\"");
      HttpResponse<String> ready = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");

      assertThat(server.awaitExit(Duration.ofSeconds(15))).isZero();
      assertThat(server.output()).contains("Stopped");
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("0.0.0.0", http));
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("0.0.0.0", tcp));
      }
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("0.0.0.0", udp))) {
        assertThat(s.getLocalPort()).isEqualTo(udp);
      }
    }
  }

  @Test
  void aSecondSignalExitsAtOnce() throws Exception {
    try (ServerProcess server = serve("--no-tls")) {
      int http = server.port("Signaling HTTP");
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + http + "/ws"), new Collector(received)).get(10, TimeUnit.SECONDS);
      assertThat(received.poll(10, TimeUnit.SECONDS)).contains("\"welcome\"");
      server.terminate();
      assertThat(received.poll(10, TimeUnit.SECONDS)).contains("\"server.draining\"");
      // The client stays connected, so only a second signal ends the 10 s drain early.
      server.terminate();
      assertThat(server.process().waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(server.output()).contains("second SIGTERM");
    }
  }

  /**
   * Start-up is work: once it has been over for 5 s, the server returns the heap it left with one
   * concurrent cycle, and then leaves an idle JVM alone (G1's periodic collection ran every 5 s).
   */
  @Test
  void anIdleServerReturnsItsHeapOnceAndThenStaysIdle() throws Exception {
    Path gcLog = work.resolve("gc.log");
    try (ServerProcess server = ServerProcess.start(work, Map.of("SWITCHBOARD_JAVA_OPTS", "-Xlog:gc:file=" + gcLog),
        serveArgs("--no-tls")).awaitReady(START)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (returningCycles(gcLog) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(200); // a bounded poll on the server's own log
      }
      assertThat(returningCycles(gcLog)).isEqualTo(1);
      Thread.sleep(IdleHeapReturn.QUIET.multipliedBy(2).toMillis()); // idle: G1's periodic collection would run twice
      assertThat(returningCycles(gcLog)).isEqualTo(1);
      assertThat(Files.readString(gcLog)).doesNotContain("Periodic");
    }
  }

  private static long returningCycles(Path gcLog) throws IOException {
    return Files.readAllLines(gcLog).stream().filter(l -> l.contains("Concurrent Start") && l.contains("(System.gc())"))
        .count();
  }

  @Test
  void helpAndVersion() throws Exception {
    ServerProcess version = ServerProcess.run(work, Duration.ofSeconds(20), "--version");
    assertThat(version.process().exitValue()).isZero();
    assertThat(version.output()).matches("(?s)switchboard \\d+\\.\\d+\\.\\d+.*");
    ServerProcess help = ServerProcess.run(work, Duration.ofSeconds(20), "serve", "--help");
    assertThat(help.process().exitValue()).isZero();
    assertThat(help.output()).contains("--public-address", "--relay-ports", "--no-tls", "Examples:");
  }

  private static SSLContext trusting(Path dataDir) throws Exception {
    X509Certificate ca = Pem.readCertificates(DataDir.caCert(dataDir)).get(0);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /**
   * A TCP port that is free now and below the kernel's ephemeral range: a port from that range (what
   * binding port 0 gives) can be handed to the server's own port-0 listeners before the server binds
   * it (CI, 2026-12-02: {@code --turn-port 0} took the port meant for {@code --https-port}).
   */
  private static int freeTcpPort() throws IOException {
    int below = 32768;
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      below = Integer.parseInt(range.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the usual default
    }
    SplittableRandom random = new SplittableRandom();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = random.nextInt(10_000, Math.max(10_001, below));
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free TCP port between 10000 and " + below);
  }

  /** Collects text messages whole. */
  private static final class Collector implements WebSocket.Listener {
    private final LinkedBlockingQueue<String> received;
    private final StringBuilder partial = new StringBuilder();

    Collector(LinkedBlockingQueue<String> received) {
      this.received = received;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      synchronized (partial) {
        partial.append(data);
        if (last) {
          received.add(partial.toString());
          partial.setLength(0);
        }
      }
      ws.request(1);
      return null;
    }
  }
}
