package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/** Runs uclient against one server and measures that server's CPU over the run. */
record UclientRunner(TurnSetup setup, Path work, InetSocketAddress peer) {

  /**
   * One paced run's server-side cost and client-side outcome. The CPU is billed per packet that
   * uclient and the round-trip probe had relayed together.
   */
  record Paced(double cpuSeconds, Uclient.Result result, ProbeRtt rtt) {
    double cpuPer100k() {
      return cpuSeconds / Math.max(1, result.relayedPackets() + rtt.relayedPackets()) * 100_000;
    }
  }

  /** One uclient process's summary and the times its progress lines appeared. */
  record Run(Uclient.Result result, UclientWatch watch) {}

  static final long UCLIENT_TIMEOUT_SECONDS = 120;
  /** How often a running uclient's log is read: the probe's pings are lined up with its seconds to this. */
  static final long WATCH_POLL_MILLIS = 100;

  Paced paced(BenchServer server, Uclient.Load load) throws Exception {
    return load.mode() == Uclient.Mode.UDP_PEER ? Uclient.rerunOnChannelClash(() -> pacedOnce(server, load))
        : pacedOnce(server, load);
  }

  private Paced pacedOnce(BenchServer server, Uclient.Load load) throws Exception {
    Path log = work.resolve("uclient-" + server.name() + "-" + load.mode() + "-" + System.nanoTime() + ".log");
    double before = server.proc().cpuSeconds();
    Uclient.Result r = Uclient.run(server.turn(), setup, load, peer, log, 90);
    return report(server, load, server.proc().cpuSeconds() - before, r, ProbeRtt.NONE);
  }

  /**
   * The same load against every server at once, one uclient each, each server billed its own CPU,
   * with a {@link RelayRttProbe} pinging through each from when that server's uclient begins to send
   * until it ends. Not before: uclient's first seconds (connecting, then staggering its sessions'
   * starts) carry almost no load, and pings there, each one alone, were over a third of the probe's packets
   * and to a larger share of its CPU, whose cost per packet differs between the servers (2026-12-03,
   * bench/README.md); none of them counted for the round trip, which is read in the busy seconds only.
   * Why at once rather than in turn:
   * uclient spends ~7 s of every run connecting and staggering its sessions, so runs in turn would
   * not fit the 10-minute bench/run; side by side, whatever else the machine does in that window
   * weighs on both alike. The paced load uses a fraction of a core per server, so the two do not
   * starve each other (the peak runs, which saturate, stay in turn).
   */
  List<Paced> sideBySide(List<BenchServer> servers, Uclient.Load load) throws Exception {
    // Only peer mode draws two channel numbers per session; elsewhere a refused ChannelBind is a finding.
    return load.mode() == Uclient.Mode.UDP_PEER ? Uclient.rerunOnChannelClash(() -> sideBySideOnce(servers, load))
        : sideBySideOnce(servers, load);
  }

  private List<Paced> sideBySideOnce(List<BenchServer> servers, Uclient.Load load) throws Exception {
    double[] before = new double[servers.size()];
    for (int i = 0; i < servers.size(); i++) {
      before[i] = servers.get(i).proc().cpuSeconds();
    }
    List<RelayRttProbe> probes = new ArrayList<>();
    List<RelayRttProbe.Sample[]> pings = new ArrayList<>();
    List<Run> runs;
    try {
      for (BenchServer server : servers) {
        probes.add(RelayRttProbe.allocate(server.turn(), setup));
      }
      runs = runAll(servers, java.util.Collections.nCopies(servers.size(), load), i -> probes.get(i).startPinging(),
          watches -> false);
      for (RelayRttProbe probe : probes) {
        pings.add(probe.stop());
      }
    } finally {
      probes.forEach(RelayRttProbe::close);
    }
    List<Paced> paced = new ArrayList<>();
    for (int i = 0; i < servers.size(); i++) {
      Uclient.Result r = runs.get(i).result();
      ProbeRtt rtt = ProbeRtt.of(pings.get(i), runs.get(i).watch().busySpans(r.steadyReceivedPerSecond() / 2));
      paced.add(report(servers.get(i), load, servers.get(i).proc().cpuSeconds() - before[i], r, rtt));
    }
    return paced;
  }

  private static Paced report(BenchServer server, Uclient.Load load, double cpu, Uclient.Result r, ProbeRtt rtt) {
    Paced p = new Paced(cpu, r, rtt);
    System.out.printf("  %-11s %-40s sent %d recv %d lost %.2f%% cpu %.2f s (%.3f s/100k) steady %.0f msg/s%s%n",
        server.name(), load.mode().label, r.sent(), r.received(), r.lossPercent(), cpu, p.cpuPer100k(),
        r.steadyReceivedPerSecond(), rtt == ProbeRtt.NONE ? "" : String.format(" probe rtt p50 %.0f p99 %.0f µs"
            + " (%d pings, %d lost)", rtt.p50Micros(), rtt.p99Micros(), rtt.answered(), rtt.lost()));
    return p;
  }

