package dev.switchboard.turn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static long-term users from a coturn-style key file: one {@code user:realm:md5key} per line
 * (md5key is 32 hex digits of MD5(user:realm:password), as {@code turnadmin -k} prints), blank
 * lines and {@code #} comments ignored. The file is reloaded when it changes; a missing file means
 * no users. Thread-safe.
 *
 * <p>The key may carry coturn's {@code 0x} prefix ({@code turnadmin -k} prints {@code 0x...}) or not.
 * A line is split at its last two colons, so a user name may contain ':' but a realm may not. A line
 * that does not parse is logged once (by line number, never its content: the key is a secret) and
 * skipped; the other lines still load.
 *
 * <p>Reloading: {@link #keys} looks at the file's size, modification time and file key at most once
 * per second (by the injected clock) and re-reads it when one changed. The check is a single
 * {@code stat}, and a users file is small (about 60 bytes a user), so the rare re-read on the
 * calling event loop costs well under a millisecond for thousands of users; that keeps the store
 * free of threads and timers. Only the caller that wins the once-per-second slot checks; concurrent
 * callers keep using the previous snapshot. A file that cannot be read, or is larger than
 * {@value #MAX_FILE_BYTES} bytes, keeps the previous users.
 * Writers should replace the file atomically (write a temporary file, then rename).
 */
public final class UsersFileStore implements CredentialStore {

  private static final Logger LOG = LoggerFactory.getLogger(UsersFileStore.class);
  private static final long CHECK_INTERVAL_MILLIS = 1000;
  /** About 130,000 users; beyond that a database is the better store. */
  static final long MAX_FILE_BYTES = 8L << 20;

  private final Path file;
  private final Clock clock;
  private final AtomicLong nextCheck = new AtomicLong(Long.MIN_VALUE);
  private volatile Snapshot snapshot = new Snapshot(null, Map.of());

  /** Uses the system clock to pace reload checks. */
  public UsersFileStore(Path file) {
    this(file, Clock.systemUTC());
  }

  /** @param clock paces the reload checks (at most one per second) */
  public UsersFileStore(Path file, Clock clock) {
    this.file = Objects.requireNonNull(file, "file");
    this.clock = Objects.requireNonNull(clock, "clock");
    reloadIfChanged();
    nextCheck.set(clock.millis() + CHECK_INTERVAL_MILLIS);
  }

  @Override
  public List<byte[]> keys(String username, String realm) {
    long now = clock.millis();
    long due = nextCheck.get();
    if (now >= due && nextCheck.compareAndSet(due, now + CHECK_INTERVAL_MILLIS)) {
      reloadIfChanged();
    }
    byte[] key = snapshot.keys.get(lookupKey(username, realm));
    return key == null ? List.of() : List.of(key.clone());
  }

  /** The long-term key of {@code user} in {@code realm} as 32 lower-case hex digits (RFC 8489 §9.2.2). */
  public static String keyHex(String user, String realm, String password) {
    return HexFormat.of().formatHex(md5(user + ":" + realm + ":" + password));
  }

  static byte[] md5(String text) {
    try {
      return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  private void reloadIfChanged() {
    Snapshot current = snapshot;
    FileStamp stamp;
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      stamp = new FileStamp(attrs.lastModifiedTime(), attrs.size(), attrs.fileKey());
    } catch (NoSuchFileException e) {
      if (current.stamp != null || nextCheck.get() == Long.MIN_VALUE) {
        LOG.info("users file {} does not exist: no static TURN users", file);
      }
      snapshot = new Snapshot(null, Map.of());
      return;
    } catch (IOException e) {
      LOG.warn("users file {} cannot be read ({}): keeping the previous users", file, e.toString());
      return;
    }
    if (stamp.equals(current.stamp)) {
      return;
    }
    if (stamp.size() > MAX_FILE_BYTES) {
      // Re-reading it would stall an event loop; a users file is ~60 bytes a user.
      LOG.warn("users file {} is larger than {} bytes: keeping the previous users", file, MAX_FILE_BYTES);
      snapshot = new Snapshot(stamp, current.keys);
      return;
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      Map<String, byte[]> keys = parse(lines);
      snapshot = new Snapshot(stamp, Map.copyOf(keys));
      LOG.info("loaded {} static TURN user(s) from {}", keys.size(), file);
    } catch (IOException e) {
      LOG.warn("users file {} cannot be read ({}): keeping the previous users", file, e.toString());
    }
  }

  private Map<String, byte[]> parse(List<String> lines) {
    Map<String, byte[]> keys = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int keyColon = line.lastIndexOf(':');
      int realmColon = keyColon <= 0 ? -1 : line.lastIndexOf(':', keyColon - 1);
      byte[] key = realmColon > 0 ? parseKey(line.substring(keyColon + 1)) : null;
      if (key == null || realmColon + 1 == keyColon) {
        LOG.warn("users file {} line {}: not user:realm:md5key (32 hex digits), skipped", file, i + 1);
        continue;
      }
      keys.put(lookupKey(line.substring(0, realmColon), line.substring(realmColon + 1, keyColon)), key);
    }
    return keys;
  }

  private static byte[] parseKey(String text) {
    String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if (hex.length() != 32) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A NUL cannot occur in a line of the file, so user and realm cannot run into each other. */
  private static String lookupKey(String user, String realm) {
    return user + '\0' + realm;
  }

  private record FileStamp(FileTime modified, long size, Object fileKey) {}

  private record Snapshot(FileStamp stamp, Map<String, byte[]> keys) {}
}
