package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void relayLatencyHistogramIsCumulativeWithCountEqualToTheInfBucket() {
    Metrics m = new Metrics();
    m.relayLatency(50);        // <= 0.0001 s
    m.relayLatency(100);       // on the bound: still <= 0.0001 s
    m.relayLatency(300);       // <= 0.0005 s
    m.relayLatency(2_000_000); // past the last bound: +Inf only
    String text = render(m);
    assertThat(text).contains(
        "switchboard_signaling_relay_latency_seconds_bucket{le=\"1.0E-4\"} 2\n",
        "switchboard_signaling_relay_latency_seconds_bucket{le=\"2.5E-4\"} 2\n",
        "switchboard_signaling_relay_latency_seconds_bucket{le=\"5.0E-4\"} 3\n",
        "switchboard_signaling_relay_latency_seconds_bucket{le=\"0.1\"} 3\n",
        "switchboard_signaling_relay_latency_seconds_bucket{le=\"+Inf\"} 4\n",
        "switchboard_signaling_relay_latency_seconds_sum 2.00045\n",
        "switchboard_signaling_relay_latency_seconds_count 4\n");
  }

  @Test
  void concurrentRecordsAreAllCounted() throws Exception {
    Metrics m = new Metrics();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          m.relayLatency(i % 2 == 0 ? 10 : 700);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(render(m)).contains("switchboard_signaling_relay_latency_seconds_bucket{le=\"1.0E-4\"} 20000\n",
        "switchboard_signaling_relay_latency_seconds_bucket{le=\"0.001\"} 40000\n",
        "switchboard_signaling_relay_latency_seconds_count 40000\n");
  }

  @Test
  void receivedTypesOutsideTheProtocolCountAsOneUnknownLabel() {
    Metrics m = new Metrics();
    m.in("join");
    m.in("x\"} 1\nswitchboard_injected 666\n#");
    for (int i = 0; i < 1000; i++) {
      m.in("type-" + i);
    }
    m.in(null);
    String text = render(m);
    assertThat(text).contains("switchboard_signaling_messages_in_total{type=\"join\"} 1\n",
        "switchboard_signaling_messages_in_total{type=\"unknown\"} 1002\n");
    assertThat(text).doesNotContain("injected", "type-");
  }

  @Test
  void labelValuesAreEscapedAsTheTextFormatSays() {
    StringBuilder out = new StringBuilder();
    Metrics.appendLabelValue(out, "a\\b\"c\nd");
    assertThat(out).hasToString("a\\\\b\\\"c\\nd");
  }

  private static String render(Metrics m) {
    StringBuilder out = new StringBuilder();
    m.append(out, 0, 0, 0);
    return out.toString();
  }
}
