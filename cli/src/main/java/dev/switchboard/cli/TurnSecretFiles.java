package dev.switchboard.cli;

import dev.switchboard.cli.config.FileErrors;
import dev.switchboard.cli.config.SwitchboardConfig;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
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
      log.warn("TURN REST secret file changed but cannot be read, keeping the previous secrets: {}",
          FileErrors.describe(null, e));
    }
  }

  private List<FileTime> times() throws IOException {
    List<FileTime> times = new ArrayList<>();
    for (Path file : files) {
      times.add(Files.getLastModifiedTime(file));
    }
    return times;
  }

  /**
   * Content that is not secrets, naming its file (null when the problem is all the files together):
   * a config error of the file's entry in turn.auth.secretFiles. A file that cannot be read is a
   * FileSystemException instead, which names it too.
   */
  static final class BadContent extends IOException {

    private final transient Path file;

    BadContent(Path file, String message) {
      super(message);
      this.file = file;
    }
  }

  /**
   * The user's message for secret files that cannot be used, with its fix. Files named in
   * turn.auth.secretFiles are the user's to fix: a config error (exit 2) at the line of the file's
   * entry, like those found while loading. DATA_DIR/turn-secret is made by serve and the secret
   * command: exit 1.
   */
  static UserError unusable(SwitchboardConfig config, IOException e) {
    List<SwitchboardConfig.NamedFile> entries = config.turnAuth().secretFiles();
    boolean configured = !entries.isEmpty();
    String problem = FileErrors.describe(null, e);
    String fix;
    if (e instanceof NoSuchFileException) {
      fix = configured ? "create it with the secret on its first line, or fix the path"
          : "run 'switchboard secret' to create it";
    } else if (e instanceof FileSystemException) {
      fix = configured ? "check its permissions, or fix the path" : "check its permissions or choose another --data-dir";
    } else {
      fix = configured ? "write one secret per line, the current one first"
          : "delete it to have a new one made by 'switchboard secret' or 'switchboard serve'";
    }
    if (!configured) {
      return new UserError(UserError.RUNTIME, problem + " (" + fix + ")", e);
    }
    // No one file is to blame when none holds a secret: the first should hold the current one.
    Path file = e instanceof FileSystemException fs && fs.getFile() != null ? Path.of(fs.getFile())
        : e instanceof BadContent bad ? bad.file : null;
    SwitchboardConfig.NamedFile entry = entries.stream().filter(f -> f.path().equals(file)).findFirst()
        .orElse(entries.get(0));
    return UserError.config(List.of(entry.origin().problem("turn.auth.secretFiles", problem + ": " + fix)), e);
  }

  private Snapshot read() throws IOException {
    List<FileTime> times = times();
    List<Entry> entries = new ArrayList<>();
    for (Path file : files) {
      entries.addAll(parse(file));
    }
    if (entries.isEmpty() && extraSecret.isEmpty()) {
      throw files.size() == 1 ? new BadContent(files.get(0), files.get(0) + " holds no secret")
          : new BadContent(null, "none of " + files + " holds a secret");
    }
    return new Snapshot(times, entries);
  }

  /**
   * Parses one secret file; also used by the {@code secret} command.
   *
   * @throws FileSystemException naming the file when it cannot be read; a plain IOException naming it
   *     when its content is not secrets
   */
  static List<Entry> parse(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (FileSystemException e) {
      throw e;
    } catch (CharacterCodingException e) {
      throw new BadContent(file, file + " is not UTF-8 text");
    } catch (IOException e) {
      // A directory reads as a bare "Is a directory": a failure to read the file all the same.
      throw new FileSystemException(file.toString(), null, e.getMessage());
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
          throw new BadContent(file, file + " line " + (i + 1) + ": expires= needs unix seconds");
        }
        if (expires > java.time.Instant.MAX.getEpochSecond()) { // no date has it: every reader of it would fail
          throw new BadContent(file, file + " line " + (i + 1) + ": expires=" + expires + " is past any date: "
              + "give unix seconds, or no expires= for the current secret");
        }
      } else if (parts.length != 1) {
        throw new BadContent(file, file + " line " + (i + 1)
            + ": expected '<secret>' or '<secret> expires=<unix-seconds>'");
      }
      entries.add(new Entry(parts[0], expires));
    }
    return entries;
  }
}
