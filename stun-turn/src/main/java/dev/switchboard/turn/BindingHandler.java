package dev.switchboard.turn;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** STUN Binding (RFC 8489 §6.3.1): reflects the client's transport address. Stateless and thread-safe. */
final class BindingHandler implements StunMethodHandler {

  @Override
  public byte[] handle(TurnRequest request) {
    // RFC 8489 §14.2: the reflexive address goes out XOR'ed so NATs rewriting payloads do not touch it.
    InetSocketAddress remote = request.link().remote();
    int address = remote.getAddress() instanceof Inet6Address ? 16 : 4;
    return request.sign(request.success(StunMessageBuilder.attributeLength(4 + address))
        .addXorAddress(Stun.XOR_MAPPED_ADDRESS, remote));
  }
}
