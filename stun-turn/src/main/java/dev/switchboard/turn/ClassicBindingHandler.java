package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Answers RFC 3489 ("classic STUN") Binding requests, which RFC 8489 §12 lets a server answer: old
 * NAT-type probes and VoIP phones send them, and coturn answers them. Such a request has no magic
 * cookie; its transaction id is the 16 bytes 4-19, echoed whole. The response carries what RFC 3489
 * clients know: MAPPED-ADDRESS, not XOR'ed, and SOURCE-ADDRESS and CHANGED-ADDRESS; no
 * XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT or SOFTWARE. Every attribute it writes is a
 * multiple of four bytes long, as RFC 3489 had no padding. Everything else without the cookie (other
 * methods, indications, responses, bad lengths) is not answered: TURN needs RFC 5389 or later.
 * Stateless and thread-safe.
 */
final class ClassicBindingHandler {

  // RFC 3489 §11.2 attribute types that RFC 8489 no longer defines.
  static final int MAPPED_ADDRESS = 0x0001;
  static final int RESPONSE_ADDRESS = 0x0002;
  static final int CHANGE_REQUEST = 0x0003;
  static final int SOURCE_ADDRESS = 0x0004;
  static final int CHANGED_ADDRESS = 0x0005;
  static final int REFLECTED_FROM = 0x000B;

  private static final int BINDING_REQUEST = Stun.type(Stun.BINDING, Stun.REQUEST);
  /** CHANGE-REQUEST's "change IP" and "change port" flags (RFC 3489 §11.2.4). */
  private static final int CHANGE_FLAGS = 0x06;

  /**
   * Whether {@code frame} is a Binding request header without the magic cookie, so worth a full
   * look; cheap, without copying. Anything else that {@link StunCodec} refused stays dropped.
   */
  static boolean isCandidate(ByteBuf frame) {
    int start = frame.readerIndex();
    return frame.readableBytes() >= Stun.HEADER_LENGTH && frame.getUnsignedShort(start) == BINDING_REQUEST
        && frame.getInt(start + 4) != Stun.MAGIC_COOKIE;
  }

  /**
   * The response to {@code raw}, or null when it is not one well-formed RFC 3489 Binding request
   * (then it is not answered).
   *
   * @param source     where the request came from: the reflexive address
   * @param receivedOn the address answered from, for SOURCE-ADDRESS and CHANGED-ADDRESS (the
   *                   dispatcher's choice); both are left out when it is a wildcard
   */
  byte[] handle(byte[] raw, InetSocketAddress source, InetSocketAddress receivedOn) {
    ByteBuffer b = ByteBuffer.wrap(raw);
    if (raw.length < Stun.HEADER_LENGTH || (b.getShort(0) & 0xFFFF) != BINDING_REQUEST
        || b.getInt(4) == Stun.MAGIC_COOKIE) {
      return null;
    }
    int length = b.getShort(2) & 0xFFFF;
    if ((length & 3) != 0 || Stun.HEADER_LENGTH + length != raw.length) {
      return null;
    }
    Set<Integer> unknown = null;
    byte[] changeRequest = null;
    for (int pos = Stun.HEADER_LENGTH; pos < raw.length; ) {
      if (pos + 4 > raw.length) {
        return null;
      }
      int type = b.getShort(pos) & 0xFFFF;
      int attrLength = b.getShort(pos + 2) & 0xFFFF;
      // RFC 3489 attributes are multiples of four bytes, so its walk and RFC 8489's padded one agree.
      int next = pos + 4 + ((attrLength + 3) & ~3);
      if (next > raw.length) {
        return null;
      }
      if (type == CHANGE_REQUEST && changeRequest == null) {
        changeRequest = new byte[attrLength];
        System.arraycopy(raw, pos + 4, changeRequest, 0, attrLength);
      } else if (type < 0x8000 && !isKnown(type)) {
        if (unknown == null) {
          unknown = new LinkedHashSet<>(4); // a set: a 64 KB TCP frame holds some 16000 attributes
        }
        unknown.add(type);
      }
      pos = next;
    }
    int cookie = b.getInt(4);
    byte[] tid = new byte[12];
    System.arraycopy(raw, 8, tid, 0, 12);
    if (unknown != null) {
      // RFC 3489 §8.1: unknown mandatory attributes (0x0000-0x7FFF) -> 420 listing them.
      return error(cookie, tid, 420).add(Stun.UNKNOWN_ATTRIBUTES, unknownAttributes(List.copyOf(unknown))).build(null, false);
    }
    if (changeRequest != null) {
      if (changeRequest.length != 4) {
        return error(cookie, tid, 400).build(null, false);
      }
      // We have one address, so a response from another IP or port cannot be sent. coturn without
      // RFC 5780 answers 420 too, and without UNKNOWN-ATTRIBUTES: a client listing CHANGE-REQUEST
      // there would retry without it (RFC 3489 §9.4) and take our answer from the same address for
      // one from another, misjudging its NAT as open. No flags set is a plain Binding (some clients
      // always send the attribute).
      if ((changeRequest[3] & CHANGE_FLAGS) != 0) {
        return error(cookie, tid, 420).build(null, false);
      }
    }
    // RESPONSE-ADDRESS is never followed: sending the answer where the request says would reflect
    // traffic at any address. The answer goes to the source, as coturn's does.
    StunMessageBuilder ok = new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.SUCCESS), cookie, tid)
        .addAddress(MAPPED_ADDRESS, source);
    if (!receivedOn.getAddress().isAnyLocalAddress()) {
      // RFC 3489 §8.1 makes both mandatory. With one address, CHANGED-ADDRESS is ours too, as coturn
      // sends it; a wildcard we were given no better address for cannot be named, so neither is sent.
      ok.addAddress(SOURCE_ADDRESS, receivedOn).addAddress(CHANGED_ADDRESS, receivedOn);
    }
    return ok.build(null, false);
  }

  /**
   * RFC 3489 §11.2: its eleven attributes are known, and those out of place in a request are ignored.
   * So are USERNAME and MESSAGE-INTEGRITY: without RFC 3489's shared secrets they cannot be checked,
   * and coturn ignores them too.
   */
  private static boolean isKnown(int type) {
    return type >= MAPPED_ADDRESS && type <= REFLECTED_FROM;
  }

  private static StunMessageBuilder error(int cookie, byte[] tid, int code) {
    return new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.ERROR), cookie, tid)
        .addError(code, padded(Stun.reason(code)));
  }

  /** RFC 3489 §11.2.9: the reason phrase is a multiple of four bytes, padded with spaces. */
  static String padded(String reason) {
    int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
    return reason + " ".repeat((4 - bytes % 4) % 4);
  }

  /** RFC 3489 §11.2.10: an odd count repeats one type, so the value is a multiple of four bytes. */
  private static byte[] unknownAttributes(List<Integer> types) {
    int count = types.size() + (types.size() & 1);
    byte[] value = new byte[count * 2];
    for (int i = 0; i < count; i++) {
      int type = types.get(Math.min(i, types.size() - 1));
      value[2 * i] = (byte) (type >> 8);
      value[2 * i + 1] = (byte) type;
    }
    return value;
  }
}
