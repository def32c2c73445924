package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server on loopback: listeners, Binding on every transport, TCP allocations, metrics. */
class TurnServerIT {

  @TempDir
  Path dir;
  private LoopbackTurnServer turn;

  @BeforeEach
  void start() throws Exception {
    turn = new LoopbackTurnServer(dir, 25000, 25499, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    turn.close();
  }

  @Test
  void bindingOverUdpAndTcp() throws Exception {
    try (StunTestClient udp = StunTestClient.udp(turn.server.udpPort());
         StunTestClient tcp = StunTestClient.tcp(turn.server.tcpPort())) {
      StunMessage r = udp.exchange(StunRequests.request(Stun.BINDING).build(null, true));
      assertThat(address(r, Stun.XOR_MAPPED_ADDRESS)).isEqualTo(udp.localAddress());
      StunMessage t = tcp.exchange(StunRequests.request(Stun.BINDING).build(null, true));
      assertThat(address(t, Stun.XOR_MAPPED_ADDRESS)).isEqualTo(tcp.localAddress());
    }
    StringBuilder metrics = new StringBuilder();
    turn.server.appendPrometheus(metrics);
    assertThat(metrics.toString()).contains("switchboard_turn_requests_total{method=\"binding\"} 2")
        .contains("switchboard_turn_allocations 0").contains("switchboard_turn_relayed_bytes_total 0");
  }

  @Test
  void bindingOverTls() throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
      }

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
      }

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", turn.server.tlsPort())) {
      s.setSoTimeout(3000);
      s.getOutputStream().write(StunRequests.request(Stun.BINDING).build(null, true));
      byte[] head = s.getInputStream().readNBytes(20);
      int len = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
      byte[] body = s.getInputStream().readNBytes(len);
      byte[] all = java.util.Arrays.copyOf(head, 20 + len);
      System.arraycopy(body, 0, all, 20, len);
      StunMessage r = StunCodec.decode(all);
      assertThat(address(r, Stun.XOR_MAPPED_ADDRESS).getPort()).isEqualTo(s.getLocalPort());
    }
  }

  @Test
  void tcpAllocationFromSplitFramesIsDeletedWhenTheConnectionCloses() throws Exception {
    try (StunTestClient tcp = StunTestClient.tcp(turn.server.tcpPort())) {
      // One Allocate written in two pieces: the stream decoder must reassemble it.
      byte[] first = StunRequests.allocate().build(null, true);
      tcp.send(java.util.Arrays.copyOf(first, 7));
      tcp.send(java.util.Arrays.copyOfRange(first, 7, first.length));
      assertThat(StunRequests.errorCode(StunCodec.decode(tcp.receive()))).isEqualTo(401);
      StunMessage ok = tcp.authenticated(StunRequests::allocate, "alice", "secret");
      assertThat(ok.cls()).isEqualTo(Stun.SUCCESS);
      assertThat(turn.server.context().registry().count()).isEqualTo(1);
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (turn.server.context().registry().count() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(turn.server.context().registry().count()).isZero();
  }

  @Test
  void aTcpClientThatStopsReadingHasPeerDataDroppedInsteadOfQueued() throws Exception {
    try (StunTestClient tcp = StunTestClient.tcp(turn.server.tcpPort());
         DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      InetSocketAddress relay = address(tcp.authenticated(StunRequests::allocate, "alice", "secret"),
          Stun.XOR_RELAYED_ADDRESS);
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
      assertThat(tcp.authenticated(() -> StunRequests.createPermission(peerAddress), "alice", "secret").cls())
          .isEqualTo(Stun.SUCCESS);
      // From here on the client reads nothing. 40 MB from the peer is more than the client's and the
      // server's socket buffers hold; the rest would have queued in the server's memory.
      TurnMetrics metrics = turn.server.context().metrics();
      byte[] data = new byte[1000];
      for (int i = 0; i < 40_000; i++) {
        peer.send(new java.net.DatagramPacket(data, data.length, relay));
        if (i % 200 == 199) {
          Thread.sleep(1); // let the relay socket's receive buffer drain: the kernel would drop the rest
        }
      }
      long seen = -1;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline) {
        Thread.sleep(200);
        long now = metrics.relayedPackets.sum() + metrics.droppedPackets.sum();
        if (now == seen) {
          break;
        }
        seen = now;
      }
      assertThat(metrics.droppedPackets.sum()).isPositive();
      assertThat(metrics.relayedBytes.sum()).isLessThan(20_000_000L);
      // The connection still works: what was queued arrives intact, Data indications from the peer.
      StunMessage first = StunCodec.decode(tcp.receive());
      assertThat(first.type()).isEqualTo(Stun.type(Stun.DATA, Stun.INDICATION));
      assertThat(address(first, Stun.XOR_PEER_ADDRESS)).isEqualTo(peerAddress);
    }
  }

  @Test
  void udpClientsRelayUpTo8192BytesOfDataEitherWay() throws Exception {
    try (StunTestClient udp = StunTestClient.udp(turn.server.udpPort());
         DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      peer.setSoTimeout(3000);
      udp.authenticated(StunRequests::allocate, "alice", "secret");
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
      assertThat(udp.authenticated(() -> StunRequests.channelBind(0x4000, peerAddress), "alice", "secret").cls())
          .isEqualTo(Stun.SUCCESS);
      TurnMetrics metrics = turn.server.context().metrics();
      udp.send(java.nio.ByteBuffer.allocate(4 + 8193).putShort((short) 0x4000).putShort((short) 8193).array());
      udp.send(java.nio.ByteBuffer.allocate(4 + 8192).putShort((short) 0x4000).putShort((short) 8192).array());
      udp.send(new StunMessageBuilder(Stun.type(Stun.SEND, Stun.INDICATION), StunRequests.tid())
          .addXorAddress(Stun.XOR_PEER_ADDRESS, peerAddress).add(Stun.DATA_ATTR, new byte[8192]).build(null, true));
      java.net.DatagramPacket got = new java.net.DatagramPacket(new byte[9000], 9000);
      for (int i = 0; i < 2; i++) {
        peer.receive(got);
        assertThat(got.getLength()).isEqualTo(8192);
      }
      assertThat(metrics.droppedPackets.sum()).isEqualTo(1); // the 8193 bytes
    }
  }

  @Test
  void udpListenersOnHalfTheEventLoopsWithReusePort() throws Exception {
    // 2 loops: one UDP socket (no cross-loop relay handoffs); 4 loops: two sockets on one port.
    assertThat(turn.server.udpSocketCount()).isEqualTo(1);
    var group = NettyTransports.newGroup(4);
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    TurnConfig config = new TurnConfig("r", new TurnConfig.Listeners(lo, 0, 0, true, false, false),
        new TurnConfig.Relay(lo, lo, 25600, 25699), TurnConfig.Lifetimes.defaults(), TurnConfig.Quotas.defaults(),
        TurnConfig.Peers.defaults(), "");
    TurnServer four = TurnServer.start(config, group, Clock.systemUTC(), (u, r) -> List.of(), null);
    try {
      assertThat(four.udpSocketCount()).isEqualTo(Epoll.isAvailable() ? 2 : 1);
      try (StunTestClient client = StunTestClient.udp(four.udpPort())) {
        assertThat(client.exchange(StunRequests.request(Stun.BINDING).build(null, true)).cls()).isEqualTo(Stun.SUCCESS);
      }
    } finally {
      four.close();
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void secondServerOnTheSamePortFailsDespiteReusePort() throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    TurnConfig config = new TurnConfig("r", new TurnConfig.Listeners(lo, turn.server.udpPort(), 0, true, false, false),
        new TurnConfig.Relay(lo, lo, 25500, 25599), TurnConfig.Lifetimes.defaults(), TurnConfig.Quotas.defaults(),
        TurnConfig.Peers.defaults(), "");
    assertThatThrownBy(() -> TurnServer.start(config, turn.group, Clock.systemUTC(), (u, r) -> List.of(), null))
        .isInstanceOf(BindException.class)
        .hasMessage("TURN UDP 127.0.0.1:" + turn.server.udpPort() + ": Address already in use");
  }

  @Test
  void takenPortIsABindExceptionNamingTheListener() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      int port = taken.getLocalPort();
      InetAddress lo = InetAddress.getByName("127.0.0.1");
      TurnConfig config = new TurnConfig("r", new TurnConfig.Listeners(lo, port, 0, true, false, false),
          new TurnConfig.Relay(lo, lo, 25500, 25599), TurnConfig.Lifetimes.defaults(), TurnConfig.Quotas.defaults(),
          TurnConfig.Peers.defaults(), "");
      assertThatThrownBy(() -> TurnServer.start(config, turn.group, Clock.systemUTC(), (u, r) -> List.of(), null))
          .isInstanceOf(BindException.class)
          .hasMessage("TURN UDP 127.0.0.1:" + port + ": Address already in use");
    }
  }
}
