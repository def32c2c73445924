package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decodes STUN messages from raw bytes and checks MESSAGE-INTEGRITY and FINGERPRINT over those raw
 * bytes (RFC 8489 §14.5, §14.7). Stateless and thread-safe.
 *
 * <p>Why this is hand-written rather than ice4j's {@code Message.decode}: a TURN server needs, for
 * every request, (a) the byte offset of MESSAGE-INTEGRITY to verify the HMAC over the raw bytes, (b)
 * every repeated XOR-PEER-ADDRESS (ice4j keeps attributes in a map keyed by type, so repeats collapse
 * to one), (c) the ordered list of unknown comprehension-required attribute types for 420, and (d) to
 * ignore attributes after MESSAGE-INTEGRITY. ice4j offers none of these (its integrity check needs a
 * StunStack, and its decoder only works at offset 0), so the server-side codec works on raw bytes
 * and ice4j is kept for the client side in tests, where it cross-checks this codec.
 */
final class StunCodec {

  private static final int FINGERPRINT_XOR = 0x5354554e;

  private StunCodec() {
  }

  /** Decodes the readable bytes of {@code buf} (not consumed), or returns null when they are not one valid STUN message. */
  static StunMessage decode(ByteBuf buf) {
    byte[] raw = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), raw);
    return decode(raw);
  }

  /** Decodes {@code raw}, or returns null when it is not exactly one valid STUN message (RFC 8489 §6). */
  static StunMessage decode(byte[] raw) {
    if (raw.length < Stun.HEADER_LENGTH || (raw[0] & 0xC0) != 0) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(raw);
    int type = b.getShort(0) & 0x3FFF;
    int length = b.getShort(2) & 0xFFFF;
    if ((length & 3) != 0 || Stun.HEADER_LENGTH + length != raw.length || b.getInt(4) != Stun.MAGIC_COOKIE) {
      return null;
    }
    byte[] tid = new byte[12];
    System.arraycopy(raw, 8, tid, 0, 12);
    List<StunAttribute> attrs = new ArrayList<>(8);
    int integrityOffset = -1;
    int pos = Stun.HEADER_LENGTH;
    while (pos < raw.length) {
      if (pos + 4 > raw.length) {
        return null;
      }
      int attrType = b.getShort(pos) & 0xFFFF;
      int attrLen = b.getShort(pos + 2) & 0xFFFF;
      int padded = (attrLen + 3) & ~3;
      if (pos + 4 + padded > raw.length) {
        return null;
      }
      if (attrType == Stun.FINGERPRINT) {
        // RFC 8489 §14.7: FINGERPRINT is last; a wrong one means this is not a STUN message for us.
        if (attrLen != 4 || pos + 8 != raw.length || b.getInt(pos + 4) != fingerprint(raw, pos)) {
          return null;
        }
        break;
      }
      if (integrityOffset < 0) {
        byte[] value = new byte[attrLen];
        System.arraycopy(raw, pos + 4, value, 0, attrLen);
        attrs.add(new StunAttribute(attrType, value));
        if (attrType == Stun.MESSAGE_INTEGRITY) {
          if (attrLen != 20) {
            return null;
          }
          integrityOffset = pos;
        }
      }
      // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
      pos += 4 + padded;
    }
    return new StunMessage(type, tid, List.copyOf(attrs), raw, integrityOffset);
  }

  /** True when {@code msg}'s MESSAGE-INTEGRITY is the HMAC-SHA1 of its raw bytes under {@code key}; constant time. */
  static boolean verifyIntegrity(StunMessage msg, byte[] key) {
    if (msg.integrityOffset() < 0) {
      return false;
    }
    byte[] expected = hmac(msg.raw(), msg.integrityOffset(), key);
    byte[] actual = new byte[20];
    System.arraycopy(msg.raw(), msg.integrityOffset() + 4, actual, 0, 20);
    return MessageDigest.isEqual(expected, actual);
  }

  /**
   * HMAC-SHA1 over {@code raw[0, miOffset)} with the header length patched to end just after a
   * MESSAGE-INTEGRITY attribute at {@code miOffset} (RFC 8489 §14.5).
   */
  static byte[] hmac(byte[] raw, int miOffset, byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      int patchedLength = miOffset - Stun.HEADER_LENGTH + 24;
      mac.update(raw, 0, 2);
      mac.update((byte) (patchedLength >> 8));
      mac.update((byte) patchedLength);
      mac.update(raw, 4, miOffset - 4);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }

  /** CRC-32 of {@code raw[0, fpOffset)} with the length patched to end after FINGERPRINT, XOR 0x5354554e. */
  static int fingerprint(byte[] raw, int fpOffset) {
    CRC32 crc = new CRC32();
    int patchedLength = fpOffset - Stun.HEADER_LENGTH + 8;
    crc.update(raw, 0, 2);
    crc.update(patchedLength >> 8);
    crc.update(patchedLength & 0xFF);
    crc.update(raw, 4, fpOffset - 4);
    return (int) crc.getValue() ^ FINGERPRINT_XOR;
  }

  /** Decodes an XOR-*-ADDRESS value (RFC 8489 §14.2), or returns null when malformed. */
  static InetSocketAddress xorAddress(byte[] value, byte[] transactionId) {
    if (value.length < 4) {
      return null;
    }
    int family = value[1] & 0xFF;
    int port = ((value[2] & 0xFF) << 8 | (value[3] & 0xFF)) ^ (Stun.MAGIC_COOKIE >>> 16);
    int addrLen = family == Stun.FAMILY_IPV4 ? 4 : family == Stun.FAMILY_IPV6 ? 16 : -1;
    if (addrLen < 0 || value.length != 4 + addrLen) {
      return null;
    }
    byte[] addr = new byte[addrLen];
    byte[] mask = xorMask(transactionId);
    for (int i = 0; i < addrLen; i++) {
      addr[i] = (byte) (value[4 + i] ^ mask[i]);
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(addr), port);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Encodes {@code address} as an XOR-*-ADDRESS value (RFC 8489 §14.2). */
  static byte[] xorAddressValue(InetSocketAddress address, byte[] transactionId) {
    byte[] addr = address.getAddress().getAddress();
    byte[] value = new byte[4 + addr.length];
    value[1] = (byte) (addr.length == 4 ? Stun.FAMILY_IPV4 : Stun.FAMILY_IPV6);
    int port = address.getPort() ^ (Stun.MAGIC_COOKIE >>> 16);
    value[2] = (byte) (port >> 8);
    value[3] = (byte) port;
    byte[] mask = xorMask(transactionId);
    for (int i = 0; i < addr.length; i++) {
      value[4 + i] = (byte) (addr[i] ^ mask[i]);
    }
    return value;
  }

  private static byte[] xorMask(byte[] transactionId) {
    byte[] mask = new byte[16];
    ByteBuffer.wrap(mask).putInt(Stun.MAGIC_COOKIE).put(transactionId);
    return mask;
  }
}
