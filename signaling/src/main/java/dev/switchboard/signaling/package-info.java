/**
 * The WSS signaling server (../shared/PROTOCOL.md) and its HTTP endpoints. The public surface is
 * {@link dev.switchboard.signaling.SignalingServer}, {@link dev.switchboard.signaling.SignalingConfig},
 * {@link dev.switchboard.signaling.IceServersProvider}, {@link dev.switchboard.signaling.MetricsSource}
 * and {@link dev.switchboard.signaling.Tokens}; everything else is package-private.
 */
package dev.switchboard.signaling;
