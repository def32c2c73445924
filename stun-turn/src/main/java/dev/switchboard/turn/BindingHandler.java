package dev.switchboard.turn;

/** STUN Binding (RFC 8489 §6.3.1): reflects the client's transport address. Stateless and thread-safe. */
final class BindingHandler implements StunMethodHandler {

  @Override
  public byte[] handle(TurnRequest request) {
    // RFC 8489 §14.2: the reflexive address goes out XOR'ed so NATs rewriting payloads do not touch it.
    return request.sign(request.success().addXorAddress(Stun.XOR_MAPPED_ADDRESS, request.link().remote()));
  }
}
