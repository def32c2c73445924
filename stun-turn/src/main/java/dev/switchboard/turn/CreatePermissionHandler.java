package dev.switchboard.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CreatePermission (RFC 8656 §9.2): installs or refreshes permissions for one or more peer IPs.
 * Stateless and thread-safe; runs on the client's event loop.
 */
final class CreatePermissionHandler implements StunMethodHandler {

  @Override
  public byte[] handle(TurnRequest request) throws StunException {
    Allocation allocation = request.allocation();
    List<InetSocketAddress> peers = request.peers();
    // RFC 8656 §9.2 step 1: at least one XOR-PEER-ADDRESS.
    if (peers.isEmpty()) {
      throw new StunException(400, "CreatePermission without XOR-PEER-ADDRESS");
    }
    // Steps 2-3: every peer is checked before any permission is installed (all or nothing).
    Set<InetAddress> fresh = new HashSet<>();
    for (InetSocketAddress peer : peers) {
      request.checkPeer(allocation, peer);
      if (!allocation.hasPermission(peer.getAddress(), request.now())) {
        fresh.add(peer.getAddress());
      }
    }
    int limit = request.ctx().config().quotas().permissionsPerAllocation();
    if (allocation.permissionCount(request.now()) + fresh.size() > limit) {
      throw new StunException(508, "permission quota " + limit + " reached");
    }
    for (InetSocketAddress peer : peers) {
      allocation.permit(peer.getAddress(), request.now());
    }
    return request.sign(request.success());
  }
}
