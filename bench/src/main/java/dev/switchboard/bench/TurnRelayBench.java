package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * TURN relay, Switchboard vs coturn, with coturn's turnutils_uclient as the load: (a) a paced load
 * both sustain, per client transport and relay method: server CPU seconds per 100k relayed packets,
 * loss and RTT; (b) rising rates until more than 1% is lost: the highest relayed packets/s.
 */
final class TurnRelayBench implements Bench {

  /**
   * The paced load: 20 sessions × 500 msgs/s = 10k msgs/s = 20k relayed packets/s for 2 s. uclient
   * spends about 7 s more per run connecting and staggering its sessions' starts, so a run takes ~9 s
   * whatever its length; 2 s bills each server ~40 ticks of CPU, enough for the 10 ms resolution.
   */
  static final Uclient.Load PACED = new Uclient.Load(Uclient.Mode.UDP_CHANNELS, 20, 1000, 2, 120);

  /**
   * Messages per session in the warm-up of every mode before measuring, so that JIT compilation is
   * not billed to a round. 500 since 2026-12-03, not 150: with 150, the per-packet paths of each
   * mode (9000 datagrams each) were not all past C2's thresholds, and the first measured round of a
   * mode paid for their compilation (C2 thread, first round after the warm-up, one probe: Send/Data
   * 39 ticks of 76, through a peer 8 of 68; with 500, 7 of 53 and 1 of 52). The warm-up's wall time
   * did not change (14 s either way: uclient's session set-up is most of it).
   */
  static final int WARM_UP_MESSAGES = 500;
  /**
   * Sessions per mode in the warm-up, three times a round's: the relay path compiles within a few
   * thousand packets, but Allocate, authentication, CreatePermission and ChannelBind run once per
   * session, and with the 20 sessions of a round the JIT was still compiling them in the first
   * measured rounds (2026-12-02, probe of 6 paced -y rounds: 11-12 ticks of C2 in the first, 1-7 in
   * the next two; after a warm-up of 100 sessions per mode, 0-6 and mostly 0-1). 60, not 100: the
   * 10-minute run. With {@link #WARM_UP_MESSAGES} each.
   * The four modes at once offer three times a round's rate each, some 120k messages/s nominal
   * (uclient reaches about 40% of nominal): the warm-up loads both cores, which it may.
   */
  static final int WARM_UP_SESSIONS = 60;

  /**
   * The paced modes in the order they are measured: the two with targets (client to client, and
   * through a peer) last. After the warm-up, C2 keeps compiling for some 30 s of relaying (probe,
   * 2026-12-02: 10, 9 and 5 ticks of C2 in the first three paced -y rounds, at most 1 from the
   * fourth on; per-round ratio 1.02, 0.94, 0.87, then 0.67-0.77), and whichever mode runs first
   * pays for it. A warm-up long enough for all four would not fit the 10-minute run, so the
   * Send/Data and TCP rows, which have no target, take those compilations: they read Switchboard's
   * cost a little high, never low. Measured after them, -y read 0.67-0.74 in the probe.
   */
  static final List<Uclient.Mode> MEASURED_ORDER = List.of(Uclient.Mode.UDP_SEND, Uclient.Mode.TCP_CHANNELS,
      Uclient.Mode.UDP_CHANNELS, Uclient.Mode.UDP_PEER);

