package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.junit.jupiter.api.Test;

/** Pins the codec and integrity to the RFC 5769 test vectors, and cross-checks encoding with ice4j. */
class StunCodecTest {

  private static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

  // RFC 5769 §2.1
  static final byte[] SAMPLE_REQUEST = hex(
      "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e20746573742063"
      + "6c69656e74002400046e0001ff80290008932ff9b151263b36000600096576746a3a68"
      + "367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");
  // RFC 5769 §2.2
  static final byte[] SAMPLE_IPV4_RESPONSE = hex(
      "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
      + "002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
      + "80280004c07d4c96");
  // RFC 5769 §2.3
  static final byte[] SAMPLE_IPV6_RESPONSE = hex(
      "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
      + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014a382954e4be67bf1"
      + "1784c97c8292c275bfe3ed4180280004c8fb0b4c");
  // RFC 5769 §2.4
  static final byte[] SAMPLE_LONG_TERM_REQUEST = hex(
      "000100602112a44278ad3433c6ad72c029da412e00060012e3839ee38388e383aae38383"
      + "e382afe382b900000015001c662f2f3439396b39353464364f4c33346f4c394653547679"
      + "363473410014000b6578616d706c652e6f72670000080014f67024656dd64a3e02b8e071"
      + "2e85c9a28ca89666");

