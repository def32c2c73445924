package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.security.MessageDigest;

/** A session's own messages: the welcome, then hello (token or resume), ping and bye. Thread-safe. */
final class SessionMessages {

  private final Hub hub;
  private final Router router;

  SessionMessages(Hub hub, Router router) {
    this.hub = hub;
    this.router = router;
  }

  /** The first event of a new session: who it is, how to resume it, and the limits it runs under. */
  static ObjectNode welcome(Session session, SignalingConfig config) {
    ObjectNode welcome = Json.message("welcome", null);
    welcome.put("sessionId", session.id);
    welcome.put("peerId", session.peerId);
    welcome.put("resumeToken", session.resumeToken);
    welcome.put("authRequired", config.auth() == SignalingConfig.Auth.TOKEN);
    ObjectNode heartbeat = welcome.putObject("heartbeat");
    heartbeat.put("intervalMs", config.heartbeatInterval().toMillis());
    heartbeat.put("timeoutMs", config.heartbeatTimeout().toMillis());
    ObjectNode limits = welcome.putObject("limits");
    limits.put("maxMessageBytes", config.maxMessageBytes());
    limits.put("messagesPerSecond", config.messagesPerSecond());
    welcome.put("server", config.serverName());
    return welcome;
  }

  void hello(Session session, ClientMessage.Hello hello) throws SignalingException {
    if (hello.resume() != null) {
      resume(session, hello.id(), hello.resume());
      return;
    }
    Tokens.Claims claims;
    try {
      claims = hub.tokens.verify(hello.token());
    } catch (Tokens.InvalidTokenException e) {
      throw e.expired()
          ? new SignalingException("token_expired", "the token has expired: get a new one", 0, 4001)
          : new SignalingException("unauthorized", "the token is not valid: " + e.getMessage(), 0, 4001);
    }
    session.authenticated = true;
    session.userId = claims.userId();
    session.name = claims.name() == null ? claims.userId() : claims.name();
    session.tokenRoom = claims.room();
    ObjectNode ok = Json.message("hello.ok", hello.id());
    ok.put("userId", claims.userId());
    ok.put("name", session.name);
    hub.send(session, ok);
  }

  private void resume(Session current, String id, ClientMessage.Resume resume) throws SignalingException {
    Session old = hub.session(resume.sessionId());
    if (old == null || old == current || !MessageDigest.isEqual(
        old.resumeToken.getBytes(StandardCharsets.UTF_8), resume.resumeToken().getBytes(StandardCharsets.UTF_8))) {
      throw new SignalingException("resume_failed", "no session to resume: start a new one");
    }
    Channel channel = current.channel();
    ObjectNode reply = Json.message("resumed", id);
    reply.put("peerId", old.peerId);
    Channel previous;
    // Replies the connection's first session queued and has not written (to what came before this
    // hello, in the same read) go out ahead of the resumed session's frames. Taken here, holding no
    // other session's monitor: taken inside the resumed one's, two connections resuming each other's
    // session at once would each hold one monitor and wait for the other's.
    List<byte[]> early = current.takeQueued(channel);
    // Checked and attached holding the monitor its end (the resume window's) and the close of its
    // connection hold: neither comes between, to end the session this resumes or detach the connection
    // it got.
    try {
      synchronized (old.membership) {
        if (old.ended) {
          throw new SignalingException("resume_failed", "no session to resume: start a new one");
        }
        reply.set("rooms", Json.strings(old.rooms.stream().sorted().toList()));
        previous = old.channel();
        if (!router.resume(old, channel, resume.lastSeq(), reply, early)) {
          long lastSent = old.lastSeq();
          throw new SignalingException("resume_failed", resume.lastSeq() > lastSent
              ? "lastSeq " + resume.lastSeq() + " is past the last event sent to that session (" + lastSent
                  + "): resume with the seq of the last event received, or start a new session"
              : "events after seq " + resume.lastSeq() + " are no longer kept: start a new session");
        }
        // Still holding it: a close of the new connection (Hub#disconnected, under the same monitor) then
        // tells the rooms "reconnecting" after this, never before, which would leave the peer looking
        // connected to them while it waits for another resume.
        hub.tellState(old, "connected");
      }
    } catch (SignalingException e) {
      current.putBack(channel, early); // the connection goes on as its first session: ahead of the refusal
      throw e;
    }
    hub.metrics.out("resumed");
    WebSocketFrameHandler.resumed(channel, old);
    hub.forget(current);
    if (previous != null && previous != channel) {
      WebSocketFrameHandler.replaced(previous);
    }
  }

  void ping(Session session, ClientMessage.Ping ping) {
    ObjectNode pong = Json.message("pong", ping.id());
    if (ping.t() != null) {
      pong.set("t", ping.t());
    }
    hub.reply(session, pong);
  }

  /** Ends the session at once: no resume window; the others see it leave. */
  void bye(Session session) {
    session.ended = true;
    hub.end(session, "leave");
    session.close(1000, "bye");
  }
}
