package dev.switchboard.signaling;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The HTTPS/WSS signaling server. Thread-safe. */
public final class SignalingServer implements AutoCloseable {

  /**
   * Binds the listener and returns once it is bound.
   *
   * @param tls     a TLS context per new connection (renewed certificates apply without a restart);
   *                null serves plain HTTP/WS
   * @param tokens  verifies {@code hello} and Bearer tokens (required when auth is TOKEN)
   * @param extraMetrics appended to {@code GET /metrics} (the TURN server's)
   * @throws BindException naming the listener, e.g. "signaling HTTPS 0.0.0.0:8443: Address already in use"
   */
  public static SignalingServer start(SignalingConfig config, EventLoopGroup group, Clock clock,
                                      Supplier<SslContext> tls, IceServersProvider ice, Tokens tokens,
                                      MetricsSource extraMetrics) throws BindException {
    throw new UnsupportedOperationException("implemented by the signaling issue");
  }

  /** The bound port. */
  public int port() {
    return -1;
  }

  /**
   * Starts draining: every session gets {@code server.draining}, new connections get
   * {@code server_draining}, {@code /readyz} answers 503. Completes when every session is gone or
   * {@code deadline} has passed, whichever is first.
   */
  public CompletableFuture<Void> drain(Duration deadline) {
    return CompletableFuture.completedFuture(null);
  }

  /** Closes the listener and every connection. */
  @Override
  public void close() {
  }
}
