package dev.switchboard.bench;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The few STUN/TURN messages the load generators send (Binding, Allocate, Refresh, ChannelBind) and
 * the little they read from responses. Hand-written on purpose: bench/ does not depend on the server modules, so the
 * server's codec is not what checks itself. Not thread-safe (the {@link Mac} is confined to its
 * event loop); the static helpers are pure.
 */
final class StunMessages {

  static final int HEADER = 20;
  static final int MAGIC_COOKIE = 0x2112A442;
  static final int BINDING_REQUEST = 0x0001;
  static final int ALLOCATE_REQUEST = 0x0003;
  static final int REFRESH_REQUEST = 0x0004;
  static final int CHANNEL_BIND_REQUEST = 0x0009;
  static final int SUCCESS = 0x0100;
  static final int ERROR = 0x0110;
  static final int USERNAME = 0x0006;
  static final int MESSAGE_INTEGRITY = 0x0008;
  static final int ERROR_CODE = 0x0009;
  static final int CHANNEL_NUMBER = 0x000C;
  static final int LIFETIME = 0x000D;
  static final int XOR_PEER_ADDRESS = 0x0012;
  static final int REALM = 0x0014;
  static final int NONCE = 0x0015;
  static final int XOR_RELAYED_ADDRESS = 0x0016;
  static final int REQUESTED_TRANSPORT = 0x0019;
  /** RFC 8656 §18.13: protocol number 17 (UDP) in the first byte, then RFU. */
  private static final byte[] UDP_TRANSPORT = {17, 0, 0, 0};

  /** The long-term credentials of one user; {@code key} = MD5(username:realm:password), RFC 8489 §9.2.2. */
  record Credentials(byte[] username, byte[] realm, byte[] key) {
    static Credentials of(String username, String realm, String password) {
      try {
        byte[] key = MessageDigest.getInstance("MD5")
            .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new Credentials(username.getBytes(StandardCharsets.UTF_8), realm.getBytes(StandardCharsets.UTF_8), key);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("MD5 unavailable", e);
      }
    }
  }

  /** One attribute to encode, in order. */
  record Attribute(int type, byte[] value) {}

  private final Mac mac;

