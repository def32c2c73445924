package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A wildcard UDP listener on a host with several addresses answers from the address a client sent
 * to. The host's addresses are given to the server here: 127.0.0.2 stands for a second address, as
 * every 127.0.0.0/8 address is local but the kernel routes answers to 127.0.0.1 from 127.0.0.1.
 */
class WildcardUdpListenerIT {

  private final MultiThreadIoEventLoopGroup group = NettyTransports.newGroup(2);
  private final List<TurnServer> servers = new ArrayList<>();

  @BeforeEach
  void epollOnly() {
    assumeTrue(Epoll.isAvailable(), "per-address UDP sockets need SO_REUSEPORT (epoll)");
  }

  @AfterEach
  void stop() {
    servers.forEach(TurnServer::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void answersLeaveFromTheAddressTheClientSentTo() throws Exception {
    // 192.0.2.1 (TEST-NET-1) is no address of this host: its bind fails, and the server starts anyway.
    TurnServer server = start("0.0.0.0", () -> List.of(ip("127.0.0.1"), ip("127.0.0.2"), ip("192.0.2.1")));
    assertThat(server.udpAddresses()).containsExactly(ip("127.0.0.1"), ip("127.0.0.2"));
    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      client.setSoTimeout(3000);
      InetSocketAddress second = new InetSocketAddress("127.0.0.2", server.udpPort());
      DatagramPacket answer = binding(client, second);
      assertThat(answer.getSocketAddress()).isEqualTo(second);
      assertThat(address(StunCodec.decode(java.util.Arrays.copyOf(answer.getData(), answer.getLength())),
          Stun.XOR_MAPPED_ADDRESS)).isEqualTo(client.getLocalSocketAddress());
      // An address the server was not given (one added after start, say) reaches the wildcard socket,
      // whose answer leaves from the routed address: what every datagram got before.
      DatagramPacket routed = binding(client, new InetSocketAddress("127.0.0.3", server.udpPort()));
      assertThat(routed.getSocketAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", server.udpPort()));
    }
  }

  @Test
  void atMostSixtyFourAddressesGetSocketsOfTheirOwn() throws Exception {
    List<InetAddress> many = new ArrayList<>();
    for (int i = 1; i <= HostAddressSockets.MAX + 6; i++) {
      many.add(ip("127.0.1." + i));
    }
    TurnServer server = start("0.0.0.0", () -> many);
    assertThat(server.udpAddresses()).hasSize(HostAddressSockets.MAX)
        .isEqualTo(many.subList(0, HostAddressSockets.MAX));
  }

  @Test
  void anAddressTheHostGotAfterStartGetsItsSocketsAtTheNextRescanAndCloseFreesThem() throws Exception {
    List<InetAddress> host = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(ip("127.0.0.1")));
    TurnServer server = start("0.0.0.0", () -> host);
    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      client.setSoTimeout(3000);
      InetSocketAddress later = new InetSocketAddress("127.0.0.2", server.udpPort());
      assertThat(binding(client, later).getSocketAddress()).as("the wildcard's answer, from the routed address")
          .isEqualTo(new InetSocketAddress("127.0.0.1", server.udpPort()));
      host.add(ip("127.0.0.2"));
      assertThat(server.rescanHostAddresses()).containsExactly(ip("127.0.0.2"));
      assertThat(server.rescanHostAddresses()).as("bound once").isEmpty();
      assertThat(binding(client, later).getSocketAddress()).isEqualTo(later);
    }
    server.close();
    servers.remove(server);
    assertThat(server.rescanHostAddresses()).as("none after close").isEmpty();
    try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.2", server.udpPort()))) {
      assertThat(again.getLocalPort()).as("the per-address socket was closed").isEqualTo(server.udpPort());
    }
  }

  @Test
  void aListenerOnOneAddressBindsNoOthers() throws Exception {
    TurnServer server = start("127.0.0.1", () -> List.of(ip("127.0.0.2")));
    assertThat(server.udpAddresses()).isEmpty();
    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      client.setSoTimeout(3000);
      InetSocketAddress listener = new InetSocketAddress("127.0.0.1", server.udpPort());
      assertThat(binding(client, listener).getSocketAddress()).isEqualTo(listener);
    }
  }

  private TurnServer start(String listen, Supplier<List<InetAddress>> hostAddresses) throws Exception {
    InetAddress lo = ip("127.0.0.1");
    TurnConfig config = new TurnConfig("r", new TurnConfig.Listeners(ip(listen), 0, 0, true, false, false),
        new TurnConfig.Relay(lo, lo, 25700, 25799), TurnConfig.Lifetimes.defaults(), TurnConfig.Quotas.defaults(),
        TurnConfig.Peers.defaults(), "");
    TurnServer server = TurnServer.start(config, group, Clock.systemUTC(), (u, r) -> List.of(), null, hostAddresses);
    servers.add(server);
    return server;
  }

  private static DatagramPacket binding(DatagramSocket client, InetSocketAddress to) throws Exception {
    byte[] request = StunRequests.request(Stun.BINDING).build(null, true);
    client.send(new DatagramPacket(request, request.length, to));
    DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
    client.receive(answer);
    return answer;
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(literal, e); // a literal is never looked up
    }
  }
}
