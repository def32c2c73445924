package dev.switchboard.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory per idle WSS session measured nearer the 50k sessions than {@link MemoryWssBench}
 * can within the 10-minute run: one Switchboard at a time, its slope taken between
 * {@link #FIRST} and {@link #SESSIONS} idle sessions, past the one-time costs that the first few
 * thousand bring. Those costs are not per session, yet in the short run they land between its two
 * readings: C2 compiles the handshake and heartbeat paths while those sessions are opened and pinged,
 * and each compilation takes 10-25 MB of native memory for some seconds (heaptrack of an idle server
 * at 2500 sessions: all of its 18 MB peak was C2's arenas), so one server alone read 19-21 KB per
 * further session between 1000 and 2500 sessions, 16-19 KB between 2000 and 4000, 8.2-8.5 KB between
 * 1000 and 6000 and 7.6 KB between 6000 and 15000 (2026-12-02). Not part of the default run: it needs
 * about three minutes. No socket.io reference: at ~50 KB per session and its slower handshakes it
 * would need 750 MB and several more minutes for the same sessions. Run it with
 * {@code bench/run --only memory-wss-scale --out bench/results/scale}.
 */
final class MemoryWssScaleBench implements Bench {

  /**
   * The bench process holds every client connection and the server every accepted one, each
   * within the 20000 file descriptors a process may open here.
   */
  static final int SESSIONS = 15_000;
  static final int FIRST = 6_000;

  @Override
  public String name() {
    return "memory-wss-scale";
  }

  @Override
  public int budgetSeconds() {
    return 210;
  }

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    Path work = ctx.work("memory-wss-scale");
    List<MemoryWssBench.Round> rounds = new ArrayList<>();
    for (int round = 0; round < ctx.rounds(); round++) {
      try (SignalingServers.Running server = SignalingServers.switchboard(ctx.dist(), work.resolve("round-" + round), true)) {
        rounds.add(MemoryWssBench.measure(server, FIRST, SESSIONS));
      }
    }
    String section = "Memory, idle WSS sessions at scale";
    String slope = "slope " + FIRST + " → " + SESSIONS + " sessions";
    int target = MemoryWssBench.TARGET_SESSIONS;
    report.absolute(section, "RSS per idle WSS session at " + target + " sessions (projected)", "KB",
        MemoryWssBench.kb(rounds, r -> r.perSessionAt(target)), "<= 10", "idle RSS / " + target + " + RSS per further session, " + slope);
    report.absolute(section, "RSS per further idle WSS session (" + slope + ")", "KB",
        MemoryWssBench.kb(rounds, MemoryWssBench.Round::marginalBytes), null, null);
    report.absolute(section, "idle WSS sessions within " + (MemoryWssBench.BUDGET_BYTES >> 20) + " MiB RSS (derived)",
        "sessions", rounds.stream().map(MemoryWssBench.Round::withinBudget).toList(), ">= " + target,
        "budget minus the idle server's RSS, divided by the RSS per further session");
    report.absolute(section, "server RSS, idle (after " + MemoryWssBench.WARM_SESSIONS + " sessions came and went)", "MB",
        rounds.stream().map(r -> r.idleBytes() / 1e6).toList(), null, null);
    report.note("memory-wss-scale: one Switchboard per round, rounds one after another, each server started fresh;"
        + " RSS read as in memory-wss (lowest of the readings every 250 ms over the last "
        + MemoryWssBench.SAMPLED.toSeconds() + " s of " + MemoryWssBench.SETTLE.toSeconds() + " s of idleness) idle,"
        + " at " + FIRST + " and at " + SESSIONS + " idle wss:// sessions (TLS 1.3, the generated ECDSA P-256"
        + " certificate). The slope starts at " + FIRST + " sessions, past the one-time costs (JIT compilation and"
        + " its transient native memory, heap regions first touched) that the default run's slope from "
        + MemoryWssBench.FIRST + " to " + MemoryWssBench.SESSIONS + " still contains.");
    report.command("memory-wss-scale: dist/switchboard serve (TLS on, connectionsPerIp lifted, TURN off); " + FIRST
        + " then " + SESSIONS + " idle sessions (SignalingLoad.open), RSS idle, at " + FIRST + " and at " + SESSIONS);
  }
}
