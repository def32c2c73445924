package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ChannelData, Send and Data indications between a recording client and real peer sockets on loopback, on epoll. */
class RelayPathTest {

  private final TurnFixture f = fixture();
  private final DatagramSocket peer = socket();
  private final DatagramSocket otherPeer = socket();

  /** Relay sockets below Netty's pipeline on epoll; {@link NioRelayPathTest} runs the same on NIO channels. */
  TurnFixture fixture() {
    return new TurnFixture();
  }

  @AfterEach
  void close() {
    peer.close();
    otherPeer.close();
    f.close();
  }

  private static DatagramSocket socket() {
    try {
      DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      s.setSoTimeout(3000);
      return s;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private InetSocketAddress allocate(RecordingLink link) throws Exception {
    StunMessage r = StunCodec.decode(f.handle(new AllocateHandler(), link, StunRequests.allocate().build(null, false)));
    return address(r, Stun.XOR_RELAYED_ADDRESS);
  }

  private static byte[] channelData(int channel, byte[] data) {
    return ByteBuffer.allocate(4 + data.length).putShort((short) channel).putShort((short) data.length).put(data).array();
  }

  /**
   * Reads a counter on the loop: a peer's datagram is counted once the client's send returned, so
   * right after the client saw it the loop may not have counted it yet.
   */
  private long onLoop(java.util.concurrent.Callable<Long> counter) throws Exception {
    return f.onLoop(counter);
  }

  private static byte[] receive(DatagramSocket s) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    s.receive(p);
    return java.util.Arrays.copyOf(p.getData(), p.getLength());
  }

  @Test
  void channelDataBothWays() throws Exception {
    RecordingLink link = f.newLink();
    InetSocketAddress relay = allocate(link);
    InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
    f.handle(new ChannelBindHandler(), link, StunRequests.channelBind(0x4001, peerAddr).build(null, false));
    link.clear();

    f.dispatch(link, channelData(0x4001, "to peer".getBytes(StandardCharsets.UTF_8)));
    DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
    peer.receive(got);
    assertThat(new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8)).isEqualTo("to peer");
    assertThat(got.getPort()).isEqualTo(relay.getPort());

    byte[] back = "to client".getBytes(StandardCharsets.UTF_8);
    peer.send(new DatagramPacket(back, back.length, relay));
    List<byte[]> sent = link.awaitSent(1, 3000);
    assertThat(sent.get(0)).isEqualTo(channelData(0x4001, back));
    assertThat(onLoop(() -> f.ctx.metrics().relayedPackets.sum())).isEqualTo(2);
  }

  @Test
  void channelDataInsideALargerBufferRelaysJustItsPayloadAndGivesBackItsReference() throws Exception {
    RecordingLink link = f.newLink();
    allocate(link);
    InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
    f.handle(new ChannelBindHandler(), link, StunRequests.channelBind(0x4001, peerAddr).build(null, false));
    // The dispatcher narrows the frame's own indices to the payload (no slice): bytes before the
    // frame and padding after it must stay out of the datagram.
    byte[] frame = channelData(0x4001, "abcde".getBytes(StandardCharsets.UTF_8));
    byte[] bytes = new byte[3 + frame.length + 3];
    java.util.Arrays.fill(bytes, (byte) 0x55);
    System.arraycopy(frame, 0, bytes, 3, frame.length);
    io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.directBuffer(64).writeBytes(bytes).skipBytes(3);
    f.onLoop(() -> {
      f.dispatcher.onFrame(link, buf);
      return null;
    });
    DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
    peer.receive(got);
    assertThat(new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8)).isEqualTo("abcde");
    // On NIO the relay channel releases the datagram once its write completed, maybe after the peer has it.
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (buf.refCnt() != 1 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(buf.refCnt()).as("the relay released the reference the dispatcher took").isEqualTo(1);
    buf.release();
  }

  @Test
  void peerDatagramsOverTheLimitAreDroppedNotRelayedCutShort() throws Exception {
    RecordingLink link = f.newLink();
    InetSocketAddress relay = allocate(link);
    f.handle(new ChannelBindHandler(), link,
        StunRequests.channelBind(0x4003, (InetSocketAddress) peer.getLocalSocketAddress()).build(null, false));
    link.clear();
    peer.send(new DatagramPacket(new byte[RelaySockets.MAX_DATAGRAM + 808], RelaySockets.MAX_DATAGRAM + 808, relay));
    peer.send(new DatagramPacket(new byte[RelaySockets.MAX_DATAGRAM], RelaySockets.MAX_DATAGRAM, relay));
    peer.send(new DatagramPacket(new byte[] {7}, 1, relay));
    List<byte[]> sent = link.awaitSent(2, 3000);
    assertThat(sent.get(0)).hasSize(4 + RelaySockets.MAX_DATAGRAM);
    assertThat(sent.get(1)).isEqualTo(channelData(0x4003, new byte[] {7}));
    assertThat(onLoop(() -> f.ctx.metrics().droppedPackets.sum())).isEqualTo(1);
    assertThat(onLoop(() -> f.ctx.metrics().relayedPackets.sum())).isEqualTo(2);
  }

