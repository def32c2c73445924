package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signaling state: sessions, rooms and the lifecycle rules around them (connect, unclean close,
 * resume window, heartbeat, ICE refresh, drain). Message rules live in {@link Router}. Thread-safe.
 */
final class Hub {

  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  /** When auth is on, the first message must come within this long. */
  static final long HELLO_DEADLINE_MILLIS = 10_000;
  /** A connection whose writes stay blocked this long is a slow consumer and is dropped. */
  static final long SLOW_CONSUMER_MILLIS = 5_000;

  final SignalingConfig config;
  final Clock clock;
  final RoomRegistry rooms;
  final IceServersProvider ice;
  final Tokens tokens;
  final LoopAffinity loops;
  final Metrics metrics = new Metrics();
  final ClientAddresses clients;
  final ConnectionRegistry connections;
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;
  /** The server is closing: a session that opens from now on is refused, as in a drain. */
  private volatile boolean closed;
  private volatile long drainDeadlineMillis = Long.MAX_VALUE;
  private volatile long drainReconnectInMs;
  private Router router;

  /** @param group the event loops of the connections; null keeps each on the loop it was accepted on */
  Hub(SignalingConfig config, Clock clock, IceServersProvider ice, Tokens tokens, EventLoopGroup group) {
    this.config = config;
    this.clock = clock;
    this.clients = new ClientAddresses(config.trustedProxies());
    this.connections = new ConnectionRegistry(config.connectionsPerIp(), clock, clients);
    this.loops = new LoopAffinity(group);
    this.rooms = new RoomRegistry(config.rooms(), loops::nextHome);
    this.ice = ice;
    this.tokens = tokens;
  }

  void router(Router router) {
    this.router = router;
  }

  Router router() {
    return router;
  }

  boolean draining() {
    return draining;
  }

  /**
   * A WebSocket is open: a new session and its {@code welcome}; null when the server is draining, and
   * the caller refuses the connection with server_draining (PROTOCOL.md "Shutdown").
   */
  Session connect(Channel channel) {
    long now = clock.millis();
    Session session = new Session("s_" + randomId(), "p_" + randomId(), randomId() + randomId(),
        new RateLimiter(config.messagesPerSecond(), now), channel, now);
    session.authenticated = config.auth() == SignalingConfig.Auth.NONE;
    ObjectNode welcome = SessionMessages.welcome(session, config);
    // Listed before the draining flag is read, as drain() sets the flag before it walks the sessions:
    // of the two, one sees the other. A connection that sees the flag is refused like any later one
    // (and taken off the list, so that the drain does not wait for it); one that does not is in the
    // drain's walk.
    sessions.put(session.id, session);
    if (draining || closed) {
      sessions.remove(session.id, session);
      session.release();
      checkDrained();
      return null;
    }
    metrics.out("welcome");
    // Nothing but the walk of a drain that started since sends a listed session an event, and it skips
    // a session not welcomed yet, so the welcome is its first event. The check again after it is for
    // such a drain, whose walk may have come first: tellDraining sends the notice once, either way.
    session.sendWelcome(welcome);
    metrics.connections.increment();
    if (draining) {
      tellDraining(session);
    }
    return session;
  }

  void onText(Session session, byte[] utf8) {
    touch(session);
    router.handle(session, utf8);
  }

  /**
   * Any frame from the client counts as a sign of life (pongs to our pings included), but not once
   * the session has ended: a client closed for cause that keeps sending and never reads our close
   * frame is then dropped by the heartbeat timeout like a silent one.
   */
  void touch(Session session) {
    if (session.ended) {
      return;
    }
    session.lastSeenMillis = clock.millis();
  }

  /**
   * The connection of {@code session} closed. Unless the session ended cleanly (bye) or the server is
   * draining, it waits for a resume; others in its rooms see it reconnecting.
   */
  void disconnected(Session session, Channel channel, String reason) {
    // Held as a resume holds it to attach a connection: else it could attach one between the check and
    // the detach, and the detach take it away again.
    synchronized (session.membership) {
      if (session.channel() != channel) {
        return; // an old connection of a session that resumed elsewhere
      }
      if (session.ended || draining || config.resumeWindow().isZero()) {
        end(session, session.ended ? session.endReason : reason);
        return;
      }
      session.detach(clock.millis(), reason);
      tellState(session, "reconnecting");
    }
  }

  /** The session is gone for good: it leaves every room with {@code reason}. */
  void end(Session session, String reason) {
    boolean removed;
    synchronized (session.membership) { // a join under way finishes first, announced, and is in the rooms read here
      session.ended = true;
      removed = sessions.remove(session.id, session);
      if (removed) {
        session.release();
        for (String roomId : session.rooms) {
          router.leave(session, roomId, reason);
        }
      }
    }
    if (removed) {
      checkDrained();
    }
  }

  /**
   * Ends {@code session} if it still waits for a resume, since {@code detachedBy} at the latest; true
   * then. Checked while holding the monitor a resume holds to attach a connection: a session resumed
   * since the caller saw it detached is left alone, as ended it would ignore everything its client
   * sends and no heartbeat would check it, keeping the connection open for as long as the client does.
   */
  private boolean endDetached(Session session, long detachedBy) {
    synchronized (session.membership) {
      if (session.channel() != null || session.detachedAtMillis > detachedBy) {
        return false;
      }
      end(session, session.detachReason);
      return true;
    }
  }

  Session session(String id) {
    return sessions.get(id);
  }

