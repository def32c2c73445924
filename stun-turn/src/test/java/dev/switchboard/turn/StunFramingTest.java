package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class StunFramingTest {

  @Test
  void stunMessageMustFillTheDatagram() {
    ByteBuf exact = Unpooled.wrappedBuffer(StunCodecTest.SAMPLE_REQUEST);
    assertThat(StunFraming.frameLength(exact, false)).isEqualTo(StunCodecTest.SAMPLE_REQUEST.length);
    ByteBuf trailing = Unpooled.wrappedBuffer(StunCodecTest.SAMPLE_REQUEST, new byte[4]);
    assertThat(StunFraming.frameLength(trailing, false)).isEqualTo(StunFraming.INVALID);
  }

  @Test
  void streamWaitsForSplitFramesAndPadsChannelData() {
    ByteBuf half = Unpooled.wrappedBuffer(StunCodecTest.SAMPLE_REQUEST, 0, 30);
    assertThat(StunFraming.frameLength(half, true)).isEqualTo(StunFraming.NEED_MORE);
    assertThat(StunFraming.frameLength(Unpooled.wrappedBuffer(new byte[] {0x40, 0}), true))
        .isEqualTo(StunFraming.NEED_MORE);
    // ChannelData with 5 bytes of data: 9 bytes on UDP, padded to 12 on streams.
    byte[] cd = {0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0};
    assertThat(StunFraming.frameLength(Unpooled.wrappedBuffer(cd), true)).isEqualTo(12);
    assertThat(StunFraming.frameLength(Unpooled.wrappedBuffer(cd), false)).isEqualTo(9);
    assertThat(StunFraming.frameLength(Unpooled.wrappedBuffer(cd, 0, 11), true)).isEqualTo(StunFraming.NEED_MORE);
  }

  @Test
  void rejectsWhatCannotStartAFrame() {
    assertThat(StunFraming.frameLength(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 0, 0}), true))
        .isEqualTo(StunFraming.INVALID);
    assertThat(StunFraming.frameLength(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 0, 0}), false))
        .isEqualTo(StunFraming.INVALID);
    assertThat(StunFraming.frameLength(Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 3}), true))
        .isEqualTo(StunFraming.INVALID);
    assertThat(StunFraming.frameLength(Unpooled.wrappedBuffer(new byte[] {0x40, 0, 0x00, 0x10, 1}), false))
        .isEqualTo(StunFraming.INVALID);
  }
}
