/**
 * The {@code switchboard} command line and the composition root: {@code serve} wires the TURN and
 * signaling servers; the other commands make certificates, users, secrets, credentials and tokens,
 * probe STUN/TURN servers, import coturn configs and check a config.
 */
package dev.switchboard.cli;
