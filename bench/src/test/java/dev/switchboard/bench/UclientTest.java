package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UclientTest {

  private static final Path LOG = Path.of("uclient.log");

  @Test
  void aRefusedChannelBindWithoutSummaryIsAChannelNumberClash() {
    // What a CI run's log held (2026-12-03): uclient prints the error twice, then exits.
    List<String> lines = List.of("0: : channel bind: error 400 (Bad Request)", "0: : channel bind: error 400 (Bad Request)");

    assertThatThrownBy(() -> Uclient.parse(lines, LOG)).isInstanceOf(Uclient.ChannelNumberClash.class)
        .hasMessageContaining("uclient.log");
  }

  @Test
  void anyOtherMissingSummaryIsAPlainFailure() {
    List<String> lines = List.of("0: : create permission error 403 (Forbidden)");

    assertThatThrownBy(() -> Uclient.parse(lines, LOG)).isInstanceOf(IOException.class)
        .isNotInstanceOf(Uclient.ChannelNumberClash.class).hasMessageContaining("printed no summary");
  }

  @Test
  void aClashIsRunAgainAndTheNextResultCounts() throws Exception {
    AtomicInteger calls = new AtomicInteger();

    String result = Uclient.rerunOnChannelClash(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new Uclient.ChannelNumberClash("clash\nlog line");
      }
      return "summary";
    });

    assertThat(result).isEqualTo("summary");
    assertThat(calls).hasValue(2);
  }

  @Test
  void clashesInEveryAttemptFailAfterTheLastAndOtherErrorsAreNotRetried() {
    AtomicInteger clashes = new AtomicInteger();
    assertThatThrownBy(() -> Uclient.rerunOnChannelClash(() -> {
      clashes.incrementAndGet();
      throw new Uclient.ChannelNumberClash("clash");
    })).isInstanceOf(Uclient.ChannelNumberClash.class);
    assertThat(clashes).hasValue(Uclient.CLASH_ATTEMPTS);

    AtomicInteger failures = new AtomicInteger();
    assertThatThrownBy(() -> Uclient.rerunOnChannelClash(() -> {
      failures.incrementAndGet();
      throw new IOException("no summary");
    })).isInstanceOf(IOException.class);
    assertThat(failures).hasValue(1);
  }
}