  /**
   * Replaces the throwaway session of a new connection by the resumed one. Detached first: the
   * connection is the resumed session's now, and the throwaway's leaving its rooms (if it joined any)
   * must not reach it.
   */
  void forget(Session throwaway) {
    throwaway.detach(clock.millis(), "resumed");
    end(throwaway, "leave");
  }

  /**
   * The server is closing ({@link SignalingServer#close()}): from now on a WebSocket's connect is
   * refused. Set before the close walks the sessions, as drain() sets its flag: a connect that misses
   * it is in the walk.
   */
  void close() {
    closed = true;
  }

  /** The server stopped: every session's memory goes back, whether it waited for a resume or not. */
  void releaseAll() {
    sessions.values().forEach(Session::release);
  }

  Collection<Session> sessions() {
    return sessions.values();
  }

  void send(Session session, ObjectNode message) {
    metrics.out(message.get("type").asText());
    session.send(message);
  }

  void send(Session session, RawEvent event) {
    metrics.out(event.type());
    session.send(event);
  }

  void reply(Session session, ObjectNode message) {
    metrics.out(message.get("type").asText());
    session.reply(message);
  }

  /** For {@link Room}'s tellers: sends each member a copy of {@code message} (a copy each, as seq differs). */
  Consumer<Room.Member> copiesOf(ObjectNode message) {
    return member -> send(member.session(), message.deepCopy());
  }

  /** Tells the others in each room of {@code session} its connection's state: peer.updated, connected or reconnecting. */
  void tellState(Session session, String state) {
    for (String roomId : session.rooms) {
      Room room = rooms.get(roomId);
      if (room != null) {
        ObjectNode updated = Json.message("peer.updated", null);
        updated.put("room", roomId);
        updated.put("peerId", session.peerId);
        updated.put("state", state);
        room.tellOthers(session.peerId, copiesOf(updated));
      }
    }
  }

  /** How often {@link #tick} runs: a quarter of the heartbeat interval, within 50 ms to 1 s. */
  long tickPeriodMillis() {
    return Math.max(50, Math.min(1000, config.heartbeatInterval().toMillis() / 4));
  }

  /**
   * One pass of the periodic checks; {@link SignalingServer} runs it on a timer, tests call it after
   * moving their clock.
   */
  void tick() {
    long now = clock.millis();
    long interval = config.heartbeatInterval().toMillis();
    long timeout = config.heartbeatTimeout().toMillis();
    for (Session session : sessions.values()) {
      Channel channel = session.channel();
      if (channel == null) {
        endDetached(session, now - config.resumeWindow().toMillis());
        continue;
      }
      if (!session.authenticated && !session.ended && now - session.connectedAtMillis >= HELLO_DEADLINE_MILLIS) {
        router.refuse(session, null, new SignalingException("unauthorized", "send hello with a token first", 0, 4001));
        continue;
      }
      if (now - session.lastSeenMillis >= timeout) {
        log.debug("session {} silent for {} ms: dropped", session.id, now - session.lastSeenMillis);
        disconnected(session, channel, "timeout");
        channel.close();
        continue;
      }
      // A ping when the client has been silent for an interval, and no more than one per interval:
      // a tick comes every quarter interval, and a client that does not answer pings stays silent.
      if (now - session.lastSeenMillis >= interval && now - session.lastPingMillis >= interval) {
        session.lastPingMillis = now;
        channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
      }
      slowConsumerCheck(session, channel, now);
      if (now >= session.iceRefreshAtMillis) {
        router.pushIceServers(session, null);
      }
    }
    connections.sweep(now);
    if (draining && now >= drainDeadlineMillis) {
      drained.complete(null);
    }
  }

  private void slowConsumerCheck(Session session, Channel channel, long now) {
    if (channel.isWritable()) {
      session.unwritableSinceMillis = 0;
    } else if (session.unwritableSinceMillis == 0) {
      session.unwritableSinceMillis = now;
    } else if (now - session.unwritableSinceMillis >= SLOW_CONSUMER_MILLIS) {
      log.info("session {} is a slow consumer (writes blocked {} ms): dropped", session.id,
          now - session.unwritableSinceMillis);
      session.endReason = "kicked";
      session.ended = true;
      channel.close();
    }
  }

  /** Tells every session the server is going away; completes when all are gone or at the deadline. */
  CompletableFuture<Void> drain(long deadlineMillis, long reconnectInMs) {
    drainReconnectInMs = reconnectInMs;
    drainDeadlineMillis = deadlineMillis;
    draining = true; // after the two above, which a connect reads once it sees this
    for (Session session : sessions.values()) {
      // Held as disconnected() holds it from its draining check to its detach: else a close in that
      // window would be told here and then detached, to linger until the drain's deadline.
      synchronized (session.membership) {
        if (session.channel() == null && endDetached(session, Long.MAX_VALUE)) {
          continue;
        }
        tellDraining(session);
      }
    }
    checkDrained();
    return drained;
  }

  /** server.draining to {@code session}, unless it had it or is not welcomed yet (its connect tells it then). */
  private void tellDraining(Session session) {
    ObjectNode notice = Json.message("server.draining", null);
    notice.put("reconnectInMs", drainReconnectInMs);
    if (session.tellDraining(notice)) {
      metrics.out("server.draining");
    }
  }

  private void checkDrained() {
    if (draining && sessions.isEmpty()) {
      drained.complete(null);
    }
  }

  /** Counts for /metrics. */
  void appendMetrics(StringBuilder out) {
    int connected = 0;
    for (Session session : sessions.values()) {
      if (session.connected()) {
        connected++;
      }
    }
    metrics.append(out, sessions.size(), connected, rooms.size());
  }

  String randomId() {
    byte[] bytes = new byte[9];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
