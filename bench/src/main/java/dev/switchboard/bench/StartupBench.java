package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Time from launch until every port answers (HTTPS, TURN UDP and TCP, TURNS), for a first start
 * (empty data dir: certificates and secrets are generated) and a restart; coturn's launch to STUN
 * answering as the reference. Also the size of dist/switchboard. Those starts map the class archive
 * that the stub keeps (see {@link #warmClassArchive}); the first launch of a new build, which has
 * none yet (its helper JVM makes one in the background), is measured apart with an empty cache.
 */
final class StartupBench implements Bench {

  @Override
  public String name() {
    return "startup";
  }

  @Override
  public int budgetSeconds() {
    return 20;
  }

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    List<Double> newBuild = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    List<Double> restart = new ArrayList<>();
    List<Double> coturn = new ArrayList<>();
    for (int round = 0; round < ctx.rounds(); round++) {
      Path fresh = ctx.work("startup-new-build-" + round);
      newBuild.add(switchboardReadySeconds(ctx.dist(), fresh, Map.of("XDG_CACHE_HOME", fresh.resolve("cache").toString())));
      awaitClassArchive(fresh.resolve("cache")); // its helper JVM must not share the next starts' CPU
      Path work = ctx.work("startup-" + round);
      first.add(switchboardReadySeconds(ctx.dist(), work, Map.of()));
      restart.add(switchboardReadySeconds(ctx.dist(), work, Map.of()));
      coturn.add(coturnReadySeconds(ctx.work("startup-coturn-" + round), ctx.turn()));
    }
    report.compare("Startup and size", "serve ready, first start (generates CA, certificate, secret)", "s",
        first, "coturn", coturn, null, null);
    report.absolute("Startup and size", "serve ready, first start", "s", first, "<= 1.5", null);
    report.absolute("Startup and size", "serve ready, restart", "s", restart, "<= 1.5", null);
    report.absolute("Startup and size", "serve ready, first launch of a new build (no class archive yet;"
        + " generates CA, certificate, secret)", "s", newBuild, null, null);
    double mb = Files.size(ctx.dist()) / 1e6;
    report.absolute("Startup and size", "dist/switchboard size", "MB", List.of(mb), "<= 25", null);
    report.command("startup: dist/switchboard serve --config <TLS on, all listeners on 127.0.0.1> --data-dir <new dir>;"
        + " ready = HTTPS, TURN TCP and TURNS accept and STUN over UDP answers; XDG_CACHE_HOME=bench/target/xdg-cache"
        + " (class archive made once before the benchmarks), an empty one for the first launch of a new build"
        + " (which has a helper JVM make the archive in the background at low priority)");
  }

  /**
   * Has the stub make its class archive for this build, as a server's first start does (a helper
   * JVM in the background), and waits for it, so that every benchmark measures the server as it
   * runs from then on.
   */
  static void warmClassArchive(Path dist, Path work) throws Exception {
    switchboardReadySeconds(dist, work, Map.of());
    String xdg = System.getenv("XDG_CACHE_HOME");
    awaitClassArchive(xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"));
  }

  /** Waits until the stub's helper has written its archive under {@code xdgCache} and let go of its lock. */
  private static void awaitClassArchive(Path xdgCache) throws Exception {
    Path cache = xdgCache.resolve("switchboard");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (var files = Files.list(cache)) {
        List<String> names = files.map(f -> f.getFileName().toString()).toList();
        if (names.stream().anyMatch(n -> n.endsWith(".jsa")) && names.stream().noneMatch(n -> n.endsWith(".lock"))) {
          return;
        }
      } catch (IOException notYet) {
        // the cache folder appears with the first archive
      }
      Thread.sleep(200);
    }
    System.err.println("bench: no class archive appeared in " + cache + " within 60 s; starts are measured without");
  }

  static double switchboardReadySeconds(Path dist, Path work, Map<String, String> env) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return readySeconds(dist, work, env);
      } catch (IllegalStateException e) {
        // Free ports are picked before the launch; another process on the machine may take one first.
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  private static double readySeconds(Path dist, Path work, Map<String, String> env) throws Exception {
    Files.createDirectories(work);
    int https = FreePorts.tcp();
    int turn = FreePorts.udpAndTcp();
    int turns = FreePorts.tcp();
    Path config = work.resolve("switchboard.yaml");
    // Relay ports as many as the default's (49152-65535) but below the kernel's ephemeral range, where
    // FreePorts finds the TURN port: a TURN port inside the relay range is a config error.
    Files.writeString(config, """
        publicAddress: 127.0.0.1
        logLevel: warn
        signaling:
          listen: 127.0.0.1
          port: %d
        turn:
          listen: 127.0.0.1
          port: %d
          tlsPort: %d
          relay:
            address: 127.0.0.1
            ports: 16384-32767
        """.formatted(https, turn, turns));
    InetAddress lo = InetAddress.getLoopbackAddress();
    long start = System.nanoTime();
    try (Proc proc = Proc.start("switchboard", List.of(dist.toString(), "serve", "--config", config.toString(),
        "--data-dir", work.resolve("data").toString()), work.resolve("switchboard-" + System.nanoTime() + ".log"), env)) {
      Duration limit = Duration.ofSeconds(20);
      try {
        SwitchboardServer.awaitTcp(new InetSocketAddress(lo, https), limit, proc);
        SwitchboardServer.awaitTcp(new InetSocketAddress(lo, turn), limit, proc);
        SwitchboardServer.awaitTcp(new InetSocketAddress(lo, turns), limit, proc);
      } catch (IOException e) {
        throw new IllegalStateException(e.getMessage() + ":\n" + proc.tail(), e);
      }
      if (!StunPing.await(new InetSocketAddress(lo, turn), limit)) {
        throw new IllegalStateException("no STUN answer:\n" + proc.tail());
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  static double coturnReadySeconds(Path work, TurnSetup setup) throws Exception {
    long start = System.nanoTime();
    try (CoturnServer coturn = CoturnServer.start(work, setup)) {
      return (System.nanoTime() - start) / 1e9;
    }
  }
}
