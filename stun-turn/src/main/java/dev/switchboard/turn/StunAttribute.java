package dev.switchboard.turn;

/** One STUN attribute as received: its type and a copy of its value (without padding). Immutable. */
record StunAttribute(int type, byte[] value) {
}
