package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round-trip probe against a real dist/switchboard (and coturn, when installed): it allocates,
 * binds a channel to its echo socket, and its pings come back, each timed.
 */
class RelayRttProbeIT {

  @TempDir
  Path dir;

  private static Path dist() {
    Path dist = Path.of("..", "dist", "switchboard").toAbsolutePath().normalize();
    assertThat(dist).as("dist/switchboard, built by the cli module").isExecutable();
    return dist;
  }

  @Test
  void pingsThroughSwitchboardsRelayComeBackTimed() throws Exception {
    Path dist = dist();
    TurnSetup setup = TurnSetup.standard();
    try (SwitchboardServer ours = SwitchboardServer.startTurn(dist, dir.resolve("switchboard"), setup)) {
      assertPingsComeBack(ours, setup);
    }
  }

  /**
   * A client port whose earlier owner left an allocation behind (uclient exits without deleting
   * its own) gets 437; the probe gives that port up, and start() tries a fresh one.
   */
  @Test
  void aPortThatStillHasAnAllocationIsGivenUp() throws Exception {
    Path dist = dist();
    TurnSetup setup = TurnSetup.standard();
    try (SwitchboardServer ours = SwitchboardServer.startTurn(dist, dir.resolve("switchboard"), setup);
         DatagramSocket earlier = new DatagramSocket(new InetSocketAddress(ours.turn().getAddress(), 0))) {
      RelayRttProbe first = RelayRttProbe.open(ours.turn(), setup, 1, earlier);
      assertThat(first).isNotNull();
      int port = earlier.getLocalPort();
      first.close(); // leaves its allocation on the server, as an exited uclient does

      RelayRttProbe again = RelayRttProbe.open(ours.turn(), setup, 1,
          new DatagramSocket(new InetSocketAddress(ours.turn().getAddress(), port)));
      if (again != null) {
        again.close();
      }

      assertThat(again).as("437 on a port that has an allocation").isNull();
    }
  }

  @Test
  void pingsThroughCoturnsRelayComeBackTimed() throws Exception {
    boolean haveCoturn = Files.isExecutable(Path.of("/usr/bin/turnserver"));
    if (Boolean.getBoolean("switchboard.tools.required")) {
      assertThat(haveCoturn).as("coturn is required: apt-get install -y coturn").isTrue();
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(haveCoturn, "coturn not installed");
    TurnSetup setup = TurnSetup.standard();
    try (CoturnServer coturn = CoturnServer.start(dir.resolve("coturn"), setup)) {
      assertPingsComeBack(coturn, setup);
    }
  }

  private static void assertPingsComeBack(BenchServer server, TurnSetup setup) throws Exception {
    long from = System.nanoTime();
    RelayRttProbe.Sample[] samples = RelayRttProbe.start(server.turn(), setup, 40).finish();
    ProbeRtt rtt = ProbeRtt.of(samples, List.of(new Span(from, System.nanoTime())));

    assertThat(samples).hasSize(40);
    // A cold server may take one or two of its first pings past the timeout (JIT, first packets).
    assertThat(rtt.lost()).as("pings lost on an idle loopback relay").isLessThanOrEqualTo(2);
    assertThat(rtt.answered() + rtt.lost()).isEqualTo(40);
    assertThat(ProbeRtt.micros(samples, List.of(new Span(from, System.nanoTime())))[0])
        .as("the fastest round trip, µs").isGreaterThan(1);
    assertThat(rtt.p50Micros()).as("the median round trip, µs").isLessThan(20_000);
    assertThat(rtt.relayedPackets()).isEqualTo(2 * rtt.answered());
  }
}
