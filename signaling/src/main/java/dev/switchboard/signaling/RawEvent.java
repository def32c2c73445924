package dev.switchboard.signaling;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A server event already serialised to UTF-8, up to but without its closing brace: the session
 * appends {@code ,"seq":N}} when it numbers the event. Used for the relayed {@code signal}, the one
 * event sent once per client message under load, where building an ObjectNode and running Jackson's
 * generator cost more than the bytes themselves. Immutable (the array is never changed).
 */
record RawEvent(String type, byte[] open) {

  private static final byte[] SEQ = bytes(",\"seq\":");
  private static final byte[] SIGNAL_ROOM = bytes("{\"type\":\"signal\",\"room\":");
  private static final byte[] FROM = bytes(",\"from\":");
  private static final byte[] KIND = bytes(",\"kind\":");
  private static final byte[] PAYLOAD = bytes(",\"payload\":");

  /**
   * {@code {"type":"signal","room":R,"from":F,"kind":K,"payload":P}}, fields in the order the
   * ObjectNode-built events have them.
   */
  static RawEvent signal(String room, String from, String kind, RawJson payload) {
    byte[] r = quoted(room);
    byte[] f = quoted(from);
    byte[] k = quoted(kind);
    byte[] out = new byte[SIGNAL_ROOM.length + r.length + FROM.length + f.length + KIND.length + k.length
        + PAYLOAD.length + payload.length()];
    int at = put(out, 0, SIGNAL_ROOM);
    at = put(out, at, r);
    at = put(out, at, FROM);
    at = put(out, at, f);
    at = put(out, at, KIND);
    at = put(out, at, k);
    at = put(out, at, PAYLOAD);
    payload.copyTo(out, at);
    return new RawEvent("signal", out);
  }

  /** The complete event with its seq. */
  byte[] withSeq(long seq) {
    byte[] digits = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[open.length + SEQ.length + digits.length + 1];
    int at = put(out, 0, open);
    at = put(out, at, SEQ);
    at = put(out, at, digits);
    out[at] = '}';
    return out;
  }

  /** A JSON string literal; ids and kinds are plain ASCII, so the escaper runs only for others. */
  private static byte[] quoted(String s) {
    int n = s.length();
    byte[] out = new byte[n + 2];
    out[0] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        return escaped(s);
      }
      out[i + 1] = (byte) c;
    }
    out[n + 1] = '"';
    return out;
  }

  private static byte[] escaped(String s) {
    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] out = new byte[escaped.length + 2];
    out[0] = '"';
    System.arraycopy(escaped, 0, out, 1, escaped.length);
    out[out.length - 1] = '"';
    return out;
  }

  private static int put(byte[] out, int at, byte[] part) {
    System.arraycopy(part, 0, out, at, part.length);
    return at + part.length;
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }
}