  @Test
  void decodesSampleRequestAndVerifiesShortTermIntegrityAndFingerprint() {
    StunMessage m = StunCodec.decode(SAMPLE_REQUEST);
    assertThat(m).isNotNull();
    assertThat(m.method()).isEqualTo(Stun.BINDING);
    assertThat(m.isRequest()).isTrue();
    assertThat(m.text(Stun.USERNAME)).isEqualTo("evtj:h6vY");
    assertThat(m.text(Stun.SOFTWARE)).isEqualTo("STUN test client");
    assertThat(StunCodec.verifyIntegrity(m, SHORT_TERM_KEY)).isTrue();
    assertThat(StunCodec.verifyIntegrity(m, "wrong".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void decodesIpv4AndIpv6ResponsesWithTheirMappedAddresses() {
    StunMessage v4 = StunCodec.decode(SAMPLE_IPV4_RESPONSE);
    assertThat(v4.cls()).isEqualTo(Stun.SUCCESS);
    assertThat(StunCodec.verifyIntegrity(v4, SHORT_TERM_KEY)).isTrue();
    assertThat(StunCodec.xorAddress(v4.attribute(Stun.XOR_MAPPED_ADDRESS).value(), v4.transactionId()))
        .isEqualTo(new InetSocketAddress("192.0.2.1", 32853));
    StunMessage v6 = StunCodec.decode(SAMPLE_IPV6_RESPONSE);
    assertThat(StunCodec.verifyIntegrity(v6, SHORT_TERM_KEY)).isTrue();
    assertThat(StunCodec.xorAddress(v6.attribute(Stun.XOR_MAPPED_ADDRESS).value(), v6.transactionId()))
        .isEqualTo(new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853));
  }

  @Test
  void longTermKeyVerifiesSampleRequest() throws Exception {
    StunMessage m = StunCodec.decode(SAMPLE_LONG_TERM_REQUEST);
    assertThat(m).isNotNull();
    assertThat(m.text(Stun.USERNAME)).isEqualTo("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9");
    assertThat(m.text(Stun.NONCE)).isEqualTo("f//499k954d6OL34oL9FSTvy64sA");
    assertThat(m.text(Stun.REALM)).isEqualTo("example.org");
    byte[] key = MessageDigest.getInstance("MD5").digest(
        (m.text(Stun.USERNAME) + ":example.org:TheMatrIX").getBytes(StandardCharsets.UTF_8));
    assertThat(StunCodec.verifyIntegrity(m, key)).isTrue();
  }

  @Test
  void encoderReproducesVectorAddressIntegrityAndFingerprint() {
    byte[] tid = java.util.Arrays.copyOfRange(SAMPLE_IPV4_RESPONSE, 8, 20);
    // The vector pads SOFTWARE with a space where we pad with zero; patch it so the bytes must match.
    byte[] expected = SAMPLE_IPV4_RESPONSE.clone();
    expected[20 + 4 + 11] = 0;
    int mi = 20 + 16 + 12;
    System.arraycopy(StunCodec.hmac(expected, mi, SHORT_TERM_KEY), 0, expected, mi + 4, 20);
    ByteBuffer.wrap(expected).putInt(expected.length - 4, StunCodec.fingerprint(expected, expected.length - 8));

    byte[] built = new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.SUCCESS), tid)
        .addText(Stun.SOFTWARE, "test vector")
        .addXorAddress(Stun.XOR_MAPPED_ADDRESS, new InetSocketAddress("192.0.2.1", 32853))
        .build(SHORT_TERM_KEY, true);
    assertThat(built).isEqualTo(expected);
    // The server signs through its per-thread Macs: the same bytes.
    byte[] signedByServerPath = new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.SUCCESS), tid)
        .addText(Stun.SOFTWARE, "test vector")
        .addXorAddress(Stun.XOR_MAPPED_ADDRESS, new InetSocketAddress("192.0.2.1", 32853))
        .build(SHORT_TERM_KEY, new IntegrityMacs(), true);
    assertThat(signedByServerPath).isEqualTo(expected);
    // And the HMAC/CRC procedure reproduces the vector's own values over its own bytes.
    assertThat(StunCodec.hmac(SAMPLE_IPV4_RESPONSE, mi, SHORT_TERM_KEY))
        .isEqualTo(java.util.Arrays.copyOfRange(SAMPLE_IPV4_RESPONSE, mi + 4, mi + 24));
    assertThat(StunCodec.fingerprint(SAMPLE_IPV6_RESPONSE, SAMPLE_IPV6_RESPONSE.length - 8))
        .isEqualTo(ByteBuffer.wrap(SAMPLE_IPV6_RESPONSE).getInt(SAMPLE_IPV6_RESPONSE.length - 4));
  }

  @Test
  void encoderReproducesIpv6Vector() {
    byte[] tid = java.util.Arrays.copyOfRange(SAMPLE_IPV6_RESPONSE, 8, 20);
    byte[] expected = SAMPLE_IPV6_RESPONSE.clone();
    expected[20 + 4 + 11] = 0; // SOFTWARE padding: a space in the vector, zero here
    int mi = 20 + 16 + 24;
    System.arraycopy(StunCodec.hmac(expected, mi, SHORT_TERM_KEY), 0, expected, mi + 4, 20);
    ByteBuffer.wrap(expected).putInt(expected.length - 4, StunCodec.fingerprint(expected, expected.length - 8));

    byte[] built = new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.SUCCESS), tid)
        .addText(Stun.SOFTWARE, "test vector")
        .addXorAddress(Stun.XOR_MAPPED_ADDRESS, new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853))
        .build(SHORT_TERM_KEY, new IntegrityMacs(), true);
    assertThat(built).isEqualTo(expected);
    assertThat(StunCodec.hmac(SAMPLE_IPV6_RESPONSE, mi, SHORT_TERM_KEY))
        .isEqualTo(java.util.Arrays.copyOfRange(SAMPLE_IPV6_RESPONSE, mi + 4, mi + 24));
  }

  @Test
  void builderGrowsForLongAttributes() {
    byte[] data = new byte[1501];
    java.util.Arrays.fill(data, (byte) 7);
    byte[] built = new StunMessageBuilder(Stun.type(Stun.DATA, Stun.INDICATION), new byte[12])
        .addXorAddress(Stun.XOR_PEER_ADDRESS, new InetSocketAddress("192.0.2.1", 9))
        .add(Stun.DATA_ATTR, data)
        .build(null, true);
    StunMessage m = StunCodec.decode(built); // also checks the FINGERPRINT
    assertThat(m).isNotNull();
    assertThat(m.attribute(Stun.DATA_ATTR).value()).isEqualTo(data);
    assertThat(built.length).isEqualTo(20 + 12 + 4 + 1504 + 8);
    assertThat(built[20 + 12 + 4 + 1501]).isZero(); // padding
  }

  @Test
  void ice4jDecodesWhatWeEncode() throws Exception {
    byte[] tid = new byte[12];
    tid[11] = 7;
    byte[] built = new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.SUCCESS), tid)
        .addXorAddress(Stun.XOR_MAPPED_ADDRESS, new InetSocketAddress("127.0.0.1", 40000))
        .build(null, true);
    Message decoded = Message.decode(built, 0, built.length);
    XorMappedAddressAttribute xma = (XorMappedAddressAttribute) decoded.getAttribute(Attribute.XOR_MAPPED_ADDRESS);
    assertThat(xma.getAddress(tid).getPort()).isEqualTo(40000);
    assertThat(xma.getAddress(tid).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void keepsRepeatedAttributesAndIgnoresThoseAfterIntegrity() {
    byte[] tid = new byte[12];
    byte[] raw = new StunMessageBuilder(Stun.type(Stun.CREATE_PERMISSION, Stun.REQUEST), tid)
        .addXorAddress(Stun.XOR_PEER_ADDRESS, new InetSocketAddress("192.0.2.10", 1))
        .addXorAddress(Stun.XOR_PEER_ADDRESS, new InetSocketAddress("192.0.2.11", 2))
        .build(new byte[16], false);
    // Append an attribute after MESSAGE-INTEGRITY and fix the length.
    byte[] longer = java.util.Arrays.copyOf(raw, raw.length + 8);
    ByteBuffer.wrap(longer).putShort(raw.length, (short) Stun.LIFETIME).putShort(raw.length + 2, (short) 4);
    ByteBuffer.wrap(longer).putShort(2, (short) (longer.length - 20));
    StunMessage m = StunCodec.decode(longer);
    assertThat(m.all(Stun.XOR_PEER_ADDRESS)).hasSize(2);
    assertThat(m.has(Stun.LIFETIME)).isFalse();
    assertThat(m.integrityOffset()).isPositive();
  }

  @Test
  void rejectsMalformedMessages() {
    assertThat(StunCodec.decode(new byte[] {0, 1, 0, 0})).isNull(); // truncated header
    byte[] lengthPastEnd = SAMPLE_REQUEST.clone();
    lengthPastEnd[3] = (byte) 0x5C;
    assertThat(StunCodec.decode(lengthPastEnd)).isNull();
    byte[] notMultipleOf4 = SAMPLE_REQUEST.clone();
    notMultipleOf4[3] = (byte) 0x57;
    assertThat(StunCodec.decode(notMultipleOf4)).isNull();
    byte[] attrFfff = SAMPLE_REQUEST.clone();
    attrFfff[22] = (byte) 0xFF;
    attrFfff[23] = (byte) 0xFF;
    assertThat(StunCodec.decode(attrFfff)).isNull();
    byte[] badFingerprint = SAMPLE_REQUEST.clone();
    badFingerprint[badFingerprint.length - 1] ^= 1;
    assertThat(StunCodec.decode(badFingerprint)).isNull();
    byte[] badCookie = SAMPLE_REQUEST.clone();
    badCookie[4] = 0;
    assertThat(StunCodec.decode(badCookie)).isNull();
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
