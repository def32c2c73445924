package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.cli.config.ConfigLoader;
import dev.switchboard.cli.config.ConfigOverrides;
import dev.switchboard.cli.config.SwitchboardConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole composition: the TURN credentials a browser gets from signaling ({@code joined.iceServers}
 * and {@code GET /api/v1/ice-servers}) are accepted by our TURN server, checked with coturn's own
 * client, and the TURN server's counters show up in the signaling server's {@code /metrics}.
 */
class IceCredentialsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+)");

  @TempDir
  Path dataDir;
  private Switchboard switchboard;
  private int httpPort;

  @BeforeEach
  void start() throws Exception {
    ConfigOverrides overrides = new ConfigOverrides()
        .set("dataDir", dataDir, "test")
        .set("publicAddress", "127.0.0.1", "test")
        .set("tls.enabled", false, "test")
        .set("signaling.listen", "127.0.0.1", "test")
        .set("signaling.port", 0, "test")
        .set("turn.listen", "127.0.0.1", "test")
        .set("turn.port", 0, "test")
        .set("turn.relay.address", "127.0.0.1", "test")
        .set("turn.relay.ports", "24000-24999", "test");
    SwitchboardConfig config = ConfigLoader.load(Optional.empty(), overrides, "test");
    switchboard = Switchboard.start(config, Clock.systemUTC());
    httpPort = switchboard.signalingPort();
  }

  @AfterEach
  void stop() {
    if (switchboard != null) {
      switchboard.close();
    }
  }

  @Test
  void credentialsFromJoinedRelayThroughOurTurnServer() throws Exception {
    Path uclient = ExternalTools.require("turnutils_uclient");
    LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), new JsonCollector(received))
        .get(10, TimeUnit.SECONDS);
    JsonNode welcome = received.poll(10, TimeUnit.SECONDS);
    assertThat(welcome.path("type").asText()).isEqualTo("welcome");
    String peerId = welcome.path("peerId").asText();
    ws.sendText("{\"type\":\"join\",\"id\":\"1\",\"room\":\"ice-test\"}", true);
    JsonNode joined = received.poll(10, TimeUnit.SECONDS);
    assertThat(joined.path("type").asText()).isEqualTo("joined");
    assertThat(joined.path("iceTtl").asLong()).isEqualTo(3600);

    JsonNode turnServer = turnEntry(joined.path("iceServers"));
    String username = turnServer.path("username").asText();
    assertThat(username).matches("\\d+:" + Pattern.quote(peerId));
    long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
    assertThat(expiry).isBetween(Instant.now().getEpochSecond() + 3500, Instant.now().getEpochSecond() + 3700);
    int turnPort = switchboard.turn().udpPort();
    assertThat(turnServer.path("urls").toString()).contains("turn:127.0.0.1:" + turnPort + "?transport=udp");

    relaysWithZeroLoss(uclient, username, turnServer.path("credential").asText(), turnPort);

    HttpResponse<String> api = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/v1/ice-servers")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(200);
    JsonNode fromApi = turnEntry(JSON.readTree(api.body()).path("iceServers"));
    relaysWithZeroLoss(uclient, fromApi.path("username").asText(), fromApi.path("credential").asText(), turnPort);

    HttpResponse<String> metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).containsPattern("switchboard_turn_relayed_packets_total [1-9]");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
  }

  private static JsonNode turnEntry(JsonNode iceServers) {
    for (JsonNode server : iceServers) {
      if (server.has("username")) {
        return server;
      }
    }
    throw new AssertionError("no TURN entry with credentials in " + iceServers);
  }

  private static void relaysWithZeroLoss(Path uclient, String user, String password, int port) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(uclient.toString(), "-y", "-n", "10", "-m", "1", "-l", "100",
        "-u", user, "-w", password, "-p", String.valueOf(port), "127.0.0.1"));
    ExternalTools.Result result = ExternalTools.run(cmd, 40);
    assertThat(result.exitCode()).as(result.output()).isZero();
    Matcher lost = LOST.matcher(result.output());
    assertThat(lost.find()).as(result.output()).isTrue();
    assertThat(Integer.parseInt(lost.group(1))).as(result.output()).isZero();
  }

  /** Whole text messages parsed as JSON. */
  private static final class JsonCollector implements WebSocket.Listener {
    private final LinkedBlockingQueue<JsonNode> received;
    private final StringBuilder partial = new StringBuilder();

    JsonCollector(LinkedBlockingQueue<JsonNode> received) {
      this.received = received;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          received.add(JSON.readTree(partial.toString()));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }
}
