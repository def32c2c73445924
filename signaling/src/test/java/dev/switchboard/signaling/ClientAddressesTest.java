package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client of a request behind trusted proxies, from X-Forwarded-For and Forwarded; no sockets. */
class ClientAddressesTest {

  private static final ClientAddresses LOOPBACK_TRUSTED = new ClientAddresses(List.of("127.0.0.0/8", "fd00::/8"));

  private static InetAddress ip(String literal) {
    return IpLiterals.parse(literal);
  }

  private static HttpHeaders headers(String... nameValues) {
    HttpHeaders headers = new DefaultHttpHeaders();
    for (int i = 0; i < nameValues.length; i += 2) {
      headers.add(nameValues[i], nameValues[i + 1]);
    }
    return headers;
  }

  private static String client(String peer, String... nameValues) {
    return LOOPBACK_TRUSTED.client(ip(peer), headers(nameValues)).getHostAddress();
  }

  @Test
  void theChainIsWalkedFromTheRightPastTrustedProxies() {
    assertThat(client("127.0.0.1", "X-Forwarded-For", "1.2.3.4, 127.0.0.5")).isEqualTo("1.2.3.4");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "1.2.3.4")).isEqualTo("1.2.3.4");
    // The leftmost is whatever the client sent: the nearest untrusted hop is the client.
    assertThat(client("127.0.0.1", "X-Forwarded-For", "9.9.9.9, 5.6.7.8, 127.0.0.5")).isEqualTo("5.6.7.8");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "9.9.9.9", "X-Forwarded-For", "5.6.7.8")).isEqualTo("5.6.7.8");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "127.0.0.9, 127.0.0.5")).as("all trusted: the leftmost")
        .isEqualTo("127.0.0.9");
  }

  @Test
  void portsAndIpv6AreUnderstood() {
    assertThat(client("127.0.0.1", "X-Forwarded-For", "1.2.3.4:5678")).isEqualTo("1.2.3.4");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "2001:db8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "[2001:db8::1]:443")).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(client("fd00::7", "X-Forwarded-For", "1.2.3.4, fd12::1")).as("an IPv6 proxy range")
        .isEqualTo("1.2.3.4");
  }

  @Test
  void aHeaderThatIsNoAddressLeavesTheProxyAsTheClient() {
    assertThat(client("127.0.0.1", "X-Forwarded-For", "garbage")).isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "1.2.3.4, garbage")).isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "")).isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "1.2.3.4,,")).isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "999.1.1.1")).isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "1.2.3.4:99999999")).isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "[::1")).isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "localhost")).as("a host name is never looked up")
        .isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "X-Forwarded-For", "example.invalid")).isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1")).as("no header").isEqualTo("127.0.0.1");
  }

  @Test
  void forwardedIsTheFallback() {
    assertThat(client("127.0.0.1", "Forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43")).isEqualTo("192.0.2.60");
    assertThat(client("127.0.0.1", "Forwarded", "for=1.1.1.1, For=\"[2001:db8:cafe::17]:4711\""))
        .isEqualTo("2001:db8:cafe:0:0:0:0:17");
    assertThat(client("127.0.0.1", "Forwarded", "for=1.1.1.1, for=127.0.0.3")).isEqualTo("1.1.1.1");
    assertThat(client("127.0.0.1", "Forwarded", "for=unknown")).isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "Forwarded", "for=_hidden, for=1.1.1.1")).isEqualTo("1.1.1.1");
    assertThat(client("127.0.0.1", "Forwarded", "proto=https")).as("no for").isEqualTo("127.0.0.1");
    assertThat(client("127.0.0.1", "Forwarded", "for=1.1.1.1", "X-Forwarded-For", "2.2.2.2"))
        .as("X-Forwarded-For first").isEqualTo("2.2.2.2");
  }

  @Test
  void headersFromAnUntrustedPeerAreIgnored() {
    assertThat(client("10.0.0.1", "X-Forwarded-For", "1.2.3.4")).isEqualTo("10.0.0.1");
    assertThat(client("10.0.0.1", "Forwarded", "for=1.2.3.4")).isEqualTo("10.0.0.1");
    ClientAddresses none = new ClientAddresses(List.of());
    assertThat(none.client(ip("127.0.0.1"), headers("X-Forwarded-For", "1.2.3.4")).getHostAddress())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void rangesMatchTheirAddressesOnly() {
    ClientAddresses proxies = new ClientAddresses(List.of("10.1.0.0/16", "192.0.2.7", "2001:db8::/32",
        "::ffff:172.16.0.0/108", "0.0.0.0/0"));
    assertThat(proxies.trusted(ip("10.1.255.255"))).isTrue();
    assertThat(proxies.trusted(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(proxies.trusted(ip("2001:db9::1"))).isFalse();
    ClientAddresses narrow = new ClientAddresses(List.of("10.1.0.0/16", "192.0.2.7", "::ffff:172.16.0.0/108"));
    assertThat(narrow.trusted(ip("10.2.0.0"))).isFalse();
    assertThat(narrow.trusted(ip("192.0.2.7"))).isTrue();
    assertThat(narrow.trusted(ip("192.0.2.8"))).isFalse();
    assertThat(narrow.trusted(ip("172.31.0.1"))).as("an IPv4-mapped range is the IPv4 one").isTrue();
    assertThat(narrow.trusted(ip("172.32.0.1"))).isFalse();
    assertThat(narrow.trusted(ip("::ffff:10.1.2.3"))).as("an IPv4-mapped peer is its IPv4 address").isTrue();
  }

  @Test
  void aBadEntryIsRefusedNamingIt() {
    for (String bad : List.of("10.0.0.0/33", "10.0.0/8", "proxy.example.org", "10.0.0.0/x", "::1/129", "", "1.2.3.4/")) {
      assertThatThrownBy(() -> new ClientAddresses(List.of(bad)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + bad + "\"");
    }
  }
}
