package dev.switchboard.cli;

import dev.switchboard.cli.config.FileErrors;
import dev.switchboard.cli.pki.Certificates;
import dev.switchboard.cli.pki.HostNames;
import dev.switchboard.cli.pki.KeyKind;
import dev.switchboard.cli.pki.Pem;
import dev.switchboard.cli.pki.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard cert}: a local CA, leaf and self-signed certificates with BouncyCastle, no openssl.
 * One instance per invocation, confined to the calling thread.
 */
@Command(name = "cert", mixinStandardHelpOptions = true,
    description = "Make TLS certificates (ECDSA P-256 by default) and inspect them.",
    footer = {"", "Examples:",
        "  switchboard cert ca --out ca/",
        "  switchboard cert issue --ca ca/ --host call.example.org --host 203.0.113.7 --out tls/",
        "  switchboard cert show tls/cert.pem"},
    subcommands = {CertCommand.Ca.class, CertCommand.Issue.class, CertCommand.SelfSigned.class, CertShowCommand.class})
final class CertCommand {

  /** The key options shared by the subcommands that make keys. */
  static final class KeyOptions {
    @Option(names = "--rsa", paramLabel = "BITS", description = "RSA key of 2048, 3072 or 4096 bits instead of ECDSA P-256.")
    Integer rsaBits;

    KeyKind kind() {
      if (rsaBits == null) {
        return KeyKind.EC_P256;
      }
      try {
        return KeyKind.rsa(rsaBits);
      } catch (IllegalArgumentException e) {
        throw new UserError(UserError.USAGE, "--rsa: " + e.getMessage());
      }
    }
  }

  @Command(name = "ca", mixinStandardHelpOptions = true, description = "Make a local CA: DIR/ca.pem and DIR/ca-key.pem (0600).",
      footer = {"", "Example:", "  switchboard cert ca --out ca/ --days 3650"})
  static final class Ca implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin KeyOptions key;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write ca.pem and ca-key.pem to.")
    Path out;
    @Option(names = "--days", defaultValue = "3650", paramLabel = "N", description = "Validity in days (default ${DEFAULT-VALUE}).")
    int days;
    @Option(names = "--name", defaultValue = "Switchboard local CA", paramLabel = "CN", description = "Common name (default '${DEFAULT-VALUE}').")
    String name;

    @Override
    public Integer call() {
      Certificates.Issued ca = new Certificates(Clock.systemUTC()).newCa(name, key.kind(), days(days));
      Path cert = out.resolve("ca.pem");
      refuseOverwrite(cert);
      write(out.resolve("ca-key.pem"), Pem.encode(ca.key()));
      write(cert, Pem.encode(List.of(ca.certificate())));
      spec.commandLine().getOut().println("wrote " + cert + " and " + out.resolve("ca-key.pem"));
      return 0;
    }
  }

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = "Issue a TLS server certificate from a CA: DIR/cert.pem (leaf then CA) and DIR/key.pem (PKCS#8, 0600).",
      footer = {"", "Example:", "  switchboard cert issue --ca ca/ --host call.example.org --host 203.0.113.7 --out tls/ --days 397"})
  static final class Issue implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin KeyOptions key;
    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "Directory with ca.pem and ca-key.pem (from 'cert ca').")
    Path caDir;
    @Option(names = "--host", required = true, paramLabel = "NAME", description = "A DNS name or IP address for the SANs; repeat for more.")
    List<String> hosts;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write cert.pem and key.pem to.")
    Path out;
    @Option(names = "--days", defaultValue = "397", paramLabel = "N", description = "Validity in days (default ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() {
      checkHosts(hosts);
      Path caCert = caDir.resolve("ca.pem");
      Path caKey = caDir.resolve("ca-key.pem");
      Certificates.Issued ca;
      try {
        ca = new Certificates.Issued(Pem.readCertificates(caCert).get(0), Pem.readPrivateKey(caKey));
      } catch (IOException e) {
        throw new UserError(UserError.USAGE, "--ca " + caDir + ": " + FileErrors.describe(null, e)
            + " (make one with: switchboard cert ca --out " + caDir + ")");
      }
      try {
        Certificates.checkIssuer(ca, caCert, caKey);
      } catch (IOException e) {
        throw new UserError(UserError.USAGE, "--ca " + caDir + ": " + e.getMessage() + ": the certificate would not "
            + "verify (point --ca at a directory made by 'switchboard cert ca', with its own ca.pem and ca-key.pem)");
      }
      Certificates.Issued leaf = new Certificates(Clock.systemUTC()).issueLeaf(ca, hosts, key.kind(), days(days));
      write(out.resolve("key.pem"), Pem.encode(leaf.key()));
      write(out.resolve("cert.pem"), Pem.encode(List.of(leaf.certificate(), ca.certificate())));
      spec.commandLine().getOut().println("wrote " + out.resolve("cert.pem") + " and " + out.resolve("key.pem")
          + " for " + String.join(", ", hosts));
      return 0;
    }
  }

  @Command(name = "self-signed", mixinStandardHelpOptions = true,
      description = "Make a self-signed TLS certificate: DIR/cert.pem and DIR/key.pem (0600).",
      footer = {"", "Example:", "  switchboard cert self-signed --host localhost --host 127.0.0.1 --out tls/"})
  static final class SelfSigned implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin KeyOptions key;
    @Option(names = "--host", required = true, paramLabel = "NAME", description = "A DNS name or IP address for the SANs; repeat for more.")
    List<String> hosts;
    @Option(names = "--out", defaultValue = ".", paramLabel = "DIR", description = "Directory to write cert.pem and key.pem to (default: current).")
    Path out;
    @Option(names = "--days", defaultValue = "397", paramLabel = "N", description = "Validity in days (default ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() {
      checkHosts(hosts);
      Certificates.Issued leaf = new Certificates(Clock.systemUTC()).selfSigned(hosts, key.kind(), days(days));
      write(out.resolve("key.pem"), Pem.encode(leaf.key()));
      write(out.resolve("cert.pem"), Pem.encode(List.of(leaf.certificate())));
      spec.commandLine().getOut().println("wrote " + out.resolve("cert.pem") + " and " + out.resolve("key.pem")
          + " for " + String.join(", ", hosts));
      return 0;
    }
  }

  /** Every --host a DNS name or an IP literal, before a key is made for them. */
  static void checkHosts(List<String> hosts) {
    for (String host : hosts) {
      String problem = HostNames.problem(host);
      if (problem != null) {
        throw new UserError(UserError.USAGE, "--host '" + host + "' " + problem);
      }
    }
  }

  static Duration days(int days) {
    if (days < 1 || days > 36500) {
      throw new UserError(UserError.USAGE, "--days " + days + ": expected 1-36500");
    }
    return Duration.ofDays(days);
  }

  /** A CA is not replaced by accident: every certificate it issued would stop verifying. */
  static void refuseOverwrite(Path file) {
    if (Files.exists(file)) {
      throw new UserError(UserError.RUNTIME, file + " exists: replacing a CA invalidates what it issued; "
          + "move it away first or choose another --out");
    }
  }

  static void write(Path file, String text) {
    try {
      SecureFiles.write(file, text);
    } catch (IOException e) {
      throw UserError.file(file, e, "check the permissions of its directory, or choose another --out");
    }
  }

}
