package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connections before their WebSocket upgrade: the deadline for a complete HTTP request, the cap per
 * IP, and the answers /ws gives to requests that are no upgrade. Bare sockets, the mutable clock.
 */
class HttpPhaseIT {

  private static final long DEADLINE = ConnectionRegistry.REQUEST_DEADLINE_MILLIS;

  private static void write(Socket socket, String text) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /**
   * Waits, bounded, until the server counts {@code connections} in their HTTP phase: the kernel
   * completes a TCP handshake before the server's loop has accepted it, and a close before it has seen it.
   */
  private static void awaitInHttpPhase(TestServer server, int connections) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.server.hub().connections.inHttpPhase() != connections && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(server.server.hub().connections.inHttpPhase()).isEqualTo(connections);
  }

  @Test
  void aConnectionWithoutACompleteRequestWithinTheDeadlineIsClosed() throws Exception {
    try (TestServer server = new TestServer(); Socket idle = RawWsClient.tcp(server.port());
         Socket trickle = RawWsClient.tcp(server.port()); Socket keepAlive = RawWsClient.tcp(server.port())) {
      awaitInHttpPhase(server, 3); // their deadlines run from the clock's time now
      write(trickle, "GET /ws HTTP/1.1\r\nHost: x\r\n");
      server.clock.advance(Duration.ofMillis(DEADLINE - 1));
      write(trickle, "X-A: b\r\n"); // a slowloris: a line now and then, never the blank one
      server.server.tick();
      write(keepAlive, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); // just in time
      assertThat(RawWsClient.readHead(keepAlive.getInputStream())).startsWith("HTTP/1.1 200");
      keepAlive.getInputStream().readNBytes(3); // "ok\n"

      server.clock.advance(Duration.ofMillis(1));
      server.server.tick();
      assertThat(RawWsClient.closedWithin(idle, 5000)).as("idle since the accept").isTrue();
      assertThat(RawWsClient.closedWithin(trickle, 5000)).as("trickling one request").isTrue();
      assertThat(RawWsClient.closedWithin(keepAlive, 200)).as("its deadline runs from its last request").isFalse();

      server.clock.advance(Duration.ofMillis(DEADLINE));
      server.server.tick();
      assertThat(RawWsClient.closedWithin(keepAlive, 5000)).as("idle between keep-alive requests").isTrue();
      awaitInHttpPhase(server, 0); // every place given back
    }
  }

  @Test
  void anUpgradedWebSocketHasNoRequestDeadline() throws Exception {
    try (TestServer server = new TestServer(); WsClient client = WsClient.connect(server.port())) {
      server.clock.advance(Duration.ofMillis(DEADLINE + 1));
      client.send("{\"type\":\"ping\"}"); // seen, so the heartbeat has no cause to drop it either
      client.next("pong");
      server.server.tick();
      assertThat(client.request("p", "{\"type\":\"ping\",\"id\":\"p\"}").path("type").asText()).isEqualTo("pong");
      assertThat(server.server.hub().connections.inHttpPhase()).isZero();
    }
  }

  @Test
  void closingTheServerEndsConnectionsInTheirHttpPhaseAndWebSocketsAlike() throws Exception {
    try (TestServer server = new TestServer(); Socket idle = RawWsClient.tcp(server.port());
         Socket keepAlive = RawWsClient.tcp(server.port()); WsClient client = WsClient.connect(server.port())) {
      assertThat(answers(keepAlive)).isTrue();
      awaitInHttpPhase(server, 2);
      server.server.close(); // the event loops stay up: nothing else closes these
      assertThat(RawWsClient.closedWithin(idle, 5000)).as("before its first request").isTrue();
      assertThat(RawWsClient.closedWithin(keepAlive, 5000)).as("between keep-alive requests").isTrue();
      assertThat(client.awaitClose()).isEqualTo(1001);
    }
  }

  /** Whether the server still answers on {@code socket}: a keep-alive request, or EOF if it closed it. */
  private static boolean answers(Socket socket) throws Exception {
    try {
      write(socket, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      String head = RawWsClient.readHead(socket.getInputStream());
      socket.getInputStream().readNBytes(3); // "ok\n"
      return head.startsWith("HTTP/1.1 200");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void oneIpHoldsAtMostConnectionsPerIpBeforeTheUpgrade() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(SignalingConfig.Auth.NONE, List.of("*"),
        Duration.ofSeconds(30), 50, 2));
         Socket a = RawWsClient.tcp(server.port()); Socket b = RawWsClient.tcp(server.port());
         Socket c = RawWsClient.tcp(server.port())) {
      List<Socket> open = new java.util.ArrayList<>();
      for (Socket socket : List.of(a, b, c)) { // accepted in any order: whichever came last was closed at once
        if (answers(socket)) {
          open.add(socket);
        }
      }
      assertThat(open).hasSize(2);
      open.get(0).close();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      WsClient client = null;
      while (client == null && System.nanoTime() < deadline) {
        try {
          client = WsClient.connect(server.port()); // once the server has seen that close
        } catch (Exception e) {
          Thread.onSpinWait();
        }
      }
      assertThat(client).isNotNull();
      // Upgraded, it counts among the IP's WebSockets and leaves its place to another in the HTTP phase.
      try (WsClient upgraded = client; Socket another = RawWsClient.tcp(server.port())) {
        assertThat(answers(another)).isTrue();
        assertThat(answers(open.get(1))).isTrue();
        assertThat(upgraded.request("p", "{\"type\":\"ping\",\"id\":\"p\"}").path("type").asText()).isEqualTo("pong");
      }
    }
  }

  @Test
  void wsWithoutAnUpgradeGets426AndABrokenHandshake400() throws Exception {
    try (TestServer server = new TestServer(); Socket plain = RawWsClient.tcp(server.port());
         Socket noKey = RawWsClient.tcp(server.port()); Socket oldVersion = RawWsClient.tcp(server.port())) {
      write(plain, "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n");
      String head = RawWsClient.readHead(plain.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 426");
      assertThat(head.toLowerCase()).contains("upgrade: websocket\r\n", "sec-websocket-version: 13\r\n");

      write(noKey, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n");
      assertThat(RawWsClient.readHead(noKey.getInputStream())).startsWith("HTTP/1.1 400");
      assertThat(RawWsClient.closedWithin(noKey, 5000)).isTrue();

      write(oldVersion, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
      head = RawWsClient.readHead(oldVersion.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 426");
      assertThat(head.toLowerCase()).contains("sec-websocket-version: 13\r\n");
    }
  }
}
