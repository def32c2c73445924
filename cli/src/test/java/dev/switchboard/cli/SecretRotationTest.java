package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRotationTest {

  @TempDir
  Path dir;

  @Test
  void newSecretFirstOldOneExpiresAfterTheGraceAndExpiredOnesGo() throws Exception {
    long now = 1_800_000_000L;
    List<TurnSecretFiles.Entry> entries = List.of(new TurnSecretFiles.Entry("current", Long.MAX_VALUE),
        new TurnSecretFiles.Entry("older", now + 100), new TurnSecretFiles.Entry("gone", now - 1));
    String text = SecretRotation.rotate(entries, "fresh", now, Duration.ofHours(24));
    assertThat(text).isEqualTo("# TURN REST secrets: the current one first; a previous one is accepted until its expiry\n"
        + "fresh\ncurrent expires=" + (now + 86400) + "\nolder expires=" + (now + 100) + "\n");
    Path file = dir.resolve("turn-secret");
    Files.writeString(file, text);
    assertThat(TurnSecretFiles.parse(file)).containsExactly(new TurnSecretFiles.Entry("fresh", Long.MAX_VALUE),
        new TurnSecretFiles.Entry("current", now + 86400), new TurnSecretFiles.Entry("older", now + 100));
  }

  @Test
  void secretCommandCreatesShowsAndRotates() throws Exception {
    Cli first = Cli.run("secret", "--data-dir", dir.toString());
    assertThat(first.exitCode()).as(first.toString()).isZero();
    String secret = first.out().trim();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
    assertThat(first.err()).contains("created");
    assertThat(Cli.run("secret", "--data-dir", dir.toString()).out().trim()).isEqualTo(secret);
    Cli rotated = Cli.run("secret", "--rotate", "--grace", "2h", "--json", "--data-dir", dir.toString());
    assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
    assertThat(rotated.out()).doesNotContain(secret).contains("\"previous\" : [ {");
    List<TurnSecretFiles.Entry> entries = TurnSecretFiles.parse(dir.resolve("turn-secret"));
    assertThat(entries).hasSize(2);
    assertThat(entries.get(1).secret()).isEqualTo(secret);
    assertThat(entries.get(1).expiresEpochSeconds()).isBetween(
        java.time.Instant.now().getEpochSecond() + 7100, java.time.Instant.now().getEpochSecond() + 7300);
    assertThat(Cli.run("secret", "--rotate", "--grace", "soon", "--data-dir", dir.toString()).exitCode()).isEqualTo(2);
  }
}
