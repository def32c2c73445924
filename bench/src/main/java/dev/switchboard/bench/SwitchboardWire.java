package dev.switchboard.bench;

/** Switchboard's signaling protocol v1 (PROTOCOL.md): welcome, join/joined, signal. */
record SwitchboardWire() implements SignalingWire {

  /** Rooms of 4, as in the socket.io relay; the room is created by its first joiner. */
  static final int ROOM_CAPACITY = 4;

  @Override
  public String name() {
    return "switchboard";
  }

  @Override
  public String path() {
    return "/ws";
  }

  @Override
  public String join(String room) {
    return "{\"type\":\"join\",\"room\":\"" + room + "\",\"capacity\":" + ROOM_CAPACITY + "}";
  }

  @Override
  public String signal(String room, String to, long sentNanos) {
    return "{\"type\":\"signal\",\"room\":\"" + room + "\",\"to\":\"" + to
        + "\",\"kind\":\"candidate\",\"payload\":{\"t\":" + sentNanos + "}}";
  }

  @Override
  public Event parse(String frame) {
    // The server writes "type" first: a prefix test is enough and keeps the generator cheap.
    if (frame.startsWith("{\"type\":\"signal\"")) {
      return new Signal(SignalingWire.sentNanos(frame));
    }
    if (frame.startsWith("{\"type\":\"welcome\"")) {
      return new Ready(SignalingWire.stringField(frame, "peerId"));
    }
    if (frame.startsWith("{\"type\":\"joined\"")) {
      return new Joined();
    }
    if (frame.startsWith("{\"type\":\"error\"")) {
      return new Failed(frame);
    }
    return new Other();
  }
}
