package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs coturn's own load client, turnutils_uclient, and reads its summary. Each message makes two
 * relay hops through the server: client-to-client (-y) goes client → relay A → relay B → client,
 * with turnutils_peer it goes client → relay → peer → relay → client.
 */
final class Uclient {

  /** How the clients talk to the server. */
  enum Mode {
    UDP_CHANNELS("UDP, ChannelData", List.of("-y")),
    UDP_SEND("UDP, Send/Data indications", List.of("-y", "-s")),
    TCP_CHANNELS("TCP, ChannelData", List.of("-t", "-y")),
    UDP_PEER("UDP, ChannelData, to turnutils_peer", List.of());

    final String label;
    final List<String> flags;

    Mode(String label, List<String> flags) {
      this.label = label;
      this.flags = flags;
    }
  }

  /**
   * One load: {@code clients} sessions, each sending {@code messages} of {@code bytes} every
   * {@code intervalMs} (uclient starts each session 1-6 s after the allocations, at random).
   */
  record Load(Mode mode, int clients, int messages, int intervalMs, int bytes) {
    double offeredMessagesPerSecond() {
      return clients * 1000.0 / intervalMs;
    }

    /** The same pacing in another mode, with another message count per session. */
    Load with(Mode otherMode, int otherMessages) {
      return new Load(otherMode, clients, otherMessages, intervalMs, bytes);
    }
  }

  /** Totals from uclient's summary; {@code steadyReceivedPerSecond} is from its 1 s progress lines. */
  record Result(long sent, long received, long lost, double lossPercent, double rttMs, double jitterMs,
                int transmitSeconds, double steadyReceivedPerSecond) {
    long relayedPackets() {
      return 2 * received;
    }
  }

