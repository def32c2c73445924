package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RFC 3489 messages for tests, as an old client writes and reads them: a 16-byte transaction id
 * with no magic cookie, and attributes walked without padding (RFC 3489 had none), so an answer
 * whose attribute lengths are not multiples of four fails to parse. {@link StunCodec} refuses these
 * messages, hence this. Stateless.
 */
final class ClassicStunMessages {

  static final int BINDING_REQUEST = 0x0001;
  static final int BINDING_RESPONSE = 0x0101;
  static final int BINDING_ERROR = 0x0111;

  private ClassicStunMessages() {
  }

  /** A random RFC 3489 transaction id (bytes 4-19), never starting with the magic cookie. */
  static byte[] id() {
    byte[] id = new byte[16];
    do {
      ThreadLocalRandom.current().nextBytes(id);
    } while (ByteBuffer.wrap(id).getInt(0) == Stun.MAGIC_COOKIE);
    return id;
  }

  /** A message of {@code type} with {@code id} and the given encoded attributes. */
  static byte[] message(int type, byte[] id, byte[]... attributes) {
    int length = 0;
    for (byte[] a : attributes) {
      length += a.length;
    }
    ByteBuffer b = ByteBuffer.allocate(Stun.HEADER_LENGTH + length);
    b.putShort((short) type).putShort((short) length).put(id);
    for (byte[] a : attributes) {
      b.put(a);
    }
    return b.array();
  }

  /** One attribute: type, length of {@code value}, {@code value} (pass a multiple of four bytes). */
  static byte[] attribute(int type, byte[] value) {
    return ByteBuffer.allocate(4 + value.length).putShort((short) type).putShort((short) value.length).put(value)
        .array();
  }

  /** CHANGE-REQUEST with the "change IP" and "change port" flags (RFC 3489 §11.2.4). */
  static byte[] changeRequest(boolean ip, boolean port) {
    byte flags = (byte) ((ip ? 4 : 0) | (port ? 2 : 0));
    return attribute(ClassicBindingHandler.CHANGE_REQUEST, new byte[] {0, 0, 0, flags});
  }

  /** A parsed RFC 3489 message. */
  record Message(int type, byte[] id, List<StunAttribute> attributes) {

    List<Integer> types() {
      return attributes.stream().map(StunAttribute::type).toList();
    }

    byte[] value(int type) {
      return attributes.stream().filter(a -> a.type() == type).findFirst().map(StunAttribute::value).orElse(null);
    }

    InetSocketAddress address(int type) {
      byte[] v = value(type);
      assertThat(v).as("attribute 0x%04x", type).isNotNull();
      assertThat(v[1]).as("family").isIn((byte) Stun.FAMILY_IPV4, (byte) Stun.FAMILY_IPV6);
      assertThat(v).hasSize(v[1] == Stun.FAMILY_IPV4 ? 8 : 20);
      try {
        return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(v, 4, v.length)),
            (v[2] & 0xFF) << 8 | (v[3] & 0xFF));
      } catch (UnknownHostException e) {
        throw new AssertionError(e);
      }
    }

    int errorCode() {
      byte[] v = value(Stun.ERROR_CODE);
      return v == null ? 0 : (v[2] & 0x7) * 100 + (v[3] & 0xFF);
    }
  }

  /** Parses {@code raw} as an RFC 3489 client does, asserting it is well formed for one. */
  static Message parse(byte[] raw) {
    assertThat(raw).as("an answer").isNotNull();
    assertThat(raw.length).isGreaterThanOrEqualTo(Stun.HEADER_LENGTH);
    ByteBuffer b = ByteBuffer.wrap(raw);
    assertThat(Stun.HEADER_LENGTH + (b.getShort(2) & 0xFFFF)).as("length in the header").isEqualTo(raw.length);
    List<StunAttribute> attributes = new ArrayList<>();
    int pos = Stun.HEADER_LENGTH;
    while (pos < raw.length) {
      int type = b.getShort(pos) & 0xFFFF;
      int length = b.getShort(pos + 2) & 0xFFFF;
      assertThat(length % 4).as("RFC 3489 attribute 0x%04x length %d is a multiple of 4", type, length).isZero();
      assertThat(pos + 4 + length).isLessThanOrEqualTo(raw.length);
      attributes.add(new StunAttribute(type, Arrays.copyOfRange(raw, pos + 4, pos + 4 + length)));
      pos += 4 + length;
    }
    return new Message(b.getShort(0) & 0xFFFF, Arrays.copyOfRange(raw, 4, 20), attributes);
  }
}
