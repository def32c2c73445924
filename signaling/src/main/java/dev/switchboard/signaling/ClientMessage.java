package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The requests a client sends (PROTOCOL.md), decoded and validated by {@link ClientMessageDecoder}.
 * {@code id} is the client's request id, null when absent. Immutable.
 */
sealed interface ClientMessage {

  String id();

  /** {@code hello} with a token, or with {@code resume} (then {@code token} is null). */
  record Hello(String id, String token, Resume resume) implements ClientMessage {}

  record Resume(String sessionId, String resumeToken, long lastSeq) {}

  /** {@code ping}; {@code t} is echoed untouched (may be null). */
  record Ping(String id, JsonNode t) implements ClientMessage {}

  record Bye(String id) implements ClientMessage {}

  record IceRefresh(String id) implements ClientMessage {}

  /** {@code join}; capacity 0 means the default, password/name/meta may be null. */
  record Join(String id, String room, RoomRegistry.Mode mode, int capacity, String password, String name,
              JsonNode meta) implements ClientMessage {}

  record Leave(String id, String room) implements ClientMessage {}

  /** {@code signal}; the payload is relayed untouched, as the bytes it came as. */
  record Signal(String id, String room, String to, String kind, RawJson payload) implements ClientMessage {}

  /** {@code chat}; {@code to} is null for the whole room. */
  record Chat(String id, String room, String to, String text) implements ClientMessage {}
}
