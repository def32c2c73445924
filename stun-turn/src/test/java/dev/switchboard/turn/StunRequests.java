package dev.switchboard.turn;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/** Builds client requests for tests. Stateless. */
final class StunRequests {

  private StunRequests() {
  }

  static byte[] tid() {
    byte[] tid = new byte[12];
    ThreadLocalRandom.current().nextBytes(tid);
    return tid;
  }

  static StunMessageBuilder request(int method) {
    return new StunMessageBuilder(Stun.type(method, Stun.REQUEST), tid());
  }

  static StunMessageBuilder allocate() {
    return request(Stun.ALLOCATE).add(Stun.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0});
  }

  static StunMessageBuilder createPermission(InetSocketAddress... peers) {
    StunMessageBuilder b = request(Stun.CREATE_PERMISSION);
    for (InetSocketAddress p : peers) {
      b.addXorAddress(Stun.XOR_PEER_ADDRESS, p);
    }
    return b;
  }

  static StunMessageBuilder channelBind(int channel, InetSocketAddress peer) {
    return request(Stun.CHANNEL_BIND)
        .add(Stun.CHANNEL_NUMBER, new byte[] {(byte) (channel >> 8), (byte) channel, 0, 0})
        .addXorAddress(Stun.XOR_PEER_ADDRESS, peer);
  }

  static StunMessageBuilder refresh(int lifetime) {
    return request(Stun.REFRESH).addInt(Stun.LIFETIME, lifetime);
  }

  /** Adds USERNAME, REALM, NONCE and signs with the user's long-term key. */
  static byte[] signed(StunMessageBuilder b, String user, String password, String nonce) {
    return b.addText(Stun.USERNAME, user).addText(Stun.REALM, TurnFixture.REALM).addText(Stun.NONCE, nonce)
        .build(TurnFixture.key(user, password), true);
  }

  static byte[] unsigned(StunMessageBuilder b) {
    return b.build(null, true);
  }

  static int errorCode(StunMessage m) {
    StunAttribute e = m.attribute(Stun.ERROR_CODE);
    return e == null ? 0 : (e.value()[2] & 0x7) * 100 + (e.value()[3] & 0xFF);
  }

  static InetSocketAddress address(StunMessage m, int attr) {
    return StunCodec.xorAddress(m.attribute(attr).value(), m.transactionId());
  }

  static long u32(StunMessage m, int attr) {
    byte[] v = m.attribute(attr).value();
    return ((long) (v[0] & 0xFF) << 24) | ((v[1] & 0xFF) << 16) | ((v[2] & 0xFF) << 8) | (v[3] & 0xFF);
  }
}
