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
import java.util.function.ToDoubleFunction;

/**
 * Memory per idle WSS session, Switchboard vs the socket.io relay, both over wss:// with the same
 * certificate (the one Switchboard generated). Each server is started fresh per round; its RSS is
 * read idle, with a first number of idle sessions open and with the last. The cost of one more
 * session is the slope between the last two, so one-time costs that the first sessions bring (JIT
 * code, allocator chunks, heap regions) are not billed per session; the RSS per session at the
 * issue's {@link #TARGET_SESSIONS} is projected from the idle RSS and that slope.
 *
 * <p>Switchboard's slope runs from {@link #FIRST} to {@link #SESSIONS}, far past the first thousands.
 * Between 1000 and 2500 sessions (the span up to commit ddf0f17) the slope read anything from 7 to
 * 22 KB per further session from round to round; C2 was still compiling there (PrintCompilation:
 * 80-130 tier-4 compilations between the two readings, the handshake, upgrade and heartbeat paths,
 * even after 2200 warm-up handshakes) and the code cache grew by about 1 MB (NMT). One server alone
 * read 8.2-8.5 KB between 1000 and 6000 and 7.6-8.4 KB between 6000 and 15000. socket.io costs some
 * 45-50 KB per session and opens sessions slowly: its slope runs from {@link #SOCKETIO_FIRST} to
 * {@link #SOCKETIO_SESSIONS}. Every server's sessions are held by a child process of its own
 * ({@link SessionHolder}): a process may open at most 20000 file descriptors here.
 */
final class MemoryWssBench implements Bench {

  /** Switchboard's sessions per round: within the 20000 file descriptors its process may open. */
  static final int SESSIONS = 15_000;
  /** Switchboard's sessions at the slope's first point: past the one-time costs of the first thousands. */
  static final int FIRST = 5_000;
  /** socket.io's sessions per round: at ~50 KB each, 1000 more make a slope well above the noise. */
  static final int SOCKETIO_SESSIONS = 1_500;
  static final int SOCKETIO_FIRST = 500;
  static final int WARM_SESSIONS = 200;
  static final int TARGET_SESSIONS = 50_000;
  static final long BUDGET_BYTES = 512L * 1024 * 1024;
  /**
   * Idle time before each RSS reading (the idle one too): past the collection that serve asks for
   * 5-6 s after work stops (IdleHeapReturn) and two of the stub's native-heap trims (every 5 s), so
   * the JVM has had its chance to give back what the handshakes' garbage made it commit.
   */
  static final Duration SETTLE = Duration.ofSeconds(11);
  /** The end of each settling period over which the RSS is read, every 250 ms, and its lowest kept. */
  static final Duration SAMPLED = Duration.ofSeconds(5);
  /** All rounds take about this long (every server at once: start, handshakes, three settling periods). */
  static final int ROUND_SECONDS = 115;

  @Override
  public String name() {
    return "memory-wss";
  }

  @Override
  public int budgetSeconds() {
    return ROUND_SECONDS;
  }

  /**
   * One server's RSS in one round: idle, with {@code first} idle sessions and with {@code sessions};
   * and how long opening them took (handshakes and welcomes, not the settling in between).
   */
  record Round(long idleBytes, long firstBytes, long loadedBytes, int first, int sessions, double openSeconds) {
    /** What one more idle session costs: the RSS slope between the two loaded readings. */
    double marginalBytes() {
      return (double) (loadedBytes - firstBytes) / (sessions - first);
    }

    /** RSS per session with {@code n} sessions open: the idle server's RSS shared out, plus the slope. */
    double perSessionAt(int n) {
      return (double) idleBytes / n + marginalBytes();
    }

    /** RSS growth from idle to {@code sessions}, per session: one-time costs included. */
    double averageBytes() {
      return (double) (loadedBytes - idleBytes) / sessions;
    }

    /** Sessions that fit in the budget on top of the idle server, at this round's slope. */
    double withinBudget() {
      return Math.max(0, BUDGET_BYTES - idleBytes) / marginalBytes();
    }