  /**
   * Loads for (b): one uclient process tops out near 35k messages/s on this machine, so a step is a
   * number of concurrent processes of {@link #PEAK_LOAD} (sessions sending every millisecond). A
   * server's first round starts at the middle step and climbs while it carries its load, or goes down
   * until it does ({@link #ladder}): the same answer as climbing from the bottom, in fewer runs.
   * Until 2026-12-03 it started at the top, which on a slower machine cost the server that carries
   * the bottom step three runs (coturn: 8 and 6 processes lost 19% and 3%), and the third round then
   * missed the 10-minute bound by a few seconds. Its later rounds run the step it carried in the
   * round before, and lower ones only if that one loses: the steps above are not paid for again in
   * every round. Shorter runs (fewer messages) overlap uclient's staggered sessions less and no
   * longer load either server to its limit. On a machine where both servers carried the top step of
   * {6, 4} (2026-12-02: both ~150k relayed packets/s, no loss), the steps measured uclient, not the
   * servers; 8 processes tell them apart there (Switchboard carried 8 without loss in every round,
   * coturn lost 4-14%). A step of 10 would cost the run some 45 s that it does not have.
   */
  static final int[] PEAK_PROCESSES = {8, 6, 4};
  /** The index in {@link #PEAK_PROCESSES} of a server's first step: the middle one. */
  static final int FIRST_PEAK_STEP = PEAK_PROCESSES.length / 2;
  static final Uclient.Load PEAK_LOAD = new Uclient.Load(Uclient.Mode.UDP_CHANNELS, 30, 2000, 1, 120);
  /** A peak step is carried when it loses at most this share of its messages. */
  static final double PEAK_LOSS_LIMIT_PERCENT = 1;
  /**
   * A peak step whose uclients have sent everything and received nothing more for this many of
   * their seconds ends there: uclient would wait some 9 s more for what is missing before its
   * summary (a lossy step took 22 s, one that received everything 12-14). Until 2026-12-03 night
   * only a step that had lost more than {@link #PEAK_LOSS_LIMIT_PERCENT} ended so; one that carried
   * its load with a little loss (Switchboard at 8 processes, 0.08-0.6%) then took 24-25 s, and on
   * the slower machine of that night the ladder fitted one round of three.
   */
  static final int PEAK_SETTLED_SECONDS = 2;
  /**
   * How long a peak step is taken to last until one has been timed. Measured on 2026-12-03: 11-15 s
   * for a step that carries its load; 22 s for one that loses more than 1% while its uclients waited
   * for what is missing, 14-15 s since {@link #PEAK_SETTLED_SECONDS} ends it.
   */
  static final long PEAK_STEP_ESTIMATE_NANOS = 25_000_000_000L;

  @Override
  public String name() {
    return "turn";
  }

