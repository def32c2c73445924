package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Engine.IO v4 / socket.io v4 framing as the load generator speaks it. */
class SocketIoWireTest {

  private final SocketIoWire wire = new SocketIoWire();

  @Test
  void answersTheOpenPacketWithANamespaceConnect() {
    assertThat(wire.parse("0{\"sid\":\"eio1\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}"))
        .isEqualTo(new SignalingWire.Reply("40"));
  }

  @Test
  void answersAServerPingWithAPong() {
    assertThat(wire.parse("2")).isEqualTo(new SignalingWire.Reply("3"));
    assertThat(wire.parse("2probe")).isEqualTo(new SignalingWire.Reply("3probe"));
  }

  @Test
  void theConnectReplyCarriesTheSocketIdOthersAddress() {
    assertThat(wire.parse("40{\"sid\":\"Xy_z-1\"}")).isEqualTo(new SignalingWire.Ready("Xy_z-1"));
    assertThat(wire.parse("44{\"message\":\"not authorized\"}")).isInstanceOf(SignalingWire.Failed.class);
  }

  @Test
  void eventsAreType42WithTheNameFirst() {
    assertThat(wire.join("r7")).isEqualTo("42[\"join\",\"r7\"]");
    assertThat(wire.signal("r7", "abc", 123)).isEqualTo(
        "42[\"signal\",{\"room\":\"r7\",\"to\":\"abc\",\"kind\":\"candidate\",\"payload\":{\"t\":123}}]");
    assertThat(SocketIoWire.eventName("42[\"joined\",{}]")).isEqualTo("joined");
    assertThat(SocketIoWire.eventName("40")).isNull();
  }

  @Test
  void parsesTheRelayedSignalJoinedAndFailed() {
    assertThat(wire.parse("42[\"signal\",{\"room\":\"r7\",\"from\":\"q\",\"kind\":\"candidate\",\"payload\":{\"t\":987654321}}]"))
        .isEqualTo(new SignalingWire.Signal(987654321));
    assertThat(wire.parse("42[\"joined\",{\"room\":\"r7\",\"peerId\":\"q\",\"size\":2}]")).isEqualTo(new SignalingWire.Joined());
    assertThat(wire.parse("42[\"failed\",{\"code\":\"room_full\"}]")).isInstanceOf(SignalingWire.Failed.class);
    assertThat(wire.parse("42[\"other\",1]")).isEqualTo(new SignalingWire.Other());
    assertThat(wire.parse("3")).isEqualTo(new SignalingWire.Other());
    assertThat(wire.parse("")).isEqualTo(new SignalingWire.Other());
  }

  @Test
  void usesTheWebsocketTransportPath() {
    assertThat(wire.path()).isEqualTo("/socket.io/?EIO=4&transport=websocket");
  }
}
