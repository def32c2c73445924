package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoturnImportTest {

  static List<String> realisticConf() throws Exception {
    try (InputStream in = CoturnImportTest.class.getResourceAsStream("/turnserver.conf")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void mapsEveryOptionOrSaysWhyNot() throws Exception {
    CoturnImport.Result r = CoturnImport.map("turnserver.conf", realisticConf());
    assertThat(r.keys()).containsEntry("turn.port", 3478).containsEntry("turn.tlsPort", 5349)
        .containsEntry("turn.listen", "127.0.0.1")
        .containsEntry("publicAddress", "203.0.113.7")
        .containsEntry("turn.relay.address", "127.0.0.1")
        .containsEntry("turn.relay.advertisedAddress", "203.0.113.7")
        .containsEntry("turn.relay.ports", "49160-49200")
        .containsEntry("turn.realm", "call.example.org")
        .containsEntry("turn.quotas.totalAllocations", 100)
        .containsEntry("turn.quotas.userAllocations", 12)
        .containsEntry("turn.quotas.bytesPerSecond", 3000000)
        .containsEntry("turn.lifetimes.nonce", "600s")
        .containsEntry("tls.cert", "/etc/letsencrypt/live/call.example.org/fullchain.pem")
        .containsEntry("tls.key", "/etc/letsencrypt/live/call.example.org/privkey.pem")
        .containsEntry("turn.peers.deny", List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
        .containsEntry("turn.peers.allow", List.of("10.1.2.3"))
        .containsKeys("turn.auth.usersFile", "turn.auth.secretFiles");
    assertThat(r.secrets()).containsExactly("north-wind-42");
    assertThat(r.userLines()).containsExactly(
        "alice:call.example.org:0x" + dev.switchboard.turn.UsersFileStore.keyHex("alice", "call.example.org", "alicepass"),
        "bob:call.example.org:0xb04c7ec7c383a3ddf1ba78b036c108c7");
    assertThat(String.join("\n", r.notes())).contains(
        "turnserver.conf line 10: verbose not carried over: logging goes to stderr",
        "cipher-list not carried over: TLS parameters are Netty's secure defaults",
        "no-cli not carried over: Switchboard has no telnet CLI",
        "mobility not carried over: not supported by Switchboard")
        .doesNotContain("fingerprint", "lt-cred-mech", "north-wind-42");
  }

  @Test
  void transportSwitchesAndUnknownOptions() {
    CoturnImport.Result r = CoturnImport.map("t.conf", List.of("no-udp", "no-tcp", "no-tls", "allow-loopback-peers",
        "frobnicate=1", "listening-ip=10.0.0.1", "listening-ip=10.0.0.2", "no-auth", "userdb=/var/lib/turn/turndb",
        "external-ip=198.51.100.1", "no-dtls=false", "fingerprint=off"));
    assertThat(r.keys()).containsEntry("turn.udp", false).containsEntry("turn.tcp", false).containsEntry("turn.tls", false)
        .containsEntry("turn.peers.allowLoopback", true).containsEntry("turn.listen", "10.0.0.1")
        .containsEntry("publicAddress", "198.51.100.1").doesNotContainKey("turn.relay.advertisedAddress");
    assertThat(r.notes()).anyMatch(n -> n.equals("t.conf line 5: frobnicate not carried over: unknown or unsupported coturn option"))
        .anyMatch(n -> n.contains("dropped 10.0.0.2"))
        .anyMatch(n -> n.contains("no-auth not carried over: Switchboard always authenticates"))
        .anyMatch(n -> n.contains("turnadmin -l"));
    assertThat(r.notes()).hasSize(4);
  }

  @Test
  void rangesBecomeMinimalCidrs() throws Exception {
    assertThat(CoturnImport.rangeToCidrs(InetAddress.getByName("10.0.0.0"), InetAddress.getByName("10.255.255.255")))
        .containsExactly("10.0.0.0/8");
    assertThat(CoturnImport.rangeToCidrs(InetAddress.getByName("192.168.1.1"), InetAddress.getByName("192.168.1.6")))
        .containsExactly("192.168.1.1/32", "192.168.1.2/31", "192.168.1.4/31", "192.168.1.6/32");
    assertThat(CoturnImport.rangeToCidrs(InetAddress.getByName("0.0.0.0"), InetAddress.getByName("255.255.255.255")))
        .containsExactly("0.0.0.0/0");
    assertThat(CoturnImport.rangeToCidrs(InetAddress.getByName("fc00::"), InetAddress.getByName("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")))
        .containsExactly("fc00:0:0:0:0:0:0:0/7");
  }

  @Test
  void aValueThatIsNotCarriedOverIsLeftOut() {
    CoturnImport.Result r = CoturnImport.map("t.conf", List.of("listening-port=abc", "tls-listening-port=70000",
        "max-bps=lots", "min-port=low", "max-port=60000", "stale-nonce=abc", "channel-lifetime=-5",
        "total-quota=x", "permission-lifetime=300"));
    assertThat(r.keys()).doesNotContainKeys("turn.port", "turn.tlsPort", "turn.quotas.bytesPerSecond",
        "turn.lifetimes.nonce", "turn.lifetimes.channel", "turn.quotas.totalAllocations")
        .containsEntry("turn.relay.ports", "49152-60000").containsEntry("turn.lifetimes.permission", "300s");
    assertThat(r.keys().values()).doesNotContainNull().noneMatch(v -> String.valueOf(v).contains("null"));
    assertThat(r.notes()).containsExactly(
        "t.conf line 1: listening-port not carried over: 'abc' is not a number",
        "t.conf line 2: tls-listening-port not carried over: 70000 is outside 0-65535",
        "t.conf line 3: max-bps not carried over: 'lots' is not a number",
        "t.conf line 4: min-port not carried over: 'low' is not a number",
        "t.conf line 6: stale-nonce not carried over: 'abc' is not a number",
        "t.conf line 7: channel-lifetime not carried over: -5 is outside 10-315360000",
        "t.conf line 8: total-quota not carried over: 'x' is not a number");
  }

  @Test
  void relayPortsThatStartAboveTheirEndKeepTheDefault() {
    CoturnImport.Result r = CoturnImport.map("t.conf", List.of("min-port=60000", "max-port=50000"));
    assertThat(r.keys()).doesNotContainKey("turn.relay.ports");
    assertThat(r.notes()).containsExactly(
        "t.conf line 2: min-port/max-port not carried over: 60000-50000 starts above its end; the default range is kept");
  }
}
