package dev.switchboard.cli.probe;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The probe's STUN codec: builds requests (with MESSAGE-INTEGRITY and FINGERPRINT) and parses
 * responses into a list of raw attributes. Only what a TURN client needs (RFC 8489 §5, §14;
 * RFC 8656 §18). A built message is immutable once {@link #encode}d; not thread-safe.
 */
final class StunMessage {

  static final int MAGIC_COOKIE = 0x2112A442;
  static final int BINDING = 0x001;
  static final int ALLOCATE = 0x003;
  static final int REFRESH = 0x004;
  static final int CREATE_PERMISSION = 0x008;
  static final int CHANNEL_BIND = 0x009;
  static final int SEND = 0x006;
  static final int DATA_INDICATION = 0x007;
  static final int CLASS_INDICATION = 0x010;
  static final int CLASS_REQUEST = 0x000;
  static final int CLASS_SUCCESS = 0x100;
  static final int CLASS_ERROR = 0x110;

  static final int MAPPED_ADDRESS = 0x0001;
  static final int USERNAME = 0x0006;
  static final int MESSAGE_INTEGRITY = 0x0008;
  static final int ERROR_CODE = 0x0009;
  static final int CHANNEL_NUMBER = 0x000C;
  static final int LIFETIME = 0x000D;
  static final int XOR_PEER_ADDRESS = 0x0012;
  static final int DATA = 0x0013;
  static final int REALM = 0x0014;
  static final int NONCE = 0x0015;
  static final int XOR_RELAYED_ADDRESS = 0x0016;
  static final int REQUESTED_TRANSPORT = 0x0019;
  static final int XOR_MAPPED_ADDRESS = 0x0020;
  static final int FINGERPRINT = 0x8028;

  record Attribute(int type, byte[] value) {}

  final int type;
  final byte[] transactionId;
  final List<Attribute> attributes = new ArrayList<>();

  StunMessage(int type, byte[] transactionId) {
    this.type = type;
    this.transactionId = transactionId.clone();
  }

  int method() {
    return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
  }

  int messageClass() {
    return type & 0x0110;
  }

  static int type(int method, int messageClass) {
    return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | messageClass;
  }

  StunMessage add(int attributeType, byte[] value) {
    attributes.add(new Attribute(attributeType, value));
    return this;
  }

  StunMessage addString(int attributeType, String value) {
    return add(attributeType, value.getBytes(StandardCharsets.UTF_8));
  }

  StunMessage addInt(int attributeType, int value) {
    return add(attributeType, ByteBuffer.allocate(4).putInt(value).array());
  }

  StunMessage addXorAddress(int attributeType, InetSocketAddress address) {
    byte[] ip = address.getAddress().getAddress();
    ByteBuffer b = ByteBuffer.allocate(4 + ip.length);
    b.put((byte) 0).put((byte) (ip.length == 4 ? 1 : 2));
    b.putShort((short) (address.getPort() ^ (MAGIC_COOKIE >>> 16)));
    byte[] mask = xorMask();
    for (int i = 0; i < ip.length; i++) {
      b.put((byte) (ip[i] ^ mask[i]));
    }
    return add(attributeType, b.array());
  }

  /**
   * Encodes the message; with a key, appends MESSAGE-INTEGRITY (RFC 8489 §14.5: HMAC-SHA1 over the
   * message with the length already counting the attribute) and always FINGERPRINT (§14.7).
   */
  byte[] encode(byte[] integrityKey) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Attribute a : attributes) {
      writeAttribute(body, a.type(), a.value());
    }
    if (integrityKey != null) {
      byte[] signed = withHeader(body.toByteArray(), 24);
      writeAttribute(body, MESSAGE_INTEGRITY, hmacSha1(integrityKey, Arrays.copyOf(signed, signed.length - 24)));
    }
    byte[] bytes = withHeader(body.toByteArray(), 8);
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    ByteBuffer.wrap(bytes, bytes.length - 8, 8).putShort((short) FINGERPRINT).putShort((short) 4)
        .putInt((int) crc.getValue() ^ 0x5354554e);
    return bytes;
  }

  /** Header + body + {@code trailing} bytes of room, with the length field counting them. */
  private byte[] withHeader(byte[] body, int trailing) {
    ByteBuffer b = ByteBuffer.allocate(20 + body.length + trailing);
    b.putShort((short) type).putShort((short) (body.length + trailing)).putInt(MAGIC_COOKIE).put(transactionId);
    b.put(body);
    return b.array();
  }

  private static void writeAttribute(ByteArrayOutputStream out, int type, byte[] value) {
    out.write(type >>> 8);
    out.write(type);
    out.write(value.length >>> 8);
    out.write(value.length);
    out.writeBytes(value);
    for (int i = value.length; i % 4 != 0; i++) {
      out.write(0);
    }
  }

  /** Parses one STUN message, or returns null when {@code data} is not one (wrong cookie, bad length). */
  static StunMessage decode(byte[] data, int length) {
    if (length < 20 || (data[0] & 0xC0) != 0) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(data, 0, length);
    int type = b.getShort() & 0xFFFF;
    int bodyLength = b.getShort() & 0xFFFF;
    if (b.getInt() != MAGIC_COOKIE || 20 + bodyLength > length) {
      return null;
    }
    byte[] tid = new byte[12];
    b.get(tid);
    StunMessage message = new StunMessage(type, tid);
    int end = 20 + bodyLength;
    while (b.position() + 4 <= end) {
      int attrType = b.getShort() & 0xFFFF;
      int attrLength = b.getShort() & 0xFFFF;
      if (b.position() + attrLength > end) {
        return null;
      }
      byte[] value = new byte[attrLength];
      b.get(value);
      message.add(attrType, value);
      b.position(Math.min(end, b.position() + ((4 - attrLength % 4) % 4)));
    }
    return message;
  }

  byte[] attribute(int attributeType) {
    for (Attribute a : attributes) {
      if (a.type() == attributeType) {
        return a.value();
      }
    }
    return null;
  }

  String stringAttribute(int attributeType) {
    byte[] value = attribute(attributeType);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  /** The ERROR-CODE as class*100+number (RFC 8489 §14.8), or 0. */
  int errorCode() {
    byte[] v = attribute(ERROR_CODE);
    return v == null || v.length < 4 ? 0 : (v[2] & 0x07) * 100 + (v[3] & 0xFF);
  }

  String errorReason() {
    byte[] v = attribute(ERROR_CODE);
    return v == null || v.length < 4 ? "" : new String(v, 4, v.length - 4, StandardCharsets.UTF_8);
  }

  /** An XOR-*-ADDRESS attribute, or MAPPED-ADDRESS when asked for it; null when absent. */
  InetSocketAddress address(int attributeType) {
    byte[] v = attribute(attributeType);
    if (v == null || v.length < 8) {
      return null;
    }
    boolean xor = attributeType != MAPPED_ADDRESS;
    int port = ((v[2] & 0xFF) << 8) | (v[3] & 0xFF);
    byte[] ip = Arrays.copyOfRange(v, 4, v[1] == 2 ? 20 : 8);
    if (xor) {
      port ^= MAGIC_COOKIE >>> 16;
      byte[] mask = xorMask();
      for (int i = 0; i < ip.length; i++) {
        ip[i] ^= mask[i];
      }
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Magic cookie then transaction id: the XOR mask of RFC 8489 §14.2. */
  private byte[] xorMask() {
    return ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transactionId).array();
  }

  /** The long-term key MD5(username:realm:password) of RFC 8489 §9.2.2. */
  static byte[] longTermKey(String username, String realm, String password) {
    try {
      return MessageDigest.getInstance("MD5")
          .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no MD5 in this JVM", e);
    }
  }

  static byte[] hmacSha1(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no HMAC-SHA1 in this JVM", e);
    }
  }
}
