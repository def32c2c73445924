package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.cli.config.ConfigLoader;
import dev.switchboard.cli.config.ConfigOverrides;
import dev.switchboard.cli.config.SwitchboardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import-coturn on a realistic turnserver.conf → config check accepts it → the server runs on it. */
class ImportCoturnIT {

  @TempDir
  Path dir;

  @Test
  void importedConfigPassesConfigCheckAndTurnServesOnIt() throws Exception {
    // The realistic file has use-auth-secret, with which coturn refuses its user= accounts: so does the import.
    SwitchboardConfig config = importAndCheck(conf -> conf);
    try (LoopbackTurn turn = LoopbackTurn.start(config)) {
      Cli alice = Cli.run("probe", "turn:127.0.0.1:" + turn.server.udpPort(), "--user", "alice", "--password", "alicepass");
      assertThat(alice.exitCode()).as(alice.toString()).isNotZero();
      assertThat(alice.out()).contains("401 Unauthorized after authenticating as 'alice'");
      Cli rest = Cli.run("probe", "turn:127.0.0.1:" + turn.server.udpPort(), "--secret", "north-wind-42");
      assertThat(rest.exitCode()).as(rest.toString()).isZero();
    }
  }

  @Test
  void withoutASharedSecretTheImportedUsersAuthenticate() throws Exception {
    // Commented out rather than removed, so that the line numbers importAndCheck expects stay.
    SwitchboardConfig config = importAndCheck(conf -> conf.replace("\nuse-auth-secret\n", "\n# use-auth-secret\n")
        .replace("\nstatic-auth-secret=", "\n# static-auth-secret="));
    try (LoopbackTurn turn = LoopbackTurn.start(config)) {
      // Imported user alice (clear password hashed for the realm) and bob (coturn key kept) both authenticate.
      for (String[] creds : new String[][] {{"alice", "alicepass"}, {"bob", "bobpass"}}) {
        Cli probe = Cli.run("probe", "turn:127.0.0.1:" + turn.server.udpPort(), "--user", creds[0], "--password", creds[1],
            "--count", "3");
        assertThat(probe.out()).as(probe.toString()).contains("auth         ok (user '" + creds[0] + "', realm 'call.example.org')",
            "3/3 datagrams back", "  OK");
      }
    }
  }

  @Test
  void fullServeStartsOnTheImportedConfig() throws Exception {
    SwitchboardConfig config = importAndCheck(conf -> conf);
    try (Switchboard server = Switchboard.start(config, Clock.systemUTC())) {
      assertThat(server.signalingPort()).isPositive();
      assertThat(server.turn().udpPort()).isPositive();
      assertThat(server.turn().tlsPort()).isPositive();
    }
  }

  @Test
  void valuesTheConfigRefusesAreLeftOutAndNumberLikeRealmsStayStrings() throws Exception {
    Path coturnDir = dir.resolve("coturn");
    assertThat(Cli.run("cert", "self-signed", "--host", "turn.example", "--out", coturnDir.resolve("tls").toString())
        .exitCode()).isZero();
    String lines = String.join("\n", "listening-ip=localhost", "external-ip=1.2.3.4/not-an-ip", "denied-peer-ip=foo",
        "allowed-peer-ip=10.0.0.0/33", "user=bob:pa:ss", "user=dave:", "user-quota=0", "total-quota=0",
        "cert=tls/cert.pem", "pkey=tls/key.pem", "");
    Path coturn = coturnDir.resolve("turnserver.conf");
    Path yaml = dir.resolve("etc/switchboard.yaml");
    Files.createDirectories(yaml.getParent());
    // Unquoted, each of these would read back as a number, a boolean or null, or not at all.
    for (String realm : List.of("0x10", ".inf", "-.Inf", ".nan", "12", "1e3", "0b101", "true", "yes", "null", "~")) {
      Files.writeString(coturn, lines + "realm=" + realm + "\n");
      Cli imported = Cli.run("import-coturn", coturn.toString(), "--out", yaml.toString(), "--force");
      assertThat(imported.exitCode()).as(imported.toString()).isZero();
      SwitchboardConfig config = ConfigLoader.load(Optional.of(yaml),
          new ConfigOverrides().set("dataDir", dir.resolve("data"), "--data-dir"), "test");
      assertThat(config.turn().realm()).as(Files.readString(yaml)).isEqualTo(realm);
      assertThat(config.turn().quotas().userAllocations()).isEqualTo(10_000_000);
      assertThat(config.turn().quotas().totalAllocations()).isEqualTo(10_000_000);
      assertThat(config.tls().cert()).contains(coturnDir.resolve("tls/cert.pem"));
      assertThat(Files.readString(dir.resolve("etc/users"))).startsWith("bob:" + realm + ":").doesNotContain("dave");
    }
    Cli check = Cli.run("config", "check", "--config", yaml.toString(), "--data-dir", dir.resolve("data").toString());
    assertThat(check.exitCode()).as(check.toString()).isZero();
  }

