package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.config.DataDir;
import dev.switchboard.signaling.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help, usage errors, config check and token: the commands that need no network. */
class CommandsTest {

  @TempDir
  Path dir;

  @Test
  void everyCommandHasHelpWithAnExample() {
    List<List<String>> commands = List.of(List.of("cert"), List.of("cert", "ca"), List.of("cert", "issue"),
        List.of("cert", "self-signed"), List.of("cert", "show"), List.of("user"), List.of("user", "add"),
        List.of("user", "remove"), List.of("user", "list"), List.of("secret"), List.of("credentials"), List.of("probe"),
        List.of("import-coturn"), List.of("config"), List.of("config", "check"), List.of("token"));
    for (List<String> command : commands) {
      String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help")).toArray(String[]::new);
      Cli cli = Cli.run(args);
      assertThat(cli.exitCode()).as(String.join(" ", command)).isZero();
      assertThat(cli.out()).as(String.join(" ", command)).containsPattern("Examples?:")
          .contains("switchboard " + command.get(0));
    }
  }

  @Test
  void serveBuildsOnlyItsOwnCommandAndReadsTheSame() throws Exception {
    assertThat(Main.commandLine("serve").getSubcommands().keySet()).containsExactly("serve");
    assertThat(Main.commandLine("user", "list").getSubcommands().keySet()).contains("serve", "user", "cert", "help");

    Cli help = Cli.run("serve", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: switchboard serve").containsPattern("Examples?:");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "rooms:\n  defaultCapcity: 4\n");
    Cli error = Cli.run("serve", "--config", bad.toString(), "--data-dir", dir.toString());
    assertThat(error.exitCode()).isEqualTo(2);
    assertThat(error.err()).contains("switchboard serve: ").contains("did you mean rooms.defaultCapacity?");
    assertThat(Cli.run("serve", "--bogus").err()).contains("Unknown option: '--bogus'").contains("Usage: switchboard serve");
  }

  @Test
  void usageErrorsExitTwoWithAClearMessage() {
    Cli cli = Cli.run("user", "add", "eve", "--data-dir", dir.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("give exactly one of --password P or --password-stdin");
    assertThat(Cli.run("credentials", "--ttl", "forever", "--data-dir", dir.toString()).err())
        .contains("--ttl forever: expected a duration such as 30s");
    assertThat(Cli.run("probe", "turn:h", "--user", "u").err()).contains("--user and --password go together");
    assertThat(Cli.run("cert", "frobnicate").exitCode()).isEqualTo(2);
  }

  @Test
  void credentialsWithTurnOffGiveNoUrlsAndSaySo() throws Exception {
    Path yaml = Files.writeString(dir.resolve("noturn.yaml"), "publicAddress: 203.0.113.4\nturn:\n  enabled: false\n");
    assertThat(Cli.run("secret", "--data-dir", dir.toString()).exitCode()).isZero();
    Cli cli = Cli.run("credentials", "--json", "--config", yaml.toString(), "--data-dir", dir.toString());
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out().replaceAll("\\s", "")).contains("\"username\"", "\"uris\":[]");
    assertThat(cli.err()).contains("note: turn.enabled is false: no STUN/TURN URLs");
    Cli ice = Cli.run("credentials", "--ice", "--config", yaml.toString(), "--data-dir", dir.toString());
    assertThat(ice.out().replaceAll("\\s", "")).contains("{\"iceServers\":[]}");
  }

  @Test
  void configCheckReportsErrorsWithLinesAndWarnings() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "turn:\n  relay:\n    ports: 70000-80000\n");
    Cli cli = Cli.run("config", "check", "--config", bad.toString(), "--data-dir", dir.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("turn.relay.ports", "line 3");
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, "publicAddress: 10.1.2.3\nturn:\n  peers:\n    allow: [0.0.0.0/0]\n"
        + "signaling:\n  trustedProxies: [10.0.0.5, \"::/0\"]\n");
    cli = Cli.run("config", "check", "--config", good.toString(), "--data-dir", dir.toString());
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out()).contains("config OK", "stun:10.1.2.3:3478", "turns:10.1.2.3:5349?transport=tcp",
        "warning: publicAddress 10.1.2.3 is private", "warning: turn.peers.allow has 0.0.0.0/0",
        "warning: signaling.trustedProxies has ::/0");
    assertThat(cli.out()).doesNotContain("trustedProxies has 10.0.0.5");
  }

  @Test
  void userListNeverShowsKeysAndRemoveNamesAMissingUser() throws Exception {
    assertThat(Cli.run("user", "add", "a:b", "--password", "x", "--realm", "r1", "--data-dir", dir.toString()).exitCode()).isZero();
    assertThat(Cli.run("user", "add", "a:b", "--password", "y", "--realm", "r1", "--data-dir", dir.toString()).out())
        .contains("changed the password of a:b");
    Files.writeString(DataDir.users(dir), "# comment kept\n" + Files.readString(DataDir.users(dir)));
    Cli list = Cli.run("user", "list", "--data-dir", dir.toString());
    assertThat(list.out()).isEqualTo("a:b\tr1\n");
    assertThat(Files.readString(DataDir.users(dir))).startsWith("# comment kept\n").contains(
        "a:b:r1:0x" + dev.switchboard.turn.UsersFileStore.keyHex("a:b", "r1", "y"));
    assertThat(Cli.run("user", "remove", "zed", "--data-dir", dir.toString()).exitCode()).isEqualTo(1);
  }

  @Test
  void tokenIsSignedWithTheDataDirKey() throws Exception {
    Cli missing = Cli.run("token", "--user", "u1", "--data-dir", dir.toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("token-key does not exist");
    new DataDirSetup(dir, Clock.systemUTC()).prepareSecrets();
    byte[] key = Switchboard.readTokenKey(DataDir.tokenKey(dir));
    Tokens tokens = new Tokens(key, Clock.systemUTC());
    Cli cli = Cli.run("token", "--user", "u1", "--name", "Una", "--room", "standup", "--ttl", "2h", "--data-dir", dir.toString());
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    Tokens.Claims claims = tokens.verify(cli.out().trim());
    assertThat(claims.userId()).isEqualTo("u1");
    assertThat(claims.name()).isEqualTo("Una");
    assertThat(claims.room()).isEqualTo("standup");
  }
}
