package dev.switchboard.cli.probe;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A blocking STUN/TURN client over one {@link ProbeConnection}: transactions with retransmission on
 * UDP, the long-term credential mechanism (RFC 8489 §9.2) and the TURN requests the probe needs.
 * Confined to the probe's thread.
 */
final class TurnClient implements Closeable {

  private static final int FIRST_RTO_MILLIS = 500;

  /** The result of an Allocate. */
  record Allocation(InetSocketAddress relayed, InetSocketAddress mapped) {}

  private final ProbeConnection connection;
  private final String serverName;
  private final Credentials credentials;
  private final Clock clock;
  private final Duration timeout;
  private final SecureRandom random = new SecureRandom();
  private String realm;
  private String nonce;
  private byte[] key;

  TurnClient(ProbeConnection connection, String serverName, Credentials credentials, Clock clock, Duration timeout) {
    this.connection = connection;
    this.serverName = serverName;
    this.credentials = credentials;
    this.clock = clock;
    this.timeout = timeout;
  }

  ProbeConnection connection() {
    return connection;
  }

  String realm() {
    return realm;
  }

  /** A Binding request: the server-reflexive address (RFC 8489 §14.2). */
  InetSocketAddress binding() throws IOException, ProbeFailure {
    StunMessage response = transact(StunMessage.BINDING, m -> { }, false);
    if (response.messageClass() != StunMessage.CLASS_SUCCESS) {
      throw new ProbeFailure("Binding failed: " + describe(response));
    }
    InetSocketAddress mapped = response.address(StunMessage.XOR_MAPPED_ADDRESS);
    if (mapped == null) {
      mapped = response.address(StunMessage.MAPPED_ADDRESS);
    }
    if (mapped == null) {
      throw new ProbeFailure("Binding response from " + serverName + " has no (XOR-)MAPPED-ADDRESS: not a STUN server?");
    }
    return mapped;
  }

  /** Allocate a UDP relay (RFC 8656 §7.1), authenticating on the 401 challenge. */
  Allocation allocate() throws IOException, ProbeFailure {
    StunMessage response = authenticated(StunMessage.ALLOCATE,
        m -> m.addInt(StunMessage.REQUESTED_TRANSPORT, 17 << 24));
    if (response.messageClass() != StunMessage.CLASS_SUCCESS) {
      throw new ProbeFailure("Allocate refused: " + describe(response) + hint(response.errorCode()));
    }
    InetSocketAddress relayed = response.address(StunMessage.XOR_RELAYED_ADDRESS);
    if (relayed == null) {
      throw new ProbeFailure("Allocate response from " + serverName + " has no XOR-RELAYED-ADDRESS");
    }
    return new Allocation(relayed, response.address(StunMessage.XOR_MAPPED_ADDRESS));
  }

  void createPermission(InetSocketAddress peer) throws IOException, ProbeFailure {
    StunMessage response = authenticated(StunMessage.CREATE_PERMISSION,
        m -> m.addXorAddress(StunMessage.XOR_PEER_ADDRESS, peer));
    if (response.messageClass() != StunMessage.CLASS_SUCCESS) {
      throw new ProbeFailure("CreatePermission for " + peer.getAddress().getHostAddress() + " refused: "
          + describe(response) + hint(response.errorCode()));
    }
  }

  void channelBind(int channel, InetSocketAddress peer) throws IOException, ProbeFailure {
    StunMessage response = authenticated(StunMessage.CHANNEL_BIND, m -> m
        .addInt(StunMessage.CHANNEL_NUMBER, channel << 16)
        .addXorAddress(StunMessage.XOR_PEER_ADDRESS, peer));
    if (response.messageClass() != StunMessage.CLASS_SUCCESS) {
      throw new ProbeFailure("ChannelBind to " + peer + " refused: " + describe(response) + hint(response.errorCode()));
    }
  }

  /** A Send indication (RFC 8656 §10.1): unauthenticated, unanswered. */
  void sendIndication(InetSocketAddress peer, byte[] data) throws IOException {
    byte[] tid = new byte[12];
    random.nextBytes(tid);
    connection.send(new StunMessage(StunMessage.type(StunMessage.SEND, StunMessage.CLASS_INDICATION), tid)
        .addXorAddress(StunMessage.XOR_PEER_ADDRESS, peer).add(StunMessage.DATA, data).encode(null));
  }

  /** Frees the allocation at once (Refresh with LIFETIME 0, RFC 8656 §7.2); failures do not matter. */
  void release() {
    try {
      authenticated(StunMessage.REFRESH, m -> m.addInt(StunMessage.LIFETIME, 0));
    } catch (IOException | ProbeFailure ignored) {
      // The allocation times out on its own.
    }
  }

