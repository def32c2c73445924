package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  private final Report report = new Report();

  @Test
  void aTargetRowWhoseReferenceReadZeroInSomeRoundsTakesItsRatioOverTheOthers() {
    // A run of 2026-12-03: socket.io failed even 2000 signals/s in one round of three.
    Report.Row row = report.compare("Signaling", "highest delivered messages/s", "messages/s",
        List.of(23788.0, 40067.0, 23784.0), "socket.io", List.of(9982.0, 0.0, 3982.0), ">= 3", null);

    assertThat(row.ratio().rounds()).isEqualTo(2);
    assertThat(row.ratio().median()).isCloseTo((23788.0 / 9982 + 23784.0 / 3982) / 2, within(1e-9));
    assertThat(row.met()).isTrue();
    assertThat(row.note()).isEqualTo("ratio over the 2 of 3 rounds in which socket.io read more than 0");
  }

  @Test
  void aRowWithoutTargetShowsNoRatioToZero() {
    Report.Row loss = report.compare("TURN", "loss", "%", List.of(0.0, 0.0, 0.1), "coturn", List.of(0.0, 0.2, 0.0),
        null, null);

    assertThat(loss.ratio()).isNull();
    assertThat(loss.met()).isNull();
  }

  @Test
  void aReferenceAtZeroInEveryRoundGivesNoVerdict() {
    Report.Row row = report.compare("Signaling", "highest delivered messages/s", "messages/s",
        List.of(23788.0, 40067.0), "socket.io", List.of(0.0, 0.0), ">= 3", "a note");

    assertThat(row.ratio()).isNull();
    assertThat(row.met()).isNull();
    assertThat(row.note()).isEqualTo("a note");
  }

  @Test
  void aRowWithoutZerosTakesEveryRound() {
    Report.Row row = report.compare("TURN", "CPU", "s", List.of(1.0, 2.0, 3.0), "coturn", List.of(1.0, 1.0, 1.0),
        "<= 0.8", null);

    assertThat(row.ratio().rounds()).isEqualTo(3);
    assertThat(row.ratio().median()).isEqualTo(2.0);
    assertThat(row.met()).isFalse();
    assertThat(row.note()).isNull();
  }
}
