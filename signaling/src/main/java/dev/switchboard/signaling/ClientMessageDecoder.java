package dev.switchboard.signaling;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Text frame → {@link ClientMessage}: every field checked against PROTOCOL.md, every violation a
 * {@code bad_request} naming the field (or {@code unsupported_type}). Unknown fields are ignored.
 * Stateless.
 */
final class ClientMessageDecoder {

  /** The request types of PROTOCOL.md. */
  static final Set<String> TYPES = Set.of("hello", "ping", "bye", "ice.refresh", "join", "leave", "signal", "chat");
  static final int MAX_ROOM = 64;
  static final Set<String> KINDS = Set.of("offer", "answer", "candidate", "end-of-candidates", "restart", "bye");
  static final int MAX_ID = 64;
  static final int MAX_CHAT = 4096;
  static final int MAX_NAME = 64;

  private final int maxCapacity;

  ClientMessageDecoder(int maxCapacity) {
    this.maxCapacity = maxCapacity;
  }

  /**
   * A frame's JSON object: its top-level fields as a tree, except {@code payload}, kept as the bytes
   * it came as ({@code null} when absent), since the only request that uses it relays it untouched.
   */
  record Request(ObjectNode fields, RawJson payload) {}

  static Request parse(String text) throws SignalingException {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The JSON object of a frame's UTF-8 bytes, whose {@code type} and {@code id} the router reads
   * before decoding. Bytes, not a String: Jackson's byte parser reads the frame as it came, where a
   * String would be decoded once into it and copied again into the parser's char buffer. The object
   * is read field by field so {@code payload} is skipped (and so checked to be JSON) but not built.
   */
  static Request parse(byte[] utf8) throws SignalingException {
    try (JsonParser p = Json.MAPPER.createParser(utf8)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new SignalingException("bad_request", "a message must be a JSON object");
      }
      ObjectNode fields = Json.MAPPER.createObjectNode();
      RawJson payload = null;
      JsonToken t = p.nextToken();
      for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("payload")) {
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          p.finishToken(); // a string's text is read lazily: read it, so the location is past it
          payload = new RawJson(utf8, start, (int) p.currentLocation().getByteOffset() - start);
        } else if (value == JsonToken.VALUE_STRING) {
          fields.put(name, p.getText());
        } else {
          fields.set(name, Json.MAPPER.readTree(p));
        }
      }
      // One object per frame (PROTOCOL.md "Transport"): whatever follows it, a second object too, makes
      // the frame a bad_request rather than being dropped unread.
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new SignalingException("bad_request", "a message must be one JSON object with nothing after it");
      }
      return new Request(fields, payload);
    } catch (JsonProcessingException e) {
      throw new SignalingException("bad_request", "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new SignalingException("bad_request", "not JSON: " + e.getMessage());
    }
  }

  /** The request id, or null; a bad one is a bad_request. */
  static String id(JsonNode message) throws SignalingException {
    JsonNode id = message.get("id");
    if (id == null || id.isNull()) {
      return null;
    }
    if (!id.isTextual() || characters(id.asText()) > MAX_ID) {
      throw new SignalingException("bad_request", "id must be a string of at most " + MAX_ID + " characters");
    }
    return id.asText();
  }

  static String type(JsonNode message) throws SignalingException {
    String type = Json.text(message, "type");
    if (type == null) {
      throw new SignalingException("bad_request", "type is missing");
    }
    return type;
  }

  ClientMessage decode(Request request) throws SignalingException {
    ObjectNode m = request.fields();
    String id = id(m);
    return switch (type(m)) {
      case "hello" -> hello(id, m);
      case "ping" -> new ClientMessage.Ping(id, m.get("t"));
      case "bye" -> new ClientMessage.Bye(id);
      case "ice.refresh" -> new ClientMessage.IceRefresh(id);
      case "join" -> join(id, m);
      case "leave" -> new ClientMessage.Leave(id, room(m));
      case "signal" -> signal(id, m, request.payload());
      case "chat" -> chat(id, m);
      default -> throw new SignalingException("unsupported_type", "unknown message type " + type(m));
    };
  }

  private static ClientMessage hello(String id, JsonNode m) throws SignalingException {
    JsonNode resume = m.get("resume");
    if (resume != null && resume.isObject()) {
      String sessionId = Json.text(resume, "sessionId");
      String token = Json.text(resume, "resumeToken");
      JsonNode lastSeq = resume.get("lastSeq");
      if (sessionId == null || token == null || lastSeq == null || !lastSeq.canConvertToLong()) {
        throw new SignalingException("bad_request", "resume needs sessionId, resumeToken and lastSeq");
      }
      return new ClientMessage.Hello(id, null, new ClientMessage.Resume(sessionId, token, lastSeq.asLong()));
    }
    String token = Json.text(m, "token");
    if (token == null) {
      throw new SignalingException("bad_request", "hello needs a token or a resume");
    }
    return new ClientMessage.Hello(id, token, null);
  }

  private ClientMessage join(String id, JsonNode m) throws SignalingException {
    String name = optionalText(m, "name");
    if (name != null && characters(name) > MAX_NAME) {
      throw new SignalingException("bad_request", "name is longer than " + MAX_NAME + " characters");
    }
    JsonNode meta = m.get("meta");
    if (meta != null && !meta.isNull() && !meta.isObject()) {
      throw new SignalingException("bad_request", "meta must be an object");
    }
    return new ClientMessage.Join(id, room(m), mode(m), capacity(m), optionalText(m, "password"), name,
        meta == null || meta.isNull() ? null : meta);
  }

  private static ClientMessage signal(String id, JsonNode m, RawJson payload) throws SignalingException {
    String room = room(m);
    String kind = Json.text(m, "kind");
    if (kind == null || !KINDS.contains(kind)) {
      throw new SignalingException("bad_request", "kind must be one of " + String.join(", ", KINDS.stream().sorted().toList()));
    }
    String to = Json.text(m, "to");
    if (to == null) {
      throw new SignalingException("bad_request", "to is missing");
    }
    return new ClientMessage.Signal(id, room, to, kind, payload == null ? RawJson.NULL : payload);
  }

  private static ClientMessage chat(String id, JsonNode m) throws SignalingException {
    String room = room(m);
    String text = Json.text(m, "text");
    if (text == null || characters(text) > MAX_CHAT) {
      throw new SignalingException("bad_request", "text must be a string of at most " + MAX_CHAT + " characters");
    }
    return new ClientMessage.Chat(id, room, optionalText(m, "to"), text);
  }

  /**
   * Characters as PROTOCOL.md counts them: Unicode code points, not Java's UTF-16 units (an emoji is
   * one character, two units).
   */
  static int characters(String s) {
    return s.codePointCount(0, s.length());
  }

  private static String room(JsonNode m) throws SignalingException {
    String room = Json.text(m, "room");
    if (room == null || !isRoomId(room)) {
      throw new SignalingException("bad_request", "room must match [A-Za-z0-9_.-]{1,64}");
    }
    return room;
  }

  private static RoomRegistry.Mode mode(JsonNode m) throws SignalingException {
    String mode = optionalText(m, "mode");
    if (mode == null || mode.equals("auto")) {
      return RoomRegistry.Mode.AUTO;
    }
    return switch (mode) {
      case "create" -> RoomRegistry.Mode.CREATE;
      case "join" -> RoomRegistry.Mode.JOIN;
      default -> throw new SignalingException("bad_request", "mode must be auto, create or join");
    };
  }

  private int capacity(JsonNode m) throws SignalingException {
    JsonNode node = m.get("capacity");
    if (node == null || node.isNull()) {
      return 0;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > maxCapacity) {
      throw new SignalingException("bad_request", "capacity must be a whole number from 1 to " + maxCapacity);
    }
    return node.asInt();
  }

  private static String optionalText(JsonNode m, String field) throws SignalingException {
    JsonNode node = m.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new SignalingException("bad_request", field + " must be a string");
    }
    return node.asText();
  }

  /**
   * PROTOCOL.md's room id, {@code [A-Za-z0-9_.-]{1,64}}, checked by a loop: it runs for every
   * signal, where a regex would allocate a Matcher each time.
   */
  static boolean isRoomId(String room) {
    int n = room.length();
    if (n == 0 || n > MAX_ROOM) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = room.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
