package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Encodes Data indications (RFC 8656 §11.4) straight into a pooled buffer: the peer → client path
 * for clients that use no channel runs once per relayed packet, so the payload is copied once, with
 * no message builder and no DATA array in between. Stateless and thread-safe.
 */
final class DataIndications {

  private DataIndications() {}

  /** A Data indication carrying {@code len} bytes of {@code payload} from {@code peer}; does not release {@code payload}. */
  static ByteBuf encode(ByteBufAllocator alloc, InetSocketAddress peer, ByteBuf payload, int len) {
    byte[] ip = peer.getAddress().getAddress();
    int padded = (len + 3) & ~3;
    int body = 4 + 4 + ip.length + 4 + padded;
    ByteBuf out = alloc.directBuffer(Stun.HEADER_LENGTH + body);
    // The random transaction id goes straight into the buffer, and XOR-PEER-ADDRESS is XOR'ed there
    // (RFC 8489 §14.2) from it: no id or attribute arrays per packet.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    out.writeShort(Stun.type(Stun.DATA, Stun.INDICATION)).writeShort(body).writeInt(Stun.MAGIC_COOKIE)
        .writeLong(random.nextLong()).writeInt(random.nextInt());
    out.writeShort(Stun.XOR_PEER_ADDRESS).writeShort(4 + ip.length)
        .writeByte(0).writeByte(ip.length == 4 ? Stun.FAMILY_IPV4 : Stun.FAMILY_IPV6)
        .writeShort(peer.getPort() ^ (Stun.MAGIC_COOKIE >>> 16));
    for (int i = 0; i < ip.length; i++) {
      // Bytes 4-19 of the message are the cookie and the transaction id: the mask, in order.
      out.writeByte(ip[i] ^ out.getByte(4 + i));
    }
    out.writeShort(Stun.DATA_ATTR).writeShort(len);
    return ByteBufCopy.append(out, payload, payload.readerIndex(), len).writeZero(padded - len);
  }
}
