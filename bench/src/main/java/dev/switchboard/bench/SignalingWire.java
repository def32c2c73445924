package dev.switchboard.bench;

import java.util.List;

/**
 * How a load client speaks one server's signaling protocol: the frames it sends and what a received
 * text frame means. Both protocols carry the send time as {@code "payload":{"t":NANOS}}, relayed
 * untouched, so latency is measured the same way on both. Stateless and thread-safe.
 */
sealed interface SignalingWire permits SwitchboardWire, SocketIoWire {

  /** A received frame, as far as the load generator cares. */
  sealed interface Event permits Ready, Joined, Signal, Reply, Failed, Other {}

  /** The session is open; {@code peerId} is how other room members address it. */
  record Ready(String peerId) implements Event {}

  /** This client is in its room. */
  record Joined() implements Event {}

  /** A relayed signal sent at {@code sentNanos} (System.nanoTime of the generator). */
  record Signal(long sentNanos) implements Event {}

  /** A frame the protocol needs answered at once (Engine.IO's open and ping). */
  record Reply(String frame) implements Event {}

  /** The server refused something: the frame, for the error message. */
  record Failed(String frame) implements Event {}

  /** Anything else (peer.joined, heartbeats the codec already answers, ...). */
  record Other() implements Event {}

  /** "switchboard" or "socket.io". */
  String name();

  /** The request path of the WebSocket upgrade, with its query. */
  String path();

  String join(String room);

  String signal(String room, String to, long sentNanos);

  Event parse(String frame);

  /** The send time from a relayed {@code "payload":{"t":NANOS}}, or -1. */
  static long sentNanos(String frame) {
    int at = frame.indexOf("\"t\":", frame.indexOf("\"payload\""));
    if (at < 0) {
      return -1;
    }
    int i = at + 4;
    boolean negative = i < frame.length() && frame.charAt(i) == '-';
    if (negative) {
      i++;
    }
    long v = 0;
    int start = i;
    for (; i < frame.length() && Character.isDigit(frame.charAt(i)); i++) {
      v = v * 10 + (frame.charAt(i) - '0');
    }
    return i == start ? -1 : negative ? -v : v;
  }

  /** The string value of {@code "key":"..."} in a frame (ids here need no unescaping), or null. */
  static String stringField(String frame, String key) {
    String marker = "\"" + key + "\":\"";
    int at = frame.indexOf(marker);
    if (at < 0) {
      return null;
    }
    int start = at + marker.length();
    int end = frame.indexOf('"', start);
    return end < 0 ? null : frame.substring(start, end);
  }

  static List<SignalingWire> both() {
    return List.of(new SwitchboardWire(), new SocketIoWire());
  }
}
