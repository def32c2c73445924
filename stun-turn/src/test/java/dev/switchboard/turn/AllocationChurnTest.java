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

  @Test
  void thousandAllocationsExpireWithoutLeakingPorts() throws Exception {
    int min = 52000;
    int max = 52999;
    try (TurnFixture f = new TurnFixture(TurnFixture.config(min, max, new TurnConfig.Quotas(2000, 2000, 8, 0, 20), true))) {
      AllocateHandler handler = new AllocateHandler();
      List<RecordingLink> links = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        RecordingLink link = f.newLink();
        links.add(link);
        f.handle(handler, link, StunRequests.allocate().build(null, false));
      }
      assertThat(f.ctx.registry().count()).isEqualTo(1000);
      assertThat(f.ctx.ports().freeCount()).isZero();

      f.advance(Duration.ofSeconds(599));
      f.sweep();
      assertThat(f.ctx.registry().count()).isEqualTo(1000);

      f.advance(Duration.ofSeconds(2));
      f.sweep();
      // Port release happens when the relay socket's close completes, on the loop: flush the loop once.
      f.onLoop(() -> null);
      assertThat(f.ctx.registry().count()).isZero();
      assertThat(f.ctx.ports().freeCount()).isEqualTo(1000);
      assertThat(links).allSatisfy(l -> assertThat(l.allocation()).isNull());
      // And the kernel agrees: every port binds again.
      for (int port = min; port <= max; port++) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
          assertThat(s.getLocalPort()).isEqualTo(port);
        }
      }
    }
  }
}
