package dev.switchboard.turn;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * ChannelBind (RFC 8656 §11.2): binds a channel number to a peer and installs its permission.
 * Stateless and thread-safe; runs on the client's event loop.
 */
final class ChannelBindHandler implements StunMethodHandler {

  @Override
  public byte[] handle(TurnRequest request) throws StunException {
    Allocation allocation = request.allocation();
    StunAttribute number = request.message().attribute(Stun.CHANNEL_NUMBER);
    List<InetSocketAddress> peers = request.peers();
    // RFC 8656 §11.2 step 1: a valid CHANNEL-NUMBER (see Stun.MAX_CHANNEL) and an XOR-PEER-ADDRESS are required.
    if (number == null || number.value().length != 4 || peers.isEmpty()) {
      throw new StunException(400, "ChannelBind needs CHANNEL-NUMBER and XOR-PEER-ADDRESS");
    }
    int channel = (number.value()[0] & 0xFF) << 8 | (number.value()[1] & 0xFF);
    if (channel < Stun.MIN_CHANNEL || channel > Stun.MAX_CHANNEL) {
      throw new StunException(400, "channel number " + Integer.toHexString(channel) + " out of range");
    }
    InetSocketAddress peer = peers.get(0);
    request.checkPeer(allocation, peer);
    long now = request.now();
    // Step 2: the channel is bound to another peer -> 400.
    Allocation.ChannelBinding byNumber = allocation.channel(channel, now);
    if (byNumber != null && !byNumber.peer.equals(peer)) {
      throw new StunException(400, "channel already bound to another peer");
    }
    // Step 3: the peer is bound to another channel -> 400.
    Allocation.ChannelBinding byPeer = allocation.channelFor(peer, now);
    if (byPeer != null && byPeer.number != channel) {
      throw new StunException(400, "peer already bound to another channel");
    }
    if (!allocation.hasPermission(peer.getAddress(), now)
        && allocation.permissionCount(now) >= request.ctx().config().quotas().permissionsPerAllocation()) {
      throw new StunException(508, "permission quota reached");
    }
    // RFC 8656 §11.2: binding (or rebinding, which refreshes) also installs/refreshes the permission.
    allocation.bindChannel(channel, peer, now);
    allocation.permit(peer.getAddress(), now);
    return request.sign(request.success());
  }
}
