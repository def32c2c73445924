package dev.switchboard.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StunUrlTest {

  @Test
  void defaultsFollowRfc7064And7065() {
    assertThat(StunUrl.parse("stun:stun.example.org")).isEqualTo(
        new StunUrl("stun:stun.example.org", false, false, "stun.example.org", 3478, false));
    assertThat(StunUrl.parse("turn:203.0.113.7")).isEqualTo(new StunUrl("turn:203.0.113.7", true, false, "203.0.113.7", 3478, false));
    StunUrl turns = StunUrl.parse("turns:turn.example.org");
    assertThat(turns.port()).isEqualTo(5349);
    assertThat(turns.tcp()).isTrue();
    assertThat(turns.transportName()).isEqualTo("TLS");
    assertThat(StunUrl.parse("stuns:h").port()).isEqualTo(5349);
  }

  @Test
  void portTransportAndIpv6() {
    StunUrl tcp = StunUrl.parse("turn:[2001:db8::1]:3479?transport=tcp");
    assertThat(tcp.host()).isEqualTo("2001:db8::1");
    assertThat(tcp.port()).isEqualTo(3479);
    assertThat(tcp.tcp()).isTrue();
    assertThat(StunUrl.parse("TURN:h:1?transport=UDP").tcp()).isFalse();
    assertThat(StunUrl.parse("turns:h:443?transport=tcp").secure()).isTrue();
  }

  @Test
  void rejectsWhatTheRfcsDoNotAllow() {
    assertThatThrownBy(() -> StunUrl.parse("http://h")).hasMessageContaining("is not a STUN/TURN URL");
    assertThatThrownBy(() -> StunUrl.parse("stun:h?transport=udp")).hasMessageContaining("turn: URLs only");
    assertThatThrownBy(() -> StunUrl.parse("turn:h?transport=sctp")).hasMessageContaining("udp or tcp");
    assertThatThrownBy(() -> StunUrl.parse("turns:h?transport=udp")).hasMessageContaining("DTLS");
    assertThatThrownBy(() -> StunUrl.parse("turn:h:70000")).hasMessageContaining("outside 1-65535");
    assertThatThrownBy(() -> StunUrl.parse("turn:user@h")).hasMessageContaining("is not a STUN/TURN URL");
  }
}
