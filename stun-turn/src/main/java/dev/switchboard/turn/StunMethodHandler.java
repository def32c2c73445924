package dev.switchboard.turn;

/** Handles one STUN request method and returns the encoded success response. Runs on the client's event loop. */
interface StunMethodHandler {

  /** @throws StunException for every error response (the dispatcher encodes it) */
  byte[] handle(TurnRequest request) throws StunException;
}
