package dev.switchboard.turn;

import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Send indication (RFC 8656 §10.2): relays DATA to XOR-PEER-ADDRESS. Indications get no answer, so
 * every failure is a silent discard. Stateless and thread-safe; runs on the client's event loop.
 */
final class SendIndicationHandler {

  private static final Logger log = LoggerFactory.getLogger(SendIndicationHandler.class);

  void handle(ClientLink link, StunMessage message, TurnContext ctx) {
    long now = ctx.clock().millis();
    Allocation allocation = link.allocation();
    if (allocation == null || allocation.expired(now)) {
      return;
    }
    StunAttribute peerAttr = message.attribute(Stun.XOR_PEER_ADDRESS);
    StunAttribute data = message.attribute(Stun.DATA_ATTR);
    // RFC 8656 §10.2: without XOR-PEER-ADDRESS or DATA the indication is discarded.
    if (peerAttr == null || data == null) {
      return;
    }
    InetSocketAddress peer = StunCodec.xorAddress(peerAttr.value(), message.raw(), StunMessage.TRANSACTION_ID_OFFSET);
    if (peer == null) {
      return;
    }
    if (!allocation.sameFamily(peer)) { // an IPv4-mapped peer included: data a request would have got 443 for
      ctx.metrics().droppedPackets.increment();
      return;
    }
    // RFC 8656 §10.2 + DESIGN.md: a peer the policy refuses is discarded (it cannot have a permission either).
    if (!ctx.peerAllowed(peer)) {
      log.debug("send indication to refused peer {} dropped", peer.getAddress().getHostAddress());
      ctx.metrics().droppedPackets.increment();
      return;
    }
    allocation.sendToPeer(Unpooled.wrappedBuffer(data.value()), peer, now);
  }
}
