/**
 * The STUN/TURN server (RFC 8489, RFC 8656). The public surface is {@link dev.switchboard.turn.TurnServer},
 * {@link dev.switchboard.turn.TurnConfig}, {@link dev.switchboard.turn.CredentialStore},
 * {@link dev.switchboard.turn.TurnRestCredentials}, {@link dev.switchboard.turn.UsersFileStore} and
 * {@link dev.switchboard.turn.PeerPolicy}; everything else is package-private.
 *
 * <p>Inside: listeners ({@code UdpListenerHandler}, {@code StreamFrameDecoder} +
 * {@code StreamClientHandler}) frame input with the one {@code StunFraming} rule and hand it to the
 * {@code Dispatcher}, which decodes with {@code StunCodec}, authenticates ({@code Authenticator}) and
 * calls one handler per method; what {@code StunCodec} refuses is dropped unless it is an RFC 3489
 * Binding request ({@code ClassicBindingHandler}). An {@code Allocation} and its relay socket live on
 * the event loop of their client's channel; the {@code AllocationRegistry}, {@code RelayPortPool} and
 * {@code PortReservations} are the only state shared between loops. The {@code Sweeper} expires state
 * against the injected clock.
 */
package dev.switchboard.turn;
