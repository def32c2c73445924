package dev.switchboard.cli.pki;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY") keys, which the JDK cannot read, through
 * Bouncy Castle, handed back as the JDK's own key. A class of its own so that Bouncy Castle loads only when such a key is read.
 */
final class LegacyPemKeys {

  private LegacyPemKeys() {}

  /** The first unencrypted key pair in {@code pem}, the text of {@code file} (named in errors). */
  static PrivateKey read(String pem, Path file) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof PEMKeyPair pair) {
          // Re-read through the JDK: Bouncy Castle's keys say "ECDSA" where the JDK's TLS says "EC".
          return Pem.pkcs8(new JcaPEMKeyConverter().setProvider(new BouncyCastleProvider()).getPrivateKey(pair.getPrivateKeyInfo()).getEncoded(), file);
        }
      }
    }
    throw new IOException(file + ": no unencrypted PEM private key in it");
  }
}
