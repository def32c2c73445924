/**
 * {@code switchboard probe}: a small standalone STUN/TURN client (RFC 8489, RFC 8656) that checks
 * reachability, the reflexive address, authentication, allocation and a relayed round trip against
 * any STUN/TURN server. It has its own codec because the server's codec is internal to stun-turn
 * and ice4j cannot sign MESSAGE-INTEGRITY without a StunStack.
 */
package dev.switchboard.cli.probe;
