package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import java.time.Instant;
import java.util.List;

/** join, leave, signal and chat, on decoded and validated requests. Thread-safe. */
final class RoomMessages {

  private final Hub hub;

  RoomMessages(Hub hub) {
    this.hub = hub;
  }

  void join(Session session, ClientMessage.Join join) throws SignalingException {
    if (session.tokenRoom != null && !session.tokenRoom.equals("*") && !session.tokenRoom.equals(join.room())) {
      throw new SignalingException("forbidden", "your token allows room " + session.tokenRoom + " only");
    }
    // A name is the membership's (PROTOCOL.md: each join brings its own, and peers learn it from
    // joined and peer.joined only), so joining another room under another name changes nothing in
    // the first. With a token, the token's name wins; without, a join with no name takes the last given.
    String name = session.userId != null || join.name() == null ? session.name : join.name();
    Room.Member member = new Room.Member(session, name, join.meta());
    synchronized (session.membership) {
      if (session.ended) {
        // Ended on another thread since its frame was read (a heartbeat timeout): it has left its rooms,
        // or leaves them once this returns, and it joins none now.
        return;
      }
      enter(session, join, member);
    }
  }

  /**
   * The join itself, holding the session's membership monitor: from the room's update to peer.joined,
   * nothing of the session's end comes between (Hub#end holds it too), so the others see this peer
   * join and then leave, never the other way round.
   */
  private void enter(Session session, ClientMessage.Join join, Room.Member member) throws SignalingException {
    Channel connection = session.channel();
    // Wrong passwords are throttled by address, not by session: a new connection is a new session.
    // The client's address, which a trusted proxy named at the upgrade, else every client behind the
    // proxy would share one throttle.
    Object source = PasswordThrottle.source(connection != null ? ClientAddresses.of(connection) : null, session);
    Room room = hub.rooms.join(join.room(), join.mode(), join.capacity(), join.password(), member, source,
        hub.clock.millis());
    // Nothing from here to the announcement throws (a failed move is reported to its listener), so a
    // seat taken is always announced.
    if (session.userId == null && join.name() != null) {
      session.name = join.name();
    }
    boolean fresh = session.rooms.add(join.room());
    if (fresh && session.rooms.size() == 1) {
      // The first room decides: a session in several rooms stays on one loop, not moved per join.
      hub.loops.move(connection, room.home, () -> hub.disconnected(session, connection, "disconnect"));
    }
    Room.Member self = room.member(session.peerId); // this join's, or an earlier one's of the same room
    // Under the room's monitor (Room#announce): no event about the room reaches this session before its
    // joined, and none that its joined already shows reaches it after.
    room.announce(session.peerId, () -> {
      hub.send(session, joined(session, join.id(), room, self == null ? member : self, room.others(session.peerId)));
      if (fresh) {
        ObjectNode joinedEvent = Json.message("peer.joined", null);
        joinedEvent.put("room", join.room());
        joinedEvent.set("peer", peer(member));
        room.tellOthers(session.peerId, hub.copiesOf(joinedEvent));
      }
    });
  }

  private ObjectNode joined(Session session, String id, Room room, Room.Member member, List<Room.Member> others) {
    ObjectNode joined = Json.message("joined", id);
    ObjectNode roomNode = joined.putObject("room");
    roomNode.put("id", room.id);
    roomNode.put("capacity", room.capacity);
    roomNode.put("size", others.size() + 1);
    roomNode.put("locked", room.locked());
    ObjectNode self = joined.putObject("self");
    self.put("peerId", session.peerId);
    self.put("name", member.name());
    ArrayNode peers = joined.putArray("peers");
    ArrayNode offerTo = joined.putArray("offerTo");
    for (Room.Member other : others) {
      // Its state too: a peer that lost its connection and awaits a resume announced "reconnecting" to
      // the room before this session was in it, and would otherwise look connected to it.
      peers.add(peer(other).put("state", other.session().channel() == null ? "reconnecting" : "connected"));
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
    if (member.meta() == null) {
      peer.putObject("meta");
    } else {
      peer.set("meta", member.meta());
    }
    return peer;
  }

  void leave(Session session, ClientMessage.Leave leave) throws SignalingException {
    synchronized (session.membership) { // as a join: an end on another thread could announce this leave twice
      if (session.ended) {
        return; // its end leaves the room, with its own reason
      }
      if (!session.rooms.contains(leave.room())) {
        throw new SignalingException("not_in_room", "you are not in room " + leave.room());
      }
      leaveRoom(session, leave.room(), "leave");
    }
    ObjectNode left = Json.message("left", leave.id());
    left.put("room", leave.room());
    hub.send(session, left);
  }

  /** Takes the session out of a room, holding its membership monitor; the others get peer.left with {@code reason}. */
  void leaveRoom(Session session, String roomId, String reason) {
    session.rooms.remove(roomId);
    Room room = hub.rooms.get(roomId);
    if (room == null || room.member(session.peerId) == null) {
      return;
    }
    ObjectNode event = Json.message("peer.left", null);
    event.put("room", roomId);
    event.put("peerId", session.peerId);
    event.put("reason", reason);
    hub.rooms.leave(room, session.peerId, hub.copiesOf(event));
  }

  void signal(Session session, ClientMessage.Signal signal) throws SignalingException {
    Instant arrived = hub.clock.instant();
    Room room = memberRoom(session, signal.room());
    Room.Member target = target(room, signal.to());
    hub.send(target.session(), RawEvent.signal(room.id, session.peerId, signal.kind(), signal.payload()));
    recordLatency(arrived);
  }

  void chat(Session session, ClientMessage.Chat chat) throws SignalingException {
    Instant arrived = hub.clock.instant();
    Room room = memberRoom(session, chat.room());
    Room.Member target = chat.to() == null ? null : target(room, chat.to());
    ObjectNode message = Json.message("chat", null);
    message.put("room", room.id);
    message.put("from", session.peerId);
    Room.Member sender = room.member(session.peerId);
    message.put("name", sender == null ? session.name : sender.name()); // the name it joined this room with
    message.put("text", chat.text());
    message.put("ts", hub.clock.millis());
    if (target != null) {
      message.put("to", target.session().peerId);
      if (target.session() != session) { // to oneself: the sender's own copy below is the one
        hub.send(target.session(), message.deepCopy());
      }
    } else {
      room.remember(message, session.peerId, hub.copiesOf(message));
    }
    ObjectNode own = message.deepCopy();
    if (chat.id() != null) {
      own.put("re", chat.id());
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

  private Room memberRoom(Session session, String roomId) throws SignalingException {
    Room room = hub.rooms.get(roomId);
    if (!session.rooms.contains(roomId) || room == null || room.member(session.peerId) == null) {
      throw new SignalingException("not_in_room", "you are not in room " + roomId);
    }
    return room;
  }

  private static Room.Member target(Room room, String to) throws SignalingException {
    Room.Member target = room.announcedMember(to); // one still joining is not there for the others yet
    if (target == null) {
      throw new SignalingException("peer_not_found", "no peer " + to + " in room " + room.id);
    }
    return target;
  }
}
