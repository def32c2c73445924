package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class StreamFrameDecoderTest {

  @Test
  void reassemblesFramesSplitAcrossReadsAndSplitsCoalescedOnes() {
    EmbeddedChannel ch = new EmbeddedChannel(new StreamFrameDecoder());
    byte[] stun = StunRequests.request(Stun.BINDING).build(null, true);
    byte[] channelData = {0x40, 0x00, 0x00, 0x03, 1, 2, 3, 0};
    ch.writeInbound(Unpooled.wrappedBuffer(stun, 0, 5));
    assertThat((Object) ch.readInbound()).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(stun, 5, stun.length - 5),
        Unpooled.wrappedBuffer(channelData, 0, 6)));
    ByteBuf first = ch.readInbound();
    assertThat(first.readableBytes()).isEqualTo(stun.length);
    first.release();
    assertThat((Object) ch.readInbound()).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(channelData, 6, 2));
    ByteBuf second = ch.readInbound();
    assertThat(second.readableBytes()).isEqualTo(8);
    second.release();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void garbageClosesTheConnectionAndNothingAfterItIsDecoded() {
    EmbeddedChannel ch = new EmbeddedChannel(new StreamFrameDecoder());
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0, 0, 0, 0},
        StunRequests.request(Stun.BINDING).build(null, true)));
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(ch.isOpen()).isFalse();
  }
}
