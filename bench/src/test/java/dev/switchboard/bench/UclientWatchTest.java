package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UclientWatchTest {

  @TempDir
  Path dir;

  private static String progress(long second, long received) {
    return second + ": : start_mclient: msz=20, tot_send_msgs=" + received + ", tot_recv_msgs=" + received
        + ", tot_send_bytes ~ 0, tot_recv_bytes ~ 0";
  }

  @Test
  void busySpansAreTheIntervalsBetweenProgressLinesAtOrAboveTheRate() {
    UclientWatch w = new UclientWatch(dir.resolve("none.log"));
    w.accept("0: : Total connect time is 2", 0);
    w.accept(progress(0, 0), 100);
    w.accept(progress(1, 200), 200);     // 200/s
    w.accept(progress(2, 4200), 300);    // 4000/s
    w.accept(progress(3, 8200), 400);    // 4000/s
    w.accept("3: : start_mclient: tot_send_msgs=9000, tot_recv_msgs=9000", 450); // the summary: not progress
    w.accept(progress(5, 9000), 500);    // 400/s over two seconds

    assertThat(w.busySpans(2000)).containsExactly(new Span(200, 300), new Span(300, 400));
    assertThat(w.busySpans(400)).hasSize(3);
    assertThat(w.busySpans(0)).as("no steady rate: no load seen").isEmpty();
  }

  @Test
  void pollTimesLinesWhenTheyAppearAndWaitsForAWholeLine() throws Exception {
    Path log = dir.resolve("uclient.log");
    UclientWatch w = new UclientWatch(log);
    w.poll(); // not written yet
    Files.writeString(log, progress(0, 0) + "\n" + progress(1, 5000).substring(0, 10));
    w.poll();
    long between = System.nanoTime();
    Files.writeString(log, progress(1, 5000).substring(10) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    w.poll();

    assertThat(w.busySpans(1000)).singleElement().satisfies(span -> {
      assertThat(span.from()).isLessThan(between);
      assertThat(span.to()).isGreaterThan(between);
    });
  }

  @Test
  void sendingTurnsTrueAtTheFirstProgressLineThatCountsSentMessages() {
    UclientWatch w = new UclientWatch(dir.resolve("none.log"));
    w.accept("0: : Total connect time is 3", 0);
    w.accept(progress(3, 0), 100);
    assertThat(w.sending()).as("connected, sessions not yet started").isFalse();
    w.accept("4: : start_mclient: msz=20, tot_send_msgs=1351, tot_recv_msgs=0, tot_send_bytes ~ 0, tot_recv_bytes ~ 0", 200);
    assertThat(w.sending()).as("sent, nothing back yet").isTrue();
    w.accept(progress(5, 0), 300);
    assertThat(w.sending()).as("stays true").isTrue();
  }

  private static String progress(long second, long sent, long received) {
    return second + ": : start_mclient: msz=30, tot_send_msgs=" + sent + ", tot_recv_msgs=" + received
        + ", tot_send_bytes ~ 0, tot_recv_bytes ~ 0";
  }

  /** A lossy peak step: all sent by second 13, nothing more received after; uclient itself waits to second 22. */
  @Test
  void settledOnceAllIsSentAndNothingMoreArrivesForTheQuietSeconds() {
    UclientWatch w = new UclientWatch(dir.resolve("none.log"));
    w.accept(progress(11, 53468, 50647), 0);
    w.accept(progress(12, 59556, 56762), 0);
    assertThat(w.settled(60000, 2)).as("still sending").isFalse();
    w.accept(progress(13, 60000, 57218), 0);
    w.accept(progress(14, 60000, 57218), 0);
    assertThat(w.settled(60000, 2)).as("one quiet second").isFalse();
    w.accept(progress(15, 60000, 57218), 0);
    assertThat(w.settled(60000, 2)).isTrue();
    assertThat(w.settled(90000, 2)).as("not all of a larger load sent").isFalse();

    Uclient.Result r = w.settledResult();
    assertThat(r.sent()).isEqualTo(60000);
    assertThat(r.received()).isEqualTo(57218);
    assertThat(r.lost()).isEqualTo(2782);
    assertThat(r.lossPercent()).isCloseTo(4.637, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void aLateArrivalRestartsTheQuietSecondsAndTheSummarySettlesAtOnce() {
    UclientWatch w = new UclientWatch(dir.resolve("none.log"));
    w.accept(progress(13, 60000, 59000), 0);
    w.accept(progress(14, 60000, 59000), 0);
    w.accept(progress(15, 60000, 59990), 0); // late ones still coming
    w.accept(progress(16, 60000, 59990), 0);
    assertThat(w.settled(60000, 2)).isFalse();
    w.accept("16: : start_mclient: tot_send_msgs=60000, tot_recv_msgs=60000", 0);
    assertThat(w.settled(60000, 2)).as("uclient's summary: it has ended").isTrue();
    assertThat(w.settledResult().lost()).isZero();
  }

  @Test
  void aStepEndsEarlyWhenEveryProcessSettledWhateverItLost() {
    UclientWatch lossy = new UclientWatch(dir.resolve("a.log"));
    UclientWatch clean = new UclientWatch(dir.resolve("b.log"));
    for (long second = 13; second <= 15; second++) {
      lossy.accept(progress(second, 60000, 58000), 0); // 3.3%
      clean.accept(progress(second, 60000, 59990), 0); // 0.02%: carried, but uclient would wait 9 s
    }
    assertThat(UclientRunner.allSettled(java.util.List.of(lossy, clean), 60000)).isTrue();
    assertThat(UclientRunner.allSettled(java.util.List.of(clean, clean), 60000)).isTrue();
    UclientWatch sending = new UclientWatch(dir.resolve("c.log"));
    sending.accept(progress(15, 40000, 30000), 0);
    assertThat(UclientRunner.allSettled(java.util.List.of(clean, sending), 60000)).as("one still sending").isFalse();
  }

  /** The same load read from a step ended once settled and from one run to uclient's summary. */
  @Test
  void theQuietSecondsAtTheEndDoNotLowerTheSteadyRate() {
    List<long[]> settled = new java.util.ArrayList<>();
    long[] received = {0, 0, 0, 5000, 20000, 40000, 60000, 79000, 89000, 89900, 89900, 89900};
    for (int second = 0; second < received.length; second++) {
      settled.add(new long[] {second, 0, received[second]});
    }
    List<long[]> toTheEnd = new java.util.ArrayList<>(settled);
    for (int second = received.length; second < received.length + 9; second++) {
      toTheEnd.add(new long[] {second, 0, 89900});
    }
    // Per second: 0 0 5000 15000 20000 20000 19000 10000 900 0 0; the top third of the nine up to
    // the last that received anything (20000 20000 19000): median 20000.
    assertThat(Uclient.steadyRate(settled)).isEqualTo(20000.0);
    assertThat(Uclient.steadyRate(toTheEnd)).isEqualTo(20000.0);
  }
}
