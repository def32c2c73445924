package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Server memory per live TURN allocation, Switchboard vs coturn: each round starts both servers
 * afresh (one after the other), warms the Allocate path up, reads the server's RSS, opens
 * {@link #ALLOCATIONS} allocations from as many client sockets and keeps them, reads RSS again.
 * Reported: (after − before) / allocations × 1000.
 */
final class AllocationMemoryBench implements Bench {

  /** Live allocations held at once: one client socket each here and one relay socket each on the server (fd limit 20000). */
  static final int ALLOCATIONS = 5000;
  static final int WARMUP_CYCLES = 1000;
  static final double RATE = 2500;
  static final Duration SETTLE = Duration.ofMillis(1500);

  @Override
  public String name() {
    return "memory-turn";
  }

  @Override
  public int budgetSeconds() {
    return 25; // measured 21-22 s
  }

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    Path work = ctx.work("memory-turn");
    Files.createDirectories(work);
    StunMessages.Credentials credentials = StunMessages.Credentials.of(ctx.turn().user(), ctx.turn().realm(),
        ctx.turn().password());
    Map<String, List<Double>> perThousand = new LinkedHashMap<>();
    Map<String, List<Double>> baseline = new LinkedHashMap<>();
    ExecutorService both = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < ctx.rounds(); round++) {
        // Both servers at once, each on its own process's RSS: memory does not depend on which runs
        // first, and the run's 10 minutes cannot afford two settling periods per round.
        try (BenchServer ours = SwitchboardServer.startTurn(ctx.dist(), work.resolve("switchboard-" + round), ctx.turn());
             BenchServer coturn = CoturnServer.start(work.resolve("coturn-" + round), ctx.turn())) {
          Map<String, Future<double[]>> measured = new LinkedHashMap<>();
          for (BenchServer server : List.of(ours, coturn)) {
            measured.put(server.name(), both.submit(() -> measure(server, credentials)));
          }
          for (Map.Entry<String, Future<double[]>> e : measured.entrySet()) {
            double[] m = e.getValue().get();
            System.out.printf("  %-11s r%d RSS before %.1f MB, %.0f allocations held, %.2f MB per 1000%n",
                e.getKey(), round + 1, m[0] / 1e6, m[2], m[1]);
            perThousand.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(m[1]);
            baseline.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(m[0] / 1e6);
          }
        }
      }
    } finally {
      both.shutdownNow();
    }
    String section = "Memory, live TURN allocations";
    report.compare(section, "RSS per 1000 live UDP allocations", "MB", perThousand.get("switchboard"), "coturn",
        perThousand.get("coturn"), null, ALLOCATIONS + " allocations held");
    report.compare(section, "RSS before them (after start-up and warm-up)", "MB", baseline.get("switchboard"), "coturn",
        baseline.get("coturn"), null, null);
    report.note("memory-turn: each round starts both servers afresh and measures them at the same time, runs " + WARMUP_CYCLES + " Allocate+Refresh(0)"
        + " cycles (class loading, JIT, Netty's buffer pools), waits " + SETTLE.toMillis() / 1000.0 + " s and reads VmRSS;"
        + " then opens " + ALLOCATIONS + " allocations (one client 5-tuple each, long-term credentials, held) at "
        + (int) RATE + "/s, waits " + SETTLE.toMillis() / 1000.0 + " s and reads VmRSS again. No GC is forced and the JVM runs"
        + " with dist/switchboard's own options (no -Xmx), so the JVM's delta counts heap pages the allocation burst"
        + " touched (garbage included) as well as live data: what an operator's RSS graph shows, an upper bound on"
        + " the live cost.");
  }

  /** RSS before (bytes), MB per 1000 allocations, allocations held. */
  private static double[] measure(BenchServer server, StunMessages.Credentials credentials) throws Exception {
    try (StunLoadGenerator warm = StunLoadGenerator.allocations(server.turn(), 1, 1000, StunBench.TIMEOUT,
        credentials, false)) {
      warm.step(RATE / 2, Duration.ofMillis((long) (WARMUP_CYCLES * 2000 / RATE)));
    }
    Thread.sleep(SETTLE.toMillis());
    long before = server.proc().rssBytes();
    try (StunLoadGenerator hold = StunLoadGenerator.allocations(server.turn(), 1, ALLOCATIONS, StunBench.TIMEOUT,
        credentials, true)) {
      Step s = hold.step(RATE, Duration.ofMillis((long) (ALLOCATIONS * 1000 / RATE)));
      int held = hold.held();
      Thread.sleep(SETTLE.toMillis());
      long after = server.proc().rssBytes();
      if (held < ALLOCATIONS * 0.95) {
        throw new IllegalStateException(server.name() + " held only " + held + " of " + ALLOCATIONS + ": " + s);
      }
      hold.releaseHeld();
      return new double[] {before, (after - before) / 1e6 / held * 1000, held};
    }
  }
}
