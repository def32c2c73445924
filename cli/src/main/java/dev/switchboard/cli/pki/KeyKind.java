package dev.switchboard.cli.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** The key algorithm of a new certificate: ECDSA P-256 (the default) or RSA of a given size. */
public record KeyKind(String algorithm, int rsaBits) {

  public static final KeyKind EC_P256 = new KeyKind("EC", 0);

  public static KeyKind rsa(int bits) {
    if (bits != 2048 && bits != 3072 && bits != 4096) {
      throw new IllegalArgumentException("RSA key size must be 2048, 3072 or 4096, not " + bits);
    }
    return new KeyKind("RSA", bits);
  }

  public KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(rsaBits);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make " + algorithm + " keys", e);
    }
  }

  static String signatureAlgorithm(String keyAlgorithm) {
    return keyAlgorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
  }
}
