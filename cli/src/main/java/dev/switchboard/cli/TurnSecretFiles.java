package dev.switchboard.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TURN REST shared secrets, read from files and re-read when they change (checked at most once a
 * second), so {@code switchboard secret --rotate} applies to a running server.
 *
 * <p>File format: one secret per line, the current one first; {@code #} comments and blank lines
 * ignored. A line {@code <secret> expires=<unix-seconds>} is a previous secret, still accepted until
 * then. Thread-safe.
 */
final class TurnSecretFiles implements Supplier<List<String>> {

  private static final Logger log = LoggerFactory.getLogger(TurnSecretFiles.class);
  private static final long CHECK_MILLIS = 1000;

  private record Snapshot(List<FileTime> times, List<Entry> entries) {}

  /** One secret and, for a previous one, when it stops being accepted (Long.MAX_VALUE: never). */
  record Entry(String secret, long expiresEpochSeconds) {}

  private final List<Path> files;
  private final String extraSecret;
  private final Clock clock;
  private volatile Snapshot snapshot;
  private volatile long nextCheckMillis;

  /** @param extraSecret a secret from the environment, or empty */
  TurnSecretFiles(List<Path> files, String extraSecret, Clock clock) throws IOException {
    this.files = List.copyOf(files);
    this.extraSecret = extraSecret;
    this.clock = clock;
    this.snapshot = read();
    this.nextCheckMillis = clock.millis() + CHECK_MILLIS;
  }

  @Override
  public List<String> get() {
    long now = clock.millis();
    if (now >= nextCheckMillis) {
      refresh(now);
    }
    long nowSeconds = now / 1000;
    List<String> valid = new ArrayList<>(snapshot.entries().size() + 1);
    for (Entry entry : snapshot.entries()) {
      if (entry.expiresEpochSeconds() > nowSeconds) {
        valid.add(entry.secret());
      }
    }
    if (!extraSecret.isEmpty()) {
      valid.add(extraSecret);
    }
    return valid;
  }

  private synchronized void refresh(long now) {
    if (now < nextCheckMillis) {
      return;
    }
    nextCheckMillis = now + CHECK_MILLIS;
    try {
      if (!times().equals(snapshot.times())) {
        snapshot = read();
        log.info("TURN REST secrets reloaded from {}", files);
      }
    } catch (IOException e) {
      log.warn("TURN REST secret file changed but cannot be read, keeping the previous secrets: {}", e.getMessage());
    }
  }

  private List<FileTime> times() throws IOException {
    List<FileTime> times = new ArrayList<>();
    for (Path file : files) {
      times.add(Files.getLastModifiedTime(file));
    }
    return times;
  }

  private Snapshot read() throws IOException {
    List<FileTime> times = times();
    List<Entry> entries = new ArrayList<>();
    for (Path file : files) {
      entries.addAll(parse(file));
    }
    if (entries.isEmpty() && extraSecret.isEmpty()) {
      throw new IOException(files + " holds no secret: write one per line, or delete "
          + "DATA_DIR/turn-secret to have one made");
    }
    return new Snapshot(times, entries);
  }

  /** Parses one secret file; also used by the {@code secret} command. */
  static List<Entry> parse(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file (turn.auth.secretFiles)");
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      long expires = Long.MAX_VALUE;
      if (parts.length == 2 && parts[1].startsWith("expires=")) {
        try {
          expires = Long.parseLong(parts[1].substring("expires=".length()));
        } catch (NumberFormatException e) {
          throw new IOException(file + " line " + (i + 1) + ": expires= needs unix seconds");
        }
      } else if (parts.length != 1) {
        throw new IOException(file + " line " + (i + 1) + ": expected '<secret>' or '<secret> expires=<unix-seconds>'");
      }
      entries.add(new Entry(parts[0], expires));
    }
    return entries;
  }
}
