package dev.switchboard.bench;

/**
 * socket.io v4 over Engine.IO v4's websocket transport, as bench/socketio-relay/server.js speaks it:
 * Engine.IO packet type is the first character (0 open, 2 ping, 3 pong, 4 message), a message's
 * socket.io packet type the second (0 connect, 2 event). The client answers the open packet with a
 * namespace connect ("40"), learns its socket id from the connect reply ("40{"sid":...}") and
 * answers every server ping ("2") with a pong ("3").
 */
record SocketIoWire() implements SignalingWire {

  static final String PATH = "/socket.io/?EIO=4&transport=websocket";

  @Override
  public String name() {
    return "socket.io";
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public String join(String room) {
    return event("join", "\"" + room + "\"");
  }

  @Override
  public String signal(String room, String to, long sentNanos) {
    return event("signal", "{\"room\":\"" + room + "\",\"to\":\"" + to
        + "\",\"kind\":\"candidate\",\"payload\":{\"t\":" + sentNanos + "}}");
  }

  /** A socket.io EVENT on the default namespace: {@code 42["name",arg]}. */
  static String event(String name, String jsonArg) {
    return "42[\"" + name + "\"," + jsonArg + "]";
  }

  /** The event name of a {@code 42[...]} frame, or null for any other packet. */
  static String eventName(String frame) {
    if (!frame.startsWith("42[\"")) {
      return null;
    }
    int end = frame.indexOf('"', 4);
    return end < 0 ? null : frame.substring(4, end);
  }

  @Override
  public Event parse(String frame) {
    if (frame.isEmpty()) {
      return new Other();
    }
    return switch (frame.charAt(0)) {
      case '0' -> new Reply("40"); // Engine.IO open: connect to the default namespace
      case '2' -> new Reply("3" + frame.substring(1)); // ping → pong, echoing any probe data
      case '4' -> message(frame);
      default -> new Other();
    };
  }

  private static Event message(String frame) {
    if (frame.startsWith("40")) {
      String sid = SignalingWire.stringField(frame, "sid");
      return sid == null ? new Failed(frame) : new Ready(sid);
    }
    if (frame.startsWith("44")) {
      return new Failed(frame); // CONNECT_ERROR
    }
    String name = eventName(frame);
    if (name == null) {
      return new Other();
    }
    return switch (name) {
      case "signal" -> new Signal(SignalingWire.sentNanos(frame));
      case "joined" -> new Joined();
      case "failed" -> new Failed(frame);
      default -> new Other();
    };
  }
}
