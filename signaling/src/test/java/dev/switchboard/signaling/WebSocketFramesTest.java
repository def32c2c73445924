package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our framing, read back by Netty's client-side decoder (RFC 6455 §5.2), at every length boundary. */
class WebSocketFramesTest {

  @Test
  void textFramesOfEveryLengthClassDecodeToTheSamePayload() {
    for (int length : new int[] {0, 1, 125, 126, 127, WebSocketFrames.COPY_LIMIT, WebSocketFrames.COPY_LIMIT + 1,
        0xFFFF, 0x10000, 300_000}) {
      byte[] payload = new byte[length];
      Arrays.fill(payload, (byte) 'a');
      WebSocketFrame decoded = roundTrip(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
      try {
        assertThat(decoded).as("length %d", length).isInstanceOf(TextWebSocketFrame.class);
        assertThat(decoded.isFinalFragment()).isTrue();
        assertThat(ByteBufUtil.getBytes(decoded.content())).as("length %d", length).isEqualTo(payload);
      } finally {
        decoded.release();
      }
    }
  }

  @Test
  void headerBytesAreTheMinimalForm() {
    assertThat(header(125)).containsExactly(0x81, 125);
    assertThat(header(126)).containsExactly(0x81, 126, 0, 126);
    assertThat(header(0x10000)).containsExactly(0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0);
  }

  @Test
  void everyFrameTypeKeepsItsKindFlagsAndPayload() {
    CloseWebSocketFrame close = (CloseWebSocketFrame) roundTrip(new CloseWebSocketFrame(1009, "message_too_large"));
    assertThat(close.statusCode()).isEqualTo(1009);
    assertThat(close.reasonText()).isEqualTo("message_too_large");
    close.release();
    WebSocketFrame ping = roundTrip(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
    assertThat(ping).isInstanceOf(PingWebSocketFrame.class);
    assertThat(ByteBufUtil.getBytes(ping.content())).containsExactly(1, 2);
    ping.release();
    assertThat(roundTrip(new PongWebSocketFrame())).isInstanceOf(PongWebSocketFrame.class);
    assertThat(roundTrip(new BinaryWebSocketFrame())).isInstanceOf(BinaryWebSocketFrame.class);

    EmbeddedChannel client = client();
    client.writeInbound(WebSocketFrames.encode(ByteBufAllocator.DEFAULT,
        new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {'a'}))));
    client.writeInbound(WebSocketFrames.encode(ByteBufAllocator.DEFAULT,
        new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {'b'}))));
    WebSocketFrame first = client.readInbound();
    WebSocketFrame last = client.readInbound();
    assertThat(first).isInstanceOf(TextWebSocketFrame.class);
    assertThat(first.isFinalFragment()).isFalse();
    assertThat(last).isInstanceOf(ContinuationWebSocketFrame.class);
    assertThat(last.isFinalFragment()).isTrue();
    first.release();
    last.release();
    client.finishAndReleaseAll();
  }

  @Test
  void aControlFrameOverItsLimitIsRefusedAndReleased() {
    PingWebSocketFrame ping = new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[126]));
    assertThatThrownBy(() -> WebSocketFrames.encode(ByteBufAllocator.DEFAULT, ping))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("125");
    assertThat(ping.refCnt()).isZero();
  }

  @Test
  void theFramesReferenceIsTakenOver() {
    TextWebSocketFrame small = new TextWebSocketFrame("small");
    WebSocketFrames.encode(ByteBufAllocator.DEFAULT, small).release();
    assertThat(small.refCnt()).isZero();
    TextWebSocketFrame large = new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[WebSocketFrames.COPY_LIMIT + 1]));
    WebSocketFrames.encode(ByteBufAllocator.DEFAULT, large).release();
    assertThat(large.refCnt()).isZero();
  }

  private static int[] header(int length) {
    ByteBuf out = WebSocketFrames.encode(ByteBufAllocator.DEFAULT, new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[length])));
    try {
      int headerLength = out.readableBytes() - length;
      int[] bytes = new int[headerLength];
      for (int i = 0; i < headerLength; i++) {
        bytes[i] = out.getUnsignedByte(out.readerIndex() + i);
      }
      return bytes;
    } finally {
      out.release();
    }
  }

  private static WebSocketFrame roundTrip(WebSocketFrame frame) {
    EmbeddedChannel client = client();
    assertThat(client.writeInbound(WebSocketFrames.encode(ByteBufAllocator.DEFAULT, frame))).isTrue();
    WebSocketFrame decoded = client.readInbound();
    client.finishAndReleaseAll();
    return decoded;
  }

  /** A client's decoder: frames from a server are not masked. */
  private static EmbeddedChannel client() {
    return new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
  }

  // The reading side: what a client sends, masked.

  @Test
  void clientFramesOfEveryLengthClassDecodeUnmasked() {
    for (int length : new int[] {0, 1, 125, 126, 0xFFFF, 0x10000, 100_000}) {
      byte[] payload = new byte[length];
      new java.util.Random(length).nextBytes(payload);
      ByteBuf wire = masked(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
      try {
        WebSocketFrames.ClientFrame frame = WebSocketFrames.decode(wire, 1 << 20);
        assertThat(frame).as("length %d", length).isNotNull();
        assertThat(frame.opcode()).isEqualTo(WebSocketFrames.BINARY);
        assertThat(frame.fin()).isTrue();
        assertThat(frame.payload()).as("length %d", length).isEqualTo(payload);
        assertThat(wire.isReadable()).isFalse();
      } finally {
        wire.release();
      }
    }
  }

  @Test
  void aFrameArrivingByteByByteIsTakenOnlyWhenWholeAndTheNextOneStaysPut() {
    ByteBuf wire = Unpooled.buffer();
    ByteBuf first = masked(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer("x".repeat(200).getBytes())));
    ByteBuf second = masked(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer("yz".getBytes())));
    ByteBuf both = Unpooled.wrappedBuffer(first, second);
    int total = both.readableBytes();
    WebSocketFrames.ClientFrame frame = null;
    int fed = 0;
    while (frame == null) {
      wire.writeByte(both.readByte());
      fed++;
      int before = wire.readerIndex();
      frame = WebSocketFrames.decode(wire, 1 << 20);
      if (frame == null) {
        assertThat(wire.readerIndex()).as("nothing taken from a partial frame").isEqualTo(before);
      }
    }
    assertThat(fed).isEqualTo(total - 2 - 4 - 2); // the second frame: 2 header bytes, 4 of mask, 2 of payload
    assertThat(frame.opcode()).isEqualTo(WebSocketFrames.TEXT);
    assertThat(frame.fin()).isFalse();
    assertThat(new String(frame.payload())).isEqualTo("x".repeat(200));
    wire.writeBytes(both);
    WebSocketFrames.ClientFrame next = WebSocketFrames.decode(wire, 1 << 20);
    assertThat(next.opcode()).isEqualTo(WebSocketFrames.CONTINUATION);
    assertThat(next.fin()).isTrue();
    assertThat(new String(next.payload())).isEqualTo("yz");
    assertThat(WebSocketFrames.decode(wire, 1 << 20)).isNull();
    both.release();
    wire.release();
  }

  @Test
  void aPayloadOverTheLimitIsRefusedFromItsHeaderWith1009() {
    ByteBuf wire = masked(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[5000])));
    ByteBuf header = wire.retainedSlice(0, 8); // the 2-byte header, 2 of length and the mask: no payload yet
    assertThatThrownBy(() -> WebSocketFrames.decode(header, 4999))
        .isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
            e -> assertThat(e.closeStatus()).isEqualTo(WebSocketCloseStatus.MESSAGE_TOO_BIG));
    assertThat(WebSocketFrames.decode(wire, 5000).payload()).hasSize(5000);
    header.release();
    wire.release();
  }

  @Test
  void framesRfc6455ForbidsAreProtocolErrors() {
    byte[] unmasked = {(byte) 0x81, 0x00};
    byte[] reservedBits = {(byte) 0xC1, (byte) 0x80, 0, 0, 0, 0};
    byte[] unknownData = {(byte) 0x83, (byte) 0x80, 0, 0, 0, 0};
    byte[] unknownControl = {(byte) 0x8B, (byte) 0x80, 0, 0, 0, 0};
    byte[] fragmentedPing = {(byte) 0x09, (byte) 0x80, 0, 0, 0, 0};
    byte[] longPing = {(byte) 0x89, (byte) (0x80 | 126), 0, 126, 0, 0, 0, 0};
    byte[] notShortest16 = {(byte) 0x81, (byte) (0x80 | 126), 0, 125, 0, 0, 0, 0};
    byte[] notShortest64 = {(byte) 0x81, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0};
    byte[] negative64 = {(byte) 0x81, (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] oneByteClose = {(byte) 0x88, (byte) 0x81, 0, 0, 0, 0, 0x03};
    byte[] close1005 = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xED};
    byte[] close5000 = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x13, (byte) 0x88};
    byte[] closeBadReason = {(byte) 0x88, (byte) 0x84, 0, 0, 0, 0, 0x03, (byte) 0xE8, (byte) 0xC3, 0x28};
    for (byte[] bytes : List.of(unmasked, reservedBits, unknownData, unknownControl, fragmentedPing, longPing,
        notShortest16, notShortest64, negative64, oneByteClose, close1005, close5000, closeBadReason)) {
      ByteBuf wire = Unpooled.wrappedBuffer(bytes);
      assertThatThrownBy(() -> WebSocketFrames.decode(wire, 1 << 20)).as(ByteBufUtil.hexDump(bytes))
          .isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
              e -> assertThat(e.closeStatus()).isEqualTo(WebSocketCloseStatus.PROTOCOL_ERROR));
    }
    ByteBuf fine = Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, (byte) 0x84, 0, 0, 0, 0, 0x0F, (byte) 0xA0, 'o', 'k'});
    WebSocketFrames.ClientFrame close = WebSocketFrames.decode(fine, 1 << 20);
    assertThat(close.opcode()).isEqualTo(WebSocketFrames.CLOSE);
    assertThat(close.payload()).containsExactly(0x0F, 0xA0, 'o', 'k');
  }

  /** {@code frame} as a client sends it: masked, by Netty's encoder. */
  private static ByteBuf masked(WebSocketFrame frame) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
    client.writeOutbound(frame);
    ByteBuf wire = Unpooled.buffer();
    for (ByteBuf part; (part = client.readOutbound()) != null; ) {
      wire.writeBytes(part);
      part.release();
    }
    client.finishAndReleaseAll();
    return wire;
  }
}
