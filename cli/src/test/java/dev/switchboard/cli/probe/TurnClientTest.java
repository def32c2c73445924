package dev.switchboard.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The client's naming of authentication failures, against a scripted STUN responder on a loopback
 * UDP socket (the real servers never send two 438s in a row).
 */
class TurnClientTest {

  @Test
  void staleNonceTwiceIsNamed() throws Exception {
    assertFailure(request -> request.attribute(StunMessage.MESSAGE_INTEGRITY) == null
            ? error(request, 401, "realm-x", "n1") : error(request, 438, "realm-x", "n2"),
        "stale nonce: 438 again right after a fresh nonce");
  }

  @Test
  void challengeWithoutRealmIsNamed() throws Exception {
    assertFailure(request -> error(request, 401, null, null), "401 from 127.0.0.1 without REALM and NONCE");
  }

  @Test
  void silenceIsATimeoutNamingTheServer() throws Exception {
    assertFailure(request -> null, "no answer from 127.0.0.1 within 300 ms");
  }

  @Test
  void reflexiveAddressThatDiffersFromTheLocalOneMeansNat() throws Exception {
    InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 4242);
    try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Thread responder = new Thread(() -> serve(server, request -> new StunMessage(
          StunMessage.type(StunMessage.BINDING, StunMessage.CLASS_SUCCESS), request.transactionId)
          .addXorAddress(StunMessage.XOR_MAPPED_ADDRESS, mapped).encode(null)));
      responder.setDaemon(true);
      responder.start();
      Probe probe = new Probe(Credentials.NONE, Duration.ofSeconds(2), 1, javax.net.ssl.SSLContext.getDefault(), true,
          false, Clock.systemUTC());
      ProbeReport report = probe.run(StunUrl.parse("stun:127.0.0.1:" + server.getLocalPort()));
      assertThat(report.ok()).isTrue();
      assertThat(report.nat).isTrue();
      assertThat(String.join("\n", report.lines())).contains("reflexive    198.51.100.9:4242 (differs from local 127.0.0.1:",
          "a NAT is in the way");
    }
  }

  private static void assertFailure(Function<StunMessage, byte[]> script, String message) throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Thread responder = new Thread(() -> serve(server, script));
      responder.setDaemon(true);
      responder.start();
      InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
      try (TurnClient client = new TurnClient(new UdpProbeConnection(address), "127.0.0.1", new Credentials("u", "p", ""),
          Clock.systemUTC(), Duration.ofMillis(300))) {
        assertThatThrownBy(client::allocate).isInstanceOf(ProbeFailure.class).hasMessageContaining(message);
      }
    }
  }

  private static void serve(DatagramSocket socket, Function<StunMessage, byte[]> script) {
    byte[] buffer = new byte[2048];
    for (int i = 0; i < 20; i++) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (Exception closed) {
        return;
      }
      byte[] reply = script.apply(StunMessage.decode(buffer, packet.getLength()));
      if (reply != null) {
        try {
          socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        } catch (Exception closed) {
          return;
        }
      }
    }
  }

  private static byte[] error(StunMessage request, int code, String realm, String nonce) {
    StunMessage response = new StunMessage(StunMessage.type(request.method(), StunMessage.CLASS_ERROR), request.transactionId);
    byte[] reason = "x".getBytes(StandardCharsets.US_ASCII);
    response.add(StunMessage.ERROR_CODE, ByteBuffer.allocate(4 + reason.length).putShort((short) 0)
        .put((byte) (code / 100)).put((byte) (code % 100)).put(reason).array());
    if (realm != null) {
      response.addString(StunMessage.REALM, realm).addString(StunMessage.NONCE, nonce);
    }
    return response.encode(null);
  }
}
