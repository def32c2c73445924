package dev.switchboard.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Follows a running uclient's log and notes when each of its 1 s progress lines appeared, so that
 * what else the bench measured meanwhile can be lined up with the seconds in which the load was on.
 * uclient's own second counter cannot: it starts after its sessions connected (some 2 s in). Not
 * thread-safe; poll it from one thread.
 */
final class UclientWatch {

  /** One progress line: when we saw it (System.nanoTime), uclient's second and its received total. */
  record Seen(long at, long second, long received) {}

  private final Path log;
  private final List<Seen> seen = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private long offset;
  private boolean sending;
  /** uclient's second from which its totals (sent and received) last stayed the same; -1 before any line. */
  private long unchangedSince = -1;
  private long lastSent;
  /** Sent and received from uclient's summary, once it printed one; null before. */
  private long[] summary;

  UclientWatch(Path log) {
    this.log = log;
  }

  /** Reads what uclient wrote since the last poll; a missing log is not yet written. */
  void poll() throws IOException {
    long now = System.nanoTime();
    if (!log.toFile().exists()) {
      return;
    }
    byte[] fresh;
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      if (f.length() <= offset) {
        return;
      }
      fresh = new byte[(int) (f.length() - offset)];
      f.seek(offset);
      f.readFully(fresh);
      offset += fresh.length;
    }
    partial.append(new String(fresh, StandardCharsets.UTF_8));
    for (int nl = partial.indexOf("\n"); nl >= 0; nl = partial.indexOf("\n")) {
      accept(partial.substring(0, nl), now);
      partial.delete(0, nl + 1);
    }
  }

  /** One whole line of uclient's log, seen at {@code now}. */
  void accept(String line, long now) {
    Matcher m;
    if ((m = Uclient.PROGRESS.matcher(line)).find()) {
      long second = Long.parseLong(m.group(1));
      long sent = Long.parseLong(m.group(2));
      long received = Long.parseLong(m.group(3));
      if (seen.isEmpty() || sent != lastSent || received != last().received()) {
        unchangedSince = second;
      }
      seen.add(new Seen(now, second, received));
      lastSent = sent;
      sending |= sent > 0;
    } else if ((m = Uclient.TOTALS.matcher(line)).find()) {
      summary = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }
  }

  private Seen last() {
    return seen.get(seen.size() - 1);
  }

  /**
   * Whether uclient has sent all {@code expected} messages and received nothing more for at least
   * {@code quietSeconds} of its seconds: what is missing by then is lost (on loopback a datagram is
   * back within a millisecond or never), though uclient itself waits some 9 s more before its summary.
   */
  boolean settled(long expected, int quietSeconds) {
    return summary != null || !seen.isEmpty() && lastSent == expected && last().second() - unchangedSince >= quietSeconds;
  }

  /**
   * The totals so far as a result without uclient's summary (no RTT or jitter): sent and received
   * from the summary once printed, else from the last progress line.
   */
  Uclient.Result settledResult() {
    long sent = summary != null ? summary[0] : lastSent;
    long received = summary != null ? summary[1] : seen.isEmpty() ? 0 : last().received();
    long lost = Math.max(0, sent - received);
    double lossPercent = sent == 0 ? 0 : 100.0 * lost / sent;
    List<long[]> progress = new ArrayList<>();
    for (Seen s : seen) {
      progress.add(new long[] {s.second(), 0, s.received()});
    }
    return new Uclient.Result(sent, received, lost, lossPercent, Double.NaN, Double.NaN, 0,
        Uclient.steadyRate(progress));
  }

  /**
   * Whether uclient has begun sending its load: a progress line counted sent messages. It prints one
   * a second, so this turns true within about a second of the first message. Its connect phase
   * (allocations, permissions, channels) and its sessions' staggered starts come before.
   */
  boolean sending() {
    return sending;
  }

  /**
   * The spans of System.nanoTime between two progress lines over which uclient received at least
   * {@code rate} messages a second (by its own seconds): when the load was on. None for a rate of 0:
   * uclient never had a steady rate.
   */
  List<Span> busySpans(double rate) {
    List<Span> spans = new ArrayList<>();
    if (rate <= 0) {
      return spans;
    }
    for (int i = 1; i < seen.size(); i++) {
      Seen a = seen.get(i - 1);
      Seen b = seen.get(i);
      if (b.second() > a.second() && (b.received() - a.received()) / (double) (b.second() - a.second()) >= rate) {
        spans.add(new Span(a.at(), b.at()));
      }
    }
    return spans;
  }
}
