package dev.switchboard.turn;

import static dev.switchboard.turn.ClassicBindingHandler.CHANGED_ADDRESS;
import static dev.switchboard.turn.ClassicBindingHandler.MAPPED_ADDRESS;
import static dev.switchboard.turn.ClassicBindingHandler.SOURCE_ADDRESS;
import static dev.switchboard.turn.ClassicStunMessages.BINDING_REQUEST;
import static dev.switchboard.turn.ClassicStunMessages.BINDING_RESPONSE;
import static dev.switchboard.turn.ClassicStunMessages.id;
import static dev.switchboard.turn.ClassicStunMessages.message;
import static dev.switchboard.turn.ClassicStunMessages.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.MappedAddressAttribute;
import org.ice4j.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 3489 ("classic STUN") clients against the real server on loopback, over UDP and TCP. */
class ClassicStunIT {

  private SecuredTurnServer turn;

  @BeforeEach
  void start() throws Exception {
    turn = new SecuredTurnServer(SecuredTurnServer.config(54000, SecuredTurnServer.quotas(10, 10_000),
        new TurnConfig.Peers(List.of(), List.of(), true)), (u, r) -> List.of(), new MutableClock());
  }

  @AfterEach
  void stop() {
    turn.close();
  }

  @Test
  void classicBindingOverUdpGetsMappedAddressAndTheSame16ByteId() throws Exception {
    try (StunTestClient client = StunTestClient.udp(turn.udpPort())) {
      byte[] id = id();
      client.send(message(BINDING_REQUEST, id));
      byte[] raw = client.receive();
      ClassicStunMessages.Message r = parse(raw);
      assertThat(r.type()).isEqualTo(BINDING_RESPONSE);
      assertThat(r.id()).isEqualTo(id);
      assertThat(r.types()).containsExactly(MAPPED_ADDRESS, SOURCE_ADDRESS, CHANGED_ADDRESS);
      assertThat(r.address(MAPPED_ADDRESS)).isEqualTo(client.localAddress());
      assertThat(r.address(SOURCE_ADDRESS)).isEqualTo(new InetSocketAddress("127.0.0.1", turn.udpPort()));
      // ice4j, an independent decoder, reads it as an RFC 3489 Binding response too.
      Message decoded = Message.decode(raw, 0, raw.length);
      assertThat(decoded.getMessageType()).isEqualTo(Message.BINDING_SUCCESS_RESPONSE);
      assertThat(decoded.getTransactionID()).isEqualTo(id);
      TransportAddress mapped = ((MappedAddressAttribute) decoded.getAttribute(Attribute.MAPPED_ADDRESS)).getAddress();
      assertThat(new InetSocketAddress(mapped.getAddress(), mapped.getPort())).isEqualTo(client.localAddress());
      // A modern client on the same 5-tuple is still answered the RFC 8489 way.
      SecuredTurnServer.assertNothingAnsweredAndStillServing(client);
    }
    assertThat(turn.server.context().metrics().requests(Stun.BINDING)).isEqualTo(2);
  }

  @Test
  void withClassicStunOffAClassicBindingIsNotAnsweredAndAModernOneStillIs() throws Exception {
    TurnConfig on = SecuredTurnServer.config(54400, SecuredTurnServer.quotas(10, 10_000),
        new TurnConfig.Peers(List.of(), List.of(), true));
    TurnConfig off = new TurnConfig(on.realm(), on.listeners(), on.relay(), on.lifetimes(), on.quotas(), on.peers(),
        on.software(), false);
    try (SecuredTurnServer modernOnly = new SecuredTurnServer(off, (u, r) -> List.of(), new MutableClock());
         StunTestClient client = StunTestClient.udp(modernOnly.udpPort())) {
      client.send(message(BINDING_REQUEST, id()));
      SecuredTurnServer.assertNothingAnsweredAndStillServing(client);
      assertThat(modernOnly.server.context().metrics().requests(Stun.BINDING)).as("the modern one only").isEqualTo(1);
    }
  }

  @Test
  void classicRequestsOfOtherMethodsAndMalformedOnesAreNotAnsweredAndBindingStillIs() throws Exception {
    byte[] binding = message(BINDING_REQUEST, id());
    Map<String, byte[]> unanswered = new LinkedHashMap<>();
    unanswered.put("an Allocate request", message(Stun.type(Stun.ALLOCATE, Stun.REQUEST), id(),
        ClassicStunMessages.attribute(Stun.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})));
    unanswered.put("a Shared Secret request", message(0x0002, id()));
    unanswered.put("a Binding indication", message(Stun.type(Stun.BINDING, Stun.INDICATION), id()));
    unanswered.put("a Binding response", message(BINDING_RESPONSE, id()));
    unanswered.put("length not a multiple of 4", withLength(Arrays.copyOf(binding, 26), 6));
    unanswered.put("attribute past the message", concat(withLength(binding, 8), new byte[] {0, 3, 0, 8, 0, 0, 0, 0}));
    unanswered.put("truncated header", Arrays.copyOf(binding, 19));
    try (StunTestClient client = StunTestClient.udp(turn.udpPort())) {
      for (Map.Entry<String, byte[]> u : unanswered.entrySet()) {
        client.send(u.getValue());
        try {
          // The server handles one client's datagrams in order: an answer to the first would come first.
          assertClassicBindingAnswered(client);
        } catch (AssertionError e) {
          throw new AssertionError("after " + u.getKey() + ": " + e.getMessage(), e);
        }
      }
    }
  }

  @Test
  void classicBindingOverTcpGetsMappedAddressAndTheStreamStaysFramed() throws Exception {
    try (StunTestClient client = StunTestClient.tcp(turn.server.tcpPort())) {
      ClassicStunMessages.Message r = assertClassicBindingAnswered(client);
      assertThat(r.address(SOURCE_ADDRESS)).isEqualTo(new InetSocketAddress("127.0.0.1", turn.server.tcpPort()));
      client.send(message(Stun.type(Stun.ALLOCATE, Stun.REQUEST), id()));
      assertClassicBindingAnswered(client);
      SecuredTurnServer.assertNothingAnsweredAndStillServing(client);
    }
  }

  /** Sends a classic Binding request and asserts the next frame answers it, reflecting the client. */
  private static ClassicStunMessages.Message assertClassicBindingAnswered(StunTestClient client) throws IOException {
    byte[] id = id();
    client.send(message(BINDING_REQUEST, id));
    ClassicStunMessages.Message r = parse(client.receive());
    assertThat(r.type()).isEqualTo(BINDING_RESPONSE);
    assertThat(r.id()).as("the next frame answers this Binding request, nothing earlier").isEqualTo(id);
    assertThat(r.address(MAPPED_ADDRESS)).isEqualTo(client.localAddress());
    return r;
  }

  private static byte[] withLength(byte[] message, int length) {
    byte[] copy = message.clone();
    ByteBuffer.wrap(copy).putShort(2, (short) length);
    return copy;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
