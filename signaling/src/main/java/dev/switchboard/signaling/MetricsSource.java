package dev.switchboard.signaling;

/** Another component's metrics, appended to {@code GET /metrics}. Thread-safe. */
@FunctionalInterface
public interface MetricsSource {

  /** Appends metrics in Prometheus text exposition format. */
  void appendPrometheus(StringBuilder out);
}
