package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.config.DataDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Commands run in-process on bad input and unusable files: one line naming the file or flag, the
 * reason and the fix, exit 2 for usage and config errors and 1 for runtime ones, never a stack trace.
 */
class BadInputTest {

  @TempDir
  Path dir;

  @Test
  void serveWithOnePortForTurnAndTurnsIsAConfigErrorNamingBothFlags() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Cli cli = Cli.run("serve", "--turn-port", String.valueOf(port), "--turns-port", String.valueOf(port),
        "--https-port", "0", "--data-dir", dir.toString());
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(2);
    assertThat(cli.err()).as(cli.toString()).contains("turn.tlsPort: " + port + " is also turn.port (--turn-port)",
        "give them different ports (--turns-port)").doesNotContain("another process");
  }

  @Test
  void importCoturnLeavesASkippedValueOutAndItsOutputPassesConfigCheck() throws IOException {
    Path conf = Files.writeString(dir.resolve("turnserver.conf"), String.join("\n", "listening-port=abc",
        "tls-listening-port=x", "max-bps=y", "min-port=z", "max-port=w", "stale-nonce=abc", "realm=example.org", ""));
    Path yaml = dir.resolve("switchboard.yaml");
    Cli imported = Cli.run("import-coturn", conf.toString(), "--out", yaml.toString());
    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    assertThat(imported.err()).contains("note: turnserver.conf line 1: listening-port not carried over: 'abc' is not a number",
        "line 6: stale-nonce not carried over: 'abc' is not a number").doesNotContain("\tat ");
    String written = Files.readString(yaml);
    assertThat(written.lines().filter(l -> !l.startsWith("#"))).noneMatch(l -> l.contains("null"));
    assertThat(written).contains("realm: example.org");
    Cli check = Cli.run("config", "check", "--config", yaml.toString(), "--data-dir", dir.resolve("data").toString());
    assertThat(check.exitCode()).as(check.toString()).isZero();
  }

  @Test
  void aDataDirThatCannotBeWrittenIsOneLineWithTheFix() throws Exception {
    Path data = dir.resolve("data");
    try (ReadOnlyDirectory readOnly = ReadOnlyDirectory.create(data)) {
      Cli secret = Cli.run("secret", "--data-dir", data.toString());
      assertThat(secret.exitCode()).as(secret.toString()).isEqualTo(1);
      assertThat(secret.err()).isEqualTo("switchboard secret: " + DataDir.turnSecret(data) + ": " + readOnly.reason()
          + " (check its permissions or choose another --data-dir)\n");
      Cli user = Cli.run("user", "add", "alice", "--password", "pw", "--data-dir", data.toString());
      assertThat(user.exitCode()).as(user.toString()).isEqualTo(1);
      assertThat(user.err()).isEqualTo("switchboard user add: " + DataDir.users(data) + ": " + readOnly.reason()
          + " (check its permissions or choose another --data-dir)\n");
      Path conf = Files.writeString(dir.resolve("turnserver.conf"), "user=bob:pw\n");
      Cli imported = Cli.run("import-coturn", conf.toString(), "--out", data.resolve("switchboard.yaml").toString());
      assertThat(imported.exitCode()).as(imported.toString()).isEqualTo(1);
      assertThat(imported.err()).startsWith("switchboard import-coturn: " + data.resolve("users") + ": " + readOnly.reason())
          .contains("choose another --out").doesNotContain("\tat ", ".tmp");
    }
  }

  @Test
  void aDataDirUnderAFileIsOneLineToo() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Cli secret = Cli.run("secret", "--data-dir", file.resolve("data").toString());
    assertThat(secret.exitCode()).as(secret.toString()).isEqualTo(1);
    assertThat(secret.err()).contains(file + " exists and is not a directory", "choose another --data-dir")
        .doesNotContain("\tat ", "unexpected failure");
  }

  @Test
  void anIoExceptionNoCommandExplainedIsOneLineAndExitOne() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Throws(new AccessDeniedException("/srv/d/users")));
    cli.setErr(new PrintWriter(err, true));
    assertThat(Main.run(cli)).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("throws: /srv/d/users: permission denied\n");

    // A bug keeps its stack trace.
    StringWriter bug = new StringWriter();
    cli = new CommandLine(new Throws(new IllegalStateException("a bug")));
    cli.setErr(new PrintWriter(bug, true));
    assertThat(Main.run(cli)).isEqualTo(1);
    assertThat(bug.toString()).startsWith("throws: unexpected failure: java.lang.IllegalStateException: a bug").contains("\tat ");
  }

  @Test
  void probeNamesACaFileAndWhy() {
    Cli cli = Cli.run("probe", "turns:127.0.0.1:1", "--ca", dir.resolve("nonexistent.pem").toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).isEqualTo("switchboard probe: --ca: " + dir.resolve("nonexistent.pem") + ": no such file\n");
  }

  @Test
  void credentialsWithASecretFileItCannotReadSayWhyNotToCreateIt() throws IOException {
    Files.createDirectories(DataDir.turnSecret(dir)); // exists, and cannot be read as a file
    Cli cli = Cli.run("credentials", "--data-dir", dir.toString());
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
    assertThat(cli.err()).isEqualTo("switchboard credentials: " + DataDir.turnSecret(dir)
        + ": is a directory (check its permissions or choose another --data-dir)\n");

    Files.delete(DataDir.turnSecret(dir));
    Cli missing = Cli.run("credentials", "--data-dir", dir.toString());
    assertThat(missing.err()).isEqualTo("switchboard credentials: " + DataDir.turnSecret(dir)
        + ": no such file (run 'switchboard secret' to create it)\n");
  }

  @Command(name = "throws")
  static final class Throws implements Callable<Integer> {
    private final Exception failure;

    Throws(Exception failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      throw failure;
    }
  }
}
