package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Encodes Data indications (RFC 8656 §11.4) straight into a pooled buffer: the peer → client path
 * for clients that use no channel runs once per relayed packet, so it builds no attribute arrays
 * and copies the payload once. Stateless and thread-safe.
 */
final class DataIndications {

  private DataIndications() {}

  /** A Data indication carrying {@code len} bytes of {@code payload} from {@code peer}; does not release {@code payload}. */
  static ByteBuf encode(ByteBufAllocator alloc, InetSocketAddress peer, ByteBuf payload, int len) {
    byte[] ip = peer.getAddress().getAddress();
    int padded = (len + 3) & ~3;
    int body = 4 + 4 + ip.length + 4 + padded;
    ByteBuf out = alloc.directBuffer(Stun.HEADER_LENGTH + body);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long tidHigh = random.nextLong();
    int tidLow = random.nextInt();
    out.writeShort(Stun.type(Stun.DATA, Stun.INDICATION)).writeShort(body).writeInt(Stun.MAGIC_COOKIE)
        .writeLong(tidHigh).writeInt(tidLow);
    // RFC 8489 §14.2: the port is XOR'ed with the cookie's top half, the address with the cookie
    // (IPv4) or the cookie followed by the transaction id (IPv6), i.e. header bytes 4-19.
    out.writeShort(Stun.XOR_PEER_ADDRESS).writeShort(4 + ip.length)
        .writeByte(0).writeByte(ip.length == 4 ? Stun.FAMILY_IPV4 : Stun.FAMILY_IPV6)
        .writeShort(peer.getPort() ^ (Stun.MAGIC_COOKIE >>> 16));
    for (int i = 0; i < ip.length; i++) {
      out.writeByte(ip[i] ^ out.getByte(4 + i));
    }
    out.writeShort(Stun.DATA_ATTR).writeShort(len).writeBytes(payload, payload.readerIndex(), len).writeZero(padded - len);
    return out;
  }
}
