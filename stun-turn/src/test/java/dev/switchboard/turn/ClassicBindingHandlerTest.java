package dev.switchboard.turn;

import static dev.switchboard.turn.ClassicBindingHandler.CHANGED_ADDRESS;
import static dev.switchboard.turn.ClassicBindingHandler.CHANGE_REQUEST;
import static dev.switchboard.turn.ClassicBindingHandler.MAPPED_ADDRESS;
import static dev.switchboard.turn.ClassicBindingHandler.RESPONSE_ADDRESS;
import static dev.switchboard.turn.ClassicBindingHandler.SOURCE_ADDRESS;
import static dev.switchboard.turn.ClassicStunMessages.BINDING_ERROR;
import static dev.switchboard.turn.ClassicStunMessages.BINDING_REQUEST;
import static dev.switchboard.turn.ClassicStunMessages.BINDING_RESPONSE;
import static dev.switchboard.turn.ClassicStunMessages.attribute;
import static dev.switchboard.turn.ClassicStunMessages.changeRequest;
import static dev.switchboard.turn.ClassicStunMessages.id;
import static dev.switchboard.turn.ClassicStunMessages.message;
import static dev.switchboard.turn.ClassicStunMessages.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 3489 Binding requests answered as coturn does, and everything else without the cookie dropped. */
class ClassicBindingHandlerTest {

  private static final InetSocketAddress SERVER = new InetSocketAddress("198.51.100.1", 3478);
  private final ClassicBindingHandler handler = new ClassicBindingHandler();

  @Test
  void answersWithMappedSourceAndChangedAddressAndTheSame16ByteId() {
    for (InetSocketAddress source : new InetSocketAddress[] {
        new InetSocketAddress("192.0.2.77", 40001), new InetSocketAddress("2001:db8::7", 40002)}) {
      byte[] id = id();
      ClassicStunMessages.Message r = parse(handler.handle(message(BINDING_REQUEST, id), source, SERVER));
      assertThat(r.type()).isEqualTo(BINDING_RESPONSE);
      assertThat(r.id()).isEqualTo(id);
      // No XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT or SOFTWARE: RFC 3489 clients know none.
      assertThat(r.types()).containsExactly(MAPPED_ADDRESS, SOURCE_ADDRESS, CHANGED_ADDRESS);
      assertThat(r.address(MAPPED_ADDRESS)).isEqualTo(source);
      assertThat(r.address(SOURCE_ADDRESS)).isEqualTo(SERVER);
      assertThat(r.address(CHANGED_ADDRESS)).isEqualTo(SERVER);
    }
  }

  @Test
  void aWildcardListenerSendsOnlyMappedAddress() {
    InetSocketAddress source = new InetSocketAddress("192.0.2.77", 40001);
    ClassicStunMessages.Message r = parse(handler.handle(message(BINDING_REQUEST, id()), source,
        new InetSocketAddress("0.0.0.0", 3478)));
    assertThat(r.types()).containsExactly(MAPPED_ADDRESS);
    assertThat(r.address(MAPPED_ADDRESS)).isEqualTo(source);
  }

  @Test
  void changeRequestWithoutFlagsIsAPlainBindingWithFlagsA420WithoutUnknownAttributes() {
    InetSocketAddress source = new InetSocketAddress("192.0.2.77", 40001);
    ClassicStunMessages.Message plain = parse(handler.handle(message(BINDING_REQUEST, id(),
        changeRequest(false, false)), source, SERVER));
    assertThat(plain.type()).isEqualTo(BINDING_RESPONSE);
    assertThat(plain.address(MAPPED_ADDRESS)).isEqualTo(source);
    for (boolean[] flags : new boolean[][] {{true, false}, {false, true}, {true, true}}) {
      byte[] id = id();
      ClassicStunMessages.Message r = parse(handler.handle(message(BINDING_REQUEST, id,
          changeRequest(flags[0], flags[1])), source, SERVER));
      assertThat(r.type()).isEqualTo(BINDING_ERROR);
      assertThat(r.id()).isEqualTo(id);
      assertThat(r.errorCode()).isEqualTo(420);
      assertThat(r.types()).containsExactly(Stun.ERROR_CODE);
      assertThat(reason(r)).isEqualTo("Unknown Attribute   ");
    }
    ClassicStunMessages.Message malformed = parse(handler.handle(message(BINDING_REQUEST, id(),
        attribute(CHANGE_REQUEST, new byte[8])), source, SERVER));
    assertThat(malformed.errorCode()).isEqualTo(400);
    assertThat(reason(malformed)).isEqualTo("Bad Request ");
  }

