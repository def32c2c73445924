package dev.switchboard.turn;

import io.netty.util.concurrent.FastThreadLocal;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA1 for MESSAGE-INTEGRITY (RFC 8489 §14.5) with one reusable {@link Mac} per thread.
 * Thread-safe: every thread (in practice each event loop) uses its own Mac.
 *
 * <p>Why: {@code Mac.getInstance} is a provider lookup plus a reflective constructor, and the first
 * {@code init} picks the provider again; profiled, that was a sixth of the server's CPU per Allocate
 * cycle. A Mac is not thread-safe, so it is cached per thread. The {@link FastThreadLocal} is a field
 * of this instance, which the server owns through its {@link TurnContext}: not static state (two
 * servers in one JVM have their own, and the Macs go when the server and its threads go).
 *
 * <p>A thread also remembers the key its Mac was last initialised with: {@code doFinal} resets the
 * Mac to that key, so a request signed with the key that verified it (or the next request of the same
 * user) skips {@code init}. The key comparison is constant-time.
 */
final class IntegrityMacs {

  private static final String ALGORITHM = "HmacSHA1";

  private static final class Slot {
    final Mac mac = newMac();
    /** The key the Mac holds, or null when it must be initialised before use. */
    byte[] key;
  }

  private final FastThreadLocal<Slot> slots = new FastThreadLocal<>() {
    @Override
    protected Slot initialValue() {
      return new Slot();
    }
  };

  IntegrityMacs() {
    newMac(); // fail at construction, not on the first request, if HmacSHA1 is missing
  }

  /** HMAC-SHA1 of {@code raw} up to a MESSAGE-INTEGRITY at {@code miOffset}, as {@link StunCodec#hmac(Mac, byte[], int)}. */
  byte[] hmac(byte[] key, byte[] raw, int miOffset) {
    Slot slot = slots.get();
    byte[] held = slot.key;
    slot.key = null; // until doFinal has reset the Mac: an exception in between must not leave it half-fed
    if (held == null || !MessageDigest.isEqual(held, key)) {
      init(slot.mac, key);
      held = key.clone();
    }
    byte[] out = StunCodec.hmac(slot.mac, raw, miOffset);
    slot.key = held;
    return out;
  }

  /** True when {@code msg}'s MESSAGE-INTEGRITY is the HMAC-SHA1 of its raw bytes under {@code key}; constant time. */
  boolean verify(StunMessage msg, byte[] key) {
    int mi = msg.integrityOffset();
    return mi >= 0 && StunCodec.equalsAt(hmac(key, msg.raw(), mi), msg.raw(), mi + 4);
  }

  static Mac newMac() {
    try {
      return Mac.getInstance(ALGORITHM);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available", e);
    }
  }

  static void init(Mac mac, byte[] key) {
    try {
      mac.init(new SecretKeySpec(key, ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " refused a key", e);
    }
  }
}