  StunMessages(Credentials credentials) {
    try {
      mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(credentials.key(), "HmacSHA1"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
    this.credentials = credentials;
  }

  private final Credentials credentials;

  static byte[] binding(Tid tid) {
    return encode(BINDING_REQUEST, tid, null);
  }

  /** The first Allocate of a 5-tuple: no credentials, so the server answers 401 with REALM and NONCE. */
  static byte[] allocateUnauthenticated(Tid tid) {
    return encode(ALLOCATE_REQUEST, tid, null, new Attribute(REQUESTED_TRANSPORT, UDP_TRANSPORT));
  }

  /** Allocate for a UDP relay, signed (RFC 8656 §7.1). */
  byte[] allocate(Tid tid, byte[] nonce) {
    return signed(ALLOCATE_REQUEST, tid, nonce, new Attribute(REQUESTED_TRANSPORT, UDP_TRANSPORT));
  }

  /** Refresh with LIFETIME 0: deletes the allocation (RFC 8656 §7.3). */
  byte[] release(Tid tid, byte[] nonce) {
    return signed(REFRESH_REQUEST, tid, nonce, new Attribute(LIFETIME, new byte[4]));
  }

  /** ChannelBind of {@code channel} (0x4000-0x4FFF) to {@code peer}, signed (RFC 8656 §12.1). */
  byte[] channelBind(Tid tid, byte[] nonce, int channel, InetSocketAddress peer) {
    byte[] number = ByteBuffer.allocate(4).putShort((short) channel).array();
    return signed(CHANNEL_BIND_REQUEST, tid, nonce, new Attribute(CHANNEL_NUMBER, number),
        new Attribute(XOR_PEER_ADDRESS, xorAddress(peer)));
  }

  private byte[] signed(int type, Tid tid, byte[] nonce, Attribute... attributes) {
    Attribute[] all = Arrays.copyOf(attributes, attributes.length + 3);
    all[attributes.length] = new Attribute(USERNAME, credentials.username());
    all[attributes.length + 1] = new Attribute(REALM, credentials.realm());
    all[attributes.length + 2] = new Attribute(NONCE, nonce);
    return encode(type, tid, mac, all);
  }

  /** The value of an XOR-PEER-ADDRESS (or any XOR address attribute) of an IPv4 address (RFC 8489 §14.2). */
  static byte[] xorAddress(InetSocketAddress address) {
    byte[] ip = address.getAddress().getAddress();
    if (ip.length != 4) {
      throw new IllegalArgumentException("IPv4 only: " + address);
    }
    ByteBuffer b = ByteBuffer.allocate(8);
    b.put((byte) 0).put((byte) 1).putShort((short) (address.getPort() ^ (MAGIC_COOKIE >>> 16)));
    b.putInt(ByteBuffer.wrap(ip).getInt() ^ MAGIC_COOKIE);
    return b.array();
  }

  /** An IPv4 XOR address attribute's value decoded; null when it is not one. */
  static InetSocketAddress xorAddress(byte[] value) {
    if (value == null || value.length != 8 || value[1] != 1) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    int port = (b.getShort(2) & 0xFFFF) ^ (MAGIC_COOKIE >>> 16);
    byte[] ip = ByteBuffer.allocate(4).putInt(b.getInt(4) ^ MAGIC_COOKIE).array();
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  /**
   * Header and attributes (each padded to 4 bytes); with {@code mac}, MESSAGE-INTEGRITY last: the
   * HMAC-SHA1 of everything before it, with the header length already counting it (RFC 8489 §14.5).
   */
  static byte[] encode(int type, Tid tid, Mac mac, Attribute... attributes) {
    int length = 0;
    for (Attribute a : attributes) {
      length += 4 + pad(a.value().length);
    }
    int total = HEADER + length + (mac == null ? 0 : 24);
    ByteBuffer b = ByteBuffer.allocate(total);
    b.putShort((short) type).putShort((short) (total - HEADER)).putInt(MAGIC_COOKIE);
    tid.write(b);
    for (Attribute a : attributes) {
      b.putShort((short) a.type()).putShort((short) a.value().length).put(a.value());
      b.position(b.position() + pad(a.value().length) - a.value().length);
    }
    if (mac != null) {
      mac.update(b.array(), 0, b.position());
      byte[] hmac = mac.doFinal();
      b.putShort((short) MESSAGE_INTEGRITY).putShort((short) 20).put(hmac);
    }
    return b.array();
  }

  private static int pad(int length) {
    return (length + 3) & ~3;
  }

  /** The message type of a STUN message in {@code buf}, or -1 when it is too short or lacks the cookie. */
  static int type(ByteBuf buf) {
    int r = buf.readerIndex();
    if (buf.readableBytes() < HEADER || buf.getInt(r + 4) != MAGIC_COOKIE) {
      return -1;
    }
    return buf.getUnsignedShort(r);
  }

  /** The value of the first attribute of {@code type}, or null. */
  static byte[] attribute(ByteBuf buf, int type) {
    int r = buf.readerIndex();
    int end = r + HEADER + Math.min(buf.getUnsignedShort(r + 2), buf.readableBytes() - HEADER);
    for (int pos = r + HEADER; pos + 4 <= end; ) {
      int t = buf.getUnsignedShort(pos);
      int len = buf.getUnsignedShort(pos + 2);
      if (pos + 4 + len > end) {
        return null;
      }
      if (t == type) {
        byte[] value = new byte[len];
        buf.getBytes(pos + 4, value);
        return value;
      }
      pos += 4 + pad(len);
    }
    return null;
  }

  /** The ERROR-CODE of an error response (class × 100 + number), or 0 without one. */
  static int errorCode(ByteBuf buf) {
    byte[] v = attribute(buf, ERROR_CODE);
    return v == null || v.length < 4 ? 0 : (v[2] & 0x7) * 100 + (v[3] & 0xFF);
  }
}
