package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.cli.config.DataDir;
import dev.switchboard.cli.pki.Certificates;
import dev.switchboard.cli.pki.KeyKind;
import dev.switchboard.cli.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DataDirSetupTest {

  @TempDir
  Path dataDir;

  private final MutableClock clock = new MutableClock();

  @Test
  void firstStartCreatesOwnerOnlyMaterialAndLaterStartsReuseIt() throws Exception {
    DataDirSetup setup = new DataDirSetup(dataDir, clock);
    setup.prepareSecrets();
    setup.prepareTls(List.of());
    List<Path> files = List.of(DataDir.caCert(dataDir), DataDir.caKey(dataDir), DataDir.cert(dataDir),
        DataDir.key(dataDir), DataDir.turnSecret(dataDir), DataDir.tokenKey(dataDir));
    for (Path file : files) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
          .isEqualTo("rw-------");
    }
    assertThat(Files.readString(DataDir.key(dataDir))).startsWith("-----BEGIN PRIVATE KEY-----");
    List<String> before = contents(files);

    DataDirSetup again = new DataDirSetup(dataDir, clock);
    again.prepareSecrets();
    again.prepareTls(List.of());
    assertThat(contents(files)).isEqualTo(before);
  }

  @Test
  void leafChainVerifiesAgainstTheCaWithTheRightNames() throws Exception {
    DataDirSetup setup = new DataDirSetup(dataDir, clock);
    setup.prepareTls(List.of("turn.example.org"));
    List<X509Certificate> chain = Pem.readCertificates(DataDir.cert(dataDir));
    X509Certificate ca = Pem.readCertificates(DataDir.caCert(dataDir)).get(0);
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1)).isEqualTo(ca);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
    tm.checkServerTrusted(chain.toArray(X509Certificate[]::new), "ECDHE_ECDSA");

    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, 1)), params);

    Set<String> sans = chain.get(0).getSubjectAlternativeNames().stream()
        .map(san -> String.valueOf(san.get(1))).collect(Collectors.toSet());
    assertThat(sans).contains("localhost", "127.0.0.1", "turn.example.org");
    assertThat(sans).anyMatch(s -> s.equals("0:0:0:0:0:0:0:1") || s.equals("::1"));
    assertThat(chain.get(0).getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
  }

  @Test
  void leafIsReissuedFromTheSameCaWhenANameIsMissingOrItExpiresSoon() throws Exception {
    DataDirSetup setup = new DataDirSetup(dataDir, clock);
    setup.prepareTls(List.of());
    String ca = Files.readString(DataDir.caCert(dataDir));
    String leaf = Files.readString(DataDir.cert(dataDir));

    setup.prepareTls(List.of("203.0.113.9"));
    String withNewName = Files.readString(DataDir.cert(dataDir));
    assertThat(withNewName).isNotEqualTo(leaf);
    assertThat(Files.readString(DataDir.caCert(dataDir))).isEqualTo(ca);

    clock.advance(DataDirSetup.LEAF_VALIDITY.minus(Duration.ofDays(10)));
    setup.prepareTls(List.of("203.0.113.9"));
    assertThat(Files.readString(DataDir.cert(dataDir))).isNotEqualTo(withNewName);
    assertThat(Files.readString(DataDir.caCert(dataDir))).isEqualTo(ca);
  }

  @Test
  void aLeafTheUserIssuedIsNeverReplacedOnlyWarnedAbout() throws Exception {
    DataDirSetup setup = new DataDirSetup(dataDir, new MutableClock(Instant.now())); // as cert issue's
    setup.prepareTls(List.of());
    // The README's renewal: a certificate for the user's own name from the kept CA, over the generated one.
    Path tls = DataDir.tlsDir(dataDir);
    Cli cli = Cli.run("cert", "issue", "--ca", tls.toString(), "--out", tls.toString(), "--host", "call.example.org",
        "--days", "20");
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    String issued = Files.readString(DataDir.cert(dataDir));
    String key = Files.readString(DataDir.key(dataDir));

    List<ILoggingEvent> logged = captureLogs(() -> {
      setup.prepareTls(List.of());                // lacks localhost and the rest: kept
      setup.prepareTls(List.of("203.0.113.9"));   // lacks the public address too: kept, with a warning
    });
    assertThat(Files.readString(DataDir.cert(dataDir))).isEqualTo(issued);
    assertThat(Files.readString(DataDir.key(dataDir))).isEqualTo(key);
    assertThat(logged).noneMatch(e -> e.getFormattedMessage().startsWith("Issued"));
    assertThat(logged).filteredOn(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains(DataDir.cert(dataDir) + " (for call.example.org) lacks localhost",
            "203.0.113.9", "it was not made by serve, so it is kept as it is"))
        .anySatisfy(m -> assertThat(m).contains("expires", "renew it, or delete cert.pem and key.pem"));
  }

  @Test
  void aLeafFromAnOlderServeWithoutTheMarkIsStillRenewed() throws Exception {
    DataDirSetup setup = new DataDirSetup(dataDir, clock);
    setup.prepareTls(List.of());
    // What serve issued before its leaves carried an OU: CN=localhost and the local names first.
    Certificates.Issued ca = new Certificates.Issued(Pem.readCertificates(DataDir.caCert(dataDir)).get(0),
        Pem.readPrivateKey(DataDir.caKey(dataDir)));
    Certificates.Issued old = new Certificates(clock).issueLeaf(ca, List.of("localhost", "127.0.0.1", "::1"),
        KeyKind.EC_P256, DataDirSetup.LEAF_VALIDITY);
    Files.writeString(DataDir.cert(dataDir), Pem.encode(List.of(old.certificate(), ca.certificate())));
    Files.writeString(DataDir.key(dataDir), Pem.encode(old.key()));

    setup.prepareTls(List.of("203.0.113.9"));
    X509Certificate renewed = Pem.readCertificates(DataDir.cert(dataDir)).get(0);
    assertThat(renewed).isNotEqualTo(old.certificate());
    assertThat(renewed.getSubjectX500Principal().getName()).contains("OU=" + DataDirSetup.GENERATED_UNIT);
  }

  @Test
  void aCaKeyThatIsNotTheCasOwnIsRefusedRatherThanIssuingALeafThatCannotVerify() throws Exception {
    DataDirSetup setup = new DataDirSetup(dataDir, clock);
    setup.prepareTls(List.of());
    Files.writeString(DataDir.caKey(dataDir), Pem.encode(KeyKind.EC_P256.generate().getPrivate()));
    assertThatThrownBy(() -> setup.prepareTls(List.of("203.0.113.9"))).isInstanceOf(IOException.class)
        .hasMessage(DataDir.caKey(dataDir) + " is not the key of " + DataDir.caCert(dataDir));
  }

  private interface Action {
    void run() throws Exception;
  }

  /** What DataDirSetup logs while {@code action} runs. */
  private static List<ILoggingEvent> captureLogs(Action action) throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(DataDirSetup.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      action.run();
    } finally {
      logger.detachAppender(appender);
    }
    return appender.list;
  }

  private static List<String> contents(List<Path> files) throws Exception {
    return files.stream().map(f -> {
      try {
        return Files.readString(f);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }
}
