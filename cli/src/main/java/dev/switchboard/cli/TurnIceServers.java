package dev.switchboard.cli;

import dev.switchboard.cli.config.PublicAddress;
import dev.switchboard.signaling.IceServersProvider;
import dev.switchboard.turn.TurnRestCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * ICE servers for browsers: stun:, turn: (udp, tcp) and turns: URLs on the public address, with fresh
 * TURN REST credentials whose username is {@code <expiry>:<peerId>}. Thread-safe.
 */
final class TurnIceServers implements IceServersProvider {

  private final List<String> stunUrls;
  private final List<String> turnUrls;
  private final TurnRestCredentials credentials;
  private final Duration ttl;

  /**
   * @param port    the UDP/TCP STUN/TURN port clients reach, or -1 for none
   * @param tlsPort the TLS port, or -1 for none
   */
  TurnIceServers(PublicAddress address, int udpPort, int tcpPort, int tlsPort,
                 TurnRestCredentials credentials, Duration ttl) {
    String host = address.urlHost();
    List<String> stun = new ArrayList<>();
    List<String> turn = new ArrayList<>();
    if (udpPort > 0) {
      stun.add("stun:" + host + ":" + udpPort);
      turn.add("turn:" + host + ":" + udpPort + "?transport=udp");
    }
    if (tcpPort > 0) {
      turn.add("turn:" + host + ":" + tcpPort + "?transport=tcp");
    }
    if (tlsPort > 0) {
      turn.add("turns:" + host + ":" + tlsPort + "?transport=tcp");
    }
    this.stunUrls = List.copyOf(stun);
    this.turnUrls = List.copyOf(turn);
    this.credentials = credentials;
    this.ttl = ttl;
  }

  @Override
  public IceConfig iceServers(String peerId) {
    List<IceServer> servers = new ArrayList<>(2);
    if (!stunUrls.isEmpty()) {
      servers.add(new IceServer(stunUrls, null, null));
    }
    if (!turnUrls.isEmpty()) {
      TurnRestCredentials.Credential credential = credentials.mint(peerId, ttl);
      servers.add(new IceServer(turnUrls, credential.username(), credential.password()));
    }
    return new IceConfig(servers, ttl);
  }

  /** Every URL clients are given, for the start-up log and {@code config check}. */
  List<String> urls() {
    List<String> all = new ArrayList<>(stunUrls);
    all.addAll(turnUrls);
    return all;
  }
}