  /** Runs {@code loads} as concurrent uclient processes against {@code server}; their results in order. */
  List<Uclient.Result> concurrently(BenchServer server, List<Uclient.Load> loads) throws Exception {
    return runAll(java.util.Collections.nCopies(loads.size(), server), loads, i -> { }, watches -> false)
        .stream().map(Run::result).toList();
  }

  /**
   * As {@link #concurrently}, but ends the processes once every one has sent its load and their
   * received totals stood still for {@link TurnRelayBench#PEAK_SETTLED_SECONDS}; their results then
   * come from the progress lines.
   */
  List<Uclient.Result> peakStep(BenchServer server, int processes) throws Exception {
    List<Uclient.Load> loads = java.util.Collections.nCopies(processes, TurnRelayBench.PEAK_LOAD);
    long expected = (long) TurnRelayBench.PEAK_LOAD.clients() * TurnRelayBench.PEAK_LOAD.messages();
    return runAll(java.util.Collections.nCopies(processes, server), loads, i -> { },
        watches -> allSettled(watches, expected)).stream().map(Run::result).toList();
  }

  /** Every watch settled with {@code expected} messages sent. */
  static boolean allSettled(List<UclientWatch> watches, long expected) {
    return watches.stream().allMatch(w -> w.settled(expected, TurnRelayBench.PEAK_SETTLED_SECONDS));
  }

  /**
   * One uclient process per pair of {@code servers.get(i)} and {@code loads.get(i)}, all at once,
   * their logs followed while they run, {@code sending} told {@code i} once the i-th begins to send;
   * their runs in order.
   */
  private List<Run> runAll(List<BenchServer> servers, List<Uclient.Load> loads, IntConsumer sending,
                           Predicate<List<UclientWatch>> endEarly) throws Exception {
    List<Process> running = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    List<UclientWatch> watches = new ArrayList<>();
    try {
      for (int i = 0; i < loads.size(); i++) {
        Path log = work.resolve("uclient-" + servers.get(i).name() + "-" + loads.get(i).mode() + "-" + i + "-"
            + System.nanoTime() + ".log");
        logs.add(log);
        watches.add(new UclientWatch(log));
        running.add(Uclient.start(servers.get(i).turn(), setup, loads.get(i), peer, log));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(UCLIENT_TIMEOUT_SECONDS);
      boolean[] told = new boolean[watches.size()];
      for (Process p : running) {
        // Waits for each in turn, reading every log at least every WATCH_POLL_MILLIS meanwhile.
        while (!p.waitFor(WATCH_POLL_MILLIS, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
          for (int i = 0; i < watches.size(); i++) {
            watches.get(i).poll();
            if (!told[i] && watches.get(i).sending()) {
              told[i] = true;
              sending.accept(i);
            }
          }
          if (endEarly.test(watches)) {
            List<Run> runs = new ArrayList<>();
            for (Process q : running) {
              q.destroy();
            }
            for (int i = 0; i < running.size(); i++) {
              running.get(i).waitFor(2, TimeUnit.SECONDS);
              runs.add(new Run(watches.get(i).settledResult(), watches.get(i)));
            }
            return runs;
          }
        }
      }
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < running.size(); i++) {
        if (running.get(i).isAlive()) {
          throw new IOException("turnutils_uclient did not finish in " + UCLIENT_TIMEOUT_SECONDS + " s; see " + logs.get(i));
        }
        watches.get(i).poll();
        runs.add(new Run(Uclient.await(running.get(i), logs.get(i), 1), watches.get(i)));
      }
      return runs;
    } finally {
      running.forEach(Process::destroyForcibly);
    }
  }

  /**
   * The relayed packets/s of the highest step of {@link TurnRelayBench#PEAK_PROCESSES} within 1% loss
   * found by {@link TurnRelayBench#ladder} (the steady per-second rate, summed over the processes).
   */
  Optional<TurnRelayBench.Peak> peak(BenchServer server, int from, boolean climb, StepAllowance allowance)
      throws Exception {
    return TurnRelayBench.ladder(from, climb, processes -> {
      long start = System.nanoTime();
      List<Uclient.Result> results = peakStep(server, processes);
      long sent = results.stream().mapToLong(Uclient.Result::sent).sum();
      long lost = results.stream().mapToLong(Uclient.Result::lost).sum();
      double rate = results.stream().mapToDouble(r -> r.steadyReceivedPerSecond() * 2).sum();
      double loss = sent == 0 ? 100 : 100.0 * lost / sent;
      System.out.printf("  %-11s peak step %d process(es): %.0f relayed packets/s, loss %.2f%% (%d s)%n",
          server.name(), processes, rate, loss, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
      return new TurnRelayBench.StepResult(rate, loss);
    }, allowance);
  }
}
