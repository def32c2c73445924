package dev.switchboard.turn;

import java.net.InetAddress;

/**
 * Which peer addresses a TURN allocation may relay to (DESIGN.md "Security defaults"). Immutable and
 * thread-safe.
 */
public final class PeerPolicy {

  /**
   * @param config        allow/deny CIDR lists and the loopback switch
   * @throws IllegalArgumentException naming the CIDR that does not parse
   */
  public static PeerPolicy of(TurnConfig.Peers config) {
    throw new UnsupportedOperationException("implemented by the TURN issue");
  }

  /** True when relaying to {@code peer} is allowed. */
  public boolean permits(InetAddress peer) {
    throw new UnsupportedOperationException("implemented by the TURN issue");
  }
}
