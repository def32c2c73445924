package dev.switchboard.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The probe's codec against the RFC 5769 test vectors and round trips. */
class StunMessageTest {

  private static final HexFormat HEX = HexFormat.of();

  /** RFC 5769 §2.2: IPv4 response; XOR-MAPPED-ADDRESS 192.0.2.1:32853, short-term key "VOkJxbRl1RmTxUk/WvJxBt". */
  private static final String RESPONSE = "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b"
      + "7465737420766563746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
      + "80280004c07d4c96";

  @Test
  void decodesTheRfc5769ResponseAndVerifiesItsIntegrityAndFingerprint() throws Exception {
    byte[] bytes = HEX.parseHex(RESPONSE);
    StunMessage m = StunMessage.decode(bytes, bytes.length);
    assertThat(m.messageClass()).isEqualTo(StunMessage.CLASS_SUCCESS);
    assertThat(m.method()).isEqualTo(StunMessage.BINDING);
    assertThat(m.address(StunMessage.XOR_MAPPED_ADDRESS))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
    // Integrity over everything before MESSAGE-INTEGRITY with the length ending after it.
    byte[] signed = Arrays.copyOf(bytes, bytes.length - 8 - 24);
    signed[3] = (byte) (bytes.length - 20 - 8);
    byte[] mac = StunMessage.hmacSha1("VOkJxbRl1RmTxUk/WvJxBt".getBytes(), signed);
    assertThat(mac).isEqualTo(m.attribute(StunMessage.MESSAGE_INTEGRITY));
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    assertThat((int) crc.getValue() ^ 0x5354554e).isEqualTo(java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt());
  }

  @Test
  void encodeSignsLikeTheRfcAndRoundTrips() throws Exception {
    byte[] tid = HEX.parseHex("b7e7a701bc34d686fa87dfae");
    StunMessage request = new StunMessage(StunMessage.type(StunMessage.ALLOCATE, StunMessage.CLASS_REQUEST), tid)
        .addString(StunMessage.USERNAME, "alice")
        .addXorAddress(StunMessage.XOR_PEER_ADDRESS, new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 5000));
    byte[] key = StunMessage.longTermKey("alice", "realm", "pw");
    byte[] bytes = request.encode(key);
    assertThat(bytes.length % 4).isZero();
    StunMessage decoded = StunMessage.decode(bytes, bytes.length);
    assertThat(decoded.method()).isEqualTo(StunMessage.ALLOCATE);
    assertThat(decoded.stringAttribute(StunMessage.USERNAME)).isEqualTo("alice");
    assertThat(decoded.address(StunMessage.XOR_PEER_ADDRESS).getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
    byte[] signed = Arrays.copyOf(bytes, bytes.length - 8 - 24);
    int length = bytes.length - 20 - 8;
    signed[2] = (byte) (length >> 8);
    signed[3] = (byte) length;
    assertThat(StunMessage.hmacSha1(key, signed)).isEqualTo(decoded.attribute(StunMessage.MESSAGE_INTEGRITY));
    assertThat(decoded.attributes.get(decoded.attributes.size() - 1).type()).isEqualTo(StunMessage.FINGERPRINT);
  }

  @Test
  void typeEncodingFollowsRfc8489Section5() {
    assertThat(StunMessage.type(StunMessage.BINDING, StunMessage.CLASS_SUCCESS)).isEqualTo(0x0101);
    assertThat(StunMessage.type(StunMessage.ALLOCATE, StunMessage.CLASS_ERROR)).isEqualTo(0x0113);
    assertThat(StunMessage.type(StunMessage.CHANNEL_BIND, StunMessage.CLASS_REQUEST)).isEqualTo(0x0009);
  }
}
