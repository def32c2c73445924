package dev.switchboard.turn;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Builds one outgoing STUN message; MESSAGE-INTEGRITY and FINGERPRINT are computed over the bytes
 * written so far (RFC 8489 §14.5, §14.7). Not thread-safe; use once.
 */
final class StunMessageBuilder {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
  private final byte[] transactionId;

  StunMessageBuilder(int type, byte[] transactionId) {
    this.transactionId = transactionId;
    writeShort(type);
    writeShort(0);
    writeInt(Stun.MAGIC_COOKIE);
    out.writeBytes(transactionId);
  }

  /** A response of class {@code cls} to {@code request}. */
  static StunMessageBuilder responseTo(StunMessage request, int cls) {
    return new StunMessageBuilder(Stun.type(request.method(), cls), request.transactionId());
  }

  StunMessageBuilder add(int attrType, byte[] value) {
    writeShort(attrType);
    writeShort(value.length);
    out.writeBytes(value);
    for (int pad = (4 - (value.length & 3)) & 3; pad > 0; pad--) {
      out.write(0);
    }
    return this;
  }

  StunMessageBuilder addText(int attrType, String value) {
    return add(attrType, value.getBytes(StandardCharsets.UTF_8));
  }

  StunMessageBuilder addInt(int attrType, int value) {
    return add(attrType, new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value});
  }

  StunMessageBuilder addXorAddress(int attrType, InetSocketAddress address) {
    return add(attrType, StunCodec.xorAddressValue(address, transactionId));
  }

  /** ERROR-CODE (RFC 8489 §14.8). */
  StunMessageBuilder addError(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] value = new byte[4 + text.length];
    value[2] = (byte) (code / 100);
    value[3] = (byte) (code % 100);
    System.arraycopy(text, 0, value, 4, text.length);
    return add(Stun.ERROR_CODE, value);
  }

  /** Appends MESSAGE-INTEGRITY (when {@code key} is not null) and FINGERPRINT (when asked) and returns the message. */
  byte[] build(byte[] key, boolean fingerprint) {
    if (key != null) {
      byte[] sofar = finishLength(24);
      add(Stun.MESSAGE_INTEGRITY, StunCodec.hmac(sofar, sofar.length, key));
    }
    if (fingerprint) {
      byte[] sofar = finishLength(8);
      int fp = StunCodec.fingerprint(sofar, sofar.length);
      addInt(Stun.FINGERPRINT, fp);
    }
    return finishLength(0);
  }

  private byte[] finishLength(int extra) {
    byte[] bytes = out.toByteArray();
    int length = bytes.length - Stun.HEADER_LENGTH + extra;
    bytes[2] = (byte) (length >> 8);
    bytes[3] = (byte) length;
    return bytes;
  }

  private void writeShort(int v) {
    out.write(v >> 8);
    out.write(v);
  }

  private void writeInt(int v) {
    writeShort(v >>> 16);
    writeShort(v & 0xFFFF);
  }
}
