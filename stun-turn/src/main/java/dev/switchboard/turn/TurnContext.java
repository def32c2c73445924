package dev.switchboard.turn;

import java.time.Clock;

/**
 * Everything a handler needs besides the request: the server's shared collaborators. Immutable; each
 * member documents its own thread-safety.
 */
record TurnContext(
    TurnConfig config,
    Clock clock,
    TurnMetrics metrics,
    AllocationRegistry registry,
    RelayPortPool ports,
    PortReservations reservations,
    RelayAddresses addresses,
    RelaySockets relaySockets,
    PeerPolicy policy,
    CredentialStore credentials,
    Nonces nonces,
    UnauthorizedLimiter unauthorizedLimiter,
    IntegrityMacs macs) {

  /** Whether relaying to {@code peer} is allowed: by policy, or because it is one of our own relays. */
  boolean peerAllowed(java.net.InetSocketAddress peer) {
    return registry.isOwnRelay(peer) || policy.permits(peer.getAddress());
  }
}
