package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md against the real server with the JDK's WebSocket client: sessions, rooms, relay, chat, errors. */
class SignalingIT {

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private WsClient join(String room, String name) throws Exception {
    WsClient client = WsClient.connect(server.port());
    JsonNode joined = client.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"" + room + "\",\"name\":\"" + name + "\"}");
    assertThat(joined.path("type").asText()).isEqualTo("joined");
    return client;
  }

  @Test
  void welcomeHasEveryFieldOfTheProtocol() throws Exception {
    try (WsClient client = WsClient.connect(server.port())) {
      JsonNode w = client.welcome;
      assertThat(w.path("type").asText()).isEqualTo("welcome");
      assertThat(w.path("seq").asLong()).isEqualTo(1);
      assertThat(w.path("sessionId").asText()).startsWith("s_");
      assertThat(w.path("peerId").asText()).startsWith("p_");
      assertThat(w.path("resumeToken").asText()).hasSizeGreaterThan(16);
      assertThat(w.path("authRequired").asBoolean()).isFalse();
      assertThat(w.path("heartbeat").path("intervalMs").asLong()).isEqualTo(20000);
      assertThat(w.path("heartbeat").path("timeoutMs").asLong()).isEqualTo(45000);
      assertThat(w.path("limits").path("maxMessageBytes").asInt()).isEqualTo(8192);
      assertThat(w.path("limits").path("messagesPerSecond").asInt()).isEqualTo(50);
      assertThat(w.path("server").asText()).isEqualTo("switchboard/test");
      JsonNode pong = client.request("p", "{\"type\":\"ping\",\"id\":\"p\",\"t\":123}");
      assertThat(pong.path("type").asText()).isEqualTo("pong");
      assertThat(pong.path("t").asLong()).isEqualTo(123);
    }
  }

  @Test
  void joinedCarriesPeersOfferToIceAndOthersSeePeerJoined() throws Exception {
    try (WsClient alice = join("standup", "Alice"); WsClient bob = WsClient.connect(server.port())) {
      JsonNode joined = bob.request("7", "{\"type\":\"join\",\"id\":\"7\",\"room\":\"standup\",\"name\":\"Bob\",\"meta\":{\"k\":1}}");
      assertThat(joined.path("seq").asLong()).isGreaterThan(1);
      assertThat(joined.path("room").path("id").asText()).isEqualTo("standup");
      assertThat(joined.path("room").path("capacity").asInt()).isEqualTo(8);
      assertThat(joined.path("room").path("size").asInt()).isEqualTo(2);
      assertThat(joined.path("room").path("locked").asBoolean()).isFalse();
      assertThat(joined.path("self").path("peerId").asText()).isEqualTo(bob.peerId());
      assertThat(joined.path("self").path("name").asText()).isEqualTo("Bob");
      assertThat(joined.path("peers").get(0).path("peerId").asText()).isEqualTo(alice.peerId());
      assertThat(joined.path("peers").get(0).path("name").asText()).isEqualTo("Alice");
      assertThat(joined.path("peers").get(0).path("meta").isObject()).as("Alice joined without meta: {}").isTrue();
      assertThat(joined.path("peers").get(0).path("meta").size()).isZero();
      assertThat(joined.path("offerTo").get(0).asText()).isEqualTo(alice.peerId());
      assertThat(joined.path("iceTtl").asLong()).isEqualTo(3600);
      assertThat(joined.path("iceServers").get(1).path("username").asText()).endsWith(":" + bob.peerId());
      assertThat(joined.path("history").isArray()).isTrue();
      JsonNode peerJoined = alice.next("peer.joined");
      assertThat(peerJoined.path("room").asText()).isEqualTo("standup");
      assertThat(peerJoined.path("peer").path("peerId").asText()).isEqualTo(bob.peerId());
      assertThat(peerJoined.path("peer").path("meta").path("k").asInt()).isEqualTo(1);
    }
  }

  @Test
  void signalsAreRelayedUntouchedWithTheServersFromAndInOrder() throws Exception {
    try (WsClient alice = join("r1", "Alice"); WsClient bob = join("r1", "Bob")) {
      // 40 stays within the 50 messages per second of the test config.
      for (int i = 0; i < 40; i++) {
        bob.send("{\"type\":\"signal\",\"room\":\"r1\",\"to\":\"" + alice.peerId()
            + "\",\"kind\":\"candidate\",\"from\":\"p_spoofed\",\"payload\":{\"n\":" + i + ",\"sdp\":\"a=x\"}}");
      }
      for (int i = 0; i < 40; i++) {
        JsonNode signal = alice.next("signal");
        assertThat(signal.path("from").asText()).isEqualTo(bob.peerId());
        assertThat(signal.path("room").asText()).isEqualTo("r1");
        assertThat(signal.path("kind").asText()).isEqualTo("candidate");
        assertThat(signal.path("payload").path("n").asInt()).isEqualTo(i);
        assertThat(signal.path("payload").path("sdp").asText()).isEqualTo("a=x");
        assertThat(signal.has("seq")).isTrue();
      }
    }
  }

  @Test
  void eventsArriveInSeqOrderWhenSeveralSendersWriteAtOnce() throws Exception {
    try (WsClient alice = join("busy", "Alice"); WsClient bob = join("busy", "Bob")) {
      alice.next("peer.joined");
      Thread bobSends = new Thread(() -> {
        for (int i = 0; i < 40; i++) {
          bob.send("{\"type\":\"chat\",\"room\":\"busy\",\"text\":\"b" + i + "\"}");
        }
      });
      bobSends.start();
      for (int i = 0; i < 40; i++) {
        alice.send("{\"type\":\"chat\",\"room\":\"busy\",\"text\":\"a" + i + "\"}");
      }
      bobSends.join();
      for (WsClient client : List.of(alice, bob)) {
        long last = 0;
        for (int n = 0; n < 80; n++) {
          JsonNode chat = client.next("chat");
          assertThat(chat.path("seq").asLong()).as("seq order on the wire").isEqualTo(last == 0 ? chat.path("seq").asLong() : last + 1);
          last = chat.path("seq").asLong();
        }
      }
    }
  }

  @Test
  void errorsForPeersAndRoomsElsewhere() throws Exception {
    try (WsClient alice = join("a-room", "Alice"); WsClient bob = join("b-room", "Bob")) {
      JsonNode notFound = bob.request("1", "{\"type\":\"signal\",\"id\":\"1\",\"room\":\"b-room\",\"to\":\"" + alice.peerId()
          + "\",\"kind\":\"offer\",\"payload\":{}}");
      assertThat(notFound.path("code").asText()).isEqualTo("peer_not_found");
      JsonNode notIn = bob.request("2", "{\"type\":\"signal\",\"id\":\"2\",\"room\":\"a-room\",\"to\":\"" + alice.peerId()
          + "\",\"kind\":\"offer\",\"payload\":{}}");
      assertThat(notIn.path("code").asText()).isEqualTo("not_in_room");
      assertThat(bob.request("3", "{\"type\":\"join\",\"id\":\"3\",\"room\":\"nope\",\"mode\":\"join\"}").path("code").asText())
          .isEqualTo("room_not_found");
      assertThat(bob.request("4", "{\"type\":\"join\",\"id\":\"4\",\"room\":\"a-room\",\"mode\":\"create\"}").path("code").asText())
          .isEqualTo("room_exists");
      assertThat(bob.request("5", "{\"type\":\"join\",\"id\":\"5\",\"room\":\"bad room!\"}").path("code").asText())
          .isEqualTo("bad_request");
      assertThat(bob.request("6", "{\"type\":\"dance\",\"id\":\"6\"}").path("code").asText()).isEqualTo("unsupported_type");
      JsonNode left = bob.request("7", "{\"type\":\"leave\",\"id\":\"7\",\"room\":\"b-room\"}");
      assertThat(left.path("type").asText()).isEqualTo("left");
      assertThat(bob.request("8", "{\"type\":\"leave\",\"id\":\"8\",\"room\":\"b-room\"}").path("code").asText())
          .isEqualTo("not_in_room");
    }
  }

  @Test
  void nonObjectJsonIsABadRequestAndTheConnectionStaysUsable() throws Exception {
    try (WsClient client = WsClient.connect(server.port())) {
      client.send("[1,2,3]");
      JsonNode error = client.next();
      assertThat(error.path("type").asText()).isEqualTo("error");
      assertThat(error.path("code").asText()).isEqualTo("bad_request");
      client.send("not json at all");
      assertThat(client.next().path("code").asText()).isEqualTo("bad_request");
      client.send("{\"type\":\"ping\",\"id\":\"t1\"} trailing");
      assertThat(client.next().path("code").asText()).isEqualTo("bad_request");
      client.send("{\"type\":\"ping\",\"id\":\"t2\"}{\"type\":\"ping\",\"id\":\"t3\"}");
      assertThat(client.next().path("code").asText()).isEqualTo("bad_request");
      assertThat(client.request("p", "{\"type\":\"ping\",\"id\":\"p\"}").path("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void oversizedFrameClosesWith1009AndBinaryWith1003() throws Exception {
    try (WsClient client = WsClient.connect(server.port())) {
      client.send("{\"type\":\"chat\",\"room\":\"x\",\"text\":\"" + "a".repeat(9000) + "\"}");
      assertThat(client.next("error").path("code").asText()).isEqualTo("message_too_large");
      assertThat(client.awaitClose()).isEqualTo(1009);
    }
    try (WsClient client = WsClient.connect(server.port())) {
      client.sendBinary();
      assertThat(client.awaitClose()).isEqualTo(1003);
    }
  }

  @Test
  void aCloseGoesOutAfterTheRepliesToWhatCameBeforeIt() throws Exception {
    // Each in one TCP write, so the server reads it all at once: the replies wait in the session's
    // outbox when the frame that closes is read, and the close must not overtake them. The join
    // also moves the connection to the room's event loop while the replies are queued.
    String oversized = "{\"type\":\"chat\",\"room\":\"x\",\"text\":\"" + "a".repeat(9000) + "\"}";
    try (RawWsClient client = RawWsClient.connect(server.port())) {
      client.sendFrames(RawWsClient.textFrame("{\"type\":\"ping\",\"id\":\"1\"}"),
          RawWsClient.textFrame("{\"type\":\"join\",\"id\":\"2\",\"room\":\"order\"}"),
          RawWsClient.textFrame(oversized));
      assertThat(untilClose(client)).containsExactly("pong 1", "joined 2", "error message_too_large", "close 1009");
    }
    try (RawWsClient client = RawWsClient.connect(server.port())) {
      client.sendFrames(RawWsClient.textFrame("{\"type\":\"join\",\"id\":\"1\",\"room\":\"order\"}"),
          RawWsClient.frame(true, RawWsClient.BINARY, new byte[] {1, 2, 3}));
      assertThat(untilClose(client)).containsExactly("joined 1", "close 1003");
    }
    try (RawWsClient client = RawWsClient.connect(server.port())) {
      client.sendFrames(RawWsClient.textFrame("{\"type\":\"join\",\"id\":\"1\",\"room\":\"order\"}"),
          RawWsClient.frame(true, RawWsClient.CLOSE, new byte[] {0x0F, (byte) 0xA0, 'o', 'k'}));
      assertThat(untilClose(client)).as("the client's close, echoed").containsExactly("joined 1", "close 4000");
    }
  }

  @Test
  void nothingReadAfterAMessageOverTheLimitIsActedOn() throws Exception {
    try (RawWsClient client = RawWsClient.connect(server.port())) {
      // each fragment within the limit, together over it; then a join in the same write
      client.sendFrames(RawWsClient.frame(false, RawWsClient.TEXT, ("{\"type\":\"chat\",\"room\":\"x\",\"text\":\""
              + "a".repeat(5000)).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          RawWsClient.frame(true, RawWsClient.CONTINUATION, ("a".repeat(5000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          RawWsClient.textFrame("{\"type\":\"join\",\"id\":\"late\",\"room\":\"after-close\"}"));
      assertThat(untilClose(client)).containsExactly("error message_too_large", "close 1009");
    }
    try (WsClient other = WsClient.connect(server.port())) {
      JsonNode joined = other.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"after-close\"}");
      assertThat(joined.path("room").path("size").asInt()).as("the late join never happened").isEqualTo(1);
    }
  }

  @Test
  void aTextMessageThatIsNotUtf8ClosesWith1007() throws Exception {
    try (RawWsClient client = RawWsClient.connect(server.port())) {
      client.sendFrames(RawWsClient.textFrame("{\"type\":\"ping\",\"id\":\"1\"}"),
          RawWsClient.frame(true, RawWsClient.TEXT, new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', '}'}));
      assertThat(untilClose(client)).containsExactly("pong 1", "close 1007");
    }
    try (RawWsClient client = RawWsClient.connect(server.port())) {
      // split inside a two-byte character: each fragment alone is not UTF-8, the message is
      byte[] e = "é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      client.sendFrames(RawWsClient.frame(false, RawWsClient.TEXT, new byte[] {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', e[0]}),
          RawWsClient.frame(true, RawWsClient.CONTINUATION, new byte[] {e[1], '"', '}'}));
      JsonNode error = client.next("error");
      assertThat(error.path("code").asText()).as("valid UTF-8, an unknown type").isEqualTo("unsupported_type");
    }
  }

  @Test
  void aFrameTheProtocolForbidsClosesWith1002AfterTheReplies() throws Exception {
    byte[] ping = "{\"type\":\"ping\",\"id\":\"1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] unmasked = new byte[2 + ping.length];
    unmasked[0] = (byte) 0x81;
    unmasked[1] = (byte) ping.length;
    System.arraycopy(ping, 0, unmasked, 2, ping.length);
    byte[] reservedBit = RawWsClient.textFrame("{}");
    reservedBit[0] |= 0x40;
    List<byte[]> forbidden = List.of(unmasked, reservedBit,
        RawWsClient.frame(true, RawWsClient.CONTINUATION, ping), // nothing to continue
        RawWsClient.frame(true, 0x3, ping), // an opcode RFC 6455 reserves
        RawWsClient.frame(false, RawWsClient.PING, new byte[0]), // a fragmented control frame
        RawWsClient.frame(true, RawWsClient.PING, new byte[126]), // a control frame over 125 bytes
        RawWsClient.frame(true, RawWsClient.CLOSE, new byte[] {0x03, (byte) 0xED})); // 1005 is never sent
    for (byte[] frame : forbidden) {
      try (RawWsClient client = RawWsClient.connect(server.port())) {
        client.sendFrames(RawWsClient.textFrame(new String(ping, java.nio.charset.StandardCharsets.UTF_8)), frame,
            RawWsClient.textFrame("{\"type\":\"ping\",\"id\":\"after\"}"));
        assertThat(untilClose(client)).containsExactly("pong 1", "close 1002");
      }
    }
    try (RawWsClient client = RawWsClient.connect(server.port())) {
      client.sendFrames(RawWsClient.frame(false, RawWsClient.TEXT, "{\"type\":".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          RawWsClient.textFrame("{\"type\":\"ping\",\"id\":\"2\"}")); // a new message amid the fragments of one
      assertThat(untilClose(client)).containsExactly("close 1002");
    }
    try (RawWsClient client = RawWsClient.connect(server.port())) {
      client.sendFrames(RawWsClient.frame(false, RawWsClient.TEXT, "{\"type\":".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          RawWsClient.frame(true, RawWsClient.BINARY, new byte[] {1})); // binary, but first of all a new message
      assertThat(untilClose(client)).containsExactly("close 1002");
    }
  }

  @Test
  void aFrameThatArrivesInPiecesIsReadWhole() throws Exception {
    byte[] frame = RawWsClient.textFrame("{\"type\":\"ping\",\"id\":\"p\",\"t\":\"" + "t".repeat(300) + "\"}"); // a 16-bit length
    int[] cuts = {1, 3, 6, 100, frame.length};
    try (RawWsClient client = RawWsClient.connect(server.port())) {
      int from = 0;
      for (int cut : cuts) {
        // A TCP write each (Nagle holds back all but the first until an ACK): mostly separate reads on
        // the server's side. WebSocketFramesTest feeds the decoder byte by byte, deterministically.
        client.sendFrames(java.util.Arrays.copyOfRange(frame, from, cut));
        from = cut;
      }
      assertThat(client.next("pong").path("t").asText()).isEqualTo("t".repeat(300));
    }
  }

  /** The server's messages as "type re" or "type code", up to its close frame, then "close STATUS". */
  private static List<String> untilClose(RawWsClient client) throws java.io.IOException {
    List<String> seen = new ArrayList<>();
    while (true) {
      RawWsClient.Frame frame = client.frame();
      if (frame.opcode() == RawWsClient.CLOSE) {
        byte[] p = frame.payload();
        seen.add("close " + (p.length >= 2 ? ((p[0] & 0xFF) << 8) | (p[1] & 0xFF) : 1005));
        return seen;
      }
      if (frame.opcode() == RawWsClient.TEXT) {
        JsonNode message = Json.MAPPER.readTree(frame.payload());
        String detail = message.has("re") ? message.path("re").asText() : message.path("code").asText();
        seen.add(message.path("type").asText() + " " + detail);
      }
    }
  }

  @Test
  void aMessageInFragmentsIsPutTogetherAndOneOverTheLimitClosesWith1009() throws Exception {
    try (WsClient client = WsClient.connect(server.port())) {
      client.sendFragmented("{\"type\":\"join\",\"id\":\"f\",", "\"room\":\"frag", "ments\",\"name\":\"F\"}");
      JsonNode joined = client.next("joined");
      assertThat(joined.path("re").asText()).isEqualTo("f");
      assertThat(joined.path("room").path("id").asText()).isEqualTo("fragments");
      client.send("{\"type\":\"ping\",\"id\":\"after\"}");
      assertThat(client.next("pong").path("re").asText()).as("the connection goes on after it").isEqualTo("after");
      // each fragment within the limit (8192 bytes here), together over it
      client.sendFragmented("{\"type\":\"chat\",\"room\":\"fragments\",\"text\":\"" + "a".repeat(5000), "a".repeat(5000) + "\"}");
      assertThat(client.next("error").path("code").asText()).isEqualTo("message_too_large");
      assertThat(client.awaitClose()).isEqualTo(1009);
    }
  }

  @Test
  void exactlyCapacityJoinersGetInWhenFiftyRace() throws Exception {
    List<WsClient> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      for (int i = 0; i < 50; i++) {
        clients.add(WsClient.connect(server.port()));
      }
      List<Future<JsonNode>> replies = new ArrayList<>();
      for (int i = 0; i < clients.size(); i++) {
        WsClient c = clients.get(i);
        replies.add(pool.submit(() -> c.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"race\",\"capacity\":2}")));
      }
      int joined = 0;
      int full = 0;
      for (Future<JsonNode> reply : replies) {
        String type = reply.get().path("type").asText();
        if (type.equals("joined")) {
          joined++;
        } else if (reply.get().path("code").asText().equals("room_full")) {
          full++;
          assertThat(reply.get().path("message").asText()).contains("race is full (2/2)");
        }
      }
      assertThat(joined).isEqualTo(2);
      assertThat(full).isEqualTo(48);
    } finally {
      pool.shutdownNow();
      clients.forEach(WsClient::close);
    }
  }

  @Test
  void passwordsAreRequiredFromLaterJoinersAndWrongTriesAreThrottled() throws Exception {
    try (WsClient owner = WsClient.connect(server.port()); WsClient guest = WsClient.connect(server.port())) {
      JsonNode created = owner.request("1", "{\"type\":\"join\",\"id\":\"1\",\"room\":\"locked\",\"password\":\"s3cret\"}");
      assertThat(created.path("room").path("locked").asBoolean()).isTrue();
      JsonNode wrong = guest.request("2", "{\"type\":\"join\",\"id\":\"2\",\"room\":\"locked\",\"password\":\"guess\"}");
      assertThat(wrong.path("code").asText()).isEqualTo("wrong_password");
      assertThat(wrong.path("retryAfterMs").asLong()).isPositive();
      JsonNode throttled = guest.request("3", "{\"type\":\"join\",\"id\":\"3\",\"room\":\"locked\",\"password\":\"s3cret\"}");
      assertThat(throttled.path("code").asText()).isEqualTo("wrong_password");
      server.clock.advance(Duration.ofSeconds(1));
      JsonNode right = guest.request("4", "{\"type\":\"join\",\"id\":\"4\",\"room\":\"locked\",\"password\":\"s3cret\"}");
      assertThat(right.path("type").asText()).isEqualTo("joined");
    }
  }

  @Test
  void wrongPasswordsAreThrottledByAddressSoReconnectingDoesNotReset() throws Exception {
    try (WsClient owner = WsClient.connect(server.port())) {
      owner.request("1", "{\"type\":\"join\",\"id\":\"1\",\"room\":\"vault\",\"password\":\"s3cret\"}");
      long retryAfter = 0;
      for (int i = 0; i < 3; i++) { // each guess on a fresh connection, after the wait the last one was told
        server.clock.advance(Duration.ofMillis(retryAfter));
        try (WsClient guesser = WsClient.connect(server.port())) {
          JsonNode wrong = guesser.request("g", "{\"type\":\"join\",\"id\":\"g\",\"room\":\"vault\",\"password\":\"guess\"}");
          assertThat(wrong.path("code").asText()).isEqualTo("wrong_password");
          assertThat(wrong.path("retryAfterMs").asLong()).isEqualTo(500L << i);
          retryAfter = wrong.path("retryAfterMs").asLong();
        }
      }
      try (WsClient next = WsClient.connect(server.port())) {
        JsonNode throttled = next.request("r", "{\"type\":\"join\",\"id\":\"r\",\"room\":\"vault\",\"password\":\"s3cret\"}");
        assertThat(throttled.path("code").asText()).as("even the right password waits").isEqualTo("wrong_password");
        assertThat(throttled.path("retryAfterMs").asLong()).isEqualTo(2000);
        server.clock.advance(Duration.ofMillis(2000));
        assertThat(next.request("s", "{\"type\":\"join\",\"id\":\"s\",\"room\":\"vault\",\"password\":\"s3cret\"}")
            .path("type").asText()).isEqualTo("joined");
      }
    }
  }

  @Test
  void chatReachesTheRoomInOrderAndLateJoinersGetHistory() throws Exception {
    try (WsClient alice = join("chat", "Alice"); WsClient bob = join("chat", "Bob")) {
      alice.send("{\"type\":\"chat\",\"room\":\"chat\",\"text\":\"one\",\"from\":\"p_fake\",\"name\":\"Mallory\",\"ts\":1}");
      alice.send("{\"type\":\"chat\",\"room\":\"chat\",\"text\":\"two\"}");
      for (WsClient c : List.of(alice, bob)) {
        JsonNode first = c.next("chat");
        assertThat(first.path("text").asText()).isEqualTo("one");
        assertThat(first.path("from").asText()).isEqualTo(alice.peerId());
        assertThat(first.path("name").asText()).isEqualTo("Alice");
        assertThat(first.path("ts").asLong()).isGreaterThan(1);
        assertThat(c.next("chat").path("text").asText()).isEqualTo("two");
      }
      bob.send("{\"type\":\"chat\",\"room\":\"chat\",\"to\":\"" + alice.peerId() + "\",\"text\":\"psst\"}");
      assertThat(alice.next("chat").path("text").asText()).isEqualTo("psst");
      assertThat(bob.next("chat").path("text").asText()).isEqualTo("psst");
      JsonNode tooLong = bob.request("x", "{\"type\":\"chat\",\"id\":\"x\",\"room\":\"chat\",\"text\":\"" + "a".repeat(4097) + "\"}");
      assertThat(tooLong.path("code").asText()).isEqualTo("bad_request");
      try (WsClient carol = WsClient.connect(server.port())) {
        JsonNode joined = carol.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"chat\"}");
        JsonNode history = joined.path("history");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).path("text").asText()).isEqualTo("one");
        assertThat(history.get(0).path("from").asText()).isEqualTo(alice.peerId());
        assertThat(history.get(1).path("text").asText()).isEqualTo("two");
      }
    }
  }

  @Test
  void aChatToOneselfArrivesOnce() throws Exception {
    try (WsClient alice = join("mirror", "Alice")) {
      alice.send("{\"type\":\"chat\",\"id\":\"c\",\"room\":\"mirror\",\"to\":\"" + alice.peerId() + "\",\"text\":\"note\"}");
      alice.send("{\"type\":\"ping\",\"id\":\"p\"}");
      List<JsonNode> chats = new ArrayList<>();
      for (JsonNode m = alice.next(); !m.path("type").asText().equals("pong"); m = alice.next()) {
        if (m.path("type").asText().equals("chat")) {
          chats.add(m);
        }
      }
      assertThat(chats).hasSize(1);
      assertThat(chats.get(0).path("re").asText()).isEqualTo("c");
      assertThat(chats.get(0).path("to").asText()).isEqualTo(alice.peerId());
    }
  }

  @Test
  void aNameIsPerRoomSoJoiningAnotherRoomUnderAnotherNameChangesNothingInTheFirst() throws Exception {
    try (WsClient alice = join("n1", "Alice"); WsClient bob = join("n1", "Bob")) {
      JsonNode second = alice.request("k", "{\"type\":\"join\",\"id\":\"k\",\"room\":\"n2\",\"name\":\"Mallory\"}");
      assertThat(second.path("self").path("name").asText()).isEqualTo("Mallory");
      alice.send("{\"type\":\"chat\",\"room\":\"n1\",\"text\":\"hi\"}");
      JsonNode chat = bob.next("chat");
      assertThat(chat.path("from").asText()).isEqualTo(alice.peerId());
      assertThat(chat.path("name").asText()).as("what n1 knows her as").isEqualTo("Alice");
      alice.send("{\"type\":\"chat\",\"room\":\"n2\",\"text\":\"hi\"}");
      assertThat(alice.next("chat").path("room").asText()).isEqualTo("n1");
      JsonNode own = alice.next("chat");
      assertThat(own.path("room").asText()).isEqualTo("n2");
      assertThat(own.path("name").asText()).isEqualTo("Mallory");
      JsonNode again = alice.request("l", "{\"type\":\"join\",\"id\":\"l\",\"room\":\"n1\",\"name\":\"Eve\"}");
      assertThat(again.path("self").path("name").asText()).as("already in n1, as Alice").isEqualTo("Alice");
    }
  }

  @Test
  void aCloseFrameIsAnsweredWithTheSameStatusAndTheOthersSeeThePeerGo() throws Exception {
    try (WsClient alice = join("closing", "Alice"); WsClient bob = join("closing", "Bob")) {
      bob.sendClose(4000, "done");
      assertThat(bob.awaitClose()).as("the server's close frame, echoing the client's").isEqualTo(4000);
      JsonNode gone = alice.next("peer.updated");
      assertThat(gone.path("peerId").asText()).isEqualTo(bob.peerId());
      assertThat(gone.path("state").asText()).isEqualTo("reconnecting");
    }
  }

  @Test
  void leaveAndByeTellTheOthers() throws Exception {
    try (WsClient alice = join("bye", "Alice"); WsClient bob = join("bye", "Bob")) {
      bob.send("{\"type\":\"bye\"}");
      assertThat(bob.awaitClose()).isEqualTo(1000);
      JsonNode left = alice.next("peer.left");
      assertThat(left.path("peerId").asText()).isEqualTo(bob.peerId());
      assertThat(left.path("reason").asText()).isEqualTo("leave");
    }
  }

  @Test
  void framesReadAfterByeAreIgnoredAndLeaveNoGhostInARoom() throws Exception {
    try (WsClient alice = join("ghost", "Alice"); RawWsClient ghost = RawWsClient.connect(server.port())) {
      ghost.send("{\"type\":\"bye\"}", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"ghost\"}"); // one TCP write
      assertThat(ghost.awaitClose()).isEqualTo(1000);
      // The join, had it been handled, queued peer.joined for alice before her pong.
      alice.send("{\"type\":\"ping\",\"id\":\"p\"}");
      List<JsonNode> before = new ArrayList<>();
      for (JsonNode m = alice.next(); !m.path("re").asText().equals("p"); m = alice.next()) {
        before.add(m);
      }
      assertThat(before).noneMatch(m -> m.path("type").asText().equals("peer.joined"));
      assertThat(server.server.hub().rooms.get("ghost").size()).isEqualTo(1);
      assertThat(server.server.hub().sessions()).hasSize(1);
    }
  }

  @Test
  void floodingIsRateLimitedWithRetryAfter() throws Exception {
    try (WsClient client = WsClient.connect(server.port())) {
      for (int i = 0; i < 60; i++) {
        client.send("{\"type\":\"ping\"}");
      }
      JsonNode limited = client.next("error");
      assertThat(limited.path("code").asText()).isEqualTo("rate_limited");
      assertThat(limited.path("retryAfterMs").asLong()).isPositive();
    }
  }

  @Test
  void malformedMessagesCountAgainstTheRateLimitAndTheirFloodClosesWith4029() throws Exception {
    for (String junk : List.of("garbage", "{\"id\":\"1\"}", "{\"type\":\"ping\",\"id\":5}")) {
      try (WsClient client = WsClient.connect(server.port())) {
        for (int i = 0; i < 50 + Router.ABUSE_LIMIT + 5; i++) {
          client.sendUnlessClosed(() -> client.send(junk));
        }
        assertThat(client.awaitClose()).as(junk).isEqualTo(4029);
        assertThat(client.received).as(junk).anyMatch(m -> m.path("code").asText().equals("rate_limited"));
      }
    }
    try (WsClient client = WsClient.connect(server.port())) {
      for (int i = 0; i < 50 + Router.ABUSE_LIMIT + 5; i++) {
        client.sendUnlessClosed(client::sendPing); // WebSocket pings are frames too: each owes a pong
      }
      assertThat(client.awaitClose()).as("pings").isEqualTo(4029);
    }
  }

  @Test
  void repeatedFloodingClosesWith4029AndOthersSeeKicked() throws Exception {
    try (WsClient alice = join("flood", "Alice"); WsClient bob = join("flood", "Bob")) {
      for (int i = 0; i < 50 + Router.ABUSE_LIMIT + 5; i++) {
        bob.sendUnlessClosed(() -> bob.send("{\"type\":\"ping\"}"));
      }
      assertThat(bob.awaitClose()).isEqualTo(4029);
      JsonNode left = alice.next("peer.left");
      assertThat(left.path("peerId").asText()).isEqualTo(bob.peerId());
      assertThat(left.path("reason").asText()).isEqualTo("kicked");
    }
  }

  @Test
  void aClientCannotAddLinesToMetrics() throws Exception {
    try (WsClient client = WsClient.connect(server.port())) {
      client.send("{\"type\":\"x\\\"} 1\\nswitchboard_injected 666\\n#\",\"id\":\"1\"}");
      assertThat(client.next().path("code").asText()).isEqualTo("unsupported_type");
    }
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("switchboard_signaling_messages_in_total{type=\"unknown\"} 1\n");
    assertThat(metrics).doesNotContain("injected");
  }

  @Test
  void httpEndpoints() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.port();
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    HttpResponse<String> ice = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/ice-servers")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ice.statusCode()).isEqualTo(200);
    assertThat(ice.headers().firstValue("cache-control")).hasValue("no-store");
    JsonNode body = Json.MAPPER.readTree(ice.body());
    assertThat(body.path("iceTtl").asLong()).isEqualTo(3600);
    assertThat(body.path("iceServers").get(0).path("urls").get(0).asText()).isEqualTo("stun:127.0.0.1:3478");
    try (WsClient a = join("m", "A")) {
      String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("switchboard_signaling_sessions 1", "switchboard_signaling_rooms 1",
          "switchboard_signaling_messages_in_total{type=\"join\"} 1", "switchboard_signaling_relay_latency_seconds_count",
          "switchboard_signaling_rate_limited_total 0", "turn_metric 1");
    }
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/../../etc/passwd")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(400, 404);
  }
}
