package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.cli.config.DataDir;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard probe} against our TURN server and against coturn, on loopback. */
class ProbeIT {

  @TempDir
  static Path dataDir;
  static LoopbackTurn turn;

  @BeforeAll
  static void start() throws Exception {
    turn = LoopbackTurn.start(dataDir, Map.of("turn.relay.ports", relayRange(40)));
  }

  @AfterAll
  static void stop() {
    turn.close();
  }

  @Test
  void passesOnEveryTransportOfOurServerWithRestCredentials() throws Exception {
    Cli cli = Cli.run("probe", turn.url("stun", false), turn.url("turn", false), turn.url("turn", true),
        turn.url("turns", true), "--secret", turn.secret(), "--ca", DataDir.caCert(dataDir).toString(),
        "--count", "5", "--json");
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    JsonNode reports = new ObjectMapper().readTree(cli.out());
    assertThat(reports).hasSize(4);
    for (JsonNode r : reports) {
      assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
      assertThat(r.get("reflexive").asText()).startsWith("127.0.0.1:");
      assertThat(r.get("nat").asBoolean()).isFalse();
    }
    for (int i = 1; i < 4; i++) {
      JsonNode r = reports.get(i);
      assertThat(r.get("relay").asText()).startsWith("127.0.0.1:");
      assertThat(r.get("received").asInt()).as(r.toString()).isEqualTo(5);
      assertThat(r.get("rttMs").get("max").asDouble()).isGreaterThanOrEqualTo(r.get("rttMs").get("min").asDouble());
      assertThat(r.get("realm").asText()).isEqualTo("switchboard");
    }
  }

  @Test
  void textOutputHasOneBlockPerUrl() throws Exception {
    Cli cli = Cli.run("probe", turn.url("turn", false), "--secret", turn.secret(), "--count", "3");
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out()).contains("reflexive    127.0.0.1:", "no NAT", "auth         ok", "relay        127.0.0.1:",
        "3/3 datagrams back through both relays, loss 0%", "  OK");
  }

  @Test
  void sendIndicationsRelayToo() throws Exception {
    Cli cli = Cli.run("probe", turn.url("turn", false), turn.url("turn", true), "--secret", turn.secret(), "--count", "3",
        "--send-indications");
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out()).contains("3/3 datagrams back");
  }

  @Test
  void wrongPasswordIsNamedAsBadCredentials() throws Exception {
    assertThat(Cli.run("user", "add", "alice", "--password", "right", "--data-dir", dataDir.toString()).exitCode()).isZero();
    Cli cli = Cli.run("probe", turn.url("turn", false), "--user", "alice", "--password", "wrong");
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
    assertThat(cli.out()).contains("FAIL: bad credentials: 401 Unauthorized after authenticating as 'alice' in realm 'switchboard'");
    assertThat(cli.err()).contains("bad credentials");
  }

  @Test
  void wrongRealmIsNamed() throws Exception {
    Cli cli = Cli.run("probe", turn.url("turn", false), "--secret", turn.secret(), "--realm", "example.org");
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.out()).contains("wrong realm: the server's realm is 'switchboard', not 'example.org'");
  }

  @Test
  void missingCredentialsAreNamed() {
    Cli cli = Cli.run("probe", turn.url("turn", false));
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.out()).contains("authentication required (realm 'switchboard')");
  }

  @Test
  void closedPortsAreNamedOnUdpAndTcp() throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
         ServerSocket t = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = t.getLocalPort();
    }
    Cli cli = Cli.run("probe", "stun:127.0.0.1:" + port, "turn:127.0.0.1:" + port + "?transport=tcp", "--timeout", "2s");
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
    assertThat(cli.out()).contains("FAIL: port closed: 127.0.0.1:" + port + "/UDP", "FAIL: port closed: TCP connect to 127.0.0.1:"
        + port + "/TCP refused");
  }

  @Test
  void privateRelayAddressFailsBeforeAnyTrafficGoesThere() throws Exception {
    try (LoopbackTurn misconfigured = LoopbackTurn.start(dataDir.resolve("private"),
        Map.of("turn.relay.advertisedAddress", "10.9.9.9", "turn.relay.ports", relayRange(10)))) {
      Cli cli = Cli.run("probe", misconfigured.url("turn", false), "--secret", misconfigured.secret());
      assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
      assertThat(cli.out()).contains("relay        10.9.9.9:",
          "FAIL: relay address 10.9.9.9 is private: set publicAddress").doesNotContain("round trip");
    }
  }

  @Test
  void badUrlIsAUsageError() {
    Cli cli = Cli.run("probe", "http://example.org");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("is not a STUN/TURN URL");
  }

  @Test
  void passesAgainstCoturn() throws Exception {
    Path turnserver = ExternalTools.require("turnserver");
    int port;
    try (ServerSocket t = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = t.getLocalPort();
    }
    int min = 20000 + ThreadLocalRandom.current().nextInt(20000);
    List<String> command = new ArrayList<>(List.of(turnserver.toString(), "-n", "--no-cli", "--no-tls", "--no-dtls",
        "--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1", "--listening-port", String.valueOf(port),
        "--min-port", String.valueOf(min), "--max-port", String.valueOf(min + 20), "--lt-cred-mech",
        "--user", "carol:pa55", "--realm", "coturn.test", "--allow-loopback-peers", "--no-rfc5780",
        "--log-file", "stdout", "--userdb", dataDir.resolve("coturn.db").toString(),
        "--pidfile", dataDir.resolve("coturn.pid").toString()));
    Process coturn = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("coturn.log").toFile()).start();
    try {
      String url = "turn:127.0.0.1:" + port + "?transport=udp";
      Cli cli = null;
      for (int i = 0; i < 50 && (cli == null || cli.exitCode() != 0); i++) {
        cli = Cli.run("probe", "stun:127.0.0.1:" + port, "--timeout", "200ms");
        if (cli.exitCode() != 0) {
          TimeUnit.MILLISECONDS.sleep(100); // readiness poll: coturn has no ready signal
        }
      }
      assertThat(cli.exitCode()).as("coturn did not answer STUN: " + cli).isZero();
      cli = Cli.run("probe", url, "turn:127.0.0.1:" + port + "?transport=tcp", "--user", "carol", "--password", "pa55",
          "--realm", "coturn.test", "--count", "5");
      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      assertThat(cli.out()).contains("realm 'coturn.test'", "5/5 datagrams back");
      cli = Cli.run("probe", url, "--user", "carol", "--password", "pa55", "--count", "3", "--send-indications");
      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      cli = Cli.run("probe", url, "--user", "carol", "--password", "nope");
      assertThat(cli.exitCode()).isEqualTo(1);
      assertThat(cli.out()).contains("bad credentials");
    } finally {
      coturn.destroy();
      if (!coturn.waitFor(5, TimeUnit.SECONDS)) {
        coturn.destroyForcibly();
      }
    }
  }

  /** A small relay range so parallel test runs rarely collide; 0 ports would be any. */
  static String relayRange(int size) {
    int min = 40000 + ThreadLocalRandom.current().nextInt(20000);
    return min + "-" + (min + size);
  }

}
