package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.cli.config.DataDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code user add/remove} and {@code credentials} against the real TURN server with coturn's
 * turnutils_uclient (client-to-client mode, relay to relay on loopback).
 */
class UserAndCredentialsIT {

  @TempDir
  static Path dataDir;
  static LoopbackTurn turn;

  @BeforeAll
  static void start() throws Exception {
    turn = LoopbackTurn.start(dataDir, Map.of("turn.relay.ports", ProbeIT.relayRange(40)));
  }

  @AfterAll
  static void stop() {
    turn.close();
  }

  @Test
  void addedUserRelaysAndRemovedUserGets401() throws Exception {
    Path uclient = ExternalTools.require("turnutils_uclient");
    Cli add = Cli.run("user", "add", "dora", "--password", "pw-dora", "--data-dir", dataDir.toString());
    assertThat(add.exitCode()).as(add.toString()).isZero();
    String line = Files.readString(DataDir.users(dataDir)).trim();
    assertThat(line).matches("dora:switchboard:0x[0-9a-f]{32}").doesNotContain("pw-dora");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DataDir.users(dataDir)))).isEqualTo("rw-------");
    assertThat(Cli.run("user", "list", "--json", "--data-dir", dataDir.toString()).out())
        .contains("\"user\" : \"dora\"", "\"realm\" : \"switchboard\"");

    // The server re-reads the users file within a second: poll, bounded.
    ExternalTools.Result ok = pollUclient(uclient, "dora", "pw-dora", true);
    assertThat(ok.exitCode()).as(ok.output()).isZero();
    assertThat(ok.output()).contains("Total lost packets 0");

    Cli remove = Cli.run("user", "remove", "dora", "--data-dir", dataDir.toString());
    assertThat(remove.exitCode()).as(remove.toString()).isZero();
    ExternalTools.Result refused = pollUclient(uclient, "dora", "pw-dora", false);
    assertThat(refused.exitCode()).as(refused.output()).isNotZero();
    assertThat(refused.output()).contains("Cannot complete Allocation");
    // uclient does not print the code; the probe names it.
    Cli probe = Cli.run("probe", turn.url("turn", false), "--user", "dora", "--password", "pw-dora");
    assertThat(probe.out()).contains("bad credentials: 401 Unauthorized after authenticating as 'dora'");
    assertThat(Cli.run("user", "remove", "dora", "--data-dir", dataDir.toString()).err()).contains("no user dora");
  }

  @Test
  void credentialsWorkWithUclient() throws Exception {
    Path uclient = ExternalTools.require("turnutils_uclient");
    Cli cli = Cli.run("credentials", "--user", "erin", "--ttl", "10m", "--json", "--data-dir", dataDir.toString());
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(cli.out());
    assertThat(json.get("username").asText()).endsWith(":erin");
    assertThat(json.get("ttl").asLong()).isEqualTo(600);
    assertThat(json.get("uris").toString()).contains("?transport=udp", "?transport=tcp");
    ExternalTools.Result r = uclient(uclient, json.get("username").asText(), json.get("password").asText());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("Total lost packets 0");
  }

  @Test
  void rotatedSecretIsPickedUpAndTheOldOneStaysValidForTheGrace() throws Exception {
    String old = Cli.run("secret", "--data-dir", dataDir.toString()).out().trim();
    assertThat(old).isEqualTo(turn.secret());
    Cli rotated = Cli.run("secret", "--rotate", "--grace", "1h", "--data-dir", dataDir.toString());
    assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
    String fresh = rotated.out().trim();
    assertThat(fresh).isNotEqualTo(old);
    Cli probe = null;
    for (int i = 0; i < 30 && (probe == null || probe.exitCode() != 0); i++) {
      if (probe != null) {
        TimeUnit.MILLISECONDS.sleep(100); // the server re-reads the secret file at most once a second
      }
      probe = Cli.run("probe", turn.url("turn", false), "--secret", fresh, "--count", "2");
    }
    assertThat(probe.exitCode()).as(probe.toString()).isZero();
    Cli withOld = Cli.run("probe", turn.url("turn", false), "--secret", old, "--count", "2");
    assertThat(withOld.exitCode()).as(withOld.toString()).isZero();
    Cli wrong = Cli.run("probe", turn.url("turn", false), "--secret", "not-the-secret");
    assertThat(wrong.out()).contains("bad credentials");
  }

  @Test
  void iceOutputIsAnRtcConfiguration() throws Exception {
    Cli cli = Cli.run("credentials", "--ice", "--data-dir", dataDir.toString(), "--config",
        writeConfig("publicAddress: 203.0.113.7\n").toString());
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    JsonNode servers = new ObjectMapper().readTree(cli.out()).get("iceServers");
    assertThat(servers.get(0).get("urls").get(0).asText()).isEqualTo("stun:203.0.113.7:3478");
    assertThat(servers.get(1).get("urls").toString()).contains("turn:203.0.113.7:3478?transport=udp",
        "turns:203.0.113.7:5349?transport=tcp");
    assertThat(servers.get(1).get("username").asText()).endsWith(":user");
  }

  private static Path writeConfig(String yaml) throws Exception {
    Path file = Files.createTempFile(dataDir, "config", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static ExternalTools.Result pollUclient(Path uclient, String user, String password, boolean expectOk)
      throws Exception {
    ExternalTools.Result r = null;
    for (int i = 0; i < 6; i++) {
      r = uclient(uclient, user, password);
      if ((r.exitCode() == 0) == expectOk) {
        return r;
      }
      TimeUnit.MILLISECONDS.sleep(400); // the store checks the file at most once a second
    }
    return r;
  }

  private static ExternalTools.Result uclient(Path uclient, String user, String password) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(uclient.toString(), "-y", "-n", "5", "-m", "1", "-z", "5", "-l", "120",
        "-u", user, "-w", password, "-p", String.valueOf(turn.server.udpPort()), "127.0.0.1"));
    return ExternalTools.run(cmd, 30);
  }
}
