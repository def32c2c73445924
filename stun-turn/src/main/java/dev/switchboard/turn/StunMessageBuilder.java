package dev.switchboard.turn;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one outgoing STUN message; MESSAGE-INTEGRITY and FINGERPRINT are computed over the bytes
 * written so far (RFC 8489 §14.5, §14.7). Not thread-safe; use once.
 *
 * <p>Writes into one growing array (no stream, no per-attribute copies), and integrity and
 * fingerprint are computed over that array in place: this runs for every response.
 */
final class StunMessageBuilder {

  /** Room for most responses without growing. */
  private static final int DEFAULT_CAPACITY = 128;
  /** Where the transaction id goes in the header. */
  private static final int TID = StunMessage.TRANSACTION_ID_OFFSET;

  private byte[] buf;
  private int len;

  StunMessageBuilder(int type, byte[] transactionId) {
    this(type, Stun.MAGIC_COOKIE, transactionId);
  }

  /**
   * With {@code cookie} in bytes 4-7 instead of the magic cookie: an RFC 3489 response echoes there
   * the first four bytes of its request's 16-byte transaction id. Such a message has no XOR-*-ADDRESS.
   */
  StunMessageBuilder(int type, int cookie, byte[] transactionId) {
    this(type, cookie, transactionId, 0, DEFAULT_CAPACITY);
  }

  /**
   * With the transaction id at {@code tid[tidOffset]} (a request's raw bytes, not a copy of its id)
   * and room for {@code capacity} bytes at first. When the message comes out exactly that long,
   * {@link #build} returns the builder's own array instead of a trimmed copy: a Binding response
   * then costs one array, not a 128-byte one and its copy.
   */
  StunMessageBuilder(int type, int cookie, byte[] tid, int tidOffset, int capacity) {
    this.buf = new byte[Math.max(capacity, Stun.HEADER_LENGTH)];
    putShort(0, type);
    // bytes 2-3 (length) are set by build()
    putInt(4, cookie);
    System.arraycopy(tid, tidOffset, buf, TID, 12);
    len = Stun.HEADER_LENGTH;
  }

  /** A response of class {@code cls} to {@code request}. */
  static StunMessageBuilder responseTo(StunMessage request, int cls) {
    return responseTo(request, cls, DEFAULT_CAPACITY);
  }

  /** As {@link #responseTo(StunMessage, int)}, expecting a message of {@code capacity} bytes. */
  static StunMessageBuilder responseTo(StunMessage request, int cls, int capacity) {
    return new StunMessageBuilder(Stun.type(request.method(), cls), Stun.MAGIC_COOKIE, request.raw(),
        StunMessage.TRANSACTION_ID_OFFSET, capacity);
  }

  /** The length of an attribute with a value of {@code valueLength} bytes, with its header and padding. */
  static int attributeLength(int valueLength) {
    return 4 + ((valueLength + 3) & ~3);
  }

  StunMessageBuilder add(int attrType, byte[] value) {
    int pos = attribute(attrType, value.length);
    System.arraycopy(value, 0, buf, pos, value.length);
    return this;
  }

  StunMessageBuilder addText(int attrType, String value) {
    return add(attrType, value.getBytes(StandardCharsets.UTF_8));
  }

  StunMessageBuilder addInt(int attrType, int value) {
    putInt(attribute(attrType, 4), value);
    return this;
  }

  StunMessageBuilder addXorAddress(int attrType, InetSocketAddress address) {
    byte[] addr = address.getAddress().getAddress();
    int pos = attribute(attrType, 4 + addr.length); // first: it may replace buf
    // The mask's transaction id is the one in our own header (bytes 8-19), before pos: no overlap.
    StunCodec.writeXorAddress(buf, pos, addr, address.getPort(), buf, TID);
    return this;
  }

  /** A plain (not XOR'ed) address value: RFC 8489 §14.1, RFC 3489 §11.2.1's format with IPv6 added. */
  StunMessageBuilder addAddress(int attrType, InetSocketAddress address) {
    byte[] addr = address.getAddress().getAddress();
    int pos = attribute(attrType, 4 + addr.length);
    buf[pos + 1] = (byte) (addr.length == 4 ? Stun.FAMILY_IPV4 : Stun.FAMILY_IPV6);
    putShort(pos + 2, address.getPort());
    System.arraycopy(addr, 0, buf, pos + 4, addr.length);
    return this;
  }

  /** ERROR-CODE (RFC 8489 §14.8). */
  StunMessageBuilder addError(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int pos = attribute(Stun.ERROR_CODE, 4 + text.length);
    buf[pos + 2] = (byte) (code / 100);
    buf[pos + 3] = (byte) (code % 100);
    System.arraycopy(text, 0, buf, pos + 4, text.length);
    return this;
  }

  /**
   * Appends MESSAGE-INTEGRITY (when {@code key} is not null) and FINGERPRINT (when asked) and returns
   * the message. Uses a fresh Mac: for tests, clients and unsigned messages.
   */
  byte[] build(byte[] key, boolean fingerprint) {
    return build(key, null, fingerprint);
  }

  /** As {@link #build(byte[], boolean)}, signing with {@code macs} (the server's per-thread Macs) when not null. */
  byte[] build(byte[] key, IntegrityMacs macs, boolean fingerprint) {
    if (key != null) {
      // RFC 8489 §14.5: the HMAC covers the header with the length as if MESSAGE-INTEGRITY ended the message.
      int mi = len;
      byte[] hmac = macs == null ? StunCodec.hmac(buf, mi, key) : macs.hmac(key, buf, mi);
      add(Stun.MESSAGE_INTEGRITY, hmac);
    }
    if (fingerprint) {
      int fp = len;
      addInt(Stun.FINGERPRINT, StunCodec.fingerprint(buf, fp));
    }
    putShort(2, len - Stun.HEADER_LENGTH);
    return len == buf.length ? buf : Arrays.copyOf(buf, len);
  }

  /** Appends an attribute header and zeroed, padded room for {@code valueLength} bytes; returns where the value goes. */
  private int attribute(int attrType, int valueLength) {
    int padded = (valueLength + 3) & ~3;
    int need = len + 4 + padded;
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
    }
    putShort(len, attrType);
    putShort(len + 2, valueLength);
    int pos = len + 4;
    len = need;
    return pos;
  }

  private void putShort(int pos, int v) {
    buf[pos] = (byte) (v >> 8);
    buf[pos + 1] = (byte) v;
  }

  private void putInt(int pos, int v) {
    buf[pos] = (byte) (v >>> 24);
    buf[pos + 1] = (byte) (v >>> 16);
    buf[pos + 2] = (byte) (v >>> 8);
    buf[pos + 3] = (byte) v;
  }
}