  @Test
  void streamClientsGetChannelDataPaddedToFourBytes() throws Exception {
    RecordingLink link = f.newStreamLink();
    InetSocketAddress relay = allocate(link);
    f.handle(new ChannelBindHandler(), link,
        StunRequests.channelBind(0x4002, (InetSocketAddress) peer.getLocalSocketAddress()).build(null, false));
    link.clear();
    peer.send(new DatagramPacket(new byte[] {1, 2, 3, 4, 5}, 5, relay));
    byte[] frame = link.awaitSent(1, 3000).get(0);
    assertThat(frame).containsExactly(0x40, 0x02, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0);
  }

  @Test
  void sendIndicationAndDataIndication() throws Exception {
    RecordingLink link = f.newLink();
    InetSocketAddress relay = allocate(link);
    InetSocketAddress peerAddr = (InetSocketAddress) otherPeer.getLocalSocketAddress();
    f.handle(new CreatePermissionHandler(), link, StunRequests.createPermission(peerAddr).build(null, false));
    link.clear();

    f.dispatch(link, new StunMessageBuilder(Stun.type(Stun.SEND, Stun.INDICATION), StunRequests.tid())
        .addXorAddress(Stun.XOR_PEER_ADDRESS, peerAddr).add(Stun.DATA_ATTR, new byte[] {9, 8, 7}).build(null, true));
    assertThat(receive(otherPeer)).containsExactly(9, 8, 7);

    otherPeer.send(new DatagramPacket(new byte[] {6, 5}, 2, relay));
    StunMessage data = StunCodec.decode(link.awaitSent(1, 3000).get(0));
    assertThat(data.type()).isEqualTo(Stun.type(Stun.DATA, Stun.INDICATION));
    assertThat(address(data, Stun.XOR_PEER_ADDRESS)).isEqualTo(peerAddr);
    assertThat(data.attribute(Stun.DATA_ATTR).value()).containsExactly(6, 5);
  }

  @Test
  void withoutPermissionNothingIsRelayed() throws Exception {
    RecordingLink link = f.newLink();
    InetSocketAddress relay = allocate(link);
    InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
    // Send indication to a peer without permission: dropped.
    f.dispatch(link, new StunMessageBuilder(Stun.type(Stun.SEND, Stun.INDICATION), StunRequests.tid())
        .addXorAddress(Stun.XOR_PEER_ADDRESS, peerAddr).add(Stun.DATA_ATTR, new byte[] {1}).build(null, true));
    // ChannelData on an unbound channel: dropped.
    f.dispatch(link, channelData(0x4005, new byte[] {1}));
    // Peer datagram without permission: dropped.
    peer.send(new DatagramPacket(new byte[] {1}, 1, relay));
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (f.ctx.metrics().droppedPackets.sum() < 3 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(f.ctx.metrics().droppedPackets.sum()).isEqualTo(3);
    assertThat(f.ctx.metrics().relayedPackets.sum()).isZero();
    assertThat(link.sent()).hasSize(0);
  }

  @Test
  void bandwidthCapDropsWhatExceedsTheBucketUntilItRefills() throws Exception {
    try (TurnFixture capped = new TurnFixture(TurnFixture.config(23000, 23999,
        new TurnConfig.Quotas(12, 100, 64, 1000, 20), true))) {
      RecordingLink link = capped.newLink();
      capped.handle(new AllocateHandler(), link, StunRequests.allocate().build(null, false));
      InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
      capped.handle(new ChannelBindHandler(), link, StunRequests.channelBind(0x4001, peerAddr).build(null, false));
      byte[] chunk = new byte[600];
      capped.dispatch(link, channelData(0x4001, chunk));
      capped.dispatch(link, channelData(0x4001, chunk));
      assertThat(receive(peer)).hasSize(600);
      assertThat(capped.ctx.metrics().relayedPackets.sum()).isEqualTo(1);
      assertThat(capped.ctx.metrics().droppedPackets.sum()).isEqualTo(1);
      capped.advance(java.time.Duration.ofSeconds(1));
      capped.dispatch(link, channelData(0x4001, chunk));
      assertThat(receive(peer)).hasSize(600);
      assertThat(capped.ctx.metrics().relayedPackets.sum()).isEqualTo(2);
    }
  }

  @Test
  void expiredPermissionStopsRelayWithoutSweep() throws Exception {
    RecordingLink link = f.newLink();
    allocate(link);
    InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
    f.handle(new CreatePermissionHandler(), link, StunRequests.createPermission(peerAddr).build(null, false));
    f.advance(java.time.Duration.ofSeconds(301));
    assertThat(f.onLoop(() -> link.allocation().hasPermission(InetAddress.getByName("127.0.0.1"), f.clock.millis())))
        .isFalse();
  }
}
