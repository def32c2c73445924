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
    byte[] tid = new byte[12];
    ThreadLocalRandom.current().nextBytes(tid);
    byte[] peerValue = new byte[4 + ip.length];
    StunCodec.writeXorAddress(peerValue, 0, ip, peer.getPort(), tid);
    ByteBuf out = alloc.directBuffer(Stun.HEADER_LENGTH + body);
    out.writeShort(Stun.type(Stun.DATA, Stun.INDICATION)).writeShort(body).writeInt(Stun.MAGIC_COOKIE).writeBytes(tid);
    out.writeShort(Stun.XOR_PEER_ADDRESS).writeShort(peerValue.length).writeBytes(peerValue);
    out.writeShort(Stun.DATA_ATTR).writeShort(len).writeBytes(payload, payload.readerIndex(), len).writeZero(padded - len);
    return out;
  }
}