  /**
   * The warm-up and the paced rounds (138 s on 2026-12-03) and some of a first peak round (two steps a
   * server, 12-15 s each); the peak ladder then takes whatever time the run has left, and leaves out a
   * round it cannot finish.
   */
  @Override
  public int budgetSeconds() {
    return 185;
  }

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    Path work = ctx.work("turn");
    Files.createDirectories(work);
    try (UdpPeer peer = UdpPeer.start(work);
         SwitchboardServer ours = SwitchboardServer.startTurn(ctx.dist(), work.resolve("switchboard"), ctx.turn());
         CoturnServer coturn = CoturnServer.start(work.resolve("coturn"), ctx.turn())) {
      UclientRunner runner = new UclientRunner(ctx.turn(), work, peer.address());
      List<BenchServer> servers = List.of(ours, coturn);
      // Warm-up, not measured: every mode runs through its own code path (ChannelData, Send/Data
      // indications, TCP framing, the kernel path to a peer), which the JIT compiles on first use;
      // billing that to the first measured round made it look twice as costly. All modes at once,
      // to save time; coturn is compiled ahead of time and needs none.
      List<Uclient.Load> warmUp = new ArrayList<>();
      for (Uclient.Mode mode : Uclient.Mode.values()) {
        warmUp.add(new Uclient.Load(mode, WARM_UP_SESSIONS, WARM_UP_MESSAGES, PACED.intervalMs(), PACED.bytes()));
      }
      runner.concurrently(ours, warmUp);
      for (Uclient.Mode mode : MEASURED_ORDER) {
        Uclient.Load load = PACED.with(mode, PACED.messages());
        Map<String, List<UclientRunner.Paced>> results = new LinkedHashMap<>();
        for (int round = 0; round < ctx.rounds(); round++) {
          List<UclientRunner.Paced> side = runner.sideBySide(servers, load);
          for (int i = 0; i < servers.size(); i++) {
            results.computeIfAbsent(servers.get(i).name(), k -> new ArrayList<>()).add(side.get(i));
          }
        }
        addPaced(report, load, results.get("switchboard"), results.get("coturn"));
      }
      report.note("TURN client-to-client (-y): both clients' relays are on the server under test. Switchboard hands"
          + " such datagrams from one allocation to the other in memory; coturn sends them through the kernel."
          + " The turnutils_peer rows relay through the kernel on both. Paced rounds run both servers side by side, each"
          + " with its own uclient and billed its own CPU (the paced load takes a fraction of a core per server); the"
          + " peak runs, which saturate the machine, run one server at a time.");
      System.out.printf("  paced rounds done, %d s left%n", ctx.secondsLeft());
      Map<String, List<Double>> peaks = peaks(ctx, runner, servers);
      if (peaks.isEmpty()) {
        report.note("TURN relay, peak: not measured, no round fitted in the time the 10-minute bound left");
      } else {
        addPeak(report, peaks, ctx.rounds());
      }
      report.command("turn peak: " + java.util.Arrays.toString(PEAK_PROCESSES) + " (first round from the middle step, up while carried, else down; later rounds from the step carried before, down only) concurrent turnutils_uclient -c -y -m " + PEAK_LOAD.clients()
          + " -n " + PEAK_LOAD.messages() + " -z 1 -l 120 ...; rate = median of the busiest third of uclient's"
          + " per-second received counts, x2 relay hops per message");
      report.command("turn: turnutils_uclient -c -u bench -w benchpass -p PORT -m " + PACED.clients() + " -n "
          + PACED.messages() + " -z " + PACED.intervalMs() + " -l " + PACED.bytes()
          + " {-y | -y -s | -t -y | -e 127.0.0.1 -r PEER_PORT} 127.0.0.1   (turnutils_peer -L 127.0.0.1 -p PEER_PORT)");
    }
  }

  private static void addPeak(Report report, Map<String, List<Double>> peaks, int rounds) {
    int measured = peaks.get("switchboard").size();
    String partial = measured == rounds ? "" : "; " + measured + " of " + rounds + " rounds: the next step did not fit in"
        + " the time the 10-minute bound left, and a round not finished for both servers is left out";
    report.compare("TURN relay, peak", "highest relayed packets/s with <= 1% loss, UDP, ChannelData", "packets/s",
        peaks.get("switchboard"), "coturn", peaks.get("coturn"), ">= 1.2",
        "uclient processes of " + PEAK_LOAD.clients() + " sessions × 1 msg/ms: "
            + java.util.Arrays.toString(PEAK_PROCESSES) + " processes, the highest step within 1% loss (from the middle step up or down)"
            + " (a server's later rounds from the step it carried in the round before);"
            + " when the top step loses no more than 1%, the load generator was the limit" + partial);
  }

  private static Map<String, List<Double>> peaks(BenchContext ctx, UclientRunner runner, List<BenchServer> servers)
      throws Exception {
    StepAllowance allowance = new StepAllowance(System::nanoTime, ctx.deadlineNanos(), PEAK_STEP_ESTIMATE_NANOS);
    Map<String, BenchServer> byName = new LinkedHashMap<>();
    servers.forEach(s -> byName.put(s.name(), s));
    Map<String, List<Double>> peaks = peakRounds(List.copyOf(byName.keySet()), ctx.rounds(),
        (name, from, climb) -> runner.peak(byName.get(name), from, climb, allowance));
    int measured = peaks.isEmpty() ? 0 : peaks.get("switchboard").size();
    if (measured < ctx.rounds()) {
      System.out.printf("  peak: %d of %d rounds, the next step did not fit in the %d s left%n",
          measured, ctx.rounds(), ctx.secondsLeft());
    }
    return peaks;
  }

  /**
   * One server's peak round from step index {@code from}, climbing above it while carried when
   * {@code climb}; empty when a step it needed did not fit.
   */
  interface ServerPeak {
    Optional<Peak> run(String server, int from, boolean climb) throws Exception;
  }

  /**
   * The peak rounds that fit, each server's relayed packets/s by round; empty when none did. A
   * server's first round starts at {@link #FIRST_PEAK_STEP} and climbs; its later rounds start at the
   * step it carried in the round before and do not climb. A round that could not be finished for
   * every server is left out for all, so that every figure has its counterpart measured in the same
   * round, and no later round is begun.
   */
  static Map<String, List<Double>> peakRounds(List<String> servers, int rounds, ServerPeak peak) throws Exception {
    Map<String, List<Double>> peaks = new LinkedHashMap<>();
    Map<String, Integer> carried = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      Map<String, Double> thisRound = new LinkedHashMap<>();
      for (String server : servers) {
        Integer before = carried.get(server);
        Optional<Peak> p = peak.run(server, before == null ? FIRST_PEAK_STEP : before, before == null);
        if (p.isEmpty()) {
          return peaks;
        }
        carried.put(server, p.get().step());
        thisRound.put(server, p.get().relayedPerSecond());
      }
      thisRound.forEach((server, rate) -> peaks.computeIfAbsent(server, k -> new ArrayList<>()).add(rate));
    }
    return peaks;
  }

  /** A peak run: the relayed packets/s carried and the index in {@link #PEAK_PROCESSES} of the step that carried it. */
  record Peak(double relayedPerSecond, int step) {}

  /** One peak step's relayed packets/s and loss in percent. */
  record StepResult(double relayedPerSecond, double lossPercent) {}

  interface PeakStep {
    StepResult run(int processes) throws Exception;
  }

  /**
   * Runs the step of {@link #PEAK_PROCESSES} at index {@code from}. When it loses at most 1%, and
   * {@code climb}, the steps above it follow until one loses more, and the answer is the highest
   * carried; otherwise the steps below it follow until one carries its load, and the answer is that
   * one (0 packets/s at the last step when every one lost more). Empty when a step it needed did not
   * fit in the time {@code allowance} left.
   */
  static Optional<Peak> ladder(int from, boolean climb, PeakStep step, StepAllowance allowance) throws Exception {
    Optional<StepResult> first = run(from, step, allowance);
    if (first.isEmpty()) {
      return Optional.empty();
    }
    if (carried(first.get())) {
      Peak best = new Peak(first.get().relayedPerSecond(), from);
      for (int i = from - 1; climb && i >= 0; i--) {
        Optional<StepResult> r = run(i, step, allowance);
        if (r.isEmpty()) {
          return Optional.empty();
        }
        if (!carried(r.get())) {
          break;
        }
        best = new Peak(r.get().relayedPerSecond(), i);
      }
      return Optional.of(best);
    }
    for (int i = from + 1; i < PEAK_PROCESSES.length; i++) {
      Optional<StepResult> r = run(i, step, allowance);
      if (r.isEmpty()) {
        return Optional.empty();
      }
      if (carried(r.get())) {
        return Optional.of(new Peak(r.get().relayedPerSecond(), i));
      }
    }
    return Optional.of(new Peak(0, PEAK_PROCESSES.length - 1));
  }

  private static Optional<StepResult> run(int index, PeakStep step, StepAllowance allowance) throws Exception {
    if (!allowance.fits()) {
      return Optional.empty();
    }
    int processes = PEAK_PROCESSES[index];
    return Optional.of(allowance.time(() -> step.run(processes)));
  }

  private static boolean carried(StepResult r) {
    return r.lossPercent() <= PEAK_LOSS_LIMIT_PERCENT;
  }

  static final String PROBE_NOTE = "a probe client beside uclient: 16-byte ChannelData pings through its own"
      + " allocation to an echo socket of its own and back, " + 1_000_000_000 / RelayRttProbe.INTERVAL_NANOS
      + " a second, one at a time, in the seconds uclient received at least half its steady rate";

  private static void addPaced(Report report, Uclient.Load load, List<UclientRunner.Paced> ours, List<UclientRunner.Paced> theirs) {
    // uclient staggers its sessions' starts over a few seconds, so they overlap only in part: the
    // delivered rate (its busiest seconds) is reported next to the offered one.
    String section = "TURN relay, paced load (" + load.clients() + " sessions × " + 1000 / load.intervalMs()
        + " msgs/s, up to " + (int) (load.offeredMessagesPerSecond() * 2) + " relayed packets/s)";
    // The target applies to both UDP ChannelData loads: client to client, where our in-memory hand-over
    // helps, and through turnutils_peer, where both servers go through the kernel.
    boolean targeted = load.mode() == Uclient.Mode.UDP_CHANNELS || load.mode() == Uclient.Mode.UDP_PEER;
    String target = targeted ? "<= 0.8" : null;
    report.compare(section, "server CPU per 100k relayed packets, " + load.mode().label, "CPU s",
        ours.stream().map(UclientRunner.Paced::cpuPer100k).toList(), "coturn", theirs.stream().map(UclientRunner.Paced::cpuPer100k).toList(),
        target, null);
    report.compare(section, "loss, " + load.mode().label, "%",
        ours.stream().map(p -> p.result().lossPercent()).toList(), "coturn",
        theirs.stream().map(p -> p.result().lossPercent()).toList(), null, null);
    report.compare(section, "relayed packets/s in the busiest seconds, " + load.mode().label, "packets/s",
        ours.stream().map(p -> 2 * p.result().steadyReceivedPerSecond()).toList(), "coturn",
        theirs.stream().map(p -> 2 * p.result().steadyReceivedPerSecond()).toList(), null, "the load both carried");
    // uclient's own RTT is in whole milliseconds (its averages read 0.000-0.4 ms on loopback): the
    // probe's pings, timed in nanoseconds, are reported instead.
    addProbeRow(report, section, "relay round-trip time p50, " + load.mode().label, "µs", ours, theirs, ProbeRtt::p50Micros);
    addProbeRow(report, section, "relay round-trip time p99, " + load.mode().label, "µs", ours, theirs, ProbeRtt::p99Micros);
    addProbeRow(report, section, "round-trip probe pings lost (over " + 2 * RelayRttProbe.TIMEOUT_MILLIS + " ms), "
        + load.mode().label, "%", ours, theirs, ProbeRtt::lostPercent);
  }

  /**
   * A probe row over the rounds in which both servers had a value: a round where the probe saw no
   * answered ping in the busy seconds (NaN) says nothing, and a NaN would sort as the median or
   * become the ratio. Left out with a note when no round has both.
   */
  private static void addProbeRow(Report report, String section, String metric, String unit, List<UclientRunner.Paced> ours,
                                  List<UclientRunner.Paced> theirs, ToDoubleFunction<ProbeRtt> value) {
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
      double x = value.applyAsDouble(ours.get(i).rtt());
      double y = value.applyAsDouble(theirs.get(i).rtt());
      if (!Double.isNaN(x) && !Double.isNaN(y)) {
        a.add(x);
        b.add(y);
      }
    }
    if (a.isEmpty()) {
      report.note(section + ": no round had a round-trip probe value for both servers for " + metric);
      return;
    }
    String rounds = a.size() == ours.size() ? "" : "; " + a.size() + " of " + ours.size() + " rounds had a value for both";
    report.compare(section, metric, unit, a, "coturn", b, null, PROBE_NOTE + rounds);
  }
}
