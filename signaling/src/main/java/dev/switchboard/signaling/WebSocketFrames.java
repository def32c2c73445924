package dev.switchboard.signaling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Arrays;

/**
 * RFC 6455 framing (§5.2) on the server's side: a server's frame as the bytes that go on the wire
 * (unmasked), and a client's frame read from them (masked, which is required). Used by {@link
 * WebSocketFrameHandler} rather than Netty's WebSocket13FrameEncoder and WebSocket13FrameDecoder,
 * whose handlers and pipeline contexts every idle connection carried (232 bytes of heap each; bench
 * memory-wss); a client's frame comes out as one array, which is what the hub reads anyway.
 */
final class WebSocketFrames {

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** A frame from a client, unmasked. */
  record ClientFrame(boolean fin, int opcode, byte[] payload) {}

  /** Payloads up to this size are copied behind their header into one buffer, larger ones sent as they are. */
  static final int COPY_LIMIT = 1024;

  private WebSocketFrames() {}

  /** {@code frame} framed; takes over the frame's reference (releases it, or passes its content on). */
  static ByteBuf encode(ByteBufAllocator alloc, WebSocketFrame frame) {
    ByteBuf payload = frame.content();
    int length = payload.readableBytes();
    int opcode = opcode(frame);
    if (opcode < 0 || opcode >= 0x8 && length > 125) {
      frame.release();
      throw new IllegalArgumentException(opcode < 0 ? "not a frame type of RFC 6455: " + frame.getClass().getName()
          : "a control frame carries at most 125 bytes, not " + length);
    }
    int headerLength = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
    boolean copy = length <= COPY_LIMIT;
    ByteBuf out = alloc.buffer(headerLength + (copy ? length : 0));
    out.writeByte((frame.isFinalFragment() ? 0x80 : 0) | (frame.rsv() & 0x7) << 4 | opcode);
    if (length <= 125) {
      out.writeByte(length);
    } else if (length <= 0xFFFF) {
      out.writeByte(126);
      out.writeShort(length);
    } else {
      out.writeByte(127);
      out.writeLong(length);
    }
    if (copy) {
      out.writeBytes(payload, payload.readerIndex(), length);
      frame.release();
      return out;
    }
    return alloc.compositeBuffer(2).addComponents(true, out, payload);
  }

  /** The frame's opcode; -1 for a type RFC 6455 does not define. */
  private static int opcode(WebSocketFrame frame) {
    if (frame instanceof TextWebSocketFrame) {
      return TEXT;
    } else if (frame instanceof ContinuationWebSocketFrame) {
      return CONTINUATION;
    } else if (frame instanceof BinaryWebSocketFrame) {
      return BINARY;
    } else if (frame instanceof CloseWebSocketFrame) {
      return CLOSE;
    } else if (frame instanceof PingWebSocketFrame) {
      return PING;
    } else if (frame instanceof PongWebSocketFrame) {
      return PONG;
    }
    return -1;
  }

  /**
   * The client's frame at the front of {@code in}, taken from it; null (nothing taken) while not all
   * of it has arrived. A payload over {@code maxPayload} is refused from the header, before it is
   * buffered.
   *
   * @throws CorruptedWebSocketFrameException with 1009 for a payload over {@code maxPayload}, with 1002
   *     for a frame RFC 6455 forbids: reserved bits set (no extension is negotiated), not masked, an
   *     unknown opcode, a control frame fragmented or over 125 bytes, a length not in its shortest
   *     form, a close frame with a one-byte body, an invalid status code or a reason not UTF-8
   */
  static ClientFrame decode(ByteBuf in, int maxPayload) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    if (readable < 2) {
      return null;
    }
    int b0 = in.getUnsignedByte(start);
    int b1 = in.getUnsignedByte(start + 1);
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    boolean control = (opcode & 0x8) != 0;
    int length7 = b1 & 0x7F;
    if ((b0 & 0x70) != 0) {
      throw violation("reserved bits set, and no extension defines them");
    }
    if ((b1 & 0x80) == 0) {
      throw violation("a client's frames must be masked");
    }
    if (control ? opcode > PONG : opcode > BINARY) {
      throw violation("unknown opcode " + opcode);
    }
    if (control && (!fin || length7 > 125)) {
      throw violation("a control frame must be final and carry at most 125 bytes");
    }
    int headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
    if (readable < headerLength) {
      return null;
    }
    long length = length7 == 126 ? in.getUnsignedShort(start + 2) : length7 == 127 ? in.getLong(start + 2) : length7;
    if (length7 == 126 && length < 126 || length7 == 127 && length < 0x10000) { // a negative one too
      throw violation("a payload length not in its shortest form");
    }
    if (length > maxPayload) {
      throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG,
          "a frame of " + length + " bytes, over the limit of " + maxPayload);
    }
    if (readable - headerLength < length) {
      return null;
    }
    byte[] payload = new byte[(int) length];
    in.getBytes(start + headerLength, payload);
    unmask(payload, in.getInt(start + headerLength - 4));
    in.skipBytes(headerLength + payload.length);
    if (opcode == CLOSE) {
      checkCloseBody(payload);
    }
    return new ClientFrame(fin, opcode, payload);
  }

  private static void unmask(byte[] payload, int mask) {
    byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= key[i & 3];
    }
  }

  /** RFC 6455 §5.5.1 and §7.4: no body, or a valid status code and then a UTF-8 reason. */
  private static void checkCloseBody(byte[] body) {
    if (body.length == 0) {
      return;
    }
    if (body.length == 1) {
      throw violation("a close frame's body is a two-byte status code and a reason, not one byte");
    }
    int status = (body[0] & 0xFF) << 8 | body[1] & 0xFF;
    if (!WebSocketCloseStatus.isValidStatusCode(status) || status >= 5000) { // Netty's check lets 5000 and up pass
      throw violation("close status " + status + " is not one a peer may send");
    }
    if (!WebSocketFrameHandler.isUtf8(Arrays.copyOfRange(body, 2, body.length))) {
      throw violation("a close frame's reason must be UTF-8");
    }
  }

  static CorruptedWebSocketFrameException violation(String what) {
    return new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, what);
  }
}
