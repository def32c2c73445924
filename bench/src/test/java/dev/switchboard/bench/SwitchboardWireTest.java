package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Switchboard's protocol (PROTOCOL.md) as the load generator speaks it. */
class SwitchboardWireTest {

  private final SwitchboardWire wire = new SwitchboardWire();

  @Test
  void requestsFollowTheProtocol() {
    assertThat(wire.join("r1")).isEqualTo("{\"type\":\"join\",\"room\":\"r1\",\"capacity\":4}");
    assertThat(wire.signal("r1", "p_b", 42)).isEqualTo(
        "{\"type\":\"signal\",\"room\":\"r1\",\"to\":\"p_b\",\"kind\":\"candidate\",\"payload\":{\"t\":42}}");
  }

  @Test
  void parsesWelcomeJoinedSignalAndError() {
    assertThat(wire.parse("{\"type\":\"welcome\",\"seq\":1,\"sessionId\":\"s_1\",\"peerId\":\"p_a\",\"resumeToken\":\"x\"}"))
        .isEqualTo(new SignalingWire.Ready("p_a"));
    assertThat(wire.parse("{\"type\":\"joined\",\"seq\":2,\"room\":{\"id\":\"r1\"}}")).isEqualTo(new SignalingWire.Joined());
    assertThat(wire.parse("{\"type\":\"signal\",\"seq\":3,\"room\":\"r1\",\"from\":\"p_b\",\"kind\":\"candidate\",\"payload\":{\"t\":77}}"))
        .isEqualTo(new SignalingWire.Signal(77));
    assertThat(wire.parse("{\"type\":\"error\",\"code\":\"rate_limited\"}")).isInstanceOf(SignalingWire.Failed.class);
    assertThat(wire.parse("{\"type\":\"peer.joined\",\"seq\":4}")).isEqualTo(new SignalingWire.Other());
  }

  @Test
  void theSendTimeIsTakenFromThePayloadOnly() {
    assertThat(SignalingWire.sentNanos("{\"t\":1,\"payload\":{\"t\":5}}")).isEqualTo(5);
    assertThat(SignalingWire.sentNanos("{\"payload\":{}}")).isEqualTo(-1);
    assertThat(SignalingWire.sentNanos("{\"payload\":{\"t\":\"x\"}}")).isEqualTo(-1);
  }
}