  /**
   * A request with long-term credentials: the first attempt without them draws 401 with REALM and
   * NONCE (RFC 8489 §9.2.4), a 438 is answered with the fresh nonce once (§9.2.5).
   */
  private StunMessage authenticated(int method, Consumer<StunMessage> attributes) throws IOException, ProbeFailure {
    StunMessage response = transact(method, attributes, key != null);
    for (int attempt = 0; attempt < 3 && response.messageClass() == StunMessage.CLASS_ERROR; attempt++) {
      int code = response.errorCode();
      if (code == 401 && key == null) {
        challenge(response);
      } else if (code == 401) {
        throw new ProbeFailure("bad credentials: 401 Unauthorized after authenticating as '" + credentials.username()
            + "' in realm '" + realm + "' (check --user/--password, or --secret against the server's secret)");
      } else if (code == 438) {
        if (attempt > 0) {
          throw new ProbeFailure("stale nonce: 438 again right after a fresh nonce from " + serverName
              + " (its nonce lifetime is shorter than one round trip, or its clock jumps)");
        }
        nonce = response.stringAttribute(StunMessage.NONCE);
        if (nonce == null) {
          throw new ProbeFailure("438 Stale Nonce from " + serverName + " without a NONCE attribute");
        }
      } else {
        return response;
      }
      response = transact(method, attributes, true);
    }
    return response;
  }

  private void challenge(StunMessage response) throws ProbeFailure {
    realm = response.stringAttribute(StunMessage.REALM);
    nonce = response.stringAttribute(StunMessage.NONCE);
    if (realm == null || nonce == null) {
      throw new ProbeFailure("401 from " + serverName + " without REALM and NONCE: not a long-term credential challenge");
    }
    if (!credentials.present()) {
      throw new ProbeFailure("authentication required (realm '" + realm
          + "'): give --user U --password P, or --secret S for TURN REST credentials");
    }
    if (!credentials.expectedRealm().isEmpty() && !credentials.expectedRealm().equals(realm)) {
      throw new ProbeFailure("wrong realm: the server's realm is '" + realm + "', not '" + credentials.expectedRealm()
          + "' (fix --realm, or the server's realm setting)");
    }
    key = StunMessage.longTermKey(credentials.username(), realm, credentials.password());
  }

  /** One transaction: retransmits on UDP (RTO 500 ms doubling, RFC 8489 §6.2.1) until the timeout. */
  private StunMessage transact(int method, Consumer<StunMessage> attributes, boolean sign)
      throws IOException, ProbeFailure {
    byte[] tid = new byte[12];
    random.nextBytes(tid);
    StunMessage request = new StunMessage(StunMessage.type(method, StunMessage.CLASS_REQUEST), tid);
    attributes.accept(request);
    if (sign) {
      request.addString(StunMessage.USERNAME, credentials.username())
          .addString(StunMessage.REALM, realm)
          .addString(StunMessage.NONCE, nonce);
    }
    byte[] bytes = request.encode(sign ? key : null);
    long deadline = clock.millis() + timeout.toMillis();
    int rto = FIRST_RTO_MILLIS;
    long nextSend = 0;
    try {
      while (true) {
        long now = clock.millis();
        if (now >= deadline) {
          throw new ProbeFailure("no answer from " + serverName + " within " + timeout.toMillis()
              + " ms (server down, port closed or filtered by a firewall)");
        }
        if (now >= nextSend) {
          connection.send(bytes);
          nextSend = connection.reliable() ? Long.MAX_VALUE : now + rto;
          rto *= 2;
        }
        long wait = Math.min(deadline, nextSend) - now;
        ProbeConnection.Received received = connection.receive((int) Math.max(1, wait));
        if (received != null && received.stun() != null && Arrays.equals(received.stun().transactionId, tid)
            && received.stun().method() == method) {
          return received.stun();
        }
      }
    } catch (PortUnreachableException e) {
      throw new ProbeFailure("port closed: " + serverName + " answered ICMP port unreachable (is the server running?)");
    }
  }

  private static String describe(StunMessage response) {
    return response.errorCode() + " " + response.errorReason().trim();
  }

  private static String hint(int code) {
    return switch (code) {
      case 403 -> " (the server's peer policy forbids this address)";
      case 437 -> " (allocation mismatch: a previous allocation on this 5-tuple still exists)";
      case 441 -> " (wrong credentials for this allocation)";
      case 442 -> " (the server does not relay UDP)";
      case 486 -> " (allocation quota reached for this user)";
      case 508 -> " (the server is out of relay ports: widen its relay port range)";
      default -> "";
    };
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
