package dev.switchboard.turn;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.BindException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The STUN/TURN server: UDP, TCP and TLS listeners on a shared event loop group. Thread-safe.
 */
public final class TurnServer implements AutoCloseable {

  /**
   * Binds every configured listener and returns once all are bound.
   *
   * @param tls a TLS context per new TLS connection (so certificate renewals apply without a
   *            restart); null when TLS is off
   * @throws BindException naming the listener, e.g. "TURN UDP 0.0.0.0:3478: Address already in use"
   */
  public static TurnServer start(TurnConfig config, EventLoopGroup group, Clock clock,
                                 CredentialStore credentials, Supplier<SslContext> tls) throws BindException {
    throw new UnsupportedOperationException("implemented by the TURN issue");
  }

  /** The bound UDP port, or -1 when UDP is off. */
  public int udpPort() {
    return -1;
  }

  /** The bound TCP port, or -1 when TCP is off. */
  public int tcpPort() {
    return -1;
  }

  /** The bound TLS port, or -1 when TLS is off. */
  public int tlsPort() {
    return -1;
  }

  /** Appends this server's metrics in Prometheus text format (allocations, relayed bytes/packets, auth failures). */
  public void appendPrometheus(StringBuilder out) {
  }

  /** Closes every listener and relay socket and waits until they are closed. */
  @Override
  public void close() {
  }
}
