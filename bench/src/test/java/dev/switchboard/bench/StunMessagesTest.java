package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StunMessagesTest {

  /** RFC 5769 §2.4: a request with long-term authentication, byte for byte. */
  @Test
  void encodesTheRfc5769LongTermVector() throws Exception {
    byte[] expected = HexFormat.of().parseHex(("00010060 2112a442 78ad3433 c6ad72c0 29da412e"
        + " 00060012 e3839ee3 8388e383 aae38383 e382afe3 82b90000"
        + " 0015001c 662f2f34 39396b39 35346436 4f4c3334 6f4c3946 53547679 36347341"
        + " 0014000b 6578616d 706c652e 6f726700"
        + " 00080014 f6702465 6dd64a3e 02b8e071 2e85c9a2 8ca89666").replace(" ", ""));
    // SASLprep("The<U+00AD>M<U+00AA>trIX") = "TheMatrIX"
    StunMessages.Credentials c = StunMessages.Credentials.of("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", "example.org",
        "TheMatrIX");
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(c.key(), "HmacSHA1"));
    Tid tid = Tid.of(Unpooled.wrappedBuffer(expected));

    byte[] encoded = StunMessages.encode(StunMessages.BINDING_REQUEST, tid, mac,
        new StunMessages.Attribute(StunMessages.USERNAME, c.username()),
        new StunMessages.Attribute(StunMessages.NONCE, "f//499k954d6OL34oL9FSTvy64sA".getBytes(StandardCharsets.US_ASCII)),
        new StunMessages.Attribute(StunMessages.REALM, c.realm()));

    assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(HexFormat.of().formatHex(expected));
  }

  @Test
  void signedAllocateCarriesTransportCredentialsAndIntegrityLast() {
    StunMessages m = new StunMessages(StunMessages.Credentials.of("bench", "bench", "benchpass"));
    Tid tid = new Tid(0x0102030405060708L, 0x090a0b0c);
    byte[] nonce = "abc".getBytes(StandardCharsets.US_ASCII);

    byte[] raw = m.allocate(tid, nonce);

    var buf = Unpooled.wrappedBuffer(raw);
    assertThat(StunMessages.type(buf)).isEqualTo(StunMessages.ALLOCATE_REQUEST);
    assertThat(Tid.of(buf)).isEqualTo(tid);
    assertThat(ByteBuffer.wrap(raw).getShort(2)).isEqualTo((short) (raw.length - 20));
    assertThat(StunMessages.attribute(buf, StunMessages.REQUESTED_TRANSPORT)).containsExactly(17, 0, 0, 0);
    assertThat(StunMessages.attribute(buf, StunMessages.NONCE)).isEqualTo(nonce);
    assertThat(new String(StunMessages.attribute(buf, StunMessages.USERNAME), StandardCharsets.UTF_8)).isEqualTo("bench");
    assertThat(ByteBuffer.wrap(raw).getShort(raw.length - 24)).isEqualTo((short) StunMessages.MESSAGE_INTEGRITY);
  }

  @Test
  void readsErrorCodes() {
    byte[] raw = StunMessages.encode(StunMessages.ALLOCATE_REQUEST | StunMessages.ERROR, new Tid(1, 2), null,
        new StunMessages.Attribute(StunMessages.ERROR_CODE, new byte[] {0, 0, 4, 38}));

    assertThat(StunMessages.errorCode(Unpooled.wrappedBuffer(raw))).isEqualTo(438);
    assertThat(StunMessages.attribute(Unpooled.wrappedBuffer(raw), StunMessages.NONCE)).isNull();
  }

  /** RFC 5769 §2.2: XOR-MAPPED-ADDRESS 192.0.2.1:32853 is 0001 a147 e112a643. */
  @Test
  void xorAddressesMatchTheRfc5769Vector() throws Exception {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
    byte[] value = HexFormat.of().parseHex("0001a147e112a643");

    assertThat(StunMessages.xorAddress(address)).isEqualTo(value);
    assertThat(StunMessages.xorAddress(value)).isEqualTo(address);
    assertThat(StunMessages.xorAddress(new byte[] {0, 2, 0, 0, 0, 0, 0, 0})).as("not IPv4").isNull();
    assertThat(StunMessages.xorAddress((byte[]) null)).isNull();
  }

  @Test
  void signedChannelBindCarriesTheChannelThePeerAndIntegrityLast() throws Exception {
    StunMessages m = new StunMessages(StunMessages.Credentials.of("bench", "bench", "benchpass"));
    InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

    byte[] raw = m.channelBind(new Tid(7, 8), "n".getBytes(StandardCharsets.US_ASCII), 0x4001, peer);

    var buf = Unpooled.wrappedBuffer(raw);
    assertThat(StunMessages.type(buf)).isEqualTo(StunMessages.CHANNEL_BIND_REQUEST);
    assertThat(StunMessages.attribute(buf, StunMessages.CHANNEL_NUMBER)).containsExactly(0x40, 0x01, 0, 0);
    assertThat(StunMessages.xorAddress(StunMessages.attribute(buf, StunMessages.XOR_PEER_ADDRESS))).isEqualTo(peer);
    assertThat(new String(StunMessages.attribute(buf, StunMessages.USERNAME), StandardCharsets.UTF_8)).isEqualTo("bench");
    assertThat(ByteBuffer.wrap(raw).getShort(raw.length - 24)).isEqualTo((short) StunMessages.MESSAGE_INTEGRITY);
  }
}
