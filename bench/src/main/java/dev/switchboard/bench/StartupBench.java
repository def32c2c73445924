package dev.switchboard.bench;

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
 * answering as the reference. Also the size of dist/switchboard.
 */
final class StartupBench implements Bench {

  @Override
  public String name() {
    return "startup";
  }

  @Override
  public int budgetSeconds() {
    return 15;
  }

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    List<Double> first = new ArrayList<>();
    List<Double> restart = new ArrayList<>();
    List<Double> coturn = new ArrayList<>();
    for (int round = 0; round < ctx.rounds(); round++) {
      Path work = ctx.work("startup-" + round);
      first.add(switchboardReadySeconds(ctx.dist(), work));
      restart.add(switchboardReadySeconds(ctx.dist(), work));
      coturn.add(coturnReadySeconds(ctx.work("startup-coturn-" + round), ctx.turn()));
    }
    report.compare("Startup and size", "serve ready, first start (generates CA, certificate, secret)", "s",
        first, "coturn", coturn, null, null);
    report.absolute("Startup and size", "serve ready, first start", "s", first, "<= 1.5", null);
    report.absolute("Startup and size", "serve ready, restart", "s", restart, "<= 1.5", null);
    double mb = Files.size(ctx.dist()) / 1e6;
    report.absolute("Startup and size", "dist/switchboard size", "MB", List.of(mb), "<= 25", null);
    report.command("startup: dist/switchboard serve --config <TLS on, all listeners on 127.0.0.1> --data-dir <new dir>;"
        + " ready = HTTPS, TURN TCP and TURNS accept and STUN over UDP answers");
  }

  static double switchboardReadySeconds(Path dist, Path work) throws Exception {
    Files.createDirectories(work);
    int https = FreePorts.tcp();
    int turn = FreePorts.udpAndTcp();
    int turns = FreePorts.tcp();
    Path config = work.resolve("switchboard.yaml");
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
        """.formatted(https, turn, turns));
    InetAddress lo = InetAddress.getLoopbackAddress();
    long start = System.nanoTime();
    try (Proc proc = Proc.start("switchboard", List.of(dist.toString(), "serve", "--config", config.toString(),
        "--data-dir", work.resolve("data").toString()), work.resolve("switchboard-" + System.nanoTime() + ".log"), Map.of())) {
      Duration limit = Duration.ofSeconds(20);
      SwitchboardServer.awaitTcp(new InetSocketAddress(lo, https), limit, proc);
      SwitchboardServer.awaitTcp(new InetSocketAddress(lo, turn), limit, proc);
      SwitchboardServer.awaitTcp(new InetSocketAddress(lo, turns), limit, proc);
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
