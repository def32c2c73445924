package dev.switchboard.cli;

import dev.switchboard.cli.config.DataDir;
import dev.switchboard.cli.pki.Certificates;
import dev.switchboard.cli.pki.KeyKind;
import dev.switchboard.cli.pki.Pem;
import dev.switchboard.cli.pki.SecureFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes what {@code serve} needs on first start and reuses it later: a local CA and a leaf
 * certificate, the TURN REST secret and the token signing key, all owner-only. Not thread-safe; run
 * once at start-up.
 */
final class DataDirSetup {

  private static final Logger log = LoggerFactory.getLogger(DataDirSetup.class);
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(397);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private final Path dataDir;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  DataDirSetup(Path dataDir, Clock clock) {
    this.dataDir = dataDir;
    this.clock = clock;
  }

  /** Creates the data dir, the TURN secret and the token key when missing. */
  void prepareSecrets() throws IOException {
    SecureFiles.createPrivateDirectories(dataDir);
    createIfMissing(DataDir.turnSecret(dataDir), () -> randomText(32) + "\n", "TURN REST secret");
    createIfMissing(DataDir.tokenKey(dataDir), () -> randomText(32) + "\n", "token signing key");
  }

  /**
   * Makes the local CA and a leaf for localhost, 127.0.0.1, ::1, the host name and {@code extraHosts}
   * when missing; re-issues the leaf from the kept CA when it lacks one of those names or expires
   * within 30 days.
   */
  void prepareTls(Collection<String> extraHosts) throws IOException {
    Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    hostName().ifPresent(hosts::add);
    hosts.addAll(extraHosts);
    Certificates certificates = new Certificates(clock);
    Path caCert = DataDir.caCert(dataDir);
    Path caKey = DataDir.caKey(dataDir);
    Certificates.Issued ca;
    if (Files.exists(caCert) && Files.exists(caKey)) {
      ca = new Certificates.Issued(Pem.readCertificates(caCert).get(0), Pem.readPrivateKey(caKey));
    } else {
      ca = certificates.newCa("Switchboard local CA " + hosts.stream().skip(3).findFirst().orElse("localhost"),
          KeyKind.EC_P256, CA_VALIDITY);
      SecureFiles.write(caKey, Pem.encode(ca.key()));
      SecureFiles.write(caCert, Pem.encode(List.of(ca.certificate())));
      log.info("Created a local CA in {} (trust tls/ca.pem in browsers, or use a real certificate: see README)",
          caCert);
    }
    Path cert = DataDir.cert(dataDir);
    Path key = DataDir.key(dataDir);
    String why = leafNeedsIssuing(cert, key, hosts);
    if (why != null) {
      Certificates.Issued leaf = certificates.issueLeaf(ca, new ArrayList<>(hosts), KeyKind.EC_P256, LEAF_VALIDITY);
      SecureFiles.write(key, Pem.encode(leaf.key()));
      SecureFiles.write(cert, Pem.encode(List.of(leaf.certificate(), ca.certificate())));
      log.info("Issued a TLS certificate for {} ({})", String.join(", ", hosts), why);
    }
  }

  /** Why the leaf must be (re)issued, or null when it is fine. */
  private String leafNeedsIssuing(Path cert, Path key, Set<String> hosts) throws IOException {
    if (!Files.exists(cert) || !Files.exists(key)) {
      return "first start";
    }
    X509Certificate leaf = Pem.readCertificates(cert).get(0);
    PrivateKey ignored = Pem.readPrivateKey(key);
    if (ignored == null) {
      return "no key";
    }
    if (leaf.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE))) {
      return "the old one expires " + leaf.getNotAfter().toInstant();
    }
    Set<String> sans = subjectAltNames(leaf);
    for (String host : hosts) {
      if (!sans.contains(normalize(host))) {
        return "the old one lacks " + host;
      }
    }
    return null;
  }

  private static Set<String> subjectAltNames(X509Certificate cert) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          names.add(normalize(String.valueOf(san.get(1))));
        }
      }
    } catch (CertificateParsingException e) {
      throw new IOException("cannot read the SANs of the generated certificate: " + e.getMessage(), e);
    }
    return names;
  }

  /** IP literals compared in canonical form ("0:0:0:0:0:0:0:1" and "::1" are the same). */
  private static String normalize(String host) {
    if (host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      try {
        return InetAddress.getByName(host).getHostAddress();
      } catch (IOException e) {
        return host;
      }
    }
    return host.toLowerCase();
  }

  private static java.util.Optional<String> hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name == null || name.isBlank() || name.equals("localhost") ? java.util.Optional.empty()
          : java.util.Optional.of(name);
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private void createIfMissing(Path file, java.util.function.Supplier<String> content, String what) throws IOException {
    if (Files.exists(file)) {
      if (Files.readString(file, StandardCharsets.UTF_8).isBlank()) {
        throw new IOException(file + " is empty: delete it to have a new " + what + " made");
      }
      return;
    }
    SecureFiles.write(file, content.get());
    log.info("Created the {} in {}", what, file);
  }

  private String randomText(int bytes) {
    byte[] raw = new byte[bytes];
    random.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
