package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostAddressesTest {

  @Test
  void linkLocalAddressesComeLastSoThatTheCapLeavesThemOut() throws Exception {
    InetAddress veth1 = InetAddress.getByName("fe80::1");
    InetAddress veth2 = InetAddress.getByName("fe80::2");
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    InetAddress global = InetAddress.getByName("2001:db8::5");
    InetAddress v4 = InetAddress.getByName("192.0.2.2");
    assertThat(HostAddresses.ordered(List.of(veth1, lo, veth2, global, v4))).containsExactly(lo, global, v4, veth1, veth2);
  }

  @Test
  void thisHostsListHasItsLoopbackAddress() {
    assertThat(HostAddresses.list()).contains(InetAddress.getLoopbackAddress());
  }
}