    double openedPerSecond() {
      return sessions / openSeconds;
    }
  }

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    Path work = ctx.work("memory-wss");
    Files.createDirectories(work);
    Map<String, List<Round>> results = new LinkedHashMap<>();
    // Every round's two servers are measured at once, and the rounds run at the same time too, each
    // with its own fresh pair of processes: the run's 10 minutes cannot afford three settling periods
    // and 15000 handshakes per round one after the other. RSS is per process, but what else runs
    // sets the pace at which sessions open, which moves the result (bench/README.md).
    ExecutorService rounds = Executors.newFixedThreadPool(ctx.rounds());
    ExecutorService servers = Executors.newFixedThreadPool(2 * ctx.rounds());
    try {
      List<Future<Round[]>> pending = new ArrayList<>();
      for (int round = 0; round < ctx.rounds(); round++) {
        Path roundWork = work.resolve("round-" + round);
        pending.add(rounds.submit(() -> round(ctx, roundWork, servers)));
      }
      for (Future<Round[]> f : pending) {
        Round[] pair = f.get();
        results.computeIfAbsent("switchboard", k -> new ArrayList<>()).add(pair[0]);
        results.computeIfAbsent("socket.io", k -> new ArrayList<>()).add(pair[1]);
      }
    } finally {
      rounds.shutdownNow();
      servers.shutdownNow();
    }
    add(ctx, report, results.get("switchboard"), results.get("socket.io"));
  }

  /** One round: Switchboard and the socket.io relay started fresh and measured at the same time. */
  private static Round[] round(BenchContext ctx, Path work, ExecutorService servers) throws Exception {
    // Switchboard first: its first start generates the certificate the socket.io relay serves too.
    Path sbWork = work.resolve("switchboard");
    try (SignalingServers.Running ours = SignalingServers.switchboard(ctx.dist(), sbWork, true);
         SignalingServers.Running theirs = SignalingServers.socketIo(work.resolve("socketio"),
             SignalingServers.switchboardCertificate(sbWork))) {
      Future<Round> a = servers.submit(() -> measure(ours, FIRST, SESSIONS, work.resolve("holder-switchboard.log")));
      Future<Round> b = servers.submit(() -> measure(theirs, SOCKETIO_FIRST, SOCKETIO_SESSIONS,
          work.resolve("holder-socketio.log")));
      return new Round[] {a.get(), b.get()};
    }
  }

  /**
   * Idle RSS, then with {@code first} idle sessions, then with {@code sessions}; the sessions are
   * opened 64 at a time by a {@link SessionHolder} (its log: {@code holderLog}).
   */
  static Round measure(SignalingServers.Running server, int first, int sessions, Path holderLog) throws Exception {
    Proc proc = server.server().proc();
    // Warm-up: the TLS and WebSocket paths run once before the idle reading.
    try (SignalingLoad warm = new SignalingLoad(server.target(), 2)) {
      warm.open(WARM_SESSIONS, 50, Duration.ofSeconds(30));
    }
    // Settled like the loaded readings: read 1 s after the warm-up, the idle RSS still held the
    // warm-up's garbage (a JVM's heap above its 1000-session reading), which the projection to 50k
    // then billed as a fixed cost.
    long idle = settledRss(proc);
    try (SessionHolder load = SessionHolder.start(server.target(), holderLog)) {
      long start = System.nanoTime();
      load.open(first, Duration.ofSeconds(30 + first / 50));
      long firstRss = settledRss(proc);
      load.open(sessions - first, Duration.ofSeconds(30 + (sessions - first) / 50));
      double openSeconds = (System.nanoTime() - start) / 1e9 - SETTLE.toSeconds();
      long loaded = settledRss(proc);
      Round r = new Round(idle, firstRss, loaded, first, load.sessions(), openSeconds);
      System.out.printf("  %-11s %d idle wss sessions (handshakes %.1f s): RSS %.1f idle, %.1f at %d, %.1f MB;"
              + " %.2f KB per further session, %.2f KB per session at %d, %.0f sessions within %d MiB%n",
          server.server().name(), load.sessions(), openSeconds, idle / 1e6, firstRss / 1e6, first, loaded / 1e6,
          r.marginalBytes() / 1024, r.perSessionAt(TARGET_SESSIONS) / 1024, TARGET_SESSIONS, r.withinBudget(),
          BUDGET_BYTES >> 20);
      return r;
    }
  }

  /**
   * The RSS after {@link #SETTLE}: the lowest of readings every 250 ms over its last {@link #SAMPLED}.
   * One reading at the end caught a JVM before or after its periodic collection gave memory back,
   * as chance had it, which made the slope between two such readings swing by a factor of two from
   * round to round; the lowest reading is the settled state of either process.
   */
  private static long settledRss(Proc proc) throws InterruptedException {
    Thread.sleep(SETTLE.minus(SAMPLED).toMillis());
    long lowest = Long.MAX_VALUE;
    for (long end = System.nanoTime() + SAMPLED.toNanos(); System.nanoTime() < end; Thread.sleep(250)) {
      lowest = Math.min(lowest, proc.rssBytes());
    }
    return lowest;
  }

  private static void add(BenchContext ctx, Report report, List<Round> ours, List<Round> theirs) {
    String section = "Memory, idle WSS sessions";
    String at = "RSS per idle WSS session at " + TARGET_SESSIONS + " sessions (projected)";
    String atNote = "idle RSS / " + TARGET_SESSIONS + " + RSS per further session";
    report.compare(section, at, "KB", kb(ours, r -> r.perSessionAt(TARGET_SESSIONS)), "socket.io",
        kb(theirs, r -> r.perSessionAt(TARGET_SESSIONS)), null, atNote);
    report.absolute(section, at, "KB", kb(ours, r -> r.perSessionAt(TARGET_SESSIONS)), "<= 10", atNote);
    report.compare(section, "RSS per further idle WSS session (slope " + FIRST + " → " + SESSIONS + " sessions; socket.io "
        + SOCKETIO_FIRST + " → " + SOCKETIO_SESSIONS + ")", "KB",
        kb(ours, Round::marginalBytes), "socket.io", kb(theirs, Round::marginalBytes), null, null);
    report.absolute(section, "RSS growth per idle WSS session, idle → " + SESSIONS + " sessions", "KB",
        kb(ours, Round::averageBytes), null, "one-time costs of the first sessions included");
    report.compare(section, "sessions opened per second (handshake and welcome, " + ctx.rounds() + " rounds at once)",
        "sessions/s", ours.stream().map(Round::openedPerSecond).toList(), "socket.io",
        theirs.stream().map(Round::openedPerSecond).toList(), null, null);
    report.compare(section, "idle WSS sessions within " + (BUDGET_BYTES >> 20) + " MiB RSS (derived)", "sessions",
        ours.stream().map(Round::withinBudget).toList(), "socket.io", theirs.stream().map(Round::withinBudget).toList(),
        null, "budget minus the idle server's RSS, divided by the RSS per further session");
    report.absolute(section, "idle WSS sessions within " + (BUDGET_BYTES >> 20) + " MiB RSS (derived)", "sessions",
        ours.stream().map(Round::withinBudget).toList(), ">= " + TARGET_SESSIONS, null);
    report.compare(section, "server RSS, idle (after " + WARM_SESSIONS + " sessions came and went)", "MB",
        ours.stream().map(r -> r.idleBytes() / 1e6).toList(), "socket.io",
        theirs.stream().map(r -> r.idleBytes() / 1e6).toList(), null, null);
    report.note("Memory: Switchboard is measured at " + FIRST + " and " + SESSIONS + " idle sessions, socket.io at "
        + SOCKETIO_FIRST + " and " + SOCKETIO_SESSIONS + ", not at the issue's " + TARGET_SESSIONS + ": every process here is"
        + " limited to 20000 file descriptors (ulimit -Hn 20000, not permitted to raise), the server's own included."
        + " Each server's sessions are held by a child JVM of their own (SessionHolder). Each round reads each server's"
        + " RSS (/proc/PID/status VmRSS) idle (" + SETTLE.toSeconds() + " s after " + WARM_SESSIONS + " warm-up sessions"
        + " came and went), " + SETTLE.toSeconds() + " s after the first number of idle sessions were welcomed and "
        + SETTLE.toSeconds() + " s after the last; each reading is the lowest of those every 250 ms over the last "
        + SAMPLED.toSeconds() + " s of that wait (a single reading caught a JVM before or after a periodic collection,"
        + " as chance had it). The RSS per further session is the slope between the last two readings, so one-time"
        + " costs (JIT code, allocator chunks, heap regions first touched) are not billed per session; Switchboard's"
        + " slope starts at " + FIRST + ": from 1000 to 2500 sessions (the span up to commit ddf0f17) it read 7 to 22 KB"
        + " from round to round, with C2 still compiling the handshake, upgrade and heartbeat paths between the two"
        + " readings. The RSS per session at " + TARGET_SESSIONS + " is the idle RSS shared out over " + TARGET_SESSIONS
        + " sessions plus that slope, and the sessions within the budget are the budget minus the idle RSS over the"
        + " slope. Both servers are measured at once, each on its own process's RSS, each started fresh per round, and"
        + " the " + ctx.rounds() + " rounds run at the same time; the pace at which sessions open (reported) moves the"
        + " result (bench/README.md). Both serve wss:// with the same ECDSA P-256 certificate (the one Switchboard"
        + " generates; the socket.io relay under node's https), TLS 1.3 negotiated by a Netty client on BoringSSL"
        + " (netty-tcnative).");
    report.command("memory-wss: dist/switchboard serve (TLS on, connectionsPerIp lifted, TURN off) | node"
        + " bench/socketio-relay/server.js --cert --key (same certificate); idle sessions opened by SessionHolder"
        + " (SignalingLoad.open in a child JVM), RSS idle, then at " + FIRST + " and " + SESSIONS + " sessions"
        + " (socket.io: " + SOCKETIO_FIRST + " and " + SOCKETIO_SESSIONS + ")");
  }

  static List<Double> kb(List<Round> rounds, ToDoubleFunction<Round> bytes) {
    return rounds.stream().map(r -> bytes.applyAsDouble(r) / 1024).toList();
  }
}
