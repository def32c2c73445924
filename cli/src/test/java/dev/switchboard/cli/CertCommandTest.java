package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard cert} on bad input: a usage error naming the file and why, never a stack trace. */
class CertCommandTest {

  @TempDir
  Path dir;

  @Test
  void showAndIssueNameAMissingFileAndWhy() {
    Cli show = Cli.run("cert", "show", dir.resolve("nosuch.pem").toString());
    assertThat(show.exitCode()).isEqualTo(2);
    assertThat(show.err()).isEqualTo("switchboard cert show: " + dir.resolve("nosuch.pem") + ": no such file\n");
    Cli directory = Cli.run("cert", "show", dir.toString());
    assertThat(directory.err()).contains(dir + ": is a directory, not a PEM file");
    Cli issue = run("issue", "call.example.org");
    assertThat(issue.exitCode()).isEqualTo(2);
    assertThat(issue.err()).contains(dir.resolve("ca/ca.pem") + ": no such file", "switchboard cert ca --out");
  }

  private Cli run(String command, String host) {
    return command.equals("issue")
        ? Cli.run("cert", "issue", "--ca", dir.resolve("ca").toString(), "--host", host, "--out", dir.resolve("out").toString())
        : Cli.run("cert", "self-signed", "--host", host, "--out", dir.resolve("out").toString());
  }
}
