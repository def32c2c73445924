package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * bench/run: every benchmark, interleaved with its reference, bounded in time; writes
 * bench/results/latest.md and latest.json.
 *
 * <pre>java -jar bench/target/switchboard-bench.jar [--only turn,stun] [--rounds 3] [--out bench/results]</pre>
 */
public final class BenchMain {

  private BenchMain() {}

  /**
   * Every benchmark, in the order they run. The TURN relay runs last: its peak ladder is the one
   * part whose length depends on how the servers fare (a step that loses too much costs another),
   * and it fits its steps in whatever time the others left. Before 2026-12-03 it ran second, and on
   * a slow machine its ladder took 289-303 s instead of 234 and left memory-wss too little time, so
   * that it was skipped.
   */
  static List<Bench> all() {
    return List.of(new StartupBench(), new StunBench(), new SignalingBench(), new MemoryWssBench(),
        new AllocationMemoryBench(), new TurnRelayBench());
  }

  public static void main(String[] args) throws Exception {
    Path dist = Path.of("dist/switchboard");
    Path out = Path.of("bench/results");
    int rounds = 3;
    List<String> only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dist" -> dist = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--rounds" -> rounds = Math.max(1, Integer.parseInt(args[++i]));
        case "--only" -> only = Arrays.asList(args[++i].split(","));
        default -> {
          System.err.println("bench: unknown argument " + args[i]
              + "\nusage: bench/run [--only startup,turn,stun,memory-turn,signaling,memory-wss] [--rounds N]"
              + " [--out DIR] [--dist FILE]");
          System.exit(2);
        }
      }
    }
    if (!Files.isExecutable(dist)) {
      System.err.println("bench: " + dist + " is missing: build it with mvn -q -B -DskipTests package");
      System.exit(2);
    }
    List<Bench> benches = new ArrayList<>();
    if (only == null) {
      benches.addAll(all());
    } else {
      for (Bench b : all()) {
        if (only.contains(b.name())) {
          benches.add(b);
        }
      }
    }
    Path work = Path.of("bench/target/run-" + System.currentTimeMillis());
    long deadline = System.nanoTime() + 10 * 60 * 1_000_000_000L;
    BenchContext ctx = new BenchContext(dist.toAbsolutePath(), work.toAbsolutePath(), rounds, deadline,
        TurnSetup.standard());
    Report report = new Report();
    Environment.describe(report, dist);
    report.command("bench/run " + String.join(" ", args));
    boolean failed = false;
    System.out.println("== class archive for " + dist);
    StartupBench.warmClassArchive(ctx.dist(), ctx.work("class-archive"));
    for (Bench b : benches) {
      long start = System.nanoTime();
      long budget = (long) b.budgetSeconds() * rounds / 3;
      if (budget > ctx.secondsLeft()) {
        // The run is bounded to 10 minutes: a benchmark that would overrun it is left out, loudly.
        failed = true;
        report.note(b.name() + " skipped: it needs about " + budget + " s and " + ctx.secondsLeft() + " s were left");
        System.err.printf("bench %s skipped: needs about %d s, %d s left%n", b.name(), budget, ctx.secondsLeft());
        continue;
      }
      System.out.printf("== %s (about %d s, %d s left)%n", b.name(), budget, ctx.secondsLeft());
      try {
        b.run(ctx, report);
      } catch (Exception e) {
        failed = true;
        report.note(b.name() + " failed: " + e);
        System.err.println("bench " + b.name() + " failed: " + e);
        e.printStackTrace();
      }
      System.out.printf("== %s took %d s%n", b.name(), (System.nanoTime() - start) / 1_000_000_000L);
    }
    report.environment("finished", Instant.now().toString());
    report.write(out, "Switchboard benchmarks");
    System.out.println("wrote " + out.resolve("latest.md") + " and latest.json");
    for (Report.Row r : report.rows()) {
      System.out.printf("%-10s %-55s %s%n", r.section(), r.metric(),
          r.ratio() != null ? "ratio " + r.ratio().format(2) : r.ours().format(2) + " " + r.unit());
    }
    System.exit(failed ? 1 : 0);
  }
}
