package dev.switchboard.cli;

import dev.switchboard.cli.pki.Pem;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * A server {@link SslContext} from a PEM certificate chain and key. Built on the JDK's SSLContext
 * directly rather than through {@code SslContextBuilder.forServer(File, File)}: that path parses the
 * files with Bouncy Castle, puts the key into a PKCS#12 key store (a password-based encryption of
 * the key, twice, with a throwaway key in a static initialiser) and so spent about a third of the
 * server's start-up. Netty's defaults for protocols and cipher suites are kept (a test compares).
 */
final class ServerTls {

  private ServerTls() {}

  /** @throws IOException naming the files when they cannot be read or do not belong together */
  static SslContext fromPem(Path cert, Path key) throws IOException {
    List<X509Certificate> chain = Pem.readCertificates(cert);
    PrivateKey privateKey = Pem.readPrivateKey(key);
    checkPair(chain.get(0), privateKey, cert, key);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new SingleKeyManager(privateKey, chain)}, null, null);
      return new JdkSslContext(context, false, null, IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.NONE,
          null, false);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use " + cert + " with " + key + ": " + e.getMessage(), e);
    }
  }

  /** A key that does not match the certificate would fail every handshake; say so at start instead. */
  private static void checkPair(X509Certificate leaf, PrivateKey key, Path cert, Path keyFile) throws IOException {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm();
    };
    byte[] probe = "switchboard key check".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IOException("the key in " + keyFile + " does not belong to the first certificate in " + cert
          + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }
  }
}
