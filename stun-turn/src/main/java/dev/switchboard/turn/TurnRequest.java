package dev.switchboard.turn;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One STUN request as a plain value with its dependencies, so a handler is tested with a recording
 * link and no network (the pion/turn pattern). Immutable; used on the client's event loop.
 *
 * @param link    the client 5-tuple the request came from
 * @param message the decoded request
 * @param auth    who signed it, or null for unauthenticated methods (Binding)
 * @param now     epoch millis from the injected clock
 * @param ctx     the server's collaborators
 */
record TurnRequest(ClientLink link, StunMessage message, Auth auth, long now, TurnContext ctx) {

  /** A success response builder carrying SOFTWARE when configured. */
  StunMessageBuilder success() {
    return success(StunMessageBuilder.responseTo(message, Stun.SUCCESS));
  }

  /**
   * As {@link #success()}, sized for a response whose own attributes take {@code attributes} bytes
   * (headers and padding included) before {@link #sign}: then the built message is the builder's array.
   */
  StunMessageBuilder success(int attributes) {
    String software = ctx.config().software();
    int length = Stun.HEADER_LENGTH + attributes
        // SOFTWARE counted in chars: exact for ASCII; longer UTF-8 grows and trims the array as before.
        + (software.isEmpty() ? 0 : StunMessageBuilder.attributeLength(software.length()))
        + (auth == null ? 0 : StunMessageBuilder.attributeLength(20)) // MESSAGE-INTEGRITY
        + StunMessageBuilder.attributeLength(4); // FINGERPRINT
    return success(StunMessageBuilder.responseTo(message, Stun.SUCCESS, length));
  }

  private StunMessageBuilder success(StunMessageBuilder b) {
    if (!ctx.config().software().isEmpty()) {
      b.addText(Stun.SOFTWARE, ctx.config().software());
    }
    return b;
  }

  /** Signs with the request's key (when authenticated) and adds FINGERPRINT. */
  byte[] sign(StunMessageBuilder b) {
    return b.build(auth == null ? null : auth.key(), ctx.macs(), true);
  }

  /**
   * The live allocation of this 5-tuple.
   *
   * @throws StunException 437 without one (RFC 8656 §7.3, §9.2, §11.2); 441 when another user asks (RFC 8656 §5)
   */
  Allocation allocation() throws StunException {
    Allocation a = link.allocation();
    if (a != null && a.expired(now)) {
      a.close("expired");
      a = null;
    }
    if (a == null) {
      throw new StunException(437, "no allocation for this 5-tuple");
    }
    if (auth != null && !auth.username().equals(a.username())) {
      throw new StunException(441, "allocation belongs to another user");
    }
    return a;
  }

  /**
   * Every XOR-PEER-ADDRESS, in order (repeats kept: CreatePermission may carry several).
   *
   * @throws StunException 400 when one is malformed
   */
  List<InetSocketAddress> peers() throws StunException {
    List<InetSocketAddress> out = new ArrayList<>(2);
    for (StunAttribute a : message.all(Stun.XOR_PEER_ADDRESS)) {
      InetSocketAddress peer = StunCodec.xorAddress(a.value(), message.raw(), StunMessage.TRANSACTION_ID_OFFSET);
      if (peer == null) {
        throw new StunException(400, "malformed XOR-PEER-ADDRESS");
      }
      out.add(peer);
    }
    return out;
  }

  /**
   * Checks {@code peer} may be relayed to from {@code allocation}.
   *
   * @throws StunException 443 when its family differs from the relay's (RFC 8656 §9.2, §11.2);
   *                       403 when the peer policy refuses it (DESIGN.md "Security defaults")
   */
  void checkPeer(Allocation allocation, InetSocketAddress peer) throws StunException {
    if (!allocation.sameFamily(peer)) {
      throw new StunException(443, "peer family differs from the relayed address");
    }
    if (!ctx.peerAllowed(peer)) {
      throw new StunException(403, "peer " + peer.getAddress().getHostAddress() + " refused by policy");
    }
  }

  /**
   * REQUESTED-ADDRESS-FAMILY: null when absent, else whether IPv6 was asked for.
   *
   * @throws StunException 440 for a family other than IPv4/IPv6 (RFC 8656 §7.2)
   */
  Boolean requestedIpv6() throws StunException {
    StunAttribute a = message.attribute(Stun.REQUESTED_ADDRESS_FAMILY);
    if (a == null) {
      return null;
    }
    if (a.value().length != 4) {
      throw new StunException(400, "malformed REQUESTED-ADDRESS-FAMILY");
    }
    int family = a.value()[0] & 0xFF;
    if (family == Stun.FAMILY_IPV4) {
      return Boolean.FALSE;
    }
    if (family == Stun.FAMILY_IPV6) {
      return Boolean.TRUE;
    }
    throw new StunException(440, "address family " + family);
  }

  /**
   * LIFETIME in seconds (unsigned), or -1 when absent.
   *
   * @throws StunException 400 when malformed
   */
  long requestedLifetimeSeconds() throws StunException {
    StunAttribute a = message.attribute(Stun.LIFETIME);
    if (a == null) {
      return -1;
    }
    if (a.value().length != 4) {
      throw new StunException(400, "malformed LIFETIME");
    }
    byte[] v = a.value();
    return ((long) (v[0] & 0xFF) << 24) | ((v[1] & 0xFF) << 16) | ((v[2] & 0xFF) << 8) | (v[3] & 0xFF);
  }
}
