package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed input against the real server (DESIGN.md "Security defaults": unparseable datagrams are
 * dropped, never answered): none of it is answered, and the same and the next client are still served.
 */
class MalformedInputIT {

  private SecuredTurnServer turn;

  @BeforeEach
  void start() throws Exception {
    CredentialStore users = (u, r) -> u.equals("alice") ? List.of(TurnFixture.key("alice", "secret")) : List.of();
    turn = new SecuredTurnServer(SecuredTurnServer.config(52800, SecuredTurnServer.quotas(10, 10_000),
        new TurnConfig.Peers(List.of(), List.of(), true)), users, new MutableClock());
  }

  @AfterEach
  void stop() {
    turn.close();
  }

  /** Datagrams that are not one valid STUN or ChannelData message. */
  static Map<String, byte[]> garbage() {
    byte[] binding = binding();
    Map<String, byte[]> g = new LinkedHashMap<>();
    g.put("empty datagram", new byte[0]);
    g.put("one byte", new byte[] {0});
    g.put("truncated header (19 bytes)", Arrays.copyOf(binding, 19));
    g.put("length past the datagram", withLength(Arrays.copyOf(binding, 20), 8));
    g.put("length shorter than the datagram", withLength(binding, binding.length - 20 - 4));
    g.put("attribute length 0xFFFF", concat(withLength(Arrays.copyOf(binding, 20), 8),
        new byte[] {(byte) 0x80, 0x22, (byte) 0xFF, (byte) 0xFF, 'a', 'b', 'c', 'd'}));
    g.put("attribute length 0xFFFF, message length 0xFFFC", concat(withLength(Arrays.copyOf(binding, 20), 0xFFFC),
        new byte[] {(byte) 0x80, 0x22, (byte) 0xFF, (byte) 0xFF}));
    g.put("message length not a multiple of 4", concat(withLength(Arrays.copyOf(binding, 20), 6),
        new byte[] {0, 6, 0, 2, 'a', 'b'}));
    g.put("attribute length 5 without padding", concat(withLength(Arrays.copyOf(binding, 20), 9),
        new byte[] {0, 6, 0, 5, 'a', 'b', 'c', 'd', 'e'}));
    g.put("attribute past the message", concat(withLength(Arrays.copyOf(binding, 20), 8),
        new byte[] {0, 6, 0, 8, 'a', 'b', 'c', 'd'}));
    // A Binding request without the cookie is RFC 3489's and answered (ClassicStunIT); nothing else is.
    byte[] cookie = StunRequests.allocate().build(null, true);
    cookie[4] ^= 1;
    g.put("wrong magic cookie on an Allocate", cookie);
    byte[] fingerprint = binding();
    fingerprint[fingerprint.length - 1] ^= 1;
    g.put("wrong FINGERPRINT", fingerprint);
    g.put("MESSAGE-INTEGRITY of 19 bytes", concat(withLength(Arrays.copyOf(binding, 20), 24),
        concat(new byte[] {0, 8, 0, 19}, new byte[20])));
    g.put("a success response", new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.SUCCESS), StunRequests.tid())
        .build(null, true));
    g.put("an error response", new StunMessageBuilder(Stun.type(Stun.ALLOCATE, Stun.ERROR), StunRequests.tid())
        .addError(401, "Unauthorized").build(null, true));
    g.put("a Data indication from a client", new StunMessageBuilder(Stun.type(Stun.DATA, Stun.INDICATION),
        StunRequests.tid()).build(null, true));
    byte[] ff = new byte[100];
    Arrays.fill(ff, (byte) 0xFF);
    g.put("0xFF bytes", ff);
    byte[] random = new byte[1200];
    ThreadLocalRandom.current().nextBytes(random);
    random[0] = (byte) 0x80;
    g.put("random bytes", random);
    g.put("ChannelData header cut short", new byte[] {0x40, 0x00, 0x00});
    g.put("ChannelData length past the datagram", new byte[] {0x40, 0x00, 0x00, 100, 1, 2, 3, 4});
    g.put("ChannelData for an unbound channel", new byte[] {0x40, 0x00, 0x00, 4, 1, 2, 3, 4});
    g.put("reserved channel range 0x5000", new byte[] {0x50, 0x00, 0x00, 4, 1, 2, 3, 4});
    byte[] large = new byte[8000];
    large[0] = (byte) 0x80;
    large[1] = 0x22;
    large[2] = 0x23; // SOFTWARE of 9000 bytes in an 8000-byte message
    large[3] = 0x28;
    g.put("large message with an attribute past its end", withLength(concat(Arrays.copyOf(binding, 20), large), 8000));
    return g;
  }

  @Test
  void garbageOverUdpIsNeverAnsweredAndTheClientIsStillServed() throws Exception {
    try (StunTestClient client = StunTestClient.udp(turn.udpPort())) {
      for (Map.Entry<String, byte[]> g : garbage().entrySet()) {
        client.send(g.getValue());
        try {
          SecuredTurnServer.assertNothingAnsweredAndStillServing(client);
        } catch (AssertionError e) {
          throw new AssertionError("after " + g.getKey() + ": " + e.getMessage(), e);
        }
      }
    }
    try (StunTestClient next = StunTestClient.udp(turn.udpPort())) {
      SecuredTurnServer.assertNothingAnsweredAndStillServing(next);
    }
  }

  @Test
  void channelDataForAnUnboundChannelRelaysNothing() throws Exception {
    try (StunTestClient client = StunTestClient.udp(turn.udpPort());
         DatagramSocket peer = SecuredTurnServer.socketOn("127.0.0.1")) {
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
      assertThat(client.authenticated(StunRequests::allocate, "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
      assertThat(client.authenticated(() -> StunRequests.createPermission(peerAddress), "alice", "secret").cls())
          .isEqualTo(Stun.SUCCESS);
      long dropped = turn.dropped();
      for (int channel : new int[] {0x4000, 0x4FFF}) {
        client.send(new byte[] {(byte) (channel >> 8), (byte) channel, 0, 4, 'l', 'e', 'a', 'k'});
      }
      for (int i = 0; i < 300 && turn.dropped() < dropped + 2; i++) {
        Thread.sleep(10); // readiness poll on a counter, bounded to 3 s
      }
      SecuredTurnServer.assertNothingAnsweredAndStillServing(client);
      peer.setSoTimeout(300);
      assertThat(SecuredTurnServer.receive(peer)).as("nothing relayed on unbound channels").isNull();
      assertThat(turn.dropped()).isGreaterThanOrEqualTo(dropped + 2);
      // Control: once bound, the same ChannelData reaches the peer.
      assertThat(client.authenticated(() -> StunRequests.channelBind(0x4000, peerAddress), "alice", "secret").cls())
          .isEqualTo(Stun.SUCCESS);
      client.send(new byte[] {0x40, 0x00, 0, 4, 'o', 'k', 'a', 'y'});
      peer.setSoTimeout(3000);
      assertThat(SecuredTurnServer.receive(peer)).isEqualTo(new byte[] {'o', 'k', 'a', 'y'});
    }
  }

  /**
   * ChannelData over UDP may come padded to 4 bytes (RFC 8656 §12.5): the peer gets the payload and
   * not the padding (the dispatcher narrows the datagram's own buffer to the payload), and the
   * datagram after it, exactly one frame, is relayed whole.
   */
  @Test
  void paddedChannelDataOverUdpRelaysJustItsPayload() throws Exception {
    try (StunTestClient client = StunTestClient.udp(turn.udpPort());
         DatagramSocket peer = SecuredTurnServer.socketOn("127.0.0.1")) {
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
      assertThat(client.authenticated(StunRequests::allocate, "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
      assertThat(client.authenticated(() -> StunRequests.channelBind(0x4000, peerAddress), "alice", "secret").cls())
          .isEqualTo(Stun.SUCCESS);
      peer.setSoTimeout(3000);
      client.send(new byte[] {0x40, 0x00, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0});
      assertThat(SecuredTurnServer.receive(peer)).isEqualTo(new byte[] {'h', 'e', 'l', 'l', 'o'});
      client.send(new byte[] {0x40, 0x00, 0, 3, 'b', 'y', 'e'});
      assertThat(SecuredTurnServer.receive(peer)).isEqualTo(new byte[] {'b', 'y', 'e'});
    }
  }

  @Test
  void tcpFrameSplitAcrossReadsIsAnsweredOnce() throws Exception {
    try (StunTestClient client = StunTestClient.tcp(turn.server.tcpPort())) {
      byte[] first = binding();
      byte[] second = binding();
      // Byte by byte, then two frames in one write: framing must not depend on read boundaries.
      for (byte b : first) {
        client.send(new byte[] {b});
      }
      client.send(concat(second, new byte[] {0x40, 0x00, 0x00, 0x02, 'x', 'y', 0, 0})); // + unbound ChannelData
      assertThat(StunCodec.decode(client.receive()).transactionId()).isEqualTo(Arrays.copyOfRange(first, 8, 20));
      assertThat(StunCodec.decode(client.receive()).transactionId()).isEqualTo(Arrays.copyOfRange(second, 8, 20));
      SecuredTurnServer.assertNothingAnsweredAndStillServing(client);
    }
  }

  @Test
  void garbageOverTcpClosesThatConnectionOnlyUnanswered() throws Exception {
    Map<String, byte[]> streams = new LinkedHashMap<>();
    byte[] ff = new byte[64];
    Arrays.fill(ff, (byte) 0xFF);
    streams.put("0xFF bytes", ff);
    streams.put("STUN length not a multiple of 4", concat(withLength(Arrays.copyOf(binding(), 20), 6),
        new byte[] {0, 6, 0, 2, 'a', 'b', 0, 0}));
    streams.put("attribute length 0xFFFF", concat(withLength(Arrays.copyOf(binding(), 20), 8),
        new byte[] {(byte) 0x80, 0x22, (byte) 0xFF, (byte) 0xFF, 'a', 'b', 'c', 'd'}));
    streams.put("wrong FINGERPRINT", flipLast(binding()));
    for (Map.Entry<String, byte[]> s : streams.entrySet()) {
      try (Socket socket = new Socket("127.0.0.1", turn.server.tcpPort())) {
        socket.setSoTimeout(3000);
        OutputStream out = socket.getOutputStream();
        out.write(s.getValue());
        out.write(binding()); // whatever happens to the stream, the garbage itself gets no answer
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] head = in.readNBytes(20);
        if (head.length == 20) {
          // The connection survived (the frame was parseable as a frame): the answer is to the Binding.
          assertThat(head[0] & 0xFF).as(s.getKey()).isEqualTo(0x01);
          assertThat(head[1] & 0xFF).as(s.getKey()).isEqualTo(0x01);
        } else {
          assertThat(head).as(s.getKey() + ": closed without an answer").isEmpty();
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError(s.getKey() + ": neither answered nor closed", e);
      }
    }
    // A TCP client that sends half a header and goes quiet does not hold up anybody else.
    try (Socket stalled = new Socket("127.0.0.1", turn.server.tcpPort());
         StunTestClient next = StunTestClient.tcp(turn.server.tcpPort());
         StunTestClient udp = StunTestClient.udp(turn.udpPort())) {
      stalled.getOutputStream().write(withLength(Arrays.copyOf(binding(), 20), 0xFFFC));
      stalled.getOutputStream().flush();
      SecuredTurnServer.assertNothingAnsweredAndStillServing(next);
      SecuredTurnServer.assertNothingAnsweredAndStillServing(udp);
    }
  }

  private static byte[] binding() {
    return new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.REQUEST), StunRequests.tid()).build(null, true);
  }

  private static byte[] withLength(byte[] message, int length) {
    byte[] copy = message.clone();
    ByteBuffer.wrap(copy).putShort(2, (short) length);
    return copy;
  }

  private static byte[] flipLast(byte[] message) {
    byte[] copy = message.clone();
    copy[copy.length - 1] ^= 1;
    return copy;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
