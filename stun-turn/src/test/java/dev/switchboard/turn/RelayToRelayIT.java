package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.address;
import static dev.switchboard.turn.StunRequests.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the default peer policy (loopback refused), two clients of this server may still relay to
 * each other's relay addresses: the server's own relays are always allowed, and the datagrams are
 * handed from one allocation to the other in memory.
 */
class RelayToRelayIT {

  @TempDir
  Path dir;

  @Test
  void relayToRelayWorksWhileOtherLoopbackPeersAreRefused() throws Exception {
    try (LoopbackTurnServer turn = new LoopbackTurnServer(dir, 27100, 27199, Clock.systemUTC(), false);
         StunTestClient a = StunTestClient.udp(turn.server.udpPort());
         StunTestClient b = StunTestClient.udp(turn.server.udpPort())) {
      InetSocketAddress relayA = address(a.authenticated(StunRequests::allocate, "alice", "secret"), Stun.XOR_RELAYED_ADDRESS);
      InetSocketAddress relayB = address(b.authenticated(StunRequests::allocate, "bob", "pw"), Stun.XOR_RELAYED_ADDRESS);

      assertThat(a.authenticated(() -> StunRequests.createPermission(relayB), "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
      assertThat(b.authenticated(() -> StunRequests.createPermission(relayA), "bob", "pw").cls()).isEqualTo(Stun.SUCCESS);
      InetSocketAddress notARelay = new InetSocketAddress("127.0.0.1", turn.server.udpPort());
      assertThat(errorCode(a.authenticated(() -> StunRequests.createPermission(notARelay), "alice", "secret"))).isEqualTo(403);
      assertThat(errorCode(a.authenticated(() -> StunRequests.channelBind(0x4000, notARelay), "alice", "secret"))).isEqualTo(403);

      // Send indication A -> relay B arrives at B as a Data indication from relay A.
      a.send(new StunMessageBuilder(Stun.type(Stun.SEND, Stun.INDICATION), StunRequests.tid())
          .addXorAddress(Stun.XOR_PEER_ADDRESS, relayB).add(Stun.DATA_ATTR, new byte[] {1, 2, 3}).build(null, true));
      StunMessage data = StunCodec.decode(b.receive());
      assertThat(address(data, Stun.XOR_PEER_ADDRESS)).isEqualTo(relayA);
      assertThat(data.attribute(Stun.DATA_ATTR).value()).containsExactly(1, 2, 3);

      // ChannelData A -> relay B, too.
      assertThat(a.authenticated(() -> StunRequests.channelBind(0x4000, relayB), "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
      a.send(ByteBuffer.allocate(8).putShort((short) 0x4000).putShort((short) 4).putInt(0x0A0B0C0D).array());
      StunMessage viaChannel = StunCodec.decode(b.receive());
      assertThat(viaChannel.attribute(Stun.DATA_ATTR).value()).containsExactly(0x0A, 0x0B, 0x0C, 0x0D);
      // Both went from relay A to relay B in memory, not through the kernel.
      assertThat(turn.server.context().metrics().relayedInMemory.sum()).isEqualTo(2);

      // A Send indication to a refused peer is dropped (nothing relayed, nothing answered).
      long relayed = turn.server.context().metrics().relayedPackets.sum();
      a.send(new StunMessageBuilder(Stun.type(Stun.SEND, Stun.INDICATION), StunRequests.tid())
          .addXorAddress(Stun.XOR_PEER_ADDRESS, notARelay).add(Stun.DATA_ATTR, new byte[] {9}).build(null, true));
      long deadline = System.nanoTime() + 3_000_000_000L;
      while (turn.server.context().metrics().droppedPackets.sum() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(turn.server.context().metrics().droppedPackets.sum()).isEqualTo(1);
      assertThat(turn.server.context().metrics().relayedPackets.sum()).isEqualTo(relayed);
    }
  }
}
