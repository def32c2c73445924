package dev.switchboard.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;

/**
 * The address rule, as Linux (6.18) decided for the sockets the server opens, bound on loopback:
 * a listener's 0.0.0.0 is the JDK's and Netty's :: on a dual-stack socket; a relay socket for an
 * IPv4 address is an IPv4 socket.
 */
class PortClashesTest {

  private static final boolean LISTENER = true;
  private static final boolean RELAY = false;

  private static InetAddress ip(String text) {
    return ConfigSyntax.ip(text);
  }

  private static boolean overlap(String a, boolean aDualStack, String b, boolean bDualStack) {
    boolean one = PortClashes.addressesOverlap(ip(a), aDualStack, ip(b), bDualStack);
    assertThat(PortClashes.addressesOverlap(ip(b), bDualStack, ip(a), aDualStack)).as("symmetric").isEqualTo(one);
    return one;
  }

  @Test
  void theRelaysIpv4WildcardLeavesIpv6AddressesAlone() {
    assertThat(overlap("0.0.0.0", RELAY, "::1", LISTENER)).isFalse();
    assertThat(overlap("0.0.0.0", RELAY, "2001:db8::1", LISTENER)).isFalse();
    assertThat(overlap("0.0.0.0", RELAY, "127.0.0.1", LISTENER)).isTrue();
    assertThat(overlap("0.0.0.0", RELAY, "0.0.0.0", LISTENER)).isTrue();
    assertThat(overlap("0.0.0.0", RELAY, "::", LISTENER)).isTrue();
  }

  @Test
  void anIpv4MappedAddressIsItsIpv4One() throws Exception {
    // Built as an Inet6Address: the parser would already hand back 127.0.0.1.
    InetAddress mapped = Inet6Address.getByAddress(null,
        new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1}, -1);
    assertThat(mapped).isInstanceOf(Inet6Address.class);
    assertThat(PortClashes.addressesOverlap(ip("0.0.0.0"), RELAY, mapped, LISTENER)).isTrue();
    assertThat(PortClashes.addressesOverlap(ip("127.0.0.1"), LISTENER, mapped, RELAY)).isTrue();
    assertThat(PortClashes.addressesOverlap(ip("127.0.0.2"), LISTENER, mapped, RELAY)).isFalse();
    assertThat(PortClashes.addressesOverlap(ip("::1"), LISTENER, mapped, RELAY)).isFalse();
  }

  @Test
  void theIpv6WildcardTakesEverything() {
    for (boolean dualStack : new boolean[] {LISTENER, RELAY}) {
      assertThat(overlap("::", dualStack, "0.0.0.0", RELAY)).isTrue();
      assertThat(overlap("::", dualStack, "127.0.0.1", LISTENER)).isTrue();
      assertThat(overlap("::", dualStack, "::1", LISTENER)).isTrue();
      assertThat(overlap("::", dualStack, "2001:db8::1", RELAY)).isTrue();
    }
  }

  /** "Address already in use" for 0.0.0.0:P then [::1]:P (and the other order) with two listeners. */
  @Test
  void aListenersIpv4WildcardIsBoundAsTheIpv6OneSoItTakesIpv6AddressesToo() {
    assertThat(overlap("0.0.0.0", LISTENER, "::1", LISTENER)).isTrue();
    assertThat(overlap("0.0.0.0", LISTENER, "::1", RELAY)).isTrue();
    assertThat(overlap("0.0.0.0", LISTENER, "2001:db8::1", LISTENER)).isTrue();
  }

  /**
   * The rule that most surprises, against the kernel: the JDK's default sockets (the server's on NIO;
   * Netty's epoll sockets bind the same way) refuse [::1]:P next to 0.0.0.0:P. Not run without IPv6.
   */
  @Test
  void twoListenersOn0000AndColonColon1RefuseEachOtherForReal() throws Exception {
    assumeTrue(canBind(new InetSocketAddress(ip("::1"), 0)), "no IPv6 loopback");
    try (DatagramChannel wildcard = DatagramChannel.open().bind(new InetSocketAddress(ip("0.0.0.0"), 0))) {
      int port = ((InetSocketAddress) wildcard.getLocalAddress()).getPort();
      assertThatThrownBy(() -> DatagramChannel.open().bind(new InetSocketAddress(ip("::1"), port)).close())
          .isInstanceOf(BindException.class);
    }
    try (ServerSocketChannel wildcard = ServerSocketChannel.open().bind(new InetSocketAddress(ip("0.0.0.0"), 0))) {
      int port = ((InetSocketAddress) wildcard.getLocalAddress()).getPort();
      assertThatThrownBy(() -> ServerSocketChannel.open().bind(new InetSocketAddress(ip("::1"), port)).close())
          .isInstanceOf(BindException.class);
    }
  }

  private static boolean canBind(InetSocketAddress address) {
    try (DatagramChannel ch = DatagramChannel.open()) {
      ch.bind(address);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void specificAddressesTakeOnlyThemselves() {
    assertThat(overlap("127.0.0.1", LISTENER, "127.0.0.1", RELAY)).isTrue();
    assertThat(overlap("::1", LISTENER, "::1", RELAY)).isTrue();
    assertThat(overlap("127.0.0.1", LISTENER, "::1", LISTENER)).isFalse();
    assertThat(overlap("127.0.0.1", LISTENER, "127.0.0.2", RELAY)).isFalse();
  }
}
