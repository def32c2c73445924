package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** join, leave, signal and chat. Thread-safe. */
final class RoomMessages {

  private static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Set<String> KINDS = Set.of("offer", "answer", "candidate", "end-of-candidates", "restart", "bye");
  static final int MAX_CHAT = 4096;
  static final int MAX_NAME = 64;
  private static final long PASSWORD_BACKOFF_MS = 500;
  private static final long PASSWORD_BACKOFF_MAX_MS = 30_000;

  private final Hub hub;

  RoomMessages(Hub hub) {
    this.hub = hub;
  }

  void join(Session session, String id, ObjectNode message) throws SignalingException {
    String roomId = roomId(message);
    RoomRegistry.Mode mode = mode(message);
    int capacity = capacity(message);
    String password = optionalText(message, "password");
    String name = optionalText(message, "name");
    JsonNode meta = message.get("meta");
    if (meta != null && !meta.isObject()) {
      throw new SignalingException("bad_request", "meta must be an object");
    }
    if (name != null && name.length() > MAX_NAME) {
      throw new SignalingException("bad_request", "name is longer than " + MAX_NAME + " characters");
    }
    if (session.tokenRoom != null && !session.tokenRoom.equals("*") && !session.tokenRoom.equals(roomId)) {
      throw new SignalingException("forbidden", "your token allows room " + session.tokenRoom + " only");
    }
    long now = hub.clock.millis();
    if (now < session.passwordRetryAtMillis) {
      throw new SignalingException("wrong_password", "too many wrong passwords: try again later",
          session.passwordRetryAtMillis - now, 0);
    }
    if (name != null && session.userId == null) {
      session.name = name;
    }
    Room.Member member = new Room.Member(session, session.name, meta == null ? Json.MAPPER.createObjectNode() : meta);
    Room room;
    try {
      room = hub.rooms.join(roomId, mode, capacity, password, member);
    } catch (SignalingException e) {
      if (e.code().equals("wrong_password")) {
        session.passwordFailures++;
        long backoff = Math.min(PASSWORD_BACKOFF_MAX_MS, PASSWORD_BACKOFF_MS << Math.min(16, session.passwordFailures - 1));
        session.passwordRetryAtMillis = now + backoff;
        throw new SignalingException("wrong_password", e.getMessage(), backoff, 0);
      }
      throw e;
    }
    session.passwordFailures = 0;
    boolean fresh = session.rooms.add(roomId);
    List<Room.Member> others = room.others(session.peerId);
    hub.send(session, joined(session, id, room, others));
    if (fresh) {
      ObjectNode joinedEvent = Json.message("peer.joined", null);
      joinedEvent.put("room", roomId);
      joinedEvent.set("peer", peer(member));
      hub.broadcast(roomId, joinedEvent, session.peerId);
    }
  }

  private ObjectNode joined(Session session, String id, Room room, List<Room.Member> others) {
    ObjectNode joined = Json.message("joined", id);
    ObjectNode roomNode = joined.putObject("room");
    roomNode.put("id", room.id);
    roomNode.put("capacity", room.capacity);
    roomNode.put("size", others.size() + 1);
    roomNode.put("locked", room.locked());
    ObjectNode self = joined.putObject("self");
    self.put("peerId", session.peerId);
    self.put("name", session.name);
    ArrayNode peers = joined.putArray("peers");
    ArrayNode offerTo = joined.putArray("offerTo");
    for (Room.Member other : others) {
      peers.add(peer(other));
      offerTo.add(other.session().peerId);
    }
    IceServersProvider.IceConfig ice = hub.ice.iceServers(session.peerId);
    joined.set("iceServers", Json.iceServers(ice));
    joined.put("iceTtl", ice.ttl().toSeconds());
    hub.router().scheduleIceRefresh(session, ice);
    ArrayNode history = joined.putArray("history");
    for (ObjectNode chat : room.history()) {
      ObjectNode entry = history.addObject();
      entry.set("from", chat.get("from"));
      entry.set("name", chat.get("name"));
      entry.set("text", chat.get("text"));
      entry.set("ts", chat.get("ts"));
    }
    return joined;
  }

  private static ObjectNode peer(Room.Member member) {
    ObjectNode peer = Json.MAPPER.createObjectNode();
    peer.put("peerId", member.session().peerId);
    peer.put("name", member.name());
    peer.set("meta", member.meta());
    return peer;
  }

  void leave(Session session, String id, ObjectNode message) throws SignalingException {
    String roomId = roomId(message);
    if (!session.rooms.contains(roomId)) {
      throw new SignalingException("not_in_room", "you are not in room " + roomId);
    }
    leaveRoom(session, roomId, "leave");
    ObjectNode left = Json.message("left", id);
    left.put("room", roomId);
    hub.send(session, left);
  }

