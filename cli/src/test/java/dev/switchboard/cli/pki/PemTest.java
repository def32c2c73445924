package dev.switchboard.cli.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {

  @TempDir
  Path dir;

  private final Certificates certificates = new Certificates(Clock.systemUTC());

  @Test
  void writtenChainAndKeyReadBackEqual() throws Exception {
    Certificates.Issued ca = certificates.newCa("test CA", KeyKind.EC_P256, Duration.ofDays(30));
    Certificates.Issued leaf = certificates.issueLeaf(ca, List.of("localhost"), KeyKind.rsa(2048), Duration.ofDays(3));
    Path chain = write("chain.pem", Pem.encode(List.of(leaf.certificate(), ca.certificate())));
    Path key = write("key.pem", Pem.encode(leaf.key()));

    assertThat(Pem.readCertificates(chain)).containsExactly(leaf.certificate(), ca.certificate());
    assertThat(Pem.readPrivateKey(key)).isEqualTo(leaf.key());
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readAllLines(chain)).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
  }

  @Test
  void textAroundBlocksIsSkippedAsOpensslWritesIt() throws Exception {
    Certificates.Issued ca = certificates.newCa("test CA", KeyKind.EC_P256, Duration.ofDays(30));
    Path file = write("bundle.pem", "Bag Attributes\n    friendlyName: ca\nsubject=CN = test CA\n"
        + Pem.encode(List.of(ca.certificate())) + "\n# trailing comment\n");
    assertThat(Pem.readCertificates(file)).containsExactly(ca.certificate());
  }

  /** Keys as openssl writes them by default (SEC1, PKCS#1), made with openssl for this test. */
  @Test
  void traditionalEcAndRsaKeysAreRead() throws Exception {
    for (String kind : List.of("ec-sec1", "rsa-pkcs1")) {
      String algorithm = kind.startsWith("ec") ? "EC" : "RSA";
      PrivateKey read = Pem.readPrivateKey(resource(kind + ".pem"));
      assertThat(read.getAlgorithm()).isEqualTo(algorithm);
      byte[] publicDer = PemBlock.all(Files.readString(resource(kind.substring(0, kind.indexOf('-')) + "-public.pem")),
          Path.of("public.pem")).get(0).der();
      PublicKey publicKey = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(publicDer));
      assertThat(signsFor(read, publicKey)).as(kind).isTrue();
    }
  }

  @Test
  void unusableFilesAreNamedWithWhatIsWrong() throws Exception {
    Path noCert = write("empty.pem", "nothing here\n");
    assertThatThrownBy(() -> Pem.readCertificates(noCert)).isInstanceOf(IOException.class)
        .hasMessageContaining(noCert.toString()).hasMessageContaining("no PEM certificate");
    Path encrypted = write("enc.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.readPrivateKey(encrypted)).hasMessageContaining("encrypted");
    Path cut = write("cut.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n");
    assertThatThrownBy(() -> Pem.readCertificates(cut)).hasMessageContaining("no '-----END CERTIFICATE-----'");
    Path garbage = write("garbage.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.readPrivateKey(garbage)).hasMessageContaining("does not parse");
    Path badBase64 = write("bad64.pem", "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> Pem.readCertificates(badBase64)).hasMessageContaining("not valid base64");
  }

  private static boolean signsFor(PrivateKey key, PublicKey publicKey) throws Exception {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(new byte[] {1, 2, 3});
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(publicKey);
    verifier.update(new byte[] {1, 2, 3});
    return verifier.verify(signer.sign());
  }

  private static Path resource(String name) throws Exception {
    return Path.of(PemTest.class.getResource("/pki/" + name).toURI());
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

}
