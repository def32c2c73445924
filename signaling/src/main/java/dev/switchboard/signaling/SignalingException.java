package dev.switchboard.signaling;

/**
 * A request the server refuses: becomes one {@code error} message (PROTOCOL.md "Errors"), and closes
 * the connection with {@code closeCode} when that is not 0. Caught in one place, the router.
 */
final class SignalingException extends Exception {

  private final String code;
  private final long retryAfterMs;
  private final int closeCode;

  SignalingException(String code, String message) {
    this(code, message, 0, 0);
  }

  SignalingException(String code, String message, long retryAfterMs, int closeCode) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
    this.closeCode = closeCode;
  }

  String code() {
    return code;
  }

  long retryAfterMs() {
    return retryAfterMs;
  }

  int closeCode() {
    return closeCode;
  }
}
