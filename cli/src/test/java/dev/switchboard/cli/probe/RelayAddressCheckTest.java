package dev.switchboard.cli.probe;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RelayAddressCheckTest {

  @Test
  void privateRelayIsAFailureUnlessTheServerWasReachedThere() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    InetAddress lan = InetAddress.getByName("10.0.0.5");
    InetAddress publicIp = InetAddress.getByName("8.8.8.8");
    assertThatCode(() -> Probe.checkRelayAddress(publicIp, publicIp)).doesNotThrowAnyException();
    assertThatCode(() -> Probe.checkRelayAddress(loopback, loopback)).doesNotThrowAnyException();
    assertThatCode(() -> Probe.checkRelayAddress(lan, lan)).doesNotThrowAnyException();
    assertThatThrownBy(() -> Probe.checkRelayAddress(lan, publicIp))
        .hasMessage("relay address 10.0.0.5 is private: set publicAddress (coturn: external-ip) to an address clients can reach");
    assertThatThrownBy(() -> Probe.checkRelayAddress(lan, loopback)).hasMessageContaining("10.0.0.5 is private");
    assertThatThrownBy(() -> Probe.checkRelayAddress(loopback, publicIp)).hasMessageContaining("127.0.0.1 is private");
    assertThatThrownBy(() -> Probe.checkRelayAddress(InetAddress.getByName("100.64.1.1"), publicIp))
        .hasMessageContaining("is private");
    InetAddress example = InetAddress.getByName("203.0.113.7");
    assertThatThrownBy(() -> Probe.checkRelayAddress(example, loopback)).hasMessageContaining("documentation address");
    assertThatThrownBy(() -> Probe.checkRelayAddress(InetAddress.getByName("2001:db8::1"), publicIp))
        .hasMessageContaining("documentation address");
  }
}
