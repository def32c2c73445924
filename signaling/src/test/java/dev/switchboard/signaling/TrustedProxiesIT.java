package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Behind a trusted proxy (here 127.0.0.1, every test client's address): the limits per IP count the
 * client named in X-Forwarded-For, and the proxy's connections before the upgrade are not capped.
 */
class TrustedProxiesIT {

  private static TestServer server(int connectionsPerIp, List<String> trustedProxies) throws Exception {
    return new TestServer(TestServer.config(SignalingConfig.Auth.NONE, List.of("*"), Duration.ofSeconds(30), 50,
        connectionsPerIp, trustedProxies));
  }

  private static WsClient connectFor(TestServer server, String forwardedFor) throws Exception {
    return WsClient.connect(server.port(), HttpClient.newHttpClient().newWebSocketBuilder()
        .header("X-Forwarded-For", forwardedFor));
  }

  private static int refusal(TestServer server, String forwardedFor) {
    Throwable thrown = catchThrowable(() -> connectFor(server, forwardedFor).close());
    assertThat(thrown).as("the connection for " + forwardedFor + " was accepted").isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) thrown.getCause()).getResponse().statusCode();
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnConnectionsPerIp() throws Exception {
    List<WsClient> open = new ArrayList<>();
    try (TestServer server = server(2, List.of("127.0.0.1"))) {
      for (String client : List.of("198.51.100.1", "198.51.100.2", "198.51.100.3")) {
        open.add(connectFor(server, client));
      }
      open.add(connectFor(server, "203.0.113.9"));
      open.add(connectFor(server, "203.0.113.9, 127.0.0.1"));
      assertThat(refusal(server, "203.0.113.9")).as("the same client a third time").isEqualTo(429);
      assertThat(open).hasSize(5);
    } finally {
      open.forEach(WsClient::close);
    }
  }

  @Test
  void withoutTrustedProxiesXForwardedForIsIgnored() throws Exception {
    List<WsClient> open = new ArrayList<>();
    try (TestServer server = server(2, List.of())) {
      open.add(connectFor(server, "198.51.100.1"));
      open.add(connectFor(server, "198.51.100.2"));
      assertThat(refusal(server, "198.51.100.3")).isEqualTo(429);
    } finally {
      open.forEach(WsClient::close);
    }
  }

  @Test
  void aPeerOutsideTheTrustedRangesIsNotBelieved() throws Exception {
    List<WsClient> open = new ArrayList<>();
    try (TestServer server = server(2, List.of("10.0.0.0/8", "::1"))) {
      open.add(connectFor(server, "198.51.100.1"));
      open.add(connectFor(server, "198.51.100.2"));
      assertThat(refusal(server, "198.51.100.3")).isEqualTo(429);
    } finally {
      open.forEach(WsClient::close);
    }
  }

  @Test
  void aClosedForwardedWebSocketGivesItsClientsPlaceBack() throws Exception {
    try (TestServer server = server(1, List.of("127.0.0.0/8"))) {
      WsClient first = connectFor(server, "198.51.100.1");
      assertThat(refusal(server, "198.51.100.1")).isEqualTo(429);
      first.send("{\"type\":\"bye\"}");
      first.awaitClose();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      WsClient again = null;
      while (again == null && System.nanoTime() < deadline) {
        try {
          again = connectFor(server, "198.51.100.1"); // the place frees once the server has seen the close
        } catch (ExecutionException e) {
          Thread.onSpinWait();
        }
      }
      assertThat(again).isNotNull();
      again.close();
    }
  }

  @Test
  void aTrustedProxysConnectionsBeforeTheUpgradeAreNotCappedButKeepTheDeadline() throws Exception {
    try (TestServer server = server(2, List.of("127.0.0.1"));
         Socket a = RawWsClient.tcp(server.port()); Socket b = RawWsClient.tcp(server.port());
         Socket c = RawWsClient.tcp(server.port()); Socket d = RawWsClient.tcp(server.port())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (server.server.hub().connections.inHttpPhase() != 4 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(server.server.hub().connections.inHttpPhase()).as("twice connectionsPerIp, all open").isEqualTo(4);
      for (Socket socket : List.of(a, b, c, d)) {
        assertThat(RawWsClient.closedWithin(socket, 100)).isFalse();
      }
      server.clock.advance(Duration.ofMillis(ConnectionRegistry.REQUEST_DEADLINE_MILLIS));
      server.server.tick();
      for (Socket socket : List.of(a, b, c, d)) {
        assertThat(RawWsClient.closedWithin(socket, 5000)).as("no request within the deadline").isTrue();
      }
    }
  }

  @Test
  void wrongPasswordsAreThrottledPerForwardedClient() throws Exception {
    try (TestServer server = server(10, List.of("127.0.0.1"));
         WsClient owner = connectFor(server, "198.51.100.1");
         WsClient guesser = connectFor(server, "198.51.100.2");
         WsClient guest = connectFor(server, "198.51.100.3")) {
      owner.request("1", "{\"type\":\"join\",\"id\":\"1\",\"room\":\"vault\",\"password\":\"s3cret\"}");
      JsonNode wrong = guesser.request("g", "{\"type\":\"join\",\"id\":\"g\",\"room\":\"vault\",\"password\":\"guess\"}");
      assertThat(wrong.path("code").asText()).isEqualTo("wrong_password");
      JsonNode right = guest.request("r", "{\"type\":\"join\",\"id\":\"r\",\"room\":\"vault\",\"password\":\"s3cret\"}");
      assertThat(right.path("type").asText()).as("another client behind the same proxy is not throttled")
          .isEqualTo("joined");
      JsonNode again = guesser.request("h", "{\"type\":\"join\",\"id\":\"h\",\"room\":\"vault\",\"password\":\"s3cret\"}");
      assertThat(again.path("code").asText()).as("the guesser is").isEqualTo("wrong_password");
    }
  }
}
