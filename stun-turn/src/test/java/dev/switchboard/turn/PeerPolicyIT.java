package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md "Security defaults" against the real server with the default policy (loopback refused):
 * every address form of {@link PeerPolicyTest#REFUSED} gets 403 at CreatePermission and ChannelBind,
 * Send indications to refused peers are dropped unanswered, and relay to relay on this server works.
 */
class PeerPolicyIT {

  private SecuredTurnServer turn;
  private final List<StunTestClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    CredentialStore users = (u, r) -> u.equals("alice") ? List.of(TurnFixture.key("alice", "secret")) : List.of();
    turn = new SecuredTurnServer(SecuredTurnServer.config(52400, SecuredTurnServer.quotas(10, 10_000),
        TurnConfig.Peers.defaults()), users, new MutableClock());
  }

  @AfterEach
  void stop() throws Exception {
    for (StunTestClient c : clients) {
      c.close();
    }
    turn.close();
  }

  @Test
  void everyRefusedAddressFormIs403AtCreatePermissionAndChannelBind() throws Exception {
    StunTestClient v4 = client();
    StunTestClient v6 = client();
    allocate(v4, false);
    allocate(v6, true);
    int checked = 0;
    for (String literal : PeerPolicyTest.REFUSED) {
      for (InetAddress peer : spellings(literal)) {
        // An IPv4-mapped XOR-PEER-ADDRESS is IPv6 on the wire and an IPv4 host behind it: of neither
        // allocation's family, 443 (RFC 8656 §9.2, as coturn answers), tried on the IPv4 one it names.
        StunTestClient client = peer instanceof Inet4Address || isMapped(peer) ? v4 : v6;
        int refusal = isMapped(peer) ? 443 : 403;
        InetSocketAddress address = new InetSocketAddress(peer, 3478);
        StunMessage permission = client.authenticated(() -> StunRequests.createPermission(address), "alice", "secret");
        assertThat(StunRequests.errorCode(permission)).as("CreatePermission " + describe(peer)).isEqualTo(refusal);
        StunMessage bind = client.authenticated(() -> StunRequests.channelBind(0x4000, address), "alice", "secret");
        assertThat(StunRequests.errorCode(bind)).as("ChannelBind " + describe(peer)).isEqualTo(refusal);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(PeerPolicyTest.REFUSED.size());
    SecuredTurnServer.assertNothingAnsweredAndStillServing(v4);
    SecuredTurnServer.assertNothingAnsweredAndStillServing(v6);
  }

  @Test
  void relayToRelayWorksButOtherLoopbackPeersAreRefusedOnEveryPath() throws Exception {
    StunTestClient a = client();
    StunTestClient b = client();
    InetSocketAddress relayA = allocate(a, false);
    InetSocketAddress relayB = allocate(b, false);

    // Relay to relay: A -> B with a Send indication, B -> A over a channel.
    assertThat(a.authenticated(() -> StunRequests.createPermission(relayB), "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
    assertThat(b.authenticated(() -> StunRequests.channelBind(0x4001, relayA), "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
    a.send(send(relayB, "to b"));
    assertChannelData(b.receive(), 0x4001, "to b"); // B has a channel to relay A, so it gets ChannelData
    b.send(channelData(0x4001, "to a"));
    assertData(a.receive(), relayB, "to a");

    // A now holds a permission for 127.0.0.1 (permissions are per IP, RFC 8656 §9), yet a loopback
    // peer that is not one of our relays stays refused by policy on all three paths.
    try (DatagramSocket peer = SecuredTurnServer.socketOn("127.0.0.1");
         DatagramSocket peer2 = SecuredTurnServer.socketOn("127.0.0.2")) {
      peer.setSoTimeout(300);
      peer2.setSoTimeout(300);
      InetSocketAddress target = (InetSocketAddress) peer.getLocalSocketAddress();
      InetSocketAddress target2 = (InetSocketAddress) peer2.getLocalSocketAddress();
      InetSocketAddress mapped = new InetSocketAddress(mapped(target.getAddress()), target.getPort());
      for (InetSocketAddress refused : List.of(target, target2, mapped)) {
        int refusal = refused == mapped ? 443 : 403; // the mapped form: IPv6 on the wire, not this allocation's family
        assertThat(StunRequests.errorCode(a.authenticated(() -> StunRequests.createPermission(refused), "alice", "secret")))
            .as("CreatePermission " + refused).isEqualTo(refusal);
        assertThat(StunRequests.errorCode(a.authenticated(() -> StunRequests.channelBind(0x4002, refused), "alice", "secret")))
            .as("ChannelBind " + refused).isEqualTo(refusal);
      }
      long dropped = turn.dropped();
      a.send(send(target, "leak"));
      a.send(send(mapped, "leak"));
      a.send(send(target2, "leak"));
      a.send(channelData(0x4002, "leak")); // the refused ChannelBind left no channel
      awaitDropped(dropped + 4);
      SecuredTurnServer.assertNothingAnsweredAndStillServing(a);
      assertThat(SecuredTurnServer.receive(peer)).as("nothing reached 127.0.0.1").isNull();
      assertThat(SecuredTurnServer.receive(peer2)).as("nothing reached 127.0.0.2").isNull();
      assertThat(turn.dropped()).as("all four were dropped").isGreaterThanOrEqualTo(dropped + 4);
    }
    // The relay path still works after all that.
    a.send(send(relayB, "again"));
    assertChannelData(b.receive(), 0x4001, "again");
  }

  @Test
  void ipv6RelayToRelayWorksButIpv6LoopbackIsRefused() throws Exception {
    StunTestClient c = client();
    StunTestClient d = client();
    InetSocketAddress relayC = allocate(c, true);
    InetSocketAddress relayD = allocate(d, true);
    assertThat(relayC.getAddress()).isInstanceOf(Inet6Address.class);
    assertThat(c.authenticated(() -> StunRequests.createPermission(relayD), "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
    assertThat(d.authenticated(() -> StunRequests.createPermission(relayC), "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
    c.send(send(relayD, "v6"));
    assertData(d.receive(), relayC, "v6");
    try (DatagramSocket peer = SecuredTurnServer.socketOn("::1")) {
      peer.setSoTimeout(300);
      InetSocketAddress target = (InetSocketAddress) peer.getLocalSocketAddress();
      assertThat(StunRequests.errorCode(c.authenticated(() -> StunRequests.createPermission(target), "alice", "secret")))
          .isEqualTo(403);
      assertThat(StunRequests.errorCode(c.authenticated(() -> StunRequests.channelBind(0x4003, target), "alice", "secret")))
          .isEqualTo(403);
      long dropped = turn.dropped();
      c.send(send(target, "leak"));
      awaitDropped(dropped + 1);
      SecuredTurnServer.assertNothingAnsweredAndStillServing(c);
      assertThat(SecuredTurnServer.receive(peer)).as("nothing reached ::1").isNull();
      assertThat(turn.dropped()).as("dropped").isGreaterThanOrEqualTo(dropped + 1);
    }
  }

  @Test
  void allowAndDenyListsOverrideTheDefaultsEndToEnd() throws Exception {
    CredentialStore users = (u, r) -> u.equals("alice") ? List.of(TurnFixture.key("alice", "secret")) : List.of();
    TurnConfig.Peers peers = new TurnConfig.Peers(List.of("127.0.0.0/8", "10.0.0.0/8"), List.of("127.0.0.3/32"), false);
    try (SecuredTurnServer custom = new SecuredTurnServer(SecuredTurnServer.config(52600,
            SecuredTurnServer.quotas(10, 10_000), peers), users, new MutableClock());
         StunTestClient a = StunTestClient.udp(custom.udpPort());
         DatagramSocket peer = SecuredTurnServer.socketOn("127.0.0.2")) {
      allocate(a, false);
      InetSocketAddress target = (InetSocketAddress) peer.getLocalSocketAddress();
      for (String allowed : List.of("10.1.2.3", "127.0.0.1")) {
        InetSocketAddress address = new InetSocketAddress(allowed, 9);
        assertThat(a.authenticated(() -> StunRequests.createPermission(address), "alice", "secret").cls())
            .as("allowed " + allowed).isEqualTo(Stun.SUCCESS);
      }
      for (String refused : List.of("127.0.0.3", "192.168.1.1", "169.254.169.254")) {
        InetSocketAddress address = new InetSocketAddress(refused, 9);
        assertThat(StunRequests.errorCode(a.authenticated(() -> StunRequests.createPermission(address), "alice", "secret")))
            .as("refused " + refused).isEqualTo(403);
      }
      // An allowed loopback peer really gets the data.
      assertThat(a.authenticated(() -> StunRequests.channelBind(0x4000, target), "alice", "secret").cls())
          .isEqualTo(Stun.SUCCESS);
      a.send(channelData(0x4000, "lan"));
      assertThat(SecuredTurnServer.receive(peer)).isEqualTo("lan".getBytes(StandardCharsets.UTF_8));
    }
  }

  private StunTestClient client() throws Exception {
    StunTestClient c = StunTestClient.udp(turn.udpPort());
    clients.add(c);
    return c;
  }

  /** Allocates for alice; returns XOR-RELAYED-ADDRESS. */
  private static InetSocketAddress allocate(StunTestClient client, boolean ipv6) throws Exception {
    StunMessage r = client.authenticated(() -> ipv6
        ? StunRequests.allocate().add(Stun.REQUESTED_ADDRESS_FAMILY, new byte[] {Stun.FAMILY_IPV6, 0, 0, 0})
        : StunRequests.allocate(), "alice", "secret");
    assertThat(r.cls()).as("Allocate " + (ipv6 ? "IPv6" : "IPv4") + " error " + StunRequests.errorCode(r))
        .isEqualTo(Stun.SUCCESS);
    return StunRequests.address(r, Stun.XOR_RELAYED_ADDRESS);
  }

  private static byte[] send(InetSocketAddress peer, String text) {
    return new StunMessageBuilder(Stun.type(Stun.SEND, Stun.INDICATION), StunRequests.tid())
        .addXorAddress(Stun.XOR_PEER_ADDRESS, peer)
        .add(Stun.DATA_ATTR, text.getBytes(StandardCharsets.UTF_8))
        .build(null, true);
  }

  private static byte[] channelData(int channel, String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[4 + data.length];
    frame[0] = (byte) (channel >> 8);
    frame[1] = (byte) channel;
    frame[3] = (byte) data.length;
    System.arraycopy(data, 0, frame, 4, data.length);
    return frame;
  }

  private static void assertData(byte[] datagram, InetSocketAddress from, String text) {
    assertThat(datagram).as("a Data indication").isNotNull();
    StunMessage m = StunCodec.decode(datagram);
    assertThat(m).isNotNull();
    assertThat(m.type()).isEqualTo(Stun.type(Stun.DATA, Stun.INDICATION));
    assertThat(StunRequests.address(m, Stun.XOR_PEER_ADDRESS)).isEqualTo(from);
    assertThat(new String(m.attribute(Stun.DATA_ATTR).value(), StandardCharsets.UTF_8)).isEqualTo(text);
  }

  private static void assertChannelData(byte[] frame, int channel, String text) {
    assertThat(frame).as("ChannelData").isNotNull();
    assertThat(((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF)).isEqualTo(channel);
    int length = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
    assertThat(new String(frame, 4, length, StandardCharsets.UTF_8)).isEqualTo(text);
  }

  /** Waits (at most 3 s) until the server has handled what was sent; the caller asserts. */
  private void awaitDropped(long atLeast) throws InterruptedException {
    for (int i = 0; i < 300 && turn.dropped() < atLeast; i++) {
      Thread.sleep(10); // readiness poll on a counter, not a wait for expiry
    }
  }

  /** The literal as written, plus its IPv4-mapped IPv6 spelling when it is IPv4. */
  private static List<InetAddress> spellings(String literal) throws Exception {
    InetAddress parsed = InetAddress.getByName(literal);
    byte[] bytes = parsed.getAddress();
    if (literal.indexOf(':') >= 0 && bytes.length == 4) {
      return List.of(mapped(parsed)); // "::ffff:a.b.c.d": Java shortened it; send it as written
    }
    return bytes.length == 4 ? List.of(parsed, mapped(parsed)) : List.of(parsed);
  }

  private static InetAddress mapped(InetAddress v4) throws Exception {
    byte[] m = new byte[16];
    m[10] = (byte) 0xFF;
    m[11] = (byte) 0xFF;
    System.arraycopy(v4.getAddress(), 0, m, 12, 4);
    return Inet6Address.getByAddress(null, m, -1);
  }

  private static boolean isMapped(InetAddress a) {
    byte[] b = a.getAddress();
    return b.length == 16 && b[10] == (byte) 0xFF && b[11] == (byte) 0xFF && b[0] == 0 && b[8] == 0;
  }

  private static String describe(InetAddress a) {
    return a.getHostAddress() + (a instanceof Inet6Address ? " (IPv6 form)" : "");
  }
}
