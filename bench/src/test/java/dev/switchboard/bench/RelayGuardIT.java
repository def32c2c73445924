package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's performance regression guard (under a minute): dist/switchboard and coturn relay the same
 * paced turnutils_uclient load; fails if our CPU per relayed packet exceeds 1.5× coturn's or if any
 * packet is lost. Needs coturn: skipped without it unless -Dswitchboard.tools.required=true.
 */
class RelayGuardIT {

  @TempDir
  Path dir;

  @Test
  void cpuPerRelayedPacketWithinOneAndAHalfTimesCoturnsAndNoLoss() throws Exception {
    boolean haveCoturn = Files.isExecutable(Path.of("/usr/bin/turnserver"))
        && Files.isExecutable(Path.of("/usr/bin/turnutils_uclient"));
    if (Boolean.getBoolean("switchboard.tools.required")) {
      assertThat(haveCoturn).as("coturn (turnserver, turnutils_uclient) is required: apt-get install -y coturn").isTrue();
    }
    assumeTrue(haveCoturn, "coturn not installed");
    Path dist = Path.of("..", "dist", "switchboard").toAbsolutePath().normalize();
    assertThat(dist).as("dist/switchboard, built by the cli module").isExecutable();

    RelayGuard.Outcome outcome = RelayGuard.run(dist, dir);

    System.out.println("relay guard: " + outcome);
    assertThat(outcome.oursLost()).as("packets lost by switchboard: " + outcome).isZero();
    assertThat(outcome.coturnLost()).as("packets lost by coturn (the machine is overloaded?): " + outcome).isZero();
    assertThat(outcome.ratio()).as(outcome.toString()).isLessThanOrEqualTo(RelayGuard.MAX_CPU_RATIO);
  }
}
