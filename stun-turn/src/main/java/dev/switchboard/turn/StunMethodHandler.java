package dev.switchboard.turn;

/**
 * Handles one STUN request method and returns the encoded success response. Implementations are
 * stateless and thread-safe; they run on the client's event loop.
 */
interface StunMethodHandler {

  /** @throws StunException for every error response (the dispatcher encodes it) */
  byte[] handle(TurnRequest request) throws StunException;
}
