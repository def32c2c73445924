package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sessions held by a child JVM for memory-wss: the server sees them, and failures come back as errors. */
class SessionHolderIT {

  @TempDir
  Path dir;

  @Test
  @Timeout(30)
  void opensSessionsInAChildProcessThatTheServerHolds() throws Exception {
    try (SignalingServers.Running server = SignalingServers.switchboard(SignalingLoadIT.dist(), dir.resolve("sb"), false);
         SessionHolder holder = SessionHolder.start(server.target(), dir.resolve("holder.log"))) {
      holder.open(30, Duration.ofSeconds(10));
      assertThat(holder.sessions()).isEqualTo(30);
      holder.open(20, Duration.ofSeconds(10));
      assertThat(holder.sessions()).isEqualTo(50);
      assertThat(sessionsGauge(server)).isEqualTo(50);
    }
  }

  @Test
  @Timeout(30)
  void aSessionThatCannotOpenFailsTheCommandWithTheChildsReason() throws Exception {
    InetSocketAddress closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }
    SignalingLoad.Target target = new SignalingLoad.Target(new SwitchboardWire(), closed, false);
    try (SessionHolder holder = SessionHolder.start(target, dir.resolve("holder.log"))) {
      assertThatThrownBy(() -> holder.open(2, Duration.ofSeconds(5)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("error")
          .hasMessageContaining("holder.log");
      assertThat(holder.sessions()).isZero();
    }
  }

  private static long sessionsGauge(SignalingServers.Running server) throws Exception {
    InetSocketAddress http = server.target().address();
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://" + http.getAddress().getHostAddress() + ":" + http.getPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    return metrics.body().lines().filter(l -> l.startsWith("switchboard_signaling_sessions "))
        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(' ') + 1).trim())).findFirst().orElse(-1);
  }
}
