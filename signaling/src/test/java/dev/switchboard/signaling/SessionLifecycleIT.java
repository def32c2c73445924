package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Resume, heartbeat timeout, ICE refresh, auth, origin, drain and leaks, against the real server. */
class SessionLifecycleIT {

  @Test
  void resumeAfterADroppedConnectionLosesAndDuplicatesNothingAcross1000Signals() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(SignalingConfig.Auth.NONE, List.of("*"),
        Duration.ofSeconds(30), 100_000));
         WsClient alice = WsClient.connect(server.port()); WsClient bob = WsClient.connect(server.port())) {
      alice.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"r\"}");
      bob.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"r\"}");
      alice.next("peer.joined");
      long lastSeq = 0;
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < 1000; i++) {
        bob.send("{\"type\":\"signal\",\"room\":\"r\",\"to\":\"" + alice.peerId() + "\",\"kind\":\"candidate\",\"payload\":{\"n\":" + i + "}}");
        if (i < 300) {
          JsonNode s = alice.next("signal");
          seen.add(s.path("payload").path("n").asInt());
          lastSeq = s.path("seq").asLong();
        }
        if (i == 300) {
          alice.abort();
          bob.next("peer.updated");
        }
      }
      try (WsClient again = WsClient.connect(server.port())) {
        Session throwaway = server.server.hub().session(again.welcome.path("sessionId").asText());
        again.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"elsewhere\"}");
        assertThat(throwaway.replayCapacity()).isPositive(); // its joined
        again.send("{\"type\":\"hello\",\"id\":\"h\",\"resume\":{\"sessionId\":\"" + alice.welcome.path("sessionId").asText()
            + "\",\"resumeToken\":\"" + alice.welcome.path("resumeToken").asText() + "\",\"lastSeq\":" + lastSeq + "}}");
        JsonNode resumed = again.next("resumed");
        assertThat(resumed.path("peerId").asText()).isEqualTo(alice.peerId());
        assertThat(resumed.path("rooms").toString()).contains("\"r\"");
        assertThat(throwaway.replayCapacity()).as("the new connection's own session, replaced").isZero();
        assertThat(server.server.hub().rooms.get("elsewhere")).as("which left the room it had joined").isNull();
        long expectedSeq = lastSeq + 1;
        while (seen.size() < 1000) {
          JsonNode s = again.next("signal");
          assertThat(s.path("seq").asLong()).isEqualTo(expectedSeq++);
          assertThat(seen.add(s.path("payload").path("n").asInt())).as("duplicate").isTrue();
        }
        assertThat(bob.next("peer.updated").path("state").asText()).isEqualTo("connected");
      }
    }
  }

  @Test
  void resumeFailsWhenMoreEventsWereMissedThanTheBufferKeeps() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(SignalingConfig.Auth.NONE, List.of("*"),
        Duration.ofSeconds(30), 100_000));
         WsClient alice = WsClient.connect(server.port()); WsClient bob = WsClient.connect(server.port())) {
      alice.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"r\"}");
      bob.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"r\"}");
      long lastSeq = alice.next("peer.joined").path("seq").asLong();
      alice.abort();
      bob.next("peer.updated");
      for (int i = 0; i < Session.REPLAY_BUFFER + 10; i++) {
        bob.send("{\"type\":\"signal\",\"room\":\"r\",\"to\":\"" + alice.peerId() + "\",\"kind\":\"candidate\",\"payload\":" + i + "}");
      }
      bob.request("p", "{\"type\":\"ping\",\"id\":\"p\"}"); // every signal above was handled
      try (WsClient again = WsClient.connect(server.port())) {
        JsonNode failed = again.request("h", "{\"type\":\"hello\",\"id\":\"h\",\"resume\":{\"sessionId\":\""
            + alice.welcome.path("sessionId").asText() + "\",\"resumeToken\":\"" + alice.welcome.path("resumeToken").asText()
            + "\",\"lastSeq\":" + lastSeq + "}}");
        assertThat(failed.path("code").asText()).isEqualTo("resume_failed");
      }
    }
  }

  @Test
  void connectionsPerIpAreCapped() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(SignalingConfig.Auth.NONE, List.of("*"),
        Duration.ofSeconds(30), 50, 2));
         WsClient first = WsClient.connect(server.port()); WsClient second = WsClient.connect(server.port())) {
      try {
        WsClient.connect(server.port());
        throw new AssertionError("a third connection from one IP was accepted");
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(429);
      }
      second.send("{\"type\":\"bye\"}");
      second.awaitClose();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      WsClient third = null;
      while (third == null && System.nanoTime() < deadline) {
        try {
          third = WsClient.connect(server.port()); // the slot frees once the server has seen the close
        } catch (java.util.concurrent.ExecutionException e) {
          Thread.onSpinWait();
        }
      }
      assertThat(third).isNotNull();
      third.close();
    }
  }

  @Test
  void theConnectionAResumeTookTheSessionFromIsClosedWith4009() throws Exception {
    try (TestServer server = new TestServer(); WsClient alice = WsClient.connect(server.port());
         WsClient again = WsClient.connect(server.port())) {
      // alice's connection is still open, as a half-open one looks to the server, or another tab's.
      again.send("{\"type\":\"hello\",\"id\":\"h\",\"resume\":{\"sessionId\":\"" + alice.welcome.path("sessionId").asText()
          + "\",\"resumeToken\":\"" + alice.welcome.path("resumeToken").asText() + "\",\"lastSeq\":1}}");
      assertThat(again.next("resumed").path("peerId").asText()).isEqualTo(alice.peerId());
      assertThat(alice.awaitClose()).as("told not to resume in turn").isEqualTo(WebSocketFrameHandler.RESUMED_ELSEWHERE);
      JsonNode pong = again.request("p", "{\"type\":\"ping\",\"id\":\"p\"}");
      assertThat(pong.path("type").asText()).as("the session lives on the new connection").isEqualTo("pong");
    }
  }

  @Test
  void repliesToWhatCameBeforeAResumeOnTheSameConnectionStillComeInOrder() throws Exception {
    try (TestServer server = new TestServer(); WsClient alice = WsClient.connect(server.port())) {
      alice.abort();
      try (RawWsClient again = RawWsClient.connect(server.port())) {
        // In one TCP write, so the ping's pong is still queued for the connection's first session
        // when the resume replaces it.
        again.sendFrames(RawWsClient.textFrame("{\"type\":\"ping\",\"id\":\"p1\"}"),
            RawWsClient.textFrame("{\"type\":\"hello\",\"id\":\"h\",\"resume\":{\"sessionId\":\""
                + alice.welcome.path("sessionId").asText() + "\",\"resumeToken\":\""
                + alice.welcome.path("resumeToken").asText() + "\",\"lastSeq\":1}}"),
            RawWsClient.textFrame("{\"type\":\"ping\",\"id\":\"p2\"}"));
        List<String> seen = new java.util.ArrayList<>();
        while (!seen.contains("pong p2") && seen.size() < 10) {
          RawWsClient.Frame frame = again.frame();
          if (frame.opcode() == RawWsClient.TEXT) {
            JsonNode message = Json.MAPPER.readTree(frame.payload());
            seen.add(message.path("type").asText() + " " + message.path("re").asText());
          }
        }
        assertThat(seen).containsExactly("pong p1", "resumed h", "pong p2");
      }
    }
  }

  @Test
  void resumeWithAWrongTokenOrTooLateFails() throws Exception {
    try (TestServer server = new TestServer(); WsClient alice = WsClient.connect(server.port())) {
      alice.abort();
      try (WsClient again = WsClient.connect(server.port())) {
        JsonNode failed = again.request("h", "{\"type\":\"hello\",\"id\":\"h\",\"resume\":{\"sessionId\":\""
            + alice.welcome.path("sessionId").asText() + "\",\"resumeToken\":\"wrong\",\"lastSeq\":1}}");
        assertThat(failed.path("code").asText()).isEqualTo("resume_failed");
        JsonNode ahead = again.request("a", "{\"type\":\"hello\",\"id\":\"a\",\"resume\":{\"sessionId\":\""
            + alice.welcome.path("sessionId").asText() + "\",\"resumeToken\":\"" + alice.welcome.path("resumeToken").asText()
            + "\",\"lastSeq\":7}}");
        assertThat(ahead.path("code").asText()).isEqualTo("resume_failed");
        assertThat(ahead.path("message").asText()).as("a client that counted wrong is told so")
            .startsWith("lastSeq 7 is past the last event sent to that session (1)");
        server.clock.advance(Duration.ofSeconds(31));
        server.server.tick();
        JsonNode late = again.request("i", "{\"type\":\"hello\",\"id\":\"i\",\"resume\":{\"sessionId\":\""
            + alice.welcome.path("sessionId").asText() + "\",\"resumeToken\":\"" + alice.welcome.path("resumeToken").asText()
            + "\",\"lastSeq\":1}}");
        assertThat(late.path("code").asText()).isEqualTo("resume_failed");
      }
    }
  }

  @Test
  void aSilentSessionTimesOutAndThenLeavesWithReasonTimeout() throws Exception {
    try (TestServer server = new TestServer(); WsClient alice = WsClient.connect(server.port());
         WsClient bob = WsClient.connect(server.port())) {
      alice.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"hb\"}");
      bob.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"hb\"}");
      server.clock.advance(Duration.ofSeconds(46));
      bob.send("{\"type\":\"ping\"}"); // bob stays alive; alice is silent
      bob.next("pong");
      server.server.tick();
      assertThat(bob.next("peer.updated").path("state").asText()).isEqualTo("reconnecting");
      server.clock.advance(Duration.ofSeconds(31));
      bob.send("{\"type\":\"ping\"}");
      bob.next("pong");
      server.server.tick();
      JsonNode left = bob.next("peer.left");
      assertThat(left.path("peerId").asText()).isEqualTo(alice.peerId());
      assertThat(left.path("reason").asText()).isEqualTo("timeout");
    }
  }

  @Test
  void aSilentClientGetsOneWebSocketPingPerIntervalNotOnePerTick() throws Exception {
    try (TestServer server = new TestServer(); RawWsClient silent = RawWsClient.connect(server.port())) {
      server.clock.advance(Duration.ofSeconds(20)); // the interval; this client never answers a ping
      for (int i = 0; i < 4; i++) {
        server.server.tick();
      }
      server.clock.advance(Duration.ofSeconds(19));
      server.server.tick();
      // Every ping those ticks wrote is on the wire before the pong to this.
      silent.send("{\"type\":\"ping\",\"id\":\"p\"}");
      silent.next("pong");
      assertThat(silent.pings).isEqualTo(1);
      server.clock.advance(Duration.ofSeconds(20)); // silent for an interval again
      server.server.tick();
      server.server.tick();
      silent.send("{\"type\":\"ping\",\"id\":\"q\"}");
      silent.next("pong");
      assertThat(silent.pings).isEqualTo(2);
    }
  }

  @Test
  void iceServersArePushedBefore80PercentOfTheTtlAndOnRequest() throws Exception {
    try (TestServer server = new TestServer(); WsClient alice = WsClient.connect(server.port())) {
      alice.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"ice\"}");
      server.clock.advance(Duration.ofMinutes(47));
      alice.send("{\"type\":\"ping\"}");
      alice.next("pong");
      server.server.tick();
      assertThat(alice.received).noneMatch(m -> m.path("type").asText().equals("ice.servers"));
      server.clock.advance(Duration.ofMinutes(2));
      alice.send("{\"type\":\"ping\"}");
      alice.next("pong");
      server.server.tick();
      JsonNode pushed = alice.next("ice.servers");
      assertThat(pushed.path("iceTtl").asLong()).isEqualTo(3600);
      assertThat(pushed.path("iceServers").get(1).path("username").asText()).endsWith(":" + alice.peerId());
      JsonNode asked = alice.request("r", "{\"type\":\"ice.refresh\",\"id\":\"r\"}");
      assertThat(asked.path("type").asText()).isEqualTo("ice.servers");
    }
  }

  @Test
  void theIcePushComesBefore80PercentOfTheTtlNotATickAfter() throws Exception {
    SignalingConfig c = TestServer.config(SignalingConfig.Auth.NONE, List.of("*"), Duration.ofSeconds(30), 50);
    SignalingConfig longTimeout = new SignalingConfig(c.address(), 0, c.allowedOrigins(), c.auth(), c.maxMessageBytes(),
        c.messagesPerSecond(), c.connectionsPerIp(), c.resumeWindow(), c.heartbeatInterval(), Duration.ofHours(2),
        c.rooms(), c.serverName(), c.trustedProxies()); // so the clock can jump ahead with no message in between
    try (TestServer server = new TestServer(longTimeout); WsClient alice = WsClient.connect(server.port())) {
      alice.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"ice\"}"); // TTL 1 h
      // The tick that sends the push may run up to a period after it is due: here one runs a period
      // before 80% of the TTL, the last one that does before that point.
      server.clock.advance(Duration.ofMinutes(48).minusMillis(server.server.hub().tickPeriodMillis()));
      server.server.tick();
      assertThat(alice.next("ice.servers").path("iceTtl").asLong()).isEqualTo(3600);
    }
  }

  @Test
  void tokenAuth() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(SignalingConfig.Auth.TOKEN, List.of("*"),
        Duration.ofSeconds(30), 50))) {
      try (WsClient anonymous = WsClient.connect(server.port())) {
        assertThat(anonymous.welcome.path("authRequired").asBoolean()).isTrue();
        JsonNode refused = anonymous.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"x\"}");
        assertThat(refused.path("code").asText()).isEqualTo("unauthorized");
        assertThat(anonymous.awaitClose()).isEqualTo(4001);
      }
      try (WsClient alice = WsClient.connect(server.port())) {
        String token = server.tokens.mint("alice", "Alice", "allowed", Duration.ofHours(1));
        JsonNode ok = alice.request("h", "{\"type\":\"hello\",\"id\":\"h\",\"token\":\"" + token + "\"}");
        assertThat(ok.path("type").asText()).isEqualTo("hello.ok");
        assertThat(ok.path("userId").asText()).isEqualTo("alice");
        assertThat(ok.path("name").asText()).isEqualTo("Alice");
        assertThat(alice.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"other\"}").path("code").asText())
            .isEqualTo("forbidden");
        JsonNode joined = alice.request("k", "{\"type\":\"join\",\"id\":\"k\",\"room\":\"allowed\",\"name\":\"Mallory\"}");
        assertThat(joined.path("self").path("name").asText()).isEqualTo("Alice");
      }
      try (WsClient late = WsClient.connect(server.port())) {
        String expired = server.tokens.mint("bob", null, null, Duration.ofSeconds(1));
        server.clock.advance(Duration.ofSeconds(2));
        JsonNode refused = late.request("h", "{\"type\":\"hello\",\"id\":\"h\",\"token\":\"" + expired + "\"}");
        assertThat(refused.path("code").asText()).isEqualTo("token_expired");
        assertThat(late.awaitClose()).isEqualTo(4001);
      }
      try (WsClient slow = WsClient.connect(server.port())) {
        server.clock.advance(Duration.ofSeconds(11));
        server.server.tick();
        assertThat(slow.next("error").path("code").asText()).isEqualTo("unauthorized");
        assertThat(slow.awaitClose()).isEqualTo(4001);
      }
      HttpClient http = HttpClient.newHttpClient();
      URI api = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/ice-servers");
      assertThat(http.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(401);
      String token = server.tokens.mint("carol", null, null, Duration.ofHours(1));
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(api).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains(":carol\"");
    }
  }

  @Test
  void withTokenAuthNothingButHelloMayComeFirst() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(SignalingConfig.Auth.TOKEN, List.of("*"),
        Duration.ofSeconds(30), 50))) {
      for (String first : List.of("{\"type\":\"ping\",\"id\":\"1\"}", "{\"type\":\"bye\",\"id\":\"1\"}", "garbage",
          "{\"id\":\"1\"}", "{\"type\":\"hello\",\"id\":\"1\"}", "{\"type\":\"ping\",\"id\":\"1\"} {}")) {
        try (WsClient client = WsClient.connect(server.port())) {
          client.send(first);
          assertThat(client.next().path("code").asText()).as(first).isEqualTo("unauthorized");
          assertThat(client.awaitClose()).as(first).isEqualTo(4001);
        }
      }
      // What switchboard.js does after a drop: try to resume, and when that fails, start over.
      try (WsClient client = WsClient.connect(server.port())) {
        JsonNode failed = client.request("r", "{\"type\":\"hello\",\"id\":\"r\",\"resume\":{\"sessionId\":\"s_gone\","
            + "\"resumeToken\":\"x\",\"lastSeq\":3}}");
        assertThat(failed.path("code").asText()).isEqualTo("resume_failed");
        String token = server.tokens.mint("alice", "Alice", null, Duration.ofHours(1));
        JsonNode ok = client.request("h", "{\"type\":\"hello\",\"id\":\"h\",\"token\":\"" + token + "\"}");
        assertThat(ok.path("type").asText()).isEqualTo("hello.ok");
        assertThat(client.request("p", "{\"type\":\"ping\",\"id\":\"p\"}").path("type").asText()).isEqualTo("pong");
      }
    }
  }

  @Test
  void upgradesFromOtherOriginsAreRefused() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(SignalingConfig.Auth.NONE,
        List.of("https://call.example.org"), Duration.ofSeconds(30), 50))) {
      HttpClient http = HttpClient.newHttpClient();
      try (WsClient ok = WsClient.connect(server.port(), http.newWebSocketBuilder().header("Origin", "https://call.example.org"))) {
        assertThat(ok.welcome.path("type").asText()).isEqualTo("welcome");
      }
      try {
        WsClient.connect(server.port(), http.newWebSocketBuilder().header("Origin", "https://evil.example.com"));
        throw new AssertionError("upgrade from another origin succeeded");
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
        assertThat(((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(403);
      }
    }
  }

  @Test
  void drainTellsSessionsRefusesNewOnesAndTurnsReadyzTo503() throws Exception {
    try (TestServer server = new TestServer(); WsClient alice = WsClient.connect(server.port())) {
      var drained = server.server.drain(Duration.ofSeconds(10));
      JsonNode notice = alice.next("server.draining");
      assertThat(notice.path("reconnectInMs").asLong()).isPositive();
      HttpResponse<String> ready = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      try (WsClient refused = WsClient.connect(server.port())) {
        assertThat(refused.welcome.path("code").asText()).isEqualTo("server_draining");
        assertThat(refused.awaitClose()).isEqualTo(1001);
      }
      assertThat(drained).isNotDone();
      alice.send("{\"type\":\"bye\"}");
      drained.get(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void sessionsLeftAtTheDrainDeadlineGetACloseFrameWith1001() throws Exception {
    try (TestServer server = new TestServer(); WsClient alice = WsClient.connect(server.port())) {
      alice.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"staying\"}");
      server.server.drain(Duration.ofMillis(100)).get(5, java.util.concurrent.TimeUnit.SECONDS);
      server.server.close();
      assertThat(alice.awaitClose()).as("the server went away, not the network").isEqualTo(1001);
    }
  }

  @Test
  void thousandsOfConnectsAndDisconnectsLeaveNoSessionOrRoom() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(SignalingConfig.Auth.NONE, List.of("*"),
        Duration.ofSeconds(30), 50))) {
      List<Session> created = new java.util.ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        WsClient c = WsClient.connect(server.port());
        created.add(server.server.hub().session(c.welcome.path("sessionId").asText()));
        c.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"churn-" + (i % 10) + "\"}");
        if (i % 2 == 0) {
          c.send("{\"type\":\"bye\"}");
          c.awaitClose();
        } else {
          c.abort();
        }
      }
      Hub hub = server.server.hub();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (hub.sessions().stream().anyMatch(Session::connected) && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // the server has not seen the last aborts yet
      }
      server.clock.advance(Duration.ofSeconds(31));
      while ((hub.sessions().size() > 0 || hub.rooms.size() > 0) && System.nanoTime() < deadline) {
        server.server.tick();
        Thread.onSpinWait();
      }
      assertThat(hub.sessions()).isEmpty();
      assertThat(hub.rooms.size()).isZero();
      // Replay buffers live off the Java heap: only an explicit release gives their memory back.
      assertThat(created).allSatisfy(s -> assertThat(s.replayCapacity()).isZero());
    }
  }
}
