package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values a command would have taken and failed on later, or crashed on: refused at once, in one line
 * naming the flag, key or file and the fix, never a stack trace.
 */
class CommandLimitsTest {

  @TempDir
  Path dir;

  @Test
  void aDurationPastAHundredYearsIsAUsageError() throws IOException {
    Cli token = Cli.run("token", "--user", "x", "--ttl", "99999999999999d", "--data-dir", dir.toString());
    assertThat(token.exitCode()).as(token.toString()).isEqualTo(2);
    assertThat(token.err()).contains("--ttl 99999999999999d: at most 36500d").doesNotContain("\tat ");

    assertThat(Cli.run("secret", "--data-dir", dir.toString()).exitCode()).isZero();
    String before = Files.readString(dir.resolve("turn-secret"));
    Cli rotate = Cli.run("secret", "--rotate", "--grace", "99999999999999d", "--data-dir", dir.toString());
    assertThat(rotate.exitCode()).as(rotate.toString()).isEqualTo(2);
    assertThat(rotate.err()).contains("--grace").doesNotContain("\tat ");
    assertThat(Files.readString(dir.resolve("turn-secret"))).as("nothing written").isEqualTo(before);
  }

  @Test
  void graceGoesWithRotateAndIsAtLeastASecond() {
    Cli alone = Cli.run("secret", "--grace", "1h", "--data-dir", dir.toString());
    assertThat(alone.exitCode()).as(alone.toString()).isEqualTo(2);
    assertThat(alone.err()).contains("--grace goes with --rotate");
    Cli tiny = Cli.run("secret", "--rotate", "--grace", "500ms", "--data-dir", dir.toString());
    assertThat(tiny.exitCode()).as(tiny.toString()).isEqualTo(2);
    assertThat(tiny.err()).contains("--grace 500ms: at least 1s");
  }

  @Test
  void aTokenWithARoomOrNameNoJoinCouldHaveIsRefused() {
    for (String room : new String[] {"", "a b", "x".repeat(65)}) {
      Cli token = Cli.run("token", "--user", "x", "--room", room, "--data-dir", dir.toString());
      assertThat(token.exitCode()).as(token.toString()).isEqualTo(2);
      assertThat(token.err()).contains("--room '" + room + "': expected a room id");
    }
    Cli longName = Cli.run("token", "--user", "x", "--name", "n".repeat(65), "--data-dir", dir.toString());
    assertThat(longName.exitCode()).as(longName.toString()).isEqualTo(2);
    assertThat(longName.err()).contains("--name: at most 64 characters");
  }

  @Test
  void aRealmWithAColonIsAConfigError() throws IOException {
    Path yaml = Files.writeString(dir.resolve("sb.yaml"), "turn:\n  realm: \"a:b\"\n");
    Cli check = Cli.run("config", "check", "--config", yaml.toString(), "--data-dir", dir.resolve("data").toString());
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(2);
    assertThat(check.err()).contains("turn.realm: 'a:b' must not contain ':'", "(line 2)");
  }

  @Test
  void configCheckWarnsOfASecretEnvThatIsNotSet() throws IOException {
    Path yaml = Files.writeString(dir.resolve("sb.yaml"),
        "turn:\n  auth:\n    secretEnv: SWITCHBOARD_TEST_SURELY_UNSET_VARIABLE\n");
    Cli check = Cli.run("config", "check", "--config", yaml.toString(), "--data-dir", dir.resolve("data").toString());
    assertThat(check.out() + check.err()).as(check.toString())
        .contains("turn.auth.secretEnv names SWITCHBOARD_TEST_SURELY_UNSET_VARIABLE, which is not set here");
  }

  @Test
  void configCheckWarnsOfTlsFilesThatAreNotThere() throws IOException {
    Path yaml = Files.writeString(dir.resolve("sb.yaml"), "tls:\n  cert: " + dir.resolve("nope-cert.pem")
        + "\n  key: " + dir.resolve("nope-key.pem") + "\n");
    Cli check = Cli.run("config", "check", "--config", yaml.toString(), "--data-dir", dir.resolve("data").toString());
    assertThat(check.out() + check.err()).as(check.toString())
        .contains("TLS file " + dir.resolve("nope-cert.pem") + " does not exist: serve will fail",
            "TLS file " + dir.resolve("nope-key.pem") + " does not exist");
  }

  @Test
  void aConfigFileThatIsNotUtf8IsSaidToBeSo() throws IOException {
    Path yaml = Files.write(dir.resolve("sb.yaml"), new byte[] {'#', ' ', (byte) 0xE9, '\n', 'l', 'o', 'g', 'L', 'e',
        'v', 'e', 'l', ':', ' ', 'i', 'n', 'f', 'o', '\n'});
    Cli check = Cli.run("config", "check", "--config", yaml.toString(), "--data-dir", dir.resolve("data").toString());
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(2);
    assertThat(check.err()).contains(yaml + ": is not UTF-8 text").doesNotContain("input length");
  }
}
