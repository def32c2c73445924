package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signaling relay, Switchboard vs a socket.io relay, with {@link SignalingLoad} as the load for both:
 * 400 sessions in rooms of 4, each signalling the next member of its room. (a) An equal offered load
 * both sustain: relay latency p50/p99 and server CPU; (b) rising offered loads until p99 exceeds
 * 5 ms or less than 95% is delivered: the highest delivered messages/s within that.
 */
final class SignalingBench implements Bench {

  static final int CLIENTS = 400;
  static final double MAX_P99_MILLIS = 5;
  /** The equal load of (a), in signals/s. */
  static final double EQUAL_LOAD = 2000;
  /** The steps of (b), in signals/s. */
  static final double[] STEPS = {2000, 5000, 10000, 20000, 40000};
  static final Duration WARMUP = Duration.ofMillis(500);
  static final Duration MEASURE = Duration.ofMillis(1500);
  /**
   * The JIT needs about 100k relayed messages before Switchboard's CPU per message settles (measured:
   * 120-200 µs per message in the first 40k, 45-60 µs from 100k on): 8 s at 12000/s; node gets the same.
   */
  static final Duration WARM_UP = Duration.ofSeconds(8);
  /** The equal-load window: long enough for a CPU-seconds reading with 10 ms ticks. */
  static final Duration EQUAL_MEASURE = Duration.ofSeconds(3);
  /**
   * Tries per step: the machine is shared, and one scheduling hiccup of another process puts a 2 s
   * window over 5 ms at p99; a step fails when every try does, on both servers alike.
   */
  static final int TRIES = 2;

  @Override
  public String name() {
    return "signaling";
  }

  @Override
  public int budgetSeconds() {
    return 80;
  }

  /** One server's outcome in one round. */
  record Round(SignalingLoad.Step equal, double cpuPer100k, double peak) {}

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    Path work = ctx.work("signaling");
    Files.createDirectories(work);
    try (SignalingServers.Running ours = SignalingServers.switchboard(ctx.dist(), work.resolve("switchboard"), false);
         SignalingServers.Running theirs = SignalingServers.socketIo(work.resolve("socketio"), null);
         SignalingLoad ourLoad = connect(ours);
         SignalingLoad theirLoad = connect(theirs)) {
      Map<String, SignalingLoad> loads = new LinkedHashMap<>();
      Map<String, BenchServer> servers = new LinkedHashMap<>();
      loads.put("switchboard", ourLoad);
      loads.put("socket.io", theirLoad);
      servers.put("switchboard", ours.server());
      servers.put("socket.io", theirs.server());
      // Warm-up, not measured: the JIT compiles the relay path (a short run measures the C2
      // compiler, which then takes as much CPU as the event loops); node gets the same load.
      for (String name : loads.keySet()) {
        System.out.printf("  %-11s warm-up %s%n", name, loads.get(name).run(12000, WARMUP, WARM_UP));
      }
      Map<String, List<Round>> results = new LinkedHashMap<>();
      for (int round = 0; round < ctx.rounds(); round++) {
        for (String name : loads.keySet()) {
          results.computeIfAbsent(name, k -> new ArrayList<>()).add(round(name, servers.get(name), loads.get(name)));
        }
      }
      add(report, results.get("switchboard"), results.get("socket.io"));
    }
  }

  private static SignalingLoad connect(SignalingServers.Running server) throws Exception {
    SignalingLoad load = new SignalingLoad(server.target(), 2);
    try {
      load.open(CLIENTS, 100, Duration.ofSeconds(30));
      load.joinRooms(Duration.ofSeconds(10));
      return load;
    } catch (Exception e) {
      load.close();
      throw e;
    }
  }

  private static Round round(String name, BenchServer server, SignalingLoad load) throws Exception {
    double cpu0 = server.proc().cpuSeconds();
    SignalingLoad.Step equal = load.run(EQUAL_LOAD, WARMUP, EQUAL_MEASURE);
    double cpu = server.proc().cpuSeconds() - cpu0;
    System.out.printf("  %-11s equal load: %s, server CPU %.2f s%n", name, equal, cpu);
    double peak = 0;
    for (double rate : STEPS) {
      SignalingLoad.Step step = null;
      for (int t = 0; t < TRIES && (step == null || !step.within(MAX_P99_MILLIS)); t++) {
        step = load.run(rate, WARMUP, MEASURE);
        System.out.printf("  %-11s step: %s%s%n", name, step, step.within(MAX_P99_MILLIS) ? "" : "  <- over");
      }
      if (!step.within(MAX_P99_MILLIS)) {
        break;
      }
      peak = Math.max(peak, step.deliveredPerSecond());
    }
    // CPU over the whole equal-load run (warm-up, measure, drain) per message delivered in it.
    double messages = equal.offeredPerSecond() * (WARMUP.toMillis() + EQUAL_MEASURE.toMillis()) / 1000.0;
    return new Round(equal, cpu / messages * 100_000, peak);
  }

  private static void add(Report report, List<Round> ours, List<Round> theirs) {
    report.compare("Signaling relay, rising offered load",
        "highest delivered messages/s with p99 <= " + (int) MAX_P99_MILLIS + " ms", "messages/s",
        ours.stream().map(Round::peak).toList(), "socket.io", theirs.stream().map(Round::peak).toList(), ">= 3",
        CLIENTS + " sessions in rooms of 4, steps " + Arrays.toString(Arrays.stream(STEPS).mapToInt(d -> (int) d).toArray())
            + " signals/s; a step fails when, in each of " + TRIES
            + " tries, p99 > " + (int) MAX_P99_MILLIS + " ms or < 95% delivered;"
            + " a server passing the last step was limited by the generator");
    String section = "Signaling relay, equal offered load (" + (int) EQUAL_LOAD + " signals/s)";
    report.compare(section, "relay latency p50", "ms", ours.stream().map(r -> r.equal().p50Millis()).toList(),
        "socket.io", theirs.stream().map(r -> r.equal().p50Millis()).toList(), null, null);
    report.compare(section, "relay latency p99", "ms", ours.stream().map(r -> r.equal().p99Millis()).toList(),
        "socket.io", theirs.stream().map(r -> r.equal().p99Millis()).toList(), null, null);
    report.compare(section, "delivered", "messages/s", ours.stream().map(r -> r.equal().deliveredPerSecond()).toList(),
        "socket.io", theirs.stream().map(r -> r.equal().deliveredPerSecond()).toList(), null, null);
    report.compare(section, "server CPU per 100k relayed signals", "CPU s", ours.stream().map(Round::cpuPer100k).toList(),
        "socket.io", theirs.stream().map(Round::cpuPer100k).toList(), null, null);
    report.note("Signaling: both servers over plain ws:// on loopback (Switchboard with tls.enabled: false, as behind a"
        + " TLS-terminating proxy; the socket.io relay over http), so transport security costs neither. Switchboard's"
        + " per-session limits are lifted for the load: signaling.connectionsPerIp 1000000, messagesPerSecond 100000."
        + " The generator (Java, Netty, 2 threads) runs on the same 2 cores as the server under test; latency is"
        + " send→receive in the generator, 10 µs buckets.");
    report.command("signaling: " + CLIENTS + " sessions (SignalingLoad), rooms of 4, signal to the next room member,"
        + " paced; Switchboard: dist/switchboard serve (ws://, limits lifted, TURN off); socket.io: node"
        + " bench/socketio-relay/server.js (socket.io 4.8.1, websocket transport only)");
  }
}
