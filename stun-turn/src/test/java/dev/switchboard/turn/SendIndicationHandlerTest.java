package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Send indications are relayed only with an allocation, both attributes, the right family and a permission. */
class SendIndicationHandlerTest {

  private final TurnFixture f = new TurnFixture();
  private final SendIndicationHandler handler = new SendIndicationHandler();

  @AfterEach
  void close() {
    f.close();
  }

  private static StunMessage send(InetSocketAddress peer, byte[] data) {
    StunMessageBuilder b = new StunMessageBuilder(Stun.type(Stun.SEND, Stun.INDICATION), StunRequests.tid());
    if (peer != null) {
      b.addXorAddress(Stun.XOR_PEER_ADDRESS, peer);
    }
    if (data != null) {
      b.add(Stun.DATA_ATTR, data);
    }
    return StunCodec.decode(b.build(null, true));
  }

  @Test
  void relaysOnlyWhatIsPermitted() throws Exception {
    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      peer.setSoTimeout(3000);
      InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
      RecordingLink link = f.newLink();
      // No allocation yet: dropped silently.
      f.onLoop(() -> {
        handler.handle(link, send(peerAddr, new byte[] {1}), f.ctx);
        return null;
      });
      f.handle(new AllocateHandler(), link, StunRequests.allocate().build(null, false));
      f.onLoop(() -> {
        handler.handle(link, send(peerAddr, new byte[] {2}), f.ctx);           // no permission
        handler.handle(link, send(null, new byte[] {3}), f.ctx);               // no XOR-PEER-ADDRESS
        handler.handle(link, send(new InetSocketAddress("::1", 9), new byte[] {4}), f.ctx); // other family
        link.allocation().permit(peerAddr.getAddress(), f.clock.millis());
        handler.handle(link, send(peerAddr, null), f.ctx);                     // no DATA
        handler.handle(link, send(peerAddr, new byte[] {5}), f.ctx);           // relayed
        return null;
      });
      DatagramPacket p = new DatagramPacket(new byte[16], 16);
      peer.receive(p);
      assertThat(p.getLength()).isEqualTo(1);
      assertThat(p.getData()[0]).isEqualTo((byte) 5);
      assertThat(link.sent()).isEmpty();
      assertThat(f.ctx.metrics().relayedPackets.sum()).isEqualTo(1);
    }
  }

  @Test
  void oneWithAnUnknownComprehensionRequiredAttributeIsDiscarded() throws Exception {
    // RFC 8489 §6.3.2: such an indication is discarded; unknown optional attributes are ignored.
    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      peer.setSoTimeout(3000);
      InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
      RecordingLink link = f.newLink();
      f.handle(new AllocateHandler(), link, StunRequests.allocate().build(null, false));
      f.onLoop(() -> {
        link.allocation().permit(peerAddr.getAddress(), f.clock.millis());
        return null;
      });
      for (int[] extra : new int[][] {{0x7777, 7}, {0xC001, 8}}) {
        f.dispatch(link, new StunMessageBuilder(Stun.type(Stun.SEND, Stun.INDICATION), StunRequests.tid())
            .addXorAddress(Stun.XOR_PEER_ADDRESS, peerAddr).add(Stun.DATA_ATTR, new byte[] {(byte) extra[1]})
            .add(extra[0], new byte[4]).build(null, true));
      }
      DatagramPacket p = new DatagramPacket(new byte[16], 16);
      peer.receive(p);
      assertThat(p.getData()[0]).isEqualTo((byte) 8);
      assertThat(f.ctx.metrics().relayedPackets.sum()).isEqualTo(1);
    }
  }
}