  @Test
  void unknownMandatoryAttributesAre420ListingThemAnOddCountRepeatingOne() {
    byte[] id = id();
    ClassicStunMessages.Message r = parse(handler.handle(message(BINDING_REQUEST, id,
        attribute(0x0020, new byte[8]), attribute(0x0031, new byte[4]), attribute(0x0020, new byte[8]),
        attribute(0x0032, new byte[4])), new InetSocketAddress("192.0.2.77", 40001), SERVER));
    assertThat(r.type()).isEqualTo(BINDING_ERROR);
    assertThat(r.id()).isEqualTo(id);
    assertThat(r.errorCode()).isEqualTo(420);
    assertThat(r.value(Stun.UNKNOWN_ATTRIBUTES)).containsExactly(0x00, 0x20, 0x00, 0x31, 0x00, 0x32, 0x00, 0x32);
  }

  @Test
  void optionalAndKnownButMisplacedAttributesAreIgnoredAndResponseAddressIsNotFollowed() {
    InetSocketAddress source = new InetSocketAddress("192.0.2.77", 40001);
    byte[] elsewhere = {0, 1, 0x1F, 0x40, (byte) 203, 0, 113, 9};
    ClassicStunMessages.Message r = parse(handler.handle(message(BINDING_REQUEST, id(),
        attribute(RESPONSE_ADDRESS, elsewhere), attribute(MAPPED_ADDRESS, elsewhere),
        attribute(Stun.USERNAME, "user".getBytes(StandardCharsets.US_ASCII)), attribute(0x0007, new byte[16]),
        attribute(Stun.SOFTWARE, new byte[12]), attribute(Stun.FINGERPRINT, new byte[4]),
        attribute(Stun.MESSAGE_INTEGRITY, new byte[20])), source, SERVER));
    assertThat(r.type()).isEqualTo(BINDING_RESPONSE);
    assertThat(r.address(MAPPED_ADDRESS)).isEqualTo(source);
  }

  @Test
  void nothingElseWithoutTheCookieIsAnswered() {
    InetSocketAddress source = new InetSocketAddress("192.0.2.77", 40001);
    byte[] binding = message(BINDING_REQUEST, id(), changeRequest(false, false));
    Map<String, byte[]> dropped = new LinkedHashMap<>();
    dropped.put("Allocate request", message(Stun.type(Stun.ALLOCATE, Stun.REQUEST), id()));
    dropped.put("Shared Secret request", message(0x0002, id()));
    dropped.put("Binding indication", message(Stun.type(Stun.BINDING, Stun.INDICATION), id()));
    dropped.put("Binding response", message(BINDING_RESPONSE, id()));
    dropped.put("Binding error response", message(BINDING_ERROR, id()));
    dropped.put("truncated header", Arrays.copyOf(binding, 19));
    dropped.put("length not a multiple of 4", withLength(Arrays.copyOf(binding, 26), 6));
    dropped.put("length past the message", withLength(binding, 12));
    dropped.put("length short of the message", withLength(binding, 4));
    byte[] attributePast = binding.clone();
    attributePast[23] = 8;
    dropped.put("attribute past the message", attributePast);
    byte[] modern = binding.clone();
    ByteBuffer.wrap(modern).putInt(4, Stun.MAGIC_COOKIE);
    dropped.put("with the magic cookie (RFC 8489's codec's to answer)", modern);
    for (Map.Entry<String, byte[]> d : dropped.entrySet()) {
      assertThat(handler.handle(d.getValue(), source, SERVER)).as(d.getKey()).isNull();
    }
    assertThat(handler.handle(binding, source, SERVER)).isNotNull();
  }

  @Test
  void candidatesAreBindingRequestHeadersWithoutTheCookie() {
    byte[] binding = message(BINDING_REQUEST, id());
    assertThat(ClassicBindingHandler.isCandidate(Unpooled.wrappedBuffer(binding))).isTrue();
    assertThat(ClassicBindingHandler.isCandidate(Unpooled.wrappedBuffer(Arrays.copyOf(binding, 19)))).isFalse();
    assertThat(ClassicBindingHandler.isCandidate(Unpooled.wrappedBuffer(
        message(Stun.type(Stun.ALLOCATE, Stun.REQUEST), id())))).isFalse();
    assertThat(ClassicBindingHandler.isCandidate(Unpooled.wrappedBuffer(
        StunRequests.request(Stun.BINDING).build(null, true)))).isFalse();
  }

  @Test
  void reasonPhrasesArePaddedWithSpacesToFourBytes() {
    for (String reason : new String[] {"", "a", "Bad Request", "Unknown Attribute", "Server Error", "é"}) {
      String padded = ClassicBindingHandler.padded(reason);
      assertThat(padded).startsWith(reason);
      assertThat(padded.getBytes(StandardCharsets.UTF_8).length % 4).isZero();
      assertThat(padded.substring(reason.length())).isBlank();
    }
  }

  private static String reason(ClassicStunMessages.Message r) {
    byte[] v = r.value(Stun.ERROR_CODE);
    return new String(v, 4, v.length - 4, StandardCharsets.UTF_8);
  }

  private static byte[] withLength(byte[] message, int length) {
    byte[] copy = message.clone();
    ByteBuffer.wrap(copy).putShort(2, (short) length);
    return copy;
  }
}
