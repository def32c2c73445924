package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator against the real servers on loopback for a few seconds: every session is
 * welcomed and joined, signals are relayed to a room member and their latency is recorded. Checks
 * that the generator speaks both protocols, not how fast anything is.
 */
class SignalingLoadIT {

  @TempDir
  Path dir;

  static Path dist() {
    Path dist = Path.of("..", "dist", "switchboard").toAbsolutePath().normalize();
    assertThat(dist).as("dist/switchboard, built by the cli module").isExecutable();
    return dist;
  }

  @Test
  @Timeout(15)
  void relaysSignalsThroughSwitchboardOverWs() throws Exception {
    try (SignalingServers.Running server = SignalingServers.switchboard(dist(), dir.resolve("sb"), false);
         SignalingLoad load = new SignalingLoad(server.target(), 1)) {
      assertRelays(load);
    }
  }

  @Test
  @Timeout(15)
  void opensIdleSessionsToSwitchboardOverWss() throws Exception {
    try (SignalingServers.Running server = SignalingServers.switchboard(dist(), dir.resolve("sb"), true);
         SignalingLoad load = new SignalingLoad(server.target(), 1)) {
      load.open(20, 10, Duration.ofSeconds(8));
      assertThat(load.sessions()).isEqualTo(20);
    }
  }

  @Test
  @Timeout(15)
  void relaysSignalsThroughTheSocketIoRelay() throws Exception {
    String missing = "node or bench/socketio-relay/node_modules missing (npm ci there)";
    if (Boolean.getBoolean("switchboard.tools.required")) {
      assertThat(SocketIoServer.available()).as(missing + "; .ci/run installs them").isTrue();
    }
    assumeTrue(SocketIoServer.available(), missing);
    try (SignalingServers.Running server = SignalingServers.socketIo(dir.resolve("sio"), null);
         SignalingLoad load = new SignalingLoad(server.target(), 1)) {
      assertRelays(load);
    }
  }

  private static void assertRelays(SignalingLoad load) throws Exception {
    load.open(10, 10, Duration.ofSeconds(5));
    load.joinRooms(Duration.ofSeconds(3));
    SignalingLoad.Step step = load.run(500, Duration.ofMillis(300), Duration.ofSeconds(1));
    assertThat(step.failures()).as("refusals: " + load.firstFailure()).isZero();
    assertThat(step.deliveredPerSecond()).as(step.toString()).isGreaterThan(250);
    assertThat(step.p99Millis()).as(step.toString()).isGreaterThan(0);
  }
}
