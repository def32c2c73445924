package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Data indications encoded straight into a buffer decode, with the codec, to the peer and the payload. */
class DataIndicationsTest {

  @ParameterizedTest
  @CsvSource({"203.0.113.9, 40000, 120", "203.0.113.9, 1, 1", "2001:db8::7, 65535, 13", "2001:db8:1:2:3:4:5:6, 5004, 0"})
  void decodesToThePeerAndThePayload(String ip, int port, int length) throws Exception {
    InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(ip), port);
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) (i * 7 + 1);
    }
    ByteBuf source = Unpooled.wrappedBuffer(new byte[] {9, 9}, payload).skipBytes(2).retain();
    ByteBuf encoded = DataIndications.encode(ByteBufAllocator.DEFAULT, peer, source, length);
    try {
      assertThat(encoded.readableBytes() % 4).isZero();
      StunMessage m = StunCodec.decode(encoded);
      assertThat(m).as("a valid STUN message").isNotNull();
      assertThat(m.isIndication()).isTrue();
      assertThat(m.method()).isEqualTo(Stun.DATA);
      assertThat(StunCodec.xorAddress(m.attribute(Stun.XOR_PEER_ADDRESS).value(), m.transactionId())).isEqualTo(peer);
      assertThat(m.attribute(Stun.DATA_ATTR).value()).isEqualTo(payload);
      assertThat(source.readerIndex()).as("the payload is read, not consumed").isEqualTo(2);
    } finally {
      encoded.release();
      source.release();
    }
  }
}
