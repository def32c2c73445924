package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * STUN Binding and TURN Allocate throughput, Switchboard vs coturn, with one load generator for both
 * ({@link StunLoadGenerator}): per server and kind, a warm-up ladder of doubling rates finds the
 * rough limit; each round then climbs from 85% of the best so far (after the warm-up: of what its failing step
 * still completed, when more) in steps of {@link #FACTOR} until 1% of a step
 * fails. Rounds interleave the servers (A B A B …).
 */
final class StunBench implements Bench {

  static final Duration TIMEOUT = Duration.ofMillis(500);
  static final Duration STEP = Duration.ofSeconds(1);
  /** A modest load before the warm-up ladder: a cold JVM times out on its first thousands of requests. */
  static final Duration WARMUP = Duration.ofSeconds(1);
  static final double FACTOR = 1.12;
  /** Client sockets for Binding: the server spreads 5-tuples over its SO_REUSEPORT sockets. */
  static final int BINDING_SOCKETS = 32;
  /**
   * Client 5-tuples for Allocate cycles: each holds one allocation at a time and rests 1 s between
   * cycles, so at most about 18500 cycles/s. The file descriptor limit here is 20000, so the pool
   * is opened for one ladder and closed after it, once every 5-tuple is clean (holds no allocation);
   * the rest of the process needs some 200. 15000 until 2026-12-03: Switchboard passed the ladder's
   * step below that cap (14280/s) in every round of every run, and once coturn reached 12211/s the
   * cap alone held the ratio at 1.17.
   */
  static final int ALLOCATE_TUPLES = 18_500;
  static final int THREADS = 1;
  /** Where a round's ladder starts, as a fraction of the best rate seen so far for that server. */
  static final double START_FRACTION = 0.85;

  enum Kind {
    BINDING("Binding", "requests/s", "request", 32000),
    ALLOCATE("Allocate cycle", "allocations/s", "cycle", 4000);

    final String label;
    final String unit;
    final String perUnit;
    final double warmupStart;

    Kind(String label, String unit, String perUnit, double warmupStart) {
      this.label = label;
      this.unit = unit;
      this.perUnit = perUnit;
      this.warmupStart = warmupStart;
    }
  }

  /** Runs a ladder on the generator of a kind and server (opened for the ladder when it is an Allocate pool). */
  private interface Load {
    RateLadder.Result with(Kind kind, BenchServer server, Climb run) throws Exception;
  }

  private interface Climb {
    RateLadder.Result apply(StunLoadGenerator g) throws Exception;
  }

  @Override
  public String name() {
    return "stun";
  }

  @Override
  public int budgetSeconds() {
    return 110;
  }

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    Path work = ctx.work("stun");
    Files.createDirectories(work);
    StunMessages.Credentials credentials = StunMessages.Credentials.of(ctx.turn().user(), ctx.turn().realm(),
        ctx.turn().password());
    try (SwitchboardServer ours = SwitchboardServer.startTurn(ctx.dist(), work.resolve("switchboard"), ctx.turn());
         CoturnServer coturn = CoturnServer.start(work.resolve("coturn"), ctx.turn())) {
      List<BenchServer> servers = List.of(ours, coturn);
      Map<String, StunLoadGenerator> generators = new LinkedHashMap<>();
      try {
        for (BenchServer s : servers) {
          generators.put(s.name() + Kind.BINDING,
              StunLoadGenerator.binding(s.turn(), THREADS, BINDING_SOCKETS, TIMEOUT));
        }
        Load load = (kind, server, run) -> {
          if (kind == Kind.BINDING) {
            return run.apply(generators.get(server.name() + kind));
          }
          try (StunLoadGenerator g = StunLoadGenerator.allocations(server.turn(), THREADS, ALLOCATE_TUPLES, TIMEOUT,
              credentials, false)) {
            return run.apply(g);
          }
        };
        // Warm-up (not reported): the JIT compiles our paths; the doubling ladder also finds where
        // each server's measured ladder starts, so that it takes a handful of steps.
        RateLadder warmup = new RateLadder(2, 6, STEP);
        Map<String, Double> start = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
          for (BenchServer s : servers) {
            RateLadder.Result r = load.with(kind, s, g -> {
              System.out.printf("  %-28s %s%n", s.name() + " JIT warm-up " + kind.label, g.step(kind.warmupStart, WARMUP));
              // From twice the JIT step's rate: the ladder's first step would repeat that one.
              return warmup.climb(2 * kind.warmupStart, g::step, s.name() + " warm-up " + kind.label);
            });
            // From what the failing warm-up step still completed, not only the step below it: a
            // doubling ladder leaves up to a factor of 2 between the two, which the first round
            // climbed in steps of 1.12 (about 25 s of the run, 2026-12-02).
            start.put(s.name() + kind, Math.max(kind.warmupStart, START_FRACTION * r.capacityHint()));
          }
        }
        RateLadder ladder = new RateLadder(FACTOR, 16, STEP);
        // The server's CPU seconds per measured step, by step (identity: two steps may be equal values).
        Map<Step, Double> cpu = new IdentityHashMap<>();
        Map<String, List<RateLadder.Result>> results = new LinkedHashMap<>();
        for (int round = 0; round < ctx.rounds(); round++) {
          for (Kind kind : Kind.values()) {
            for (BenchServer s : servers) {
              String key = s.name() + kind;
              String label = s.name() + " r" + (round + 1) + " " + kind.label;
              RateLadder.Result r = load.with(kind, s, g -> ladder.climb(start.get(key), billed(g, s, cpu), label));
              results.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
              // The next round starts below the best seen so far (same rule for both servers): the
              // start only saves steps, the result is still where that round's ladder fails.
              start.put(key, Math.max(start.get(key), START_FRACTION * r.rate()));
            }
          }
        }
        for (Kind kind : Kind.values()) {
          add(report, kind, results.get(ours.name() + kind), results.get(coturn.name() + kind), cpu);
        }
      } finally {
        generators.values().forEach(StunLoadGenerator::close);
      }
    }
    report.note("STUN/TURN throughput: open-loop load from one Netty client (" + THREADS + " event loop) on the same"
        + " 2 cores as the server, so the server gets what the generator leaves; both servers share that handicap."
        + " Each step offers a fixed rate for " + STEP.toMillis() + " ms; a unit fails when unanswered within "
        + TIMEOUT.toMillis() + " ms, answered wrongly, or (Allocate) no client 5-tuple was free. Rate: units completed"
        + " per second at the highest step with < 1% failed; latency percentiles are of that step.");
    report.note("Allocate cycle = on its own client 5-tuple (" + ALLOCATE_TUPLES + " reused): Allocate without"
        + " credentials → 401 (REALM, NONCE) → Allocate with USERNAME/REALM/NONCE/MESSAGE-INTEGRITY (REQUESTED-TRANSPORT"
        + " UDP, no FINGERPRINT) → success → Refresh LIFETIME=0 → success; the 5-tuple then rests "
        + AllocationWorker.COOL_DOWN_NANOS / 1_000_000 + " ms (coturn answers 437 to a new Allocate on a 5-tuple it deleted"
        + " less than a second ago). One allocation per cycle, 3 transactions;"
        + " latency is that of the signed Allocate alone.");
    report.command("stun: built in (StunLoadGenerator): " + BINDING_SOCKETS + " client sockets for Binding, "
        + ALLOCATE_TUPLES + " 5-tuples for Allocate cycles, steps ×" + FACTOR + " of " + STEP.toMillis() + " ms");
  }

  private static void add(Report report, Kind kind, List<RateLadder.Result> ours, List<RateLadder.Result> theirs,
                          Map<Step, Double> cpu) {
    String section = "STUN/TURN, " + kind.label + " throughput";
    boolean capped = ours.stream().anyMatch(RateLadder.Result::capped) || theirs.stream().anyMatch(RateLadder.Result::capped);
    report.compare(section, kind.label + ": highest rate with < 1% timeouts", kind.unit,
        ours.stream().map(RateLadder.Result::rate).toList(), "coturn",
        theirs.stream().map(RateLadder.Result::rate).toList(), ">= 1.2",
        capped ? "a ladder ended without failing: the load generator or the ladder's top was the limit" : null);
    report.compare(section, kind.label + ": p50 latency at that rate", "ms", latency(ours, true), "coturn",
        latency(theirs, true), null, null);
    report.compare(section, kind.label + ": p99 latency at that rate", "ms", latency(ours, false), "coturn",
        latency(theirs, false), null, null);
    // What the rate ratio leaves out: the generator shares the cores, and each server turns what it
    // leaves into requests with its own threads (Switchboard: STUN on one loop of two).
    report.compare(section, kind.label + ": server CPU per " + kind.perUnit + " at that rate", "µs",
        cpuMicros(ours, cpu), "coturn", cpuMicros(theirs, cpu), null,
        "from /proc/PID/stat over the step and its drain, per unit completed");
  }

  /** Runs {@code g}'s steps and notes what each cost {@code server} in CPU seconds (/proc/PID/stat). */
  private static RateLadder.Runner billed(StunLoadGenerator g, BenchServer server, Map<Step, Double> cpu) {
    return (rate, duration) -> {
      double before = server.proc().cpuSeconds();
      Step step = g.step(rate, duration);
      cpu.put(step, server.proc().cpuSeconds() - before);
      return step;
    };
  }

  /** Server CPU µs per completed unit at each result's highest passing step (NaN: none passed). */
  static List<Double> cpuMicros(List<RateLadder.Result> results, Map<Step, Double> cpu) {
    return results.stream().map(r -> r.best() == null || r.best().completed() == 0 || !cpu.containsKey(r.best())
        ? Double.NaN : cpu.get(r.best()) * 1e6 / r.best().completed()).toList();
  }

  private static List<Double> latency(List<RateLadder.Result> results, boolean p50) {
    return results.stream().map(r -> r.best() == null ? Double.NaN : p50 ? r.best().p50Ms() : r.best().p99Ms()).toList();
  }
}
