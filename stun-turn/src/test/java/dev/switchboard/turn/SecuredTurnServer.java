package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The real server on loopback (UDP and TCP on port 0, relay on 127.0.0.1 and ::1) with a config,
 * credential store and mutable clock chosen by the test, for the security integration tests; plus
 * the probes they share: raw datagrams from any loopback source address, and "is it still serving".
 * Not thread-safe.
 */
final class SecuredTurnServer implements AutoCloseable {

  static final String REALM = TurnFixture.REALM;

  final MutableClock clock;
  final MultiThreadIoEventLoopGroup group = NettyTransports.newGroup(2);
  final TurnServer server;

  SecuredTurnServer(TurnConfig config, CredentialStore credentials, MutableClock clock) throws Exception {
    this.clock = clock;
    try {
      server = TurnServer.start(config, group, clock, credentials, null);
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** UDP and TCP on 127.0.0.1 port 0, relay ports {@code minPort..minPort+199}. */
  static TurnConfig config(int minPort, TurnConfig.Quotas quotas, TurnConfig.Peers peers) throws IOException {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    return new TurnConfig(REALM,
        new TurnConfig.Listeners(lo, 0, 0, true, true, false),
        new TurnConfig.Relay(lo, lo, minPort, minPort + 199),
        TurnConfig.Lifetimes.defaults(), quotas, peers, "");
  }

  /** Generous quotas (the clock stands still, so a tight 401 limit would starve the tests). */
  static TurnConfig.Quotas quotas(int userAllocations, int unauthorizedPerSecond) {
    return new TurnConfig.Quotas(userAllocations, 1000, 64, 0, unauthorizedPerSecond);
  }

  int udpPort() {
    return server.udpPort();
  }

  InetSocketAddress udpAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort());
  }

  long dropped() {
    return server.context().metrics().droppedPackets.sum();
  }

  /** A UDP socket on {@code localIp} (any 127/8 address works on Linux) with a short read timeout. */
  static DatagramSocket socketOn(String localIp) throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(localIp, 0));
    s.setSoTimeout(3000);
    return s;
  }

  /** Sends {@code request} from {@code socket} and decodes the answer, or null when none came. */
  StunMessage exchange(DatagramSocket socket, byte[] request) throws IOException {
    socket.send(new DatagramPacket(request, request.length, udpAddress()));
    byte[] answer = receive(socket);
    return answer == null ? null : StunCodec.decode(answer);
  }

  static byte[] receive(DatagramSocket socket) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
    try {
      socket.receive(p);
      return Arrays.copyOf(p.getData(), p.getLength());
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  /**
   * Asserts the server answered nothing to what {@code client} sent before and still serves it: a
   * Binding request's success must be the very next datagram. The server handles one client's
   * datagrams in order on one event loop, so an answer to earlier input would arrive first; no
   * waiting for a silence is needed.
   */
  static void assertNothingAnsweredAndStillServing(StunTestClient client) throws IOException {
    byte[] tid = StunRequests.tid();
    client.send(new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.REQUEST), tid).build(null, true));
    byte[] next = client.receive();
    assertThat(next).as("an answer to the Binding request").isNotNull();
    StunMessage m = StunCodec.decode(next);
    assertThat(m).as("the next datagram is a STUN message").isNotNull();
    assertThat(m.transactionId()).as("the next datagram answers the Binding request, nothing earlier").isEqualTo(tid);
    assertThat(m.cls()).isEqualTo(Stun.SUCCESS);
    assertThat(StunRequests.address(m, Stun.XOR_MAPPED_ADDRESS)).isEqualTo(client.localAddress());
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
