package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerPolicyTest {

  private static final PeerPolicy DEFAULTS = PeerPolicy.of(TurnConfig.Peers.defaults());

  /** Every form DESIGN.md "Security defaults" refuses, one or more spellings each. */
  static final List<String> REFUSED = List.of(
      // IPv4
      "0.0.0.0", "0.1.2.3", "0.255.255.255",
      "127.0.0.1", "127.255.255.254",
      "10.0.0.1", "10.255.255.255",
      "172.16.0.1", "172.31.255.255",
      "192.168.0.1", "192.168.255.255",
      "100.64.0.1", "100.127.255.255",
      "169.254.0.1", "169.254.169.254",
      "224.0.0.1", "239.255.255.250",
      "240.0.0.1", "254.1.2.3", "255.255.255.255",
      "192.0.0.1", "192.0.2.1", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
      // IPv6 specials
      "::", "::1",
      "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0",
      "::ffff:255.255.255.255", "::ffff:192.168.1.1",
      "::8.8.8.8", "::10.0.0.1", "::127.0.0.1",
      "64:ff9b::127.0.0.1", "64:ff9b::10.0.0.1", "64:ff9b::169.254.169.254", "64:ff9b::192.168.0.1",
      "64:ff9b:1::8.8.8.8", "64:ff9b:1:abcd::1",
      "2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:101::1", "2002:a9fe:a9fe::1", "2002:e000:1::",
      "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
      "fe80::1", "febf:ffff::1",
      "fc00::1", "fd00::2", "fdff:ffff::1",
      "ff02::1", "ff0e::1", "ff00::",
      "fec0::1", "feff::1",
      "100::1", "100::ffff:ffff:ffff:ffff",
      "2001:db8::1", "2001:db8:ffff::1",
      "2001:2::1", "2001:10::1", "2001:20::1", "3fff::1",
      "4000::1", "::2:1:1");

  static final List<String> PERMITTED = List.of(
      "8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
      "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255",
      "192.169.0.0", "126.255.255.255", "128.0.0.0", "223.255.255.255", "192.0.1.1", "198.20.0.0",
      "::ffff:8.8.8.8",
      "64:ff9b::8.8.8.8",
      "2002:808:808::1",
      "2001:4860:4860::8888", "2606:4700:4700::1111", "2a00:1450::1", "2001:1::1", "2001:db9::1",
      "3ffe::1", "3fff:1000::1");

  @Test
  void refusesEveryPrivateSpellingByDefault() throws Exception {
    for (String address : REFUSED) {
      assertThat(DEFAULTS.permits(address(address))).as(address).isFalse();
      assertThat(DEFAULTS.permits(v6(address))).as("as Inet6Address " + address).isFalse();
    }
  }

  @Test
  void permitsPublicAddresses() throws Exception {
    for (String address : PERMITTED) {
      assertThat(DEFAULTS.permits(address(address))).as(address).isTrue();
      assertThat(DEFAULTS.permits(v6(address))).as("as Inet6Address " + address).isTrue();
    }
  }

  @Test
  void allowLoopbackOpensOnlyLoopback() throws Exception {
    PeerPolicy policy = PeerPolicy.of(new TurnConfig.Peers(List.of(), List.of(), true));
    for (String address : List.of("127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1")) {
      assertThat(policy.permits(address(address))).as(address).isTrue();
      assertThat(policy.permits(v6(address))).as("as Inet6Address " + address).isTrue();
    }
    for (String address : REFUSED) {
      boolean loopback = address.equals("::1") || address.startsWith("127.") || address.startsWith("::ffff:127.");
      assertThat(policy.permits(address(address))).as(address).isEqualTo(loopback);
    }
    // NAT64/6to4/compatible spellings of loopback are not loopback on this host.
    assertThat(policy.permits(address("64:ff9b::127.0.0.1"))).isFalse();
    assertThat(policy.permits(address("2002:7f00:1::1"))).isFalse();
    assertThat(policy.permits(address("::127.0.0.1"))).isFalse();
  }

  @Test
  void allowOpensRangesOnPurpose() throws Exception {
    PeerPolicy policy = PeerPolicy.of(new TurnConfig.Peers(
        List.of("192.168.0.0/16", "fd00::/8", "10.1.2.3", "169.254.169.254/32"), List.of(), false));
    assertThat(policy.permits(address("192.168.1.20"))).isTrue();
    assertThat(policy.permits(v6("::ffff:192.168.1.20"))).as("mapped form of an allowed IPv4").isTrue();
    assertThat(policy.permits(address("fd00::2"))).isTrue();
    assertThat(policy.permits(address("10.1.2.3"))).isTrue();
    assertThat(policy.permits(address("169.254.169.254"))).isTrue();
    assertThat(policy.permits(address("10.1.2.4"))).isFalse();
    assertThat(policy.permits(address("fc00::1"))).isFalse();
    assertThat(policy.permits(address("172.16.0.1"))).isFalse();
    // NAT64 and 6to4 spellings stay refused: only the mapped spelling is the same destination.
    assertThat(policy.permits(address("64:ff9b::192.168.1.20"))).isFalse();
    assertThat(policy.permits(address("2002:c0a8:114::1"))).isFalse();
  }

  @Test
  void denyWinsOverAllowAndCoversEmbeddedSpellings() throws Exception {
    PeerPolicy policy = PeerPolicy.of(new TurnConfig.Peers(
        List.of("192.168.0.0/16"), List.of("192.168.5.0/24", "8.8.8.0/24", "2001:4860::/32"), false));
    assertThat(policy.permits(address("192.168.4.1"))).isTrue();
    assertThat(policy.permits(address("192.168.5.1"))).isFalse();
    assertThat(policy.permits(address("8.8.8.8"))).isFalse();
    assertThat(policy.permits(address("8.8.4.4"))).isTrue();
    assertThat(policy.permits(v6("::ffff:8.8.8.8"))).isFalse();
    assertThat(policy.permits(address("64:ff9b::8.8.8.8"))).isFalse();
    assertThat(policy.permits(address("2002:808:808::1"))).isFalse();
    assertThat(policy.permits(address("2001:4860:4860::8888"))).isFalse();
    assertThat(policy.permits(address("2001:4861::1"))).isTrue();
  }

  @Test
  void denyAppliesToLoopbackToo() throws Exception {
    PeerPolicy policy = PeerPolicy.of(new TurnConfig.Peers(List.of(), List.of("127.0.0.2/32"), true));
    assertThat(policy.permits(address("127.0.0.1"))).isTrue();
    assertThat(policy.permits(address("127.0.0.2"))).isFalse();
  }

  @Test
  void denyingEverythingRefusesEverything() throws Exception {
    PeerPolicy policy = PeerPolicy.of(new TurnConfig.Peers(List.of(), List.of("0.0.0.0/0", "::/0"), false));
    for (String address : PERMITTED) {
      assertThat(policy.permits(address(address))).as(address).isFalse();
    }
  }

  @Test
  void mappedRangeInConfigIsReadAsIpv4() throws Exception {
    PeerPolicy policy = PeerPolicy.of(new TurnConfig.Peers(List.of("::ffff:10.0.0.0/104"), List.of(), false));
    assertThat(policy.permits(address("10.9.9.9"))).isTrue();
    assertThat(policy.permits(address("11.0.0.1"))).isTrue();
    assertThat(policy.permits(address("172.16.0.1"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0/8", "256.0.0.0/8", "fd00::/129", "example.com",
      "localhost/8", "10.0.0.0/x", "", "fe80::1%eth0", "::ffff:10.0.0.0/95", "fd00::zz/8", "10.0.0.0/-1", "zz::1/8", "[::1]/128", "1.2.3.4/8/8"})
  void unparseableCidrNamesIt(String cidr) {
    assertThatThrownBy(() -> PeerPolicy.of(new TurnConfig.Peers(List.of(), List.of(cidr), false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + cidr + "\"")
        .hasMessageContaining("turn.peers.deny");
    assertThatThrownBy(() -> PeerPolicy.of(new TurnConfig.Peers(List.of(cidr), List.of(), false)))
        .hasMessageContaining("turn.peers.allow");
  }

  @Test
  void cidrMatchesPartialBytes() {
    Cidr cidr = Cidr.parse("100.64.0.0/10");
    assertThat(cidr.contains(new byte[] {100, 64, 0, 0})).isTrue();
    assertThat(cidr.contains(new byte[] {100, 127, (byte) 255, (byte) 255})).isTrue();
    assertThat(cidr.contains(new byte[] {100, (byte) 128, 0, 0})).isFalse();
    assertThat(cidr.containsV4(0x647FFFFF)).isTrue();
    assertThat(cidr.containsV4(0x64800000)).isFalse();
    assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
    assertThat(Cidr.parse("0.0.0.0/0").containsV4(0xFFFFFFFF)).isTrue();
    assertThat(Cidr.parse("fe80::/10").contains(new byte[16])).isFalse();
  }

  private static InetAddress address(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  /** The literal as a true Inet6Address (Java turns "::ffff:a.b.c.d" into an Inet4Address). */
  private static InetAddress v6(String literal) throws UnknownHostException {
    byte[] bytes = InetAddress.getByName(literal).getAddress();
    if (bytes.length == 4) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xFF;
      mapped[11] = (byte) 0xFF;
      System.arraycopy(bytes, 0, mapped, 12, 4);
      bytes = mapped;
    }
    return Inet6Address.getByAddress(null, bytes, -1);
  }
}
