package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.allocate;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SweeperTest {

  private final TurnFixture f = new TurnFixture();

  @AfterEach
  void close() {
    f.close();
  }

  /**
   * A loop that stopped refuses the sweep's task. That used to escape every second as a
   * RejectedExecutionException, which the server's timer logged with its stack trace each time.
   */
  @Test
  void anAllocationOnALoopThatNoLongerRunsIsSkippedSweepAfterSweep() throws Exception {
    f.handle(new AllocateHandler(), f.newLink(), allocate().build(null, false));
    assertThat(f.ctx.registry().count()).isEqualTo(1);
    f.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    f.advance(Duration.ofHours(1));

    for (int i = 0; i < 3; i++) {
      assertThat(f.sweeper.sweepOnce()).succeedsWithin(Duration.ofSeconds(5));
    }
    assertThat(f.sweeper.closeAll()).succeedsWithin(Duration.ofSeconds(5));
  }
}
