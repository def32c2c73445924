package dev.switchboard.signaling;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Room passwords are kept as PBKDF2 hashes, never in clear. Stateless. */
final class Passwords {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ITERATIONS = 20_000;

  private Passwords() {}

  static byte[] salt() {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return salt;
  }

  static byte[] hash(String password, byte[] salt) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2 is missing from this JVM", e);
    }
  }
}
