package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of PROTOCOL.md: parses a client message, applies the session's rate limit and auth state,
 * and dispatches by {@code type}. Every refusal becomes one {@code error} message here. Thread-safe.
 */
final class Router {

  private static final Logger log = LoggerFactory.getLogger(Router.class);
  /** Strikes ({@link RateLimiter#strikes()}) at which a flooding session is closed (4029). */
  static final int ABUSE_LIMIT = 20;

  private final Hub hub;
  private final RoomMessages roomMessages;
  private final SessionMessages sessionMessages;
  private final ClientMessageDecoder decoder;

  Router(Hub hub) {
    this.hub = hub;
    this.decoder = new ClientMessageDecoder(hub.config.rooms().maxCapacity());
    this.roomMessages = new RoomMessages(hub);
    this.sessionMessages = new SessionMessages(hub, this);
  }

  /** One text frame's payload, as UTF-8 bytes. */
  void handle(Session session, byte[] utf8) {
    if (session.ended) {
      // bye, or closed for cause: frames read with it in one read are not the session's any more (a
      // join among them would put a member nobody ever sees leave into a room).
      return;
    }
    ClientMessageDecoder.Request raw = null;
    String type = null;
    String id = null;
    SignalingException malformed = null;
    try {
      raw = ClientMessageDecoder.parse(utf8);
      type = Json.text(raw.fields(), "type");
      id = ClientMessageDecoder.id(raw.fields());
      ClientMessageDecoder.type(raw.fields());
    } catch (SignalingException e) {
      malformed = e;
    }
    hub.metrics.in(type);
    try {
      // Every frame counts, one that is not even JSON too: refusing garbage costs as much as serving a
      // request, and a flood of it must end in 4029 like any other.
      admit(session);
      if (malformed != null) {
        throw session.authenticated ? malformed : unauthorized(": " + malformed.getMessage());
      }
      if (!session.authenticated) {
        helloFirst(session, raw, type);
        return;
      }
      dispatch(session, decoder.decode(raw));
    } catch (SignalingException e) {
      refuse(session, id, e);
    } catch (RuntimeException e) {
      log.warn("session {}: unexpected failure handling a message", session.id, e);
      refuse(session, id, new SignalingException("internal_error", "the server failed to handle this message"));
    }
  }

  /**
   * PROTOCOL.md "Session": with auth on, the first message must be hello; anything else, a hello
   * without a token or resume included, gets unauthorized and 4001. A resume that fails leaves the
   * connection open (resume_failed: the client starts over, with hello and its token).
   */
  private void helloFirst(Session session, ClientMessageDecoder.Request raw, String type) throws SignalingException {
    if (!type.equals("hello")) {
      throw unauthorized(", not " + type);
    }
    ClientMessage hello;
    try {
      hello = decoder.decode(raw);
    } catch (SignalingException e) {
      throw unauthorized(": " + e.getMessage());
    }
    dispatch(session, hello);
  }

  private static SignalingException unauthorized(String detail) {
    return new SignalingException("unauthorized", "the first message must be hello with a token" + detail, 0, 4001);
  }

  /** Takes one message from the session's budget; rate_limited when it is spent (4029 when that goes on). */
  private void admit(Session session) throws SignalingException {
    long waitMs = session.rate.tryAcquire(hub.clock.millis());
    if (waitMs > 0) {
      hub.metrics.rateLimited.increment();
      int closeCode = session.rate.strikes() >= ABUSE_LIMIT ? 4029 : 0;
      throw new SignalingException("rate_limited", "more than " + hub.config.messagesPerSecond()
          + " messages per second", waitMs, closeCode);
    }
  }

  /**
   * A WebSocket ping from the client counts against the same budget as a message; false (and no pong
   * owed) when refused.
   */
  boolean admitPing(Session session) {
    if (session.ended) {
      return false;
    }
    try {
      admit(session);
      return true;
    } catch (SignalingException e) {
      refuse(session, null, e);
      return false;
    }
  }

  private void dispatch(Session session, ClientMessage message) throws SignalingException {
    if (message instanceof ClientMessage.Hello hello) {
      sessionMessages.hello(session, hello);
    } else if (message instanceof ClientMessage.Ping ping) {
      sessionMessages.ping(session, ping);
    } else if (message instanceof ClientMessage.Bye) {
      sessionMessages.bye(session);
    } else if (message instanceof ClientMessage.IceRefresh refresh) {
      pushIceServers(session, refresh.id());
    } else if (message instanceof ClientMessage.Join join) {
      roomMessages.join(session, join);
    } else if (message instanceof ClientMessage.Leave leave) {
      roomMessages.leave(session, leave);
    } else if (message instanceof ClientMessage.Signal signal) {
      roomMessages.signal(session, signal);
    } else if (message instanceof ClientMessage.Chat chat) {
      roomMessages.chat(session, chat);
    }
  }

  /** Sends the error for {@code e}, closing the connection when the error says so. */
  void refuse(Session session, String re, SignalingException e) {
    ObjectNode error = Json.message("error", re);
    error.put("code", e.code());
    error.put("message", e.getMessage());
    if (e.retryAfterMs() > 0) {
      error.put("retryAfterMs", e.retryAfterMs());
    }
    hub.reply(session, error);
    if (e.closeCode() != 0) {
      session.endReason = "kicked"; // closed by the server for cause: no resume
      session.ended = true;
      session.close(e.closeCode(), e.code());
    }
  }

  /** A fresh {@code ice.servers}, as a reply to {@code re} or pushed before the credentials expire. */
  void pushIceServers(Session session, String re) {
    IceServersProvider.IceConfig config = hub.ice.iceServers(session.peerId);
    ObjectNode message = Json.message("ice.servers", re);
    message.set("iceServers", Json.iceServers(config));
    message.put("iceTtl", config.ttl().toSeconds());
    scheduleIceRefresh(session, config);
    hub.send(session, message);
  }

  /**
   * The next push is due early enough that the tick sending it comes before 80% of the credentials'
   * lifetime has passed (PROTOCOL.md), not up to a tick after: two tick periods or 1% of the
   * lifetime before that point, whichever is more, and not before half of it.
   */
  void scheduleIceRefresh(Session session, IceServersProvider.IceConfig config) {
    long ttl = config.ttl().toMillis();
    long margin = Math.max(2 * hub.tickPeriodMillis(), ttl / 100);
    session.iceRefreshAtMillis = hub.clock.millis() + Math.max(ttl / 2, ttl * 8 / 10 - margin);
  }

  void leave(Session session, String roomId, String reason) {
    roomMessages.leaveRoom(session, roomId, reason);
  }

  /** Attaches the resumed session to the connection that asked for it; {@code early} goes out first. */
  boolean resume(Session resumed, Channel channel, long lastSeq, ObjectNode reply, List<byte[]> early) {
    return resumed.resume(channel, lastSeq, reply, hub.clock.millis(), early);
  }
}
