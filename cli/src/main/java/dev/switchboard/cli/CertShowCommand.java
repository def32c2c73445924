package dev.switchboard.cli;

import dev.switchboard.cli.config.FileErrors;
import dev.switchboard.cli.pki.KeyMatch;
import dev.switchboard.cli.pki.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard cert show}: subject, SANs, validity and fingerprint, with warnings. One instance
 * per invocation, confined to the calling thread.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = {"Show the certificates in a PEM file and warn about problems.",
        "Prints subject, SANs, validity and SHA-256 fingerprint of each certificate; warns when the",
        "chain does not match the key, is out of order or expires within 30 days."},
    footer = {"", "Examples:", "  switchboard cert show switchboard-data/tls/cert.pem",
        "  switchboard cert show /etc/letsencrypt/live/call.example.org/fullchain.pem --key privkey.pem --json"})
final class CertShowCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "A PEM certificate or chain.")
  Path file;

  @Option(names = "--key", paramLabel = "FILE", description = "The private key to check against (default: key.pem next to FILE, if present).")
  Path key;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    Instant now = Clock.systemUTC().instant();
    List<X509Certificate> chain;
    try {
      chain = Pem.readCertificates(file);
    } catch (IOException e) {
      throw new UserError(UserError.USAGE, FileErrors.describe(file, e));
    }
    List<Map<String, Object>> certs = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate cert = chain.get(i);
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("subject", cert.getSubjectX500Principal().getName());
      c.put("issuer", cert.getIssuerX500Principal().getName());
      c.put("serial", cert.getSerialNumber().toString(16));
      c.put("sans", sans(cert));
      c.put("notBefore", cert.getNotBefore().toInstant().toString());
      c.put("notAfter", cert.getNotAfter().toInstant().toString());
      c.put("sha256", fingerprint(cert));
      certs.add(c);
      Instant notAfter = cert.getNotAfter().toInstant();
      if (notAfter.isBefore(now)) {
        warnings.add("certificate " + (i + 1) + " (" + c.get("subject") + ") expired on " + notAfter);
      } else if (notAfter.isBefore(now.plus(Duration.ofDays(30)))) {
        warnings.add("certificate " + (i + 1) + " (" + c.get("subject") + ") expires within 30 days, on " + notAfter
            + ": renew it");
      }
      if (i > 0 && !chain.get(i - 1).getIssuerX500Principal().equals(cert.getSubjectX500Principal())) {
        warnings.add("certificate " + (i + 1) + " did not issue certificate " + i + ": the chain is out of order");
      }
    }
    Path keyFile = key != null ? key : siblingKey();
    if (keyFile != null) {
      checkKey(chain.get(0), keyFile, warnings);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("file", file.toString());
      result.put("certificates", certs);
      result.put("warnings", warnings);
      out.println(Flags.json(result));
    } else {
      for (int i = 0; i < certs.size(); i++) {
        Map<String, Object> c = certs.get(i);
        out.println((i == 0 ? "certificate" : "issuer " + i) + ": " + c.get("subject"));
        out.println("  issuer       " + c.get("issuer"));
        out.println("  serial       " + c.get("serial"));
        out.println("  SANs         " + String.join(", ", castList(c.get("sans"))));
        out.println("  valid        " + c.get("notBefore") + " to " + c.get("notAfter"));
        out.println("  SHA-256      " + c.get("sha256"));
      }
      warnings.forEach(w -> out.println("warning: " + w));
    }
    out.flush();
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object o) {
    return (List<String>) o;
  }

  private Path siblingKey() {
    Path parent = file.toAbsolutePath().getParent();
    Path sibling = parent == null ? null : parent.resolve("key.pem");
    return sibling != null && Files.exists(sibling) && !sibling.equals(file.toAbsolutePath()) ? sibling : null;
  }

  /** Signs a challenge with the key and verifies it with the leaf's public key. */
  private static void checkKey(X509Certificate leaf, Path keyFile, List<String> warnings) {
    try {
      PrivateKey privateKey = Pem.readPrivateKey(keyFile);
      if (!KeyMatch.belongsTo(privateKey, leaf)) {
        warnings.add(keyFile + " does not match the certificate: use the key the certificate was issued for");
      }
    } catch (IOException e) {
      warnings.add("cannot read the key: " + FileErrors.describe(keyFile, e));
    } catch (GeneralSecurityException e) {
      warnings.add(keyFile + " does not match the certificate (" + e.getMessage() + ")");
    }
  }

  private static List<String> sans(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          names.add(((Integer) san.get(0) == 7 ? "IP:" : "DNS:") + san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      names.add("(unparseable: " + e.getMessage() + ")");
    }
    return names;
  }

  private static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      return "(unavailable: " + e.getMessage() + ")";
    }
  }
}
