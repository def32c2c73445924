package dev.switchboard.cli.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the probe found out about one URL, filled in as the checks pass; {@link #failure} is set by
 * the first check that fails. Confined to the probe's thread.
 */
public final class ProbeReport {

  final String url;
  String server;
  String local;
  Long bindingRttMicros;
  String reflexive;
  Boolean nat;
  String auth;
  String realm;
  String relay;
  int sent;
  int received;
  final List<Long> rttMicros = new ArrayList<>();
  String failure;

  ProbeReport(String url) {
    this.url = url;
  }

  public boolean ok() {
    return failure == null;
  }

  public String failure() {
    return failure;
  }

  /** Round-trip times sorted; min, median, max in milliseconds, or null without samples. */
  double[] rttStats() {
    if (rttMicros.isEmpty()) {
      return null;
    }
    List<Long> sorted = new ArrayList<>(rttMicros);
    sorted.sort(null);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    return new double[] {sorted.get(0) / 1000.0, median / 1000.0, sorted.get(n - 1) / 1000.0};
  }

  /** The report as lines for a terminal. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(url);
    if (server != null) {
      lines.add("  server       " + server);
    }
    if (bindingRttMicros != null) {
      lines.add(String.format("  reachable    yes (Binding answered in %.1f ms)", bindingRttMicros / 1000.0));
    }
    if (reflexive != null) {
      lines.add("  reflexive    " + reflexive + (nat ? " (differs from local " + local + ": a NAT is in the way)"
          : " (same as the local address: no NAT)"));
    }
    if (auth != null) {
      lines.add("  auth         " + auth);
    }
    if (relay != null) {
      lines.add("  relay        " + relay);
    }
    if (sent > 0) {
      double[] stats = rttStats();
      String rtt = stats == null ? "" : String.format(", rtt min/median/max %.2f/%.2f/%.2f ms", stats[0], stats[1], stats[2]);
      lines.add(String.format("  round trip   %d/%d datagrams back through both relays, loss %.0f%%%s",
          received, sent, loss(), rtt));
    }
    lines.add(ok() ? "  OK" : "  FAIL: " + failure);
    return lines;
  }

  double loss() {
    return sent == 0 ? 0 : 100.0 * (sent - received) / sent;
  }

  /** The report as a JSON-ready map (null fields left out). */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("url", url);
    map.put("ok", ok());
    putIfSet(map, "server", server);
    putIfSet(map, "local", local);
    map.put("reachable", bindingRttMicros != null);
    putIfSet(map, "reflexive", reflexive);
    putIfSet(map, "nat", nat);
    putIfSet(map, "auth", auth);
    putIfSet(map, "realm", realm);
    putIfSet(map, "relay", relay);
    if (sent > 0) {
      map.put("sent", sent);
      map.put("received", received);
      map.put("lossPercent", loss());
      double[] stats = rttStats();
      if (stats != null) {
        map.put("rttMs", Map.of("min", stats[0], "median", stats[1], "max", stats[2]));
      }
    }
    putIfSet(map, "error", failure);
    return map;
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
