package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coturn's turnutils_uclient relays through our server with zero loss: UDP with channels, UDP with
 * Send indications, TCP, TLS, static users and the REST secret, against turnutils_peer and
 * client-to-client. The runs are independent clients, so they run in parallel to keep this fast.
 */
class UclientIT {

  private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+)");
  private static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");

  @TempDir
  static Path dir;
  private static LoopbackTurnServer turn;
  private static Process peer;
  private static Process peer6;
  private static int peerPort;
  private static int peer6Port;
  private static Path uclient;

  @BeforeAll
  static void start() throws Exception {
    uclient = ExternalTools.require("turnutils_uclient");
    Path peerTool = ExternalTools.require("turnutils_peer");
    turn = new LoopbackTurnServer(dir, 26000, 26999, Clock.systemUTC());
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      peerPort = probe.getLocalPort();
    }
    peer = ExternalTools.start(List.of(peerTool.toString(), "-L", "127.0.0.1", "-p", String.valueOf(peerPort)),
        dir.resolve("peer.log"));
    if (turn.server.context().addresses().supports(true)) {
      try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("::1", 0))) {
        peer6Port = probe.getLocalPort();
      }
      peer6 = ExternalTools.start(List.of(peerTool.toString(), "-L", "::1", "-p", String.valueOf(peer6Port)),
          dir.resolve("peer6.log"));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process p : new Process[] {peer, peer6}) {
      if (p != null) {
        p.destroy();
        p.waitFor();
      }
    }
    if (turn != null) {
      turn.close();
    }
  }

  @Test
  void relaysWithZeroLossInEveryMode() throws Exception {
    String udp = String.valueOf(turn.server.udpPort());
    String tcp = String.valueOf(turn.server.tcpPort());
    String tls = String.valueOf(turn.server.tlsPort());
    String peerArgs = "-e 127.0.0.1 -r " + peerPort;
    Map<String, String> runs = new LinkedHashMap<>();
    runs.put("udp channels, static user", "-u alice -w secret " + peerArgs + " -p " + udp);
    runs.put("udp send indications", "-s -u alice -w secret " + peerArgs + " -p " + udp);
    runs.put("tcp", "-t -u bob -w pw " + peerArgs + " -p " + tcp);
    runs.put("tls", "-t -S -u alice -w secret " + peerArgs + " -p " + tls);
    runs.put("rest secret", "-u carol -W " + LoopbackTurnServer.REST_SECRET + " " + peerArgs + " -p " + udp);
    runs.put("client to client", "-y -u alice -w secret -p " + udp);
    runs.put("client to client, tcp", "-y -t -u bob -w pw -p " + tcp);
    runs.put("client to client, send, rest", "-y -s -u dave -W " + LoopbackTurnServer.REST_SECRET + " -p " + udp);
    if (peer6 != null) {
      // REQUESTED-ADDRESS-FAMILY IPv6: relayed address on ::1, peer on ::1, client over IPv4.
      runs.put("ipv6 relay", "-x -u alice -w secret -e ::1 -r " + peer6Port + " -p " + udp);
    } else {
      System.err.println("*** host has no IPv6 loopback: skipping the IPv6 relay run ***");
    }
    ExecutorService pool = Executors.newFixedThreadPool(runs.size());
    try {
      Map<String, Future<ExternalTools.Result>> results = new LinkedHashMap<>();
      runs.forEach((name, args) -> results.put(name, pool.submit(() -> {
        List<String> cmd = new ArrayList<>();
        cmd.add(uclient.toString());
        cmd.addAll(List.of("-n", "10", "-m", "2", "-z", "5", "-l", "120"));
        cmd.addAll(List.of(args.split(" ")));
        cmd.add("127.0.0.1");
        return ExternalTools.run(cmd, 40);
      })));
      for (Map.Entry<String, Future<ExternalTools.Result>> e : results.entrySet()) {
        ExternalTools.Result r = e.getValue().get();
        assertZeroLoss(e.getKey(), r);
      }
    } finally {
      pool.shutdownNow();
    }
    StringBuilder metrics = new StringBuilder();
    turn.server.appendPrometheus(metrics);
    assertThat(metrics.toString()).containsPattern("switchboard_turn_relayed_packets_total [1-9]");
  }

  private static void assertZeroLoss(String name, ExternalTools.Result r) throws Exception {
    String out = r.output();
    Files.writeString(dir.resolve(name.replace(' ', '_').replace(',', '_') + ".log"), out);
    assertThat(r.exitCode()).as(name + ":\n" + tail(out)).isZero();
    Matcher lost = LOST.matcher(out);
    assertThat(lost.find()).as(name + ": no loss line\n" + tail(out)).isTrue();
    assertThat(Integer.parseInt(lost.group(1))).as(name + ":\n" + tail(out)).isZero();
    Matcher totals = TOTALS.matcher(out);
    int sent = -1;
    int received = -1;
    while (totals.find()) {
      sent = Integer.parseInt(totals.group(1));
      received = Integer.parseInt(totals.group(2));
    }
    // 2 clients x 10 messages; client-to-client mode counts both directions (40).
    assertThat(sent).as(name + ":\n" + tail(out)).isIn(20, 40);
    assertThat(received).as(name + ":\n" + tail(out)).isEqualTo(sent);
  }

  private static String tail(String out) {
    String[] lines = out.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
  }
}
