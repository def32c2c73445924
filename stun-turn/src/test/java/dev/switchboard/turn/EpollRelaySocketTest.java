package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The epoll relay socket's own duties: reading past its budget, and closing. */
class EpollRelaySocketTest {

  private final TurnFixture f = new TurnFixture();
  private final DatagramSocket peer = open();

  @BeforeEach
  void needsEpoll() {
    assumeTrue(Epoll.isAvailable(), "epoll is not available here");
  }

  private static DatagramSocket open() {
    try {
      return new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void close() {
    peer.close();
    f.close();
  }

  private InetSocketAddress allocateAndBind(RecordingLink link) throws Exception {
    StunMessage r = StunCodec.decode(f.handle(new AllocateHandler(), link, StunRequests.allocate().build(null, false)));
    f.handle(new ChannelBindHandler(), link,
        StunRequests.channelBind(0x4001, (InetSocketAddress) peer.getLocalSocketAddress()).build(null, false));
    link.clear();
    return address(r, Stun.XOR_RELAYED_ADDRESS);
  }

  @Test
  void usesTheEpollSocketWhereEpollIsTheTransport() throws Exception {
    RecordingLink link = f.newLink();
    allocateAndBind(link);
    assertThat(link.allocation().relaySocket()).isInstanceOf(EpollRelaySocket.class);
  }

  @Test
  void aBurstLongerThanTheReadBudgetIsReadToTheEnd() throws Exception {
    RecordingLink link = f.newLink();
    InetSocketAddress relay = allocateAndBind(link);
    int burst = EpollRelaySocket.READ_BUDGET * 2 + 3;
    // Held on the loop while the burst is queued, so one readable event finds all of it: the socket
    // must be read again after the budget ends its turn, with no further datagram to wake it.
    f.onLoop(() -> {
      for (int i = 0; i < burst; i++) {
        peer.send(new DatagramPacket(new byte[] {(byte) i}, 1, relay));
      }
      return null;
    });
    List<byte[]> sent = link.awaitSent(burst, 3000);
    assertThat(sent).hasSize(burst);
    assertThat(sent.get(burst - 1)).containsExactly(0x40, 0x01, 0, 1, burst - 1);
  }

  @Test
  void closingFreesThePortAndStopsReading() throws Exception {
    RecordingLink link = f.newLink();
    InetSocketAddress relay = allocateAndBind(link);
    Allocation allocation = link.allocation();
    f.onLoop(() -> {
      allocation.close("test");
      return null;
    });
    assertThat(f.ctx.ports().isFree(relay.getPort())).isTrue();
    try (DatagramSocket rebound = new DatagramSocket(new InetSocketAddress("127.0.0.1", relay.getPort()))) {
      peer.send(new DatagramPacket(new byte[] {1}, 1, relay));
      DatagramPacket got = new DatagramPacket(new byte[8], 8);
      rebound.setSoTimeout(3000);
      rebound.receive(got); // the datagram reaches the new owner of the port, not the closed relay
      assertThat(got.getLength()).isEqualTo(1);
    }
    assertThat(link.sent()).isEmpty();
  }
}
