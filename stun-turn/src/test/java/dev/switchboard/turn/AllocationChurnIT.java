package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real server on loopback, 1000 UDP clients each with an allocation; the clock moves past their
 * lifetime, one sweep runs, and every relay port is back in the pool and bindable again.
 */
class AllocationChurnIT {

  // Below Linux's ephemeral range (32768-60999); 1100 ports for 1000 allocations leaves room for a
  // port another process happens to hold.
  private static final int MIN = 28000;
  private static final int MAX = 29099;

  @Test
  void thousandAllocationsOverUdpExpireWithoutLeakingPorts() throws Exception {
    MutableClock clock = new MutableClock();
    MultiThreadIoEventLoopGroup group = NettyTransports.newGroup(2);
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    TurnConfig config = new TurnConfig(TurnFixture.REALM, new TurnConfig.Listeners(lo, 0, 0, true, false, false),
        new TurnConfig.Relay(lo, lo, MIN, MAX), TurnConfig.Lifetimes.defaults(),
        new TurnConfig.Quotas(2000, 2000, 8, 0, 20), TurnConfig.Peers.defaults(), "");
    byte[] key = TurnFixture.key("alice", "secret");
    TurnServer server = TurnServer.start(config, group, clock,
        (u, r) -> u.equals("alice") ? List.of(key) : List.of(), null);
    List<StunTestClient> clients = new ArrayList<>();
    try {
      // One challenge gives a nonce bound to 127.0.0.1, valid for every client socket on it.
      String nonce;
      try (StunTestClient first = StunTestClient.udp(server.udpPort())) {
        nonce = first.exchange(StunRequests.allocate().build(null, true)).text(Stun.NONCE);
      }
      List<Integer> relayPorts = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        StunTestClient c = StunTestClient.udp(server.udpPort());
        clients.add(c);
        StunMessage r = c.exchange(StunRequests.signed(StunRequests.allocate(), "alice", "secret", nonce));
        assertThat(r.cls()).as("allocation %d: %s", i, StunRequests.errorCode(r)).isEqualTo(Stun.SUCCESS);
        relayPorts.add(StunRequests.address(r, Stun.XOR_RELAYED_ADDRESS).getPort());
      }
      assertThat(relayPorts).doesNotHaveDuplicates();
      assertThat(server.context().registry().count()).isEqualTo(1000);

      clock.advance(Duration.ofSeconds(601));
      server.sweepNow().get(10, TimeUnit.SECONDS);
      // Ports return when each relay socket's close completes on its loop: wait for the loops.
      for (var loop : group) {
        loop.submit(() -> null).get(10, TimeUnit.SECONDS);
      }
      assertThat(server.context().registry().count()).isZero();
      assertThat(server.context().ports().freeCount()).isEqualTo(MAX - MIN + 1);
      for (int port : relayPorts) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
          assertThat(s.getLocalPort()).isEqualTo(port);
        }
      }
      StringBuilder metrics = new StringBuilder();
      server.appendPrometheus(metrics);
      assertThat(metrics.toString()).contains("switchboard_turn_allocations 0");
    } finally {
      for (StunTestClient c : clients) {
        c.close();
      }
      server.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
