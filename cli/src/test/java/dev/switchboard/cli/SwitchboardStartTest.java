package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.cli.config.ConfigLoader;
import dev.switchboard.cli.config.ConfigOverrides;
import dev.switchboard.cli.config.DataDir;
import dev.switchboard.cli.config.SwitchboardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What serve says when the files it needs cannot be used: the file, the reason and the fix, before
 * any port is bound. Switchboard.start is called directly: serve in-process would install the test
 * JVM's signal handlers.
 */
class SwitchboardStartTest {

  @TempDir
  Path dir;

  private SwitchboardConfig config(String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("switchboard.yaml"), yaml);
    return ConfigLoader.load(Optional.of(file), new ConfigOverrides().set("dataDir", dir.resolve("data"), "--data-dir")
        .set("publicAddress", "127.0.0.1", "--public-address").set("signaling.port", 0, "--https-port")
        .set("turn.port", 0, "--turn-port").set("turn.tlsPort", 0, "--turns-port"), "test");
  }

  @Test
  void aMissingOrEmptySecretFileIsAConfigErrorAtItsLineNamingTheKey() throws Exception {
    Path yaml = dir.resolve("switchboard.yaml");
    Path nosuch = dir.resolve("nosuch");
    assertThatThrownBy(() -> Switchboard.start(config("turn:\n  auth:\n    secretFiles: [" + nosuch + "]\n"),
        Clock.systemUTC())).isInstanceOfSatisfying(UserError.class, e -> {
          assertThat(e.exitCode()).isEqualTo(2);
          assertThat(e.getMessage()).isEqualTo("config error:" + System.lineSeparator() + "  " + yaml
              + ": turn.auth.secretFiles: " + nosuch
              + ": no such file: create it with the secret on its first line, or fix the path (line 3)");
        });
    Path empty = Files.writeString(dir.resolve("empty"), "# rotated out\n\n");
    assertThatThrownBy(() -> Switchboard.start(config("turn:\n  auth:\n    secretFiles: [" + empty + "]\n"),
        Clock.systemUTC())).isInstanceOfSatisfying(UserError.class, e -> {
          assertThat(e.exitCode()).isEqualTo(2);
          assertThat(e.getMessage()).endsWith("  " + yaml + ": turn.auth.secretFiles: " + empty
              + " holds no secret: write one secret per line, the current one first (line 3)");
        });
  }

  @Test
  void inABlockListTheLineIsThatOfTheEntry() throws Exception {
    Path yaml = dir.resolve("switchboard.yaml");
    Path current = Files.writeString(dir.resolve("current"), "s3cret\n");
    Path nosuch = dir.resolve("nosuch");
    Path badLine = Files.writeString(dir.resolve("bad-line"), "s3cret expires=soon\n");
    String list = "# TURN\nturn:\n  auth:\n    secretFiles:\n      - " + current + "\n\n      - %s\n";
    assertThatThrownBy(() -> Switchboard.start(config(list.formatted(nosuch)), Clock.systemUTC()))
        .isInstanceOfSatisfying(UserError.class, e -> {
          assertThat(e.exitCode()).isEqualTo(2);
          assertThat(e.getMessage()).endsWith("  " + yaml + ": turn.auth.secretFiles: " + nosuch
              + ": no such file: create it with the secret on its first line, or fix the path (line 7)");
        });
    assertThatThrownBy(() -> Switchboard.start(config(list.formatted(badLine)), Clock.systemUTC()))
        .hasMessageEndingWith("  " + yaml + ": turn.auth.secretFiles: " + badLine
            + " line 1: expires= needs unix seconds: write one secret per line, the current one first (line 7)");
    Path pastAnyDate = Files.writeString(dir.resolve("past-any-date"), "s3cret\nold expires=8640000001796230340\n");
    assertThatThrownBy(() -> Switchboard.start(config(list.formatted(pastAnyDate)), Clock.systemUTC()))
        .hasMessageContaining(pastAnyDate + " line 2: expires=8640000001796230340 is past any date");
    // No one file holds the blame when none holds a secret: the first entry, which should hold the current one.
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    Path alsoEmpty = Files.writeString(dir.resolve("also-empty"), "# old\n");
    String two = "turn:\n  auth:\n    secretFiles:\n      - " + empty + "\n      - " + alsoEmpty + "\n";
    assertThatThrownBy(() -> Switchboard.start(config(two), Clock.systemUTC()))
        .hasMessageEndingWith(": turn.auth.secretFiles: none of [" + empty + ", " + alsoEmpty
            + "] holds a secret: write one secret per line, the current one first (line 4)");
  }

  @Test
  void aTlsCertThatIsMissingOrADirectoryIsNamedWithWhy() throws Exception {
    Path key = dir.resolve("key.pem");
    Files.writeString(key, "");
    Path missing = dir.resolve("nonexistent/cert.pem");
    assertThatThrownBy(() -> Switchboard.start(config("tls:\n  cert: " + missing + "\n  key: " + key + "\n"),
        Clock.systemUTC())).isInstanceOfSatisfying(UserError.class, e -> {
          assertThat(e.exitCode()).isEqualTo(2);
          assertThat(e.getMessage()).isEqualTo("TLS: " + missing
              + ": no such file (fix tls.cert/tls.key, or remove them to use the generated certificate)");
        });
    assertThatThrownBy(() -> Switchboard.start(config("tls:\n  cert: " + dir + "\n  key: " + key + "\n"),
        Clock.systemUTC())).hasMessageStartingWith("TLS: " + dir + ": is a directory");
  }

  @Test
  void aDataDirCaThatIsNoCaSaysToReplaceTheCaNotOnlyTheLeaf() throws Exception {
    // A leaf in place of the CA: deleting cert.pem and key.pem alone would not help.
    Path ca = dir.resolve("ca");
    Path leaf = dir.resolve("leaf");
    assertThat(Main.run(new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter()),
        "cert", "ca", "--out", ca.toString())).isZero();
    assertThat(Main.run(new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter()),
        "cert", "issue", "--ca", ca.toString(), "--host", "localhost", "--out", leaf.toString())).isZero();
    SwitchboardConfig config = config("");
    Path tls = DataDir.tlsDir(config.dataDir());
    Files.createDirectories(tls);
    Files.copy(leaf.resolve("cert.pem"), tls.resolve("ca.pem"));
    Files.copy(leaf.resolve("key.pem"), tls.resolve("ca-key.pem"));
    assertThatThrownBy(() -> Switchboard.start(config, Clock.systemUTC())).isInstanceOfSatisfying(UserError.class, e -> {
      assertThat(e.getMessage()).contains("is not a CA certificate").contains("ca.pem with ca-key.pem too");
    });
  }

  @Test
  void aDataDirThatCannotBeWrittenNamesTheFileNotATemporaryOne() throws Exception {
    SwitchboardConfig config = config("");
    try (ReadOnlyDirectory readOnly = ReadOnlyDirectory.create(dir.resolve("data"))) {
      assertThatThrownBy(() -> Switchboard.start(config, Clock.systemUTC())).isInstanceOfSatisfying(UserError.class, e -> {
        assertThat(e.exitCode()).isEqualTo(1);
        assertThat(e.getMessage()).isEqualTo("data dir " + dir.resolve("data") + ": " + DataDir.turnSecret(dir.resolve("data"))
            + ": " + readOnly.reason() + " (check its permissions or choose another with --data-dir)");
      });
    }
  }
}