  /** Takes the session out of a room; the others get peer.left with {@code reason}. */
  void leaveRoom(Session session, String roomId, String reason) {
    session.rooms.remove(roomId);
    Room room = hub.rooms.get(roomId);
    if (room == null || room.member(session.peerId) == null) {
      return;
    }
    hub.rooms.leave(room, session.peerId);
    ObjectNode event = Json.message("peer.left", null);
    event.put("room", roomId);
    event.put("peerId", session.peerId);
    event.put("reason", reason);
    for (Room.Member other : room.others(session.peerId)) {
      hub.send(other.session(), event.deepCopy());
    }
  }

  void signal(Session session, String id, ObjectNode message) throws SignalingException {
    Instant arrived = hub.clock.instant();
    Room room = memberRoom(session, message);
    String kind = Json.text(message, "kind");
    if (kind == null || !KINDS.contains(kind)) {
      throw new SignalingException("bad_request", "kind must be one of " + String.join(", ", KINDS.stream().sorted().toList()));
    }
    Room.Member target = target(room, message, true);
    ObjectNode signal = Json.message("signal", null);
    signal.put("room", room.id);
    signal.put("from", session.peerId);
    signal.put("kind", kind);
    signal.set("payload", message.has("payload") ? message.get("payload") : Json.MAPPER.nullNode());
    hub.send(target.session(), signal);
    recordLatency(arrived);
  }

  void chat(Session session, String id, ObjectNode message) throws SignalingException {
    Instant arrived = hub.clock.instant();
    Room room = memberRoom(session, message);
    String text = Json.text(message, "text");
    if (text == null || text.length() > MAX_CHAT) {
      throw new SignalingException("bad_request", "text must be a string of at most " + MAX_CHAT + " characters");
    }
    Room.Member target = target(room, message, false);
    ObjectNode chat = Json.message("chat", null);
    chat.put("room", room.id);
    chat.put("from", session.peerId);
    chat.put("name", session.name);
    chat.put("text", text);
    chat.put("ts", hub.clock.millis());
    if (target != null) {
      chat.put("to", target.session().peerId);
      hub.send(target.session(), chat.deepCopy());
    } else {
      room.remember(chat.deepCopy());
      hub.broadcast(room.id, chat, session.peerId);
    }
    ObjectNode own = chat.deepCopy();
    if (id != null) {
      own.put("re", id);
    }
    hub.send(session, own);
    recordLatency(arrived);
  }

  private void recordLatency(Instant arrived) {
    Instant now = hub.clock.instant();
    long micros = (now.getEpochSecond() - arrived.getEpochSecond()) * 1_000_000L
        + (now.getNano() - arrived.getNano()) / 1000;
    hub.metrics.relayLatency(Math.max(0, micros));
  }

  private Room memberRoom(Session session, ObjectNode message) throws SignalingException {
    String roomId = roomId(message);
    Room room = hub.rooms.get(roomId);
    if (!session.rooms.contains(roomId) || room == null || room.member(session.peerId) == null) {
      throw new SignalingException("not_in_room", "you are not in room " + roomId);
    }
    return room;
  }

  /** The {@code to} peer in the room; null when absent and optional. */
  private static Room.Member target(Room room, ObjectNode message, boolean required) throws SignalingException {
    String to = Json.text(message, "to");
    if (to == null) {
      if (required) {
        throw new SignalingException("bad_request", "to is missing");
      }
      return null;
    }
    Room.Member target = room.member(to);
    if (target == null) {
      throw new SignalingException("peer_not_found", "no peer " + to + " in room " + room.id);
    }
    return target;
  }

  private static String roomId(ObjectNode message) throws SignalingException {
    String room = Json.text(message, "room");
    if (room == null || !ROOM_ID.matcher(room).matches()) {
      throw new SignalingException("bad_request", "room must match [A-Za-z0-9_.-]{1,64}");
    }
    return room;
  }

  private static RoomRegistry.Mode mode(ObjectNode message) throws SignalingException {
    String mode = optionalText(message, "mode");
    if (mode == null || mode.equals("auto")) {
      return RoomRegistry.Mode.AUTO;
    }
    return switch (mode) {
      case "create" -> RoomRegistry.Mode.CREATE;
      case "join" -> RoomRegistry.Mode.JOIN;
      default -> throw new SignalingException("bad_request", "mode must be auto, create or join");
    };
  }

  private int capacity(ObjectNode message) throws SignalingException {
    JsonNode node = message.get("capacity");
    if (node == null || node.isNull()) {
      return 0;
    }
    int max = hub.config.rooms().maxCapacity();
    if (!node.canConvertToInt() || node.asInt() < 1 || node.asInt() > max) {
      throw new SignalingException("bad_request", "capacity must be a whole number from 1 to " + max);
    }
    return node.asInt();
  }

  private static String optionalText(ObjectNode message, String field) throws SignalingException {
    JsonNode node = message.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new SignalingException("bad_request", field + " must be a string");
    }
    return node.asText();
  }
}
