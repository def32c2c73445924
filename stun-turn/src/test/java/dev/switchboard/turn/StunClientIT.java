package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coturn's turnutils_stunclient against our UDP listener reports the address it sent from. */
class StunClientIT {

  @TempDir
  Path dir;

  @Test
  void stunclientReportsItsMappedAddress() throws Exception {
    Path tool = ExternalTools.require("turnutils_stunclient");
    try (LoopbackTurnServer turn = new LoopbackTurnServer(dir, 25600, 25699, Clock.systemUTC())) {
      // Sending from 127.0.0.2 proves the address is reflected, not guessed.
      ExternalTools.Result r = ExternalTools.run(List.of(tool.toString(), "-p",
          String.valueOf(turn.server.udpPort()), "-L", "127.0.0.2", "127.0.0.1"), 20);
      assertThat(r.exitCode()).as(r.output()).isZero();
      assertThat(r.output()).containsPattern("UDP reflexive addr: 127\\.0\\.0\\.2:\\d+");
    }
  }
}
