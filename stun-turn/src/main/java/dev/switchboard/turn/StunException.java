package dev.switchboard.turn;

import java.util.List;

/**
 * A STUN error response to send (RFC 8489 §14.8). Thrown by handlers, caught in one place: the
 * {@link Dispatcher}. Carries no stack trace: it is control flow, not a bug. Immutable.
 */
final class StunException extends Exception {

  private final int code;
  private final List<Integer> unknownAttributes;

  /** @param detail why, for the DEBUG log only (the reason phrase on the wire is the standard one) */
  StunException(int code, String detail) {
    this(code, detail, List.of());
  }

  StunException(int code, String detail, List<Integer> unknownAttributes) {
    super(code + " " + detail, null, false, false);
    this.code = code;
    this.unknownAttributes = List.copyOf(unknownAttributes);
  }

  int code() {
    return code;
  }

  List<Integer> unknownAttributes() {
    return unknownAttributes;
  }

  /** 401 and 438 carry REALM and a fresh NONCE and are rate limited per client IP. */
  boolean challenge() {
    return code == 401 || code == 438;
  }
}
