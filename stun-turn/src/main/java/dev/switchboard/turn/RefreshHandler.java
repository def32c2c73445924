package dev.switchboard.turn;

/**
 * Refresh (RFC 8656 §7.3): extends or (LIFETIME 0) deletes the 5-tuple's allocation.
 * Stateless and thread-safe; runs on the client's event loop.
 */
final class RefreshHandler implements StunMethodHandler {

  @Override
  public byte[] handle(TurnRequest request) throws StunException {
    // RFC 8656 §7.3: no allocation on this 5-tuple -> 437; another user's -> 441.
    Allocation allocation = request.allocation();
    // RFC 8656 §7.3: REQUESTED-ADDRESS-FAMILY that does not match the allocation -> 443.
    Boolean ipv6 = request.requestedIpv6();
    if (ipv6 != null && ipv6 != allocation.ipv6()) {
      throw new StunException(443, "refresh for another address family");
    }
    TurnConfig.Lifetimes lifetimes = request.ctx().config().lifetimes();
    long requested = request.requestedLifetimeSeconds();
    long seconds;
    if (requested == 0) {
      // RFC 8656 §7.3: a desired lifetime of zero deletes the allocation.
      allocation.close("refreshed to 0");
      seconds = 0;
    } else {
      seconds = lifetimes.allocationSeconds(requested);
      allocation.refresh(request.now() + seconds * 1000);
    }
    return request.sign(request.success().addInt(Stun.LIFETIME, (int) seconds));
  }
}
