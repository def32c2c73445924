package dev.switchboard.turn;

/** A request that passed long-term credential checks: who sent it and the key that signed it. Immutable. */
record Auth(String username, byte[] key) {
}