  @Test
  void aSecretTheTurnSecretFileCannotHoldFailsTheImportAndWritesNothing() throws Exception {
    Path coturn = Files.writeString(dir.resolve("turnserver.conf"), "user=bob:pw\nstatic-auth-secret=north wind\n");
    Path out = Files.createDirectories(dir.resolve("etc"));
    Cli imported = Cli.run("import-coturn", coturn.toString(), "--out", out.resolve("switchboard.yaml").toString());
    assertThat(imported.exitCode()).as(imported.toString()).isEqualTo(2);
    assertThat(imported.err()).startsWith("switchboard import-coturn: turnserver.conf line 2: static-auth-secret contains "
        + "whitespace, which a turn-secret file cannot hold: set a secret without whitespace").doesNotContain("north", "\tat ");
    assertThat(out).isEmptyDirectory();
  }

  /** Imports the realistic file, checks it with config check, and loads it as serve would (free ports). */
  private SwitchboardConfig importAndCheck(java.util.function.UnaryOperator<String> edit) throws Exception {
    // The realistic file points at Let's Encrypt paths; give them real files here.
    Path certs = dir.resolve("le");
    assertThat(Cli.run("cert", "self-signed", "--host", "call.example.org", "--out", certs.toString()).exitCode()).isZero();
    String conf = edit.apply(String.join("\n", CoturnImportTest.realisticConf()))
        .replace("/etc/letsencrypt/live/call.example.org/fullchain.pem", certs.resolve("cert.pem").toString())
        .replace("/etc/letsencrypt/live/call.example.org/privkey.pem", certs.resolve("key.pem").toString());
    Path coturn = dir.resolve("turnserver.conf");
    Files.writeString(coturn, conf);
    Path yaml = dir.resolve("etc/switchboard.yaml");
    Files.createDirectories(yaml.getParent());

    Cli imported = Cli.run("import-coturn", coturn.toString(), "--out", yaml.toString());
    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    assertThat(imported.err()).contains("note: turnserver.conf line 10: verbose not carried over");
    assertThat(Files.readString(yaml)).contains("realm: call.example.org", "advertisedAddress: 203.0.113.7",
        "#   turnserver.conf line 37: mobility not carried over").doesNotContain("north-wind-42", "alicepass");
    if (conf.contains("\nstatic-auth-secret=")) {
      assertThat(Files.readString(dir.resolve("etc/turn-secret")).trim()).isEqualTo("north-wind-42");
    }
    assertThat(Cli.run("import-coturn", coturn.toString(), "--out", yaml.toString()).exitCode()).isEqualTo(1);

    Path dataDir = dir.resolve("data");
    Cli check = Cli.run("config", "check", "--config", yaml.toString(), "--data-dir", dataDir.toString(), "--json");
    assertThat(check.exitCode()).as(check.toString()).isZero();
    JsonNode result = new ObjectMapper().readTree(check.out());
    assertThat(result.get("urls").toString()).contains("turn:203.0.113.7:3478?transport=udp", "turns:203.0.113.7:5349?transport=tcp");
    assertThat(result.get("warnings").toString()).contains("signaling.auth is none on a public address");
    assertThat(check.out()).doesNotContain("north-wind-42");

    ConfigOverrides overrides = new ConfigOverrides().set("dataDir", dataDir, "--data-dir")
        .set("turn.port", 0, "--turn-port").set("turn.tlsPort", 0, "--turns-port").set("signaling.port", 0, "--https-port")
        .set("signaling.listen", "127.0.0.1", "test")
        // Relay to relay stays on this host: 203.0.113.7 is a documentation address, never a target.
        .set("turn.relay.advertisedAddress", "127.0.0.1", "test").set("turn.peers.allowLoopback", true, "test");
    return ConfigLoader.load(Optional.of(yaml), overrides, "test");
  }
}
