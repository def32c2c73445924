package dev.switchboard.signaling;

import java.nio.charset.StandardCharsets;

/**
 * One JSON value as it came in a client's frame: {@code length} bytes of {@code utf8} from
 * {@code offset}, checked to be well-formed JSON by the parser that found it. A signal's payload is
 * relayed as these bytes (PROTOCOL.md: "relayed untouched"): an SDP of several kilobytes is copied,
 * not decoded into a tree and encoded again. The array is never changed. Immutable.
 */
record RawJson(byte[] utf8, int offset, int length) {

  static final RawJson NULL = of("null");

  RawJson {
    if (offset < 0 || length <= 0 || offset + length > utf8.length) {
      throw new IllegalArgumentException("no JSON value at " + offset + "+" + length + " of " + utf8.length + " bytes");
    }
  }

  static RawJson of(String json) {
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    return new RawJson(utf8, 0, utf8.length);
  }

  /** Copies the value into {@code out} at {@code at}. */
  void copyTo(byte[] out, int at) {
    System.arraycopy(utf8, offset, out, at, length);
  }

  @Override
  public String toString() {
    return new String(utf8, offset, length, StandardCharsets.UTF_8);
  }

  // Records compare arrays by identity: compare the JSON text instead (tests, never the relay path).
  @Override
  public boolean equals(Object o) {
    return o instanceof RawJson other && toString().equals(other.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
