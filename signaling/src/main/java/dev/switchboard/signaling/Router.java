package dev.switchboard.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of PROTOCOL.md: parses a client message, applies the session's rate limit and auth state,
 * and dispatches by {@code type}. Every refusal becomes one {@code error} message here. Thread-safe.
 */
final class Router {

  private static final Logger log = LoggerFactory.getLogger(Router.class);
  /** Refusals in a row after which a flooding session is closed (4029). */
  static final int ABUSE_LIMIT = 20;
  private static final Set<String> BEFORE_AUTH = Set.of("hello", "ping", "bye");

  private final Hub hub;
  private final RoomMessages roomMessages;
  private final SessionMessages sessionMessages;

  Router(Hub hub) {
    this.hub = hub;
    this.roomMessages = new RoomMessages(hub);
    this.sessionMessages = new SessionMessages(hub, this);
  }

  void handle(Session session, String text) {
    String id = null;
    try {
      JsonNode message;
      try {
        message = Json.MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        throw new SignalingException("bad_request", "not JSON: " + e.getOriginalMessage());
      }
      if (message == null || !message.isObject()) {
        throw new SignalingException("bad_request", "a message must be a JSON object");
      }
      JsonNode idNode = message.get("id");
      if (idNode != null && !idNode.isNull()) {
        if (!idNode.isTextual() || idNode.asText().length() > 64) {
          throw new SignalingException("bad_request", "id must be a string of at most 64 characters");
        }
        id = idNode.asText();
      }
      String type = Json.text(message, "type");
      if (type == null) {
        throw new SignalingException("bad_request", "type is missing");
      }
      hub.metrics.in(type);
      long waitMs = session.rate.tryAcquire(hub.clock.millis());
      if (waitMs > 0) {
        hub.metrics.rateLimited.increment();
        int closeCode = session.rate.refusedInARow() >= ABUSE_LIMIT ? 4029 : 0;
        throw new SignalingException("rate_limited", "more than " + hub.config.messagesPerSecond()
            + " messages per second", waitMs, closeCode);
      }
      if (!session.authenticated && !BEFORE_AUTH.contains(type)) {
        throw new SignalingException("unauthorized", "send hello with a token first", 0, 4001);
      }
      dispatch(session, type, id, (ObjectNode) message);
    } catch (SignalingException e) {
      refuse(session, id, e);
    } catch (RuntimeException e) {
      log.warn("session {}: unexpected failure handling a message", session.id, e);
      refuse(session, id, new SignalingException("internal_error", "the server failed to handle this message"));
    }
  }

  private void dispatch(Session session, String type, String id, ObjectNode message) throws SignalingException {
    switch (type) {
      case "hello" -> sessionMessages.hello(session, id, message);
      case "ping" -> sessionMessages.ping(session, id, message);
      case "bye" -> sessionMessages.bye(session);
      case "ice.refresh" -> pushIceServers(session, id);
      case "join" -> roomMessages.join(session, id, message);
      case "leave" -> roomMessages.leave(session, id, message);
      case "signal" -> roomMessages.signal(session, id, message);
      case "chat" -> roomMessages.chat(session, id, message);
      default -> throw new SignalingException("unsupported_type", "unknown message type " + type);
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

  /** The next push comes at 80% of the credentials' lifetime. */
  void scheduleIceRefresh(Session session, IceServersProvider.IceConfig config) {
    session.iceRefreshAtMillis = hub.clock.millis() + config.ttl().toMillis() * 8 / 10;
  }

  void leave(Session session, String roomId, String reason) {
    roomMessages.leaveRoom(session, roomId, reason);
  }

  /** Attaches the resumed session to the connection that asked for it. */
  boolean resume(Session resumed, Channel channel, long lastSeq, ObjectNode reply) {
    return resumed.resume(channel, lastSeq, reply, hub.clock.millis());
  }
}
