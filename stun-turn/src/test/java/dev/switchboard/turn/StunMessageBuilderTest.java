package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder's first capacity changes its allocations, never its bytes. */
class StunMessageBuilderTest {

  private static final byte[] TID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  private static final byte[] KEY = {9, 8, 7};

  /** A Binding response: XOR-MAPPED-ADDRESS, SOFTWARE, MESSAGE-INTEGRITY, FINGERPRINT: 20 + 12 + 12 + 24 + 8 bytes. */
  private static byte[] build(int capacity, boolean integrity) throws Exception {
    return new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.SUCCESS), Stun.MAGIC_COOKIE, TID, 0, capacity)
        .addXorAddress(Stun.XOR_MAPPED_ADDRESS, new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 5004))
        .addText(Stun.SOFTWARE, "sb/1.0")
        .build(integrity ? KEY : null, true);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 20, 52, 75, 76, 77, 128, 1000})
  void anyCapacityBuildsTheSameValidMessage(int capacity) throws Exception {
    byte[] reference = build(128, true);
    byte[] built = build(capacity, true);
    assertThat(built).hasSize(76).isEqualTo(reference);
    StunMessage m = StunCodec.decode(built);
    assertThat(m).as("length and FINGERPRINT check").isNotNull();
    assertThat(StunCodec.verifyIntegrity(m, KEY)).isTrue();
    assertThat(build(capacity, false)).hasSize(52).isEqualTo(java.util.Arrays.copyOf(build(128, false), 52));
  }

  @ParameterizedTest
  @ValueSource(ints = {52, 76})
  void anExactCapacityIsTheWholeMessage(int length) throws Exception {
    byte[] built = build(length, length == 76);
    assertThat(built).hasSize(length);
    assertThat(StunCodec.decode(built)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.7", "2001:db8::7"})
  void aResponseTakesTheTransactionIdFromTheRequestsBytes(String ip) throws Exception {
    StunMessage request = StunCodec.decode(new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.REQUEST), TID)
        .build(null, true));
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(ip), 5004);
    byte[] response = StunMessageBuilder.responseTo(request, Stun.SUCCESS)
        .addXorAddress(Stun.XOR_MAPPED_ADDRESS, address).build(null, true);
    StunMessage m = StunCodec.decode(response);
    assertThat(m.transactionId()).isEqualTo(TID);
    assertThat(StunCodec.xorAddress(m.attribute(Stun.XOR_MAPPED_ADDRESS).value(), TID)).isEqualTo(address);
    assertThat(StunCodec.xorAddress(m.attribute(Stun.XOR_MAPPED_ADDRESS).value(), response,
        StunMessage.TRANSACTION_ID_OFFSET)).isEqualTo(address);
  }
}
