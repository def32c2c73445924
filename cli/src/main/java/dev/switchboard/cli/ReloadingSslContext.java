package dev.switchboard.cli;

import dev.switchboard.cli.config.FileErrors;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server TLS context, rebuilt when the certificate or key file changes (a Let's Encrypt renewal
 * applies to new connections without a restart). Checks the files at most once per
 * {@link #CHECK_INTERVAL}; a bad replacement is logged and the previous context kept. Thread-safe.
 */
final class ReloadingSslContext implements Supplier<SslContext> {

  static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(ReloadingSslContext.class);

  private record Loaded(SslContext context, FileTime certTime, FileTime keyTime, long certSize) {}

  private final Path cert;
  private final Path key;
  private final Clock clock;
  private volatile Loaded loaded;
  private volatile long nextCheckMillis;
  /**
   * Contexts reloads replaced, oldest first, each released at the first check {@link #RELEASE_AFTER}
   * after: not at once, because a caller of {@link #get()} may hold one between that call and its
   * {@code newHandler} (each engine then holds a reference of its own, until its connection closes).
   * A minute, not one check interval, so that only a thread stalled for that long between the two
   * would meet a freed context (and fail its connection). Guarded by this.
   */
  private final ArrayDeque<Replaced> replaced = new ArrayDeque<>();

  private record Replaced(SslContext context, long atMillis) {}

  static final Duration RELEASE_AFTER = Duration.ofMinutes(1);

  /** @throws IOException naming the file when the initial certificate or key cannot be used */
  ReloadingSslContext(Path cert, Path key, Clock clock) throws IOException {
    this.cert = cert;
    this.key = key;
    this.clock = clock;
    this.loaded = load();
    this.nextCheckMillis = clock.millis() + CHECK_INTERVAL.toMillis();
  }

  @Override
  public SslContext get() {
    long now = clock.millis();
    if (now >= nextCheckMillis) {
      reloadIfChanged(now);
    }
    return loaded.context();
  }

  private synchronized void reloadIfChanged(long now) {
    if (now < nextCheckMillis) {
      return;
    }
    nextCheckMillis = now + CHECK_INTERVAL.toMillis();
    while (!replaced.isEmpty() && now - replaced.peekFirst().atMillis() >= RELEASE_AFTER.toMillis()) {
      // BoringSSL's context is freed with the last engine made from it
      ReferenceCountUtil.release(replaced.pollFirst().context());
    }
    try {
      Loaded current = loaded;
      if (current.certTime().equals(Files.getLastModifiedTime(cert))
          && current.keyTime().equals(Files.getLastModifiedTime(key))
          && current.certSize() == Files.size(cert)) {
        return;
      }
      loaded = load();
      replaced.addLast(new Replaced(current.context(), now));
      log.info("TLS certificate {} changed: new connections use the new one", cert);
    } catch (IOException e) {
      log.warn("TLS certificate {} changed but cannot be used, keeping the previous one: {}", cert,
          FileErrors.describe(null, e));
    }
  }

  private Loaded load() throws IOException {
    FileTime certTime = Files.getLastModifiedTime(cert);
    FileTime keyTime = Files.getLastModifiedTime(key);
    long size = Files.size(cert);
    return new Loaded(ServerTls.fromPem(cert, key), certTime, keyTime, size);
  }
}
