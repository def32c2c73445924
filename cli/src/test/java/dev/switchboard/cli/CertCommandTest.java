package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard cert} on bad input: a usage error naming the flag or file, never a stack trace. */
class CertCommandTest {

  @TempDir
  Path dir;

  @Test
  void hostsThatAreNeitherANameNorAnAddressAreUsageErrors() {
    assertThat(Cli.run("cert", "ca", "--out", dir.resolve("ca").toString()).exitCode()).isZero();
    for (String command : List.of("self-signed", "issue")) {
      for (List<String> bad : List.of(
          List.of("1.2.3.999", "--host '1.2.3.999' is not a valid IPv4 address"),
          List.of("example.org:443", "--host 'example.org:443' has a port"),
          List.of("https://example.org", "--host 'https://example.org' is a URL"),
          List.of("", "--host '' is empty"),
          List.of("bad host", "--host 'bad host' contains a space"),
          List.of("a..b", "--host 'a..b' has an empty label"),
          List.of("-a.example.org", "--host '-a.example.org' is not a DNS name"),
          List.of("fe80::1::2", "--host 'fe80::1::2' is not a valid IPv6 address"))) {
        Cli cli = run(command, bad.get(0));
        assertThat(cli.exitCode()).as(command + " " + bad.get(0) + "\n" + cli).isEqualTo(2);
        assertThat(cli.err()).as(cli.toString()).contains(bad.get(1)).doesNotContain("\tat ", "unexpected failure");
      }
      assertThat(Files.exists(dir.resolve("out/cert.pem"))).as("nothing written").isFalse();
    }
  }

  @Test
  void namesAddressesAndWildcardsBecomeSans() throws Exception {
    assertThat(Cli.run("cert", "ca", "--out", dir.resolve("ca").toString()).exitCode()).isZero();
    Cli cli = Cli.run("cert", "issue", "--ca", dir.resolve("ca").toString(), "--out", dir.resolve("out").toString(),
        "--host", "call.example.org", "--host", "*.example.org", "--host", "203.0.113.7", "--host", "[2001:db8::1]",
        "--host", "::1", "--host", "xn--bcher-kva.example");
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    X509Certificate leaf = Pem.readCertificates(dir.resolve("out/cert.pem")).get(0);
    assertThat(leaf.getSubjectAlternativeNames().stream().map(san -> san.get(0) + "=" + san.get(1)).toList())
        .containsExactly("2=call.example.org", "2=*.example.org", "7=203.0.113.7", "7=2001:db8:0:0:0:0:0:1",
            "7=0:0:0:0:0:0:0:1", "2=xn--bcher-kva.example");
  }

  @Test
  void issueRefusesACaKeyThatIsNotTheCertificatesOwn() throws Exception {
    assertThat(Cli.run("cert", "ca", "--out", dir.resolve("ca").toString()).exitCode()).isZero();
    assertThat(Cli.run("cert", "ca", "--out", dir.resolve("other").toString()).exitCode()).isZero();
    Files.copy(dir.resolve("other/ca-key.pem"), dir.resolve("ca/ca-key.pem"), StandardCopyOption.REPLACE_EXISTING);
    Cli cli = run("issue", "call.example.org");
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(2);
    assertThat(cli.err()).contains(dir.resolve("ca/ca-key.pem") + " is not the key of " + dir.resolve("ca/ca.pem"),
        "the certificate would not verify", "switchboard cert ca");
    assertThat(Files.exists(dir.resolve("out/cert.pem"))).isFalse();
  }

  @Test
  void issueRefusesALeafInPlaceOfTheCa() throws Exception {
    // A server certificate and its key, where ca.pem and ca-key.pem belong: the pair matches, but it may not issue.
    assertThat(Cli.run("cert", "self-signed", "--host", "leaf.example.org", "--out", dir.resolve("leaf").toString())
        .exitCode()).isZero();
    Files.createDirectories(dir.resolve("ca"));
    Files.copy(dir.resolve("leaf/cert.pem"), dir.resolve("ca/ca.pem"));
    Files.copy(dir.resolve("leaf/key.pem"), dir.resolve("ca/ca-key.pem"));
    Cli cli = run("issue", "call.example.org");
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(2);
    assertThat(cli.err()).contains(dir.resolve("ca/ca.pem") + " is not a CA certificate (its basicConstraints lack CA:TRUE)");
    assertThat(Files.exists(dir.resolve("out/cert.pem"))).isFalse();
  }

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
