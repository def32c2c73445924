package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;

/**
 * The one framing rule shared by UDP and TCP/TLS (RFC 8656 §12.5): a frame is a STUN message (first
 * two bits 00, 20-byte header + length) or a ChannelData message (first byte 0x40–0x7F, see {@link Stun#MAX_CHANNEL}; 4-byte header
 * + length, padded to a multiple of 4 on streams). Stateless.
 */
final class StunFraming {

  /** Not enough bytes yet to know or hold the frame. */
  static final int NEED_MORE = -1;
  /** The bytes cannot start a frame. */
  static final int INVALID = -2;

  private StunFraming() {
  }

  /**
   * The length of the frame starting at {@code in.readerIndex()} (padding included on streams), or
   * {@link #NEED_MORE} / {@link #INVALID}. For a datagram ({@code stream == false}) a frame that does
   * not fit in the readable bytes is {@link #INVALID}; a STUN message must fill the datagram exactly.
   */
  static int frameLength(ByteBuf in, boolean stream) {
    int readable = in.readableBytes();
    if (readable < 4) {
      return stream ? NEED_MORE : INVALID;
    }
    int start = in.readerIndex();
    int first = in.getUnsignedByte(start);
    int length = in.getUnsignedShort(start + 2);
    int frame;
    if ((first & 0xC0) == 0) {
      if ((length & 3) != 0) {
        return INVALID;
      }
      frame = Stun.HEADER_LENGTH + length;
      if (!stream && frame != readable) {
        return INVALID;
      }
    } else if (Stun.isChannelData(first)) {
      frame = 4 + length;
      if (stream) {
        // RFC 8656 §12.5: over TCP/TLS ChannelData is padded to a multiple of four bytes.
        frame = (frame + 3) & ~3;
      }
    } else {
      return INVALID;
    }
    if (frame > readable) {
      return stream ? NEED_MORE : INVALID;
    }
    return frame;
  }
}
