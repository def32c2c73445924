package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** After 1000 allocations are created and expire (clock moved), every relay port is free again. */
class AllocationChurnTest {

  // Below Linux's ephemeral range (32768-60999), so client sockets of other tests rarely hold one;
  // 1100 ports for 1000 allocations leaves room for the few that might be taken anyway.
  private static final int MIN = 21000;
  private static final int MAX = 22099;

  @Test
  void thousandAllocationsExpireWithoutLeakingPorts() throws Exception {
    try (TurnFixture f = new TurnFixture(TurnFixture.config(MIN, MAX, new TurnConfig.Quotas(2000, 2000, 8, 0, 20), true))) {
      AllocateHandler handler = new AllocateHandler();
      List<RecordingLink> links = new ArrayList<>();
      List<Integer> used = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        RecordingLink link = f.newLink();
        links.add(link);
        StunMessage r = StunCodec.decode(f.handle(handler, link, StunRequests.allocate().build(null, false)));
        used.add(StunRequests.address(r, Stun.XOR_RELAYED_ADDRESS).getPort());
      }
      assertThat(f.ctx.registry().count()).isEqualTo(1000);
      assertThat(used).doesNotHaveDuplicates();
      assertThat(f.ctx.ports().freeCount()).isEqualTo(100);

      f.advance(Duration.ofSeconds(599));
      f.sweep();
      assertThat(f.ctx.registry().count()).isEqualTo(1000);

      f.advance(Duration.ofSeconds(2));
      f.sweep();
      // Ports return to the pool when each relay socket's close completes, on the loop: flush it once.
      f.onLoop(() -> null);
      assertThat(f.ctx.registry().count()).isZero();
      assertThat(f.ctx.ports().freeCount()).isEqualTo(MAX - MIN + 1);
      assertThat(links).allSatisfy(l -> assertThat(l.allocation()).isNull());
      // And the kernel agrees: every port we relayed on binds again.
      for (int port : used) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
          assertThat(s.getLocalPort()).isEqualTo(port);
        }
      }
    }
  }
}
