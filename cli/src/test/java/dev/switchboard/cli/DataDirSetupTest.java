package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.config.DataDir;
import dev.switchboard.cli.pki.Pem;
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
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