  static final Pattern TOTALS = Pattern.compile("start_mclient: tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)\\s*$");
  static final Pattern PROGRESS = Pattern.compile("^(\\d+): : start_mclient: msz=\\d+, tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");
  private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+) \\(([0-9.]+)%\\)");
  private static final Pattern RTT = Pattern.compile("Average round trip delay ([0-9.]+) ms");
  private static final Pattern JITTER = Pattern.compile("Average jitter ([0-9.]+) ms");
  private static final Pattern TRANSMIT = Pattern.compile("Total transmit time is (\\d+)");

  /**
   * In peer mode uclient binds a random channel number (0x4000-0x7FFF) to the peer's port + 1, then
   * another random one to the peer itself, on the same allocation. One session in 16384 draws the
   * same number twice; RFC 8656 §12 makes that second ChannelBind a 400 on any server (coturn too),
   * and uclient exits without a summary. That is uclient's dice, not the server's fault.
   */
  private static final Pattern CHANNEL_BIND_REFUSED = Pattern.compile("channel bind: error 400");

  /** uclient drew one channel number for two peers of one session (see CHANNEL_BIND_REFUSED); a rerun draws anew. */
  static final class ChannelNumberClash extends IOException {
    ChannelNumberClash(String message) {
      super(message);
    }
  }

  /**
   * Runs of one load before a ChannelNumberClash counts as a failure: a run of 20 sessions clashes
   * about once in 820, three in a row about once in 5·10^8.
   */
  static final int CLASH_ATTEMPTS = 3;

  private Uclient() {}

  /** {@code run}'s result, running it again (up to CLASH_ATTEMPTS in all) when uclient drew a ChannelNumberClash. */
  static <T> T rerunOnChannelClash(Callable<T> run) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return run.call();
      } catch (ChannelNumberClash clash) {
        if (attempt >= CLASH_ATTEMPTS) {
          throw clash;
        }
        System.out.println("  running uclient again: " + clash.getMessage().lines().findFirst().orElse(""));
      }
    }
  }

  static List<String> command(InetSocketAddress server, TurnSetup setup, Load load, InetSocketAddress peer) {
    List<String> cmd = new ArrayList<>(List.of("turnutils_uclient", "-c",
        "-u", setup.user(), "-w", setup.password(), "-p", Integer.toString(server.getPort()),
        "-m", Integer.toString(load.clients()), "-n", Integer.toString(load.messages()),
        "-z", Integer.toString(load.intervalMs()), "-l", Integer.toString(load.bytes())));
    cmd.addAll(load.mode().flags);
    if (load.mode() == Mode.UDP_PEER) {
      cmd.addAll(List.of("-e", peer.getAddress().getHostAddress(), "-r", Integer.toString(peer.getPort())));
    }
    cmd.add(server.getAddress().getHostAddress());
    return cmd;
  }

  static Result run(InetSocketAddress server, TurnSetup setup, Load load, InetSocketAddress peer, Path log,
                    long timeoutSeconds) throws IOException, InterruptedException {
    return await(start(server, setup, load, peer, log), log, timeoutSeconds);
  }

  static Process start(InetSocketAddress server, TurnSetup setup, Load load, InetSocketAddress peer, Path log)
      throws IOException {
    return new ProcessBuilder(command(server, setup, load, peer)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  static Result await(Process p, Path log, long timeoutSeconds) throws IOException, InterruptedException {
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IOException("turnutils_uclient did not finish in " + timeoutSeconds + " s; see " + log);
    }
    return parse(Files.readAllLines(log), log);
  }

  static Result parse(List<String> lines, Path log) throws IOException {
    long sent = -1;
    long received = -1;
    long lost = -1;
    double lossPercent = -1;
    double rtt = 0;
    double jitter = 0;
    int transmit = 0;
    List<long[]> progress = new ArrayList<>();
    for (String line : lines) {
      Matcher m;
      if ((m = PROGRESS.matcher(line)).find()) {
        progress.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
      } else if ((m = TOTALS.matcher(line)).find()) {
        sent = Long.parseLong(m.group(1));
        received = Long.parseLong(m.group(2));
      } else if ((m = LOST.matcher(line)).find()) {
        lost = Long.parseLong(m.group(1));
        lossPercent = Double.parseDouble(m.group(2));
      } else if ((m = RTT.matcher(line)).find()) {
        rtt = Double.parseDouble(m.group(1));
      } else if ((m = JITTER.matcher(line)).find()) {
        jitter = Double.parseDouble(m.group(1));
      } else if ((m = TRANSMIT.matcher(line)).find()) {
        transmit = Integer.parseInt(m.group(1));
      }
    }
    if (sent < 0 || lost < 0) {
      String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
      if (lines.stream().anyMatch(l -> CHANNEL_BIND_REFUSED.matcher(l).find())) {
        throw new ChannelNumberClash("turnutils_uclient's ChannelBind was refused with 400 (in peer mode, one"
            + " session in 16384 binds one random channel number to two peers); see " + log + ":\n" + tail);
      }
      throw new IOException("turnutils_uclient printed no summary; see " + log + ":\n" + tail);
    }
    return new Result(sent, received, lost, lossPercent, rtt, jitter, transmit, steadyRate(progress));
  }

  /**
   * The median of the per-second received counts over the busiest part of the run: uclient staggers
   * session starts over 1-6 s and the last sessions finish alone, so whole-run averages understate it.
   * The seconds after the last one that received anything are left out: when messages are missing,
   * uclient waits some 9 s for them before its summary, a progress line a second with nothing new,
   * and a peak step ended once its totals stood still (UclientRunner#peakStep) has none of those, so
   * counting them would make the same load read lower when run to uclient's end.
   */
  static double steadyRate(List<long[]> progress) {
    List<Double> rates = new ArrayList<>();
    int lastReceiving = 0;
    for (int i = 1; i < progress.size(); i++) {
      long dt = progress.get(i)[0] - progress.get(i - 1)[0];
      if (dt > 0) {
        double rate = (progress.get(i)[2] - progress.get(i - 1)[2]) / (double) dt;
        rates.add(rate);
        if (rate > 0) {
          lastReceiving = rates.size();
        }
      }
    }
    List<Double> receiving = rates.subList(0, lastReceiving);
    if (receiving.isEmpty()) {
      return 0;
    }
    receiving.sort(null);
    // The top third of the seconds: the window in which every session was sending.
    List<Double> top = receiving.subList(receiving.size() * 2 / 3, receiving.size());
    return Summary.of(top).median();
  }
}
