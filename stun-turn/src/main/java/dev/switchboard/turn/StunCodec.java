package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;

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
    List<StunAttribute> attrs = null; // most Binding requests carry none: allocated on the first one
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
        if (attrs == null) {
          attrs = new ArrayList<>(8);
        }
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
    return new StunMessage(type, attrs == null ? List.of() : Collections.unmodifiableList(attrs), raw,
        integrityOffset);
  }

  /**
   * True when {@code msg}'s MESSAGE-INTEGRITY is the HMAC-SHA1 of its raw bytes under {@code key};
   * constant time. With a fresh Mac: for tests and clients; the server uses {@link IntegrityMacs}.
   */
  static boolean verifyIntegrity(StunMessage msg, byte[] key) {
    int mi = msg.integrityOffset();
    return mi >= 0 && equalsAt(hmac(msg.raw(), mi, key), msg.raw(), mi + 4);
  }

  /** Whether {@code raw[offset, offset + expected.length)} equals {@code expected}, in constant time. */
  static boolean equalsAt(byte[] expected, byte[] raw, int offset) {
    int diff = 0;
    for (int i = 0; i < expected.length; i++) {
      diff |= expected[i] ^ raw[offset + i];
    }
    return diff == 0;
  }

  /**
   * HMAC-SHA1 over {@code raw[0, miOffset)} with the header length patched to end just after a
   * MESSAGE-INTEGRITY attribute at {@code miOffset} (RFC 8489 §14.5). With a fresh Mac: for tests and
   * clients; the server uses {@link IntegrityMacs}.
   */
  static byte[] hmac(byte[] raw, int miOffset, byte[] key) {
    Mac mac = IntegrityMacs.newMac();
    IntegrityMacs.init(mac, key);
    return hmac(mac, raw, miOffset);
  }

  /** As {@link #hmac(byte[], int, byte[])} with {@code mac} already initialised with the key; resets it. */
  static byte[] hmac(Mac mac, byte[] raw, int miOffset) {
    int patchedLength = miOffset - Stun.HEADER_LENGTH + 24;
    mac.update(raw, 0, 2);
    mac.update((byte) (patchedLength >> 8));
    mac.update((byte) patchedLength);
    mac.update(raw, 4, miOffset - 4);
    return mac.doFinal();
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
    return xorAddress(value, transactionId, 0);
  }

  /** As {@link #xorAddress(byte[], byte[])} with the transaction id at {@code tid[tidOffset]} (a raw message's, say). */
  static InetSocketAddress xorAddress(byte[] value, byte[] tid, int tidOffset) {
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
    for (int i = 0; i < addrLen; i++) {
      addr[i] = (byte) (value[4 + i] ^ maskByte(i, tid, tidOffset));
    }
    try {
      // The family on the wire kept: InetAddress.getByAddress makes an IPv4 address of an IPv4-mapped
      // IPv6 one, and a peer family check would then take it for IPv4 (RFC 8656 §9.2 wants 443).
      InetAddress address = addrLen == 16 ? Inet6Address.getByAddress(null, addr, -1) : InetAddress.getByAddress(addr);
      return new InetSocketAddress(address, port);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Encodes {@code address} as an XOR-*-ADDRESS value (RFC 8489 §14.2). */
  static byte[] xorAddressValue(InetSocketAddress address, byte[] transactionId) {
    byte[] addr = address.getAddress().getAddress();
    byte[] value = new byte[4 + addr.length];
    writeXorAddress(value, 0, addr, address.getPort(), transactionId);
    return value;
  }

  /** Writes the XOR-*-ADDRESS value of {@code addr}:{@code port} at {@code out[pos]} (4 + addr.length bytes). */
  static void writeXorAddress(byte[] out, int pos, byte[] addr, int port, byte[] transactionId) {
    writeXorAddress(out, pos, addr, port, transactionId, 0);
  }

  /** As {@link #writeXorAddress(byte[], int, byte[], int, byte[])} with the transaction id at {@code tid[tidOffset]}. */
  static void writeXorAddress(byte[] out, int pos, byte[] addr, int port, byte[] tid, int tidOffset) {
    out[pos] = 0;
    out[pos + 1] = (byte) (addr.length == 4 ? Stun.FAMILY_IPV4 : Stun.FAMILY_IPV6);
    int xport = port ^ (Stun.MAGIC_COOKIE >>> 16);
    out[pos + 2] = (byte) (xport >> 8);
    out[pos + 3] = (byte) xport;
    for (int i = 0; i < addr.length; i++) {
      out[pos + 4 + i] = (byte) (addr[i] ^ maskByte(i, tid, tidOffset));
    }
  }

  /** Byte {@code i} of the XOR mask: the magic cookie followed by the transaction id (RFC 8489 §14.2). */
  private static int maskByte(int i, byte[] tid, int tidOffset) {
    return i < 4 ? Stun.MAGIC_COOKIE >>> (24 - 8 * i) : tid[tidOffset + i - 4];
  }
}
