package dev.switchboard.cli.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM encoding of certificates and keys; keys are written as PKCS#8, which Netty reads. Certificates
 * and PKCS#8 keys are read with the JDK alone: Bouncy Castle's PEM classes cost a start-up about
 * 0.1 s of class loading, so they are loaded only for the older key formats. Stateless.
 */
public final class Pem {

  private static final List<String> PKCS8_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS");

  private Pem() {}

  public static String encode(List<X509Certificate> chain) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate cert : chain) {
      try {
        append(out, "CERTIFICATE", cert.getEncoded());
      } catch (CertificateException e) {
        throw new IllegalStateException("cannot encode " + cert.getSubjectX500Principal(), e);
      }
    }
    return out.toString();
  }

  /** "-----BEGIN PRIVATE KEY-----" (unencrypted PKCS#8). */
  public static String encode(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("a " + key.getAlgorithm() + " key in " + key.getFormat() + ", not PKCS#8");
    }
    StringBuilder out = new StringBuilder();
    append(out, "PRIVATE KEY", key.getEncoded());
    return out.toString();
  }

  private static void append(StringBuilder out, String label, byte[] der) {
    out.append("-----BEGIN ").append(label).append("-----\n");
    out.append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)).append('\n');
    out.append("-----END ").append(label).append("-----\n");
  }

  /** Every certificate in a PEM file, in file order. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (PemBlock block : PemBlock.all(read(file), file)) {
        if (block.label().equals("CERTIFICATE") || block.label().equals("X509 CERTIFICATE")) {
          certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IOException(file + ": a certificate in it does not parse: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new IOException(file + ": no PEM certificate in it");
    }
    return certs;
  }

  /** The first private key in a PEM file: PKCS#8, PKCS#1 RSA or SEC1 EC. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    String text = read(file);
    for (PemBlock block : PemBlock.all(text, file)) {
      switch (block.label()) {
        case "PRIVATE KEY":
          return pkcs8(block.der(), file);
        case "RSA PRIVATE KEY":
        case "EC PRIVATE KEY":
          return LegacyPemKeys.read(text, file);
        case "ENCRYPTED PRIVATE KEY":
          throw new IOException(file + ": the private key is encrypted; decrypt it first"
              + " (openssl pkey -in " + file.getFileName() + " -out key.pem)");
        default:
          break;
      }
    }
    throw new IOException(file + ": no unencrypted PEM private key in it");
  }

  static PrivateKey pkcs8(byte[] der, Path file) throws IOException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : PKCS8_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException wrongAlgorithm) {
        // PKCS#8 names its algorithm by OID inside the DER; trying the few we serve with is simpler.
      }
    }
    throw new IOException(file + ": the PKCS#8 private key is not EC, RSA or EdDSA, or does not parse");
  }

  private static String read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      // Reading one fails with a bare "Is a directory" that does not say which path.
      throw new IOException(file + ": is a directory, not a PEM file");
    }
    return Files.readString(file, StandardCharsets.ISO_8859_1);
  }
}
