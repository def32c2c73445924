package dev.switchboard.cli.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/** Whether a private key belongs to a certificate: a challenge signed with one verifies with the other. Stateless. */
public final class KeyMatch {

  private static final byte[] CHALLENGE = "switchboard key check".getBytes(StandardCharsets.US_ASCII);

  private KeyMatch() {}

  /** @throws GeneralSecurityException when the key cannot sign, or signs with an algorithm the certificate's key cannot verify */
  public static boolean belongsTo(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448: the key's name is the signature's
    };
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(CHALLENGE);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(CHALLENGE);
    return verifier.verify(signature);
  }
}
