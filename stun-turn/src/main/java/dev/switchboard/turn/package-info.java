/**
 * The STUN/TURN server (RFC 8489, RFC 8656). The public surface is {@link dev.switchboard.turn.TurnServer},
 * {@link dev.switchboard.turn.TurnConfig}, {@link dev.switchboard.turn.CredentialStore},
 * {@link dev.switchboard.turn.TurnRestCredentials}, {@link dev.switchboard.turn.UsersFileStore} and
 * {@link dev.switchboard.turn.PeerPolicy}; everything else is package-private.
 */
package dev.switchboard.turn;
