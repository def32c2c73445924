package dev.switchboard.cli;

import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server TLS context, rebuilt when the certificate or key file changes (a Let's Encrypt renewal
 * applies to new connections without a restart). Checks the files at most once per
 * {@link #CHECK_INTERVAL}; a bad replacement is logged and the previous context kept. Thread-safe.
 */
final class ReloadingSslContext implements Supplier<SslContext> {

  static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);
  /**
   * BoringSSL's per-connection buffer for what it writes outside a wrap (handshake flights, session
   * tickets, alerts), held for the connection's life: Netty's 2048 bytes by default, paid by every
   * idle WSS session. A smaller one only means such output leaves in more wrap calls.
   */
  static final int OPENSSL_NON_APPLICATION_BUFFER = 512;
  private static final Logger log = LoggerFactory.getLogger(ReloadingSslContext.class);

  private record Loaded(SslContext context, FileTime certTime, FileTime keyTime, long certSize) {}

  private final Path cert;
  private final Path key;
  private final Clock clock;
  private volatile Loaded loaded;
  private volatile long nextCheckMillis;

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
    try {
      Loaded current = loaded;
      if (current.certTime().equals(Files.getLastModifiedTime(cert))
          && current.keyTime().equals(Files.getLastModifiedTime(key))
          && current.certSize() == Files.size(cert)) {
        return;
      }
      loaded = load();
      log.info("TLS certificate {} changed: new connections use the new one", cert);
    } catch (IOException e) {
      log.warn("TLS certificate {} changed but cannot be used, keeping the previous one: {}", cert, e.getMessage());
    }
  }

  private Loaded load() throws IOException {
    FileTime certTime = Files.getLastModifiedTime(cert);
    FileTime keyTime = Files.getLastModifiedTime(key);
    long size = Files.size(cert);
    try {
      // BoringSSL (netty-tcnative) when it loads, the JDK's SSLEngine otherwise.
      SslContext context = SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
      if (context instanceof OpenSslContext openSsl) {
        openSsl.setBioNonApplicationBufferSize(OPENSSL_NON_APPLICATION_BUFFER);
      }
      return new Loaded(context, certTime, keyTime, size);
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException("cannot use " + cert + " with " + key + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
