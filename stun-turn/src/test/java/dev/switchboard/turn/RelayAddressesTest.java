package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RelayAddressesTest {

  @Test
  void wildcardBindAdvertisesTheConfiguredAddressAndNeverMatchesWildcards() throws Exception {
    RelayAddresses a = RelayAddresses.of(new TurnConfig.Relay(InetAddress.getByName("0.0.0.0"),
        InetAddress.getByName("203.0.113.9"), 49152, 65535));
    assertThat(a.advertised(false)).isEqualTo(InetAddress.getByName("203.0.113.9"));
    assertThat(a.isAdvertised(InetAddress.getByName("203.0.113.9"))).isTrue();
    assertThat(a.isAdvertised(InetAddress.getByName("0.0.0.0"))).isFalse();
    assertThat(a.isAdvertised(InetAddress.getByName("::"))).isFalse();
  }

  @Test
  void loopbackRelayOffersIpv6OnLoopbackWhenTheHostHasIt() throws Exception {
    RelayAddresses a = RelayAddresses.of(new TurnConfig.Relay(InetAddress.getByName("127.0.0.1"),
        InetAddress.getByName("127.0.0.1"), 49152, 65535));
    assertThat(a.supports(false)).isTrue();
    if (a.supports(true)) {
      assertThat(a.advertised(true)).isEqualTo(InetAddress.getByName("::1"));
    }
  }

  @Test
  void ipv6OnlyRelayHasNoIpv4() throws Exception {
    RelayAddresses a = RelayAddresses.of(new TurnConfig.Relay(InetAddress.getByName("::1"),
        InetAddress.getByName("::1"), 49152, 65535));
    assertThat(a.supports(false)).isFalse();
    assertThat(a.supports(true)).isTrue();
  }

  @Test
  void wildcardBindNarrowsToTheAdvertisedAddressWhenTheHostHasIt() throws Exception {
    // Relay sockets on the wildcard would send from the routed address, not the one peers were told.
    RelayAddresses local = RelayAddresses.of(new TurnConfig.Relay(InetAddress.getByName("0.0.0.0"),
        InetAddress.getByName("127.0.0.1"), 49152, 65535));
    assertThat(local.bind(false)).isEqualTo(InetAddress.getByName("127.0.0.1"));
    // Behind a NAT the advertised address is not the host's: the wildcard stays.
    RelayAddresses nat = RelayAddresses.of(new TurnConfig.Relay(InetAddress.getByName("0.0.0.0"),
        InetAddress.getByName("203.0.113.9"), 49152, 65535));
    assertThat(nat.bind(false)).isEqualTo(InetAddress.getByName("0.0.0.0"));
  }
}
