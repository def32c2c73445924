package dev.switchboard.turn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoded STUN message. {@code attributes} holds every attribute up to and including
 * MESSAGE-INTEGRITY, in order and with repeats; anything after MESSAGE-INTEGRITY (other than a
 * verified FINGERPRINT) is ignored (RFC 8489 §14.5). Immutable (the arrays are not copied; treat them
 * as read-only).
 *
 * @param type             the 14-bit message type (method and class)
 * @param attributes       attributes in wire order, up to and including MESSAGE-INTEGRITY
 * @param raw              the whole message as received
 * @param integrityOffset  offset of the MESSAGE-INTEGRITY attribute header in {@code raw}, or -1
 */
record StunMessage(int type, List<StunAttribute> attributes, byte[] raw,
                   int integrityOffset) {

  /** Where the 12-byte transaction id is in {@link #raw()}. */
  static final int TRANSACTION_ID_OFFSET = 8;

  /**
   * A copy of the transaction id. The request path reads it in place, from {@link #raw()} at
   * {@link #TRANSACTION_ID_OFFSET}: a copy per request was one more array per Binding.
   */
  byte[] transactionId() {
    return Arrays.copyOfRange(raw, TRANSACTION_ID_OFFSET, TRANSACTION_ID_OFFSET + 12);
  }

  int method() {
    return Stun.method(type);
  }

  int cls() {
    return Stun.cls(type);
  }

  boolean isRequest() {
    return cls() == Stun.REQUEST;
  }

  boolean isIndication() {
    return cls() == Stun.INDICATION;
  }

  /** The first attribute of {@code attrType}, or null. */
  StunAttribute attribute(int attrType) {
    for (int i = 0; i < attributes.size(); i++) { // indexed: no iterator per lookup on the request path
      StunAttribute a = attributes.get(i);
      if (a.type() == attrType) {
        return a;
      }
    }
    return null;
  }

  boolean has(int attrType) {
    return attribute(attrType) != null;
  }

  /** Every attribute of {@code attrType}, in order (ice4j collapses repeats, so we keep them here). */
  List<StunAttribute> all(int attrType) {
    List<StunAttribute> out = new ArrayList<>(2);
    for (int i = 0; i < attributes.size(); i++) {
      StunAttribute a = attributes.get(i);
      if (a.type() == attrType) {
        out.add(a);
      }
    }
    return out;
  }

  /** The attribute as UTF-8 text, or null when absent. */
  String text(int attrType) {
    StunAttribute a = attribute(attrType);
    return a == null ? null : new String(a.value(), StandardCharsets.UTF_8);
  }
}
