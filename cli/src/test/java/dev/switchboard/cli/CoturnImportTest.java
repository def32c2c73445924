package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoturnImportTest {

  private static final Path CONF = Path.of("/etc/coturn/t.conf");

  static List<String> realisticConf() throws Exception {
    try (InputStream in = CoturnImportTest.class.getResourceAsStream("/turnserver.conf")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void mapsEveryOptionOrSaysWhyNot() throws Exception {
    CoturnImport.Result r = CoturnImport.map(Path.of("/etc/turnserver.conf"), realisticConf());
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
        .containsKeys("turn.auth.secretFiles").doesNotContainKey("turn.auth.usersFile");
    assertThat(r.secrets()).containsExactly("north-wind-42");
    // use-auth-secret: coturn refuses the user= accounts, so they are not carried over.
    assertThat(r.userLines()).isEmpty();
    assertThat(String.join("\n", r.notes())).contains(
        "turnserver.conf line 16: user not carried over: with use-auth-secret or static-auth-secret coturn refuses alice"
            + " (the shared secret overrides user= accounts); to let alice in as well, run 'switchboard user add alice'",
        "turnserver.conf line 17: user not carried over: with use-auth-secret or static-auth-secret coturn refuses bob",
        "turnserver.conf line 10: verbose not carried over: logging goes to stderr",
        "cipher-list not carried over: TLS parameters are Netty's secure defaults",
        "no-cli not carried over: Switchboard has no telnet CLI",
        "mobility not carried over: not supported by Switchboard")
        .doesNotContain("fingerprint", "lt-cred-mech", "north-wind-42");
  }

  @Test
  void noStunBackwardCompatibilityTurnsClassicStunOffUnlessItIsSwitchedOff() {
    assertThat(CoturnImport.map(CONF, List.of("no-stun-backward-compatibility")).keys())
        .containsEntry("turn.classicStun", false);
    CoturnImport.Result off = CoturnImport.map(CONF, List.of("no-stun-backward-compatibility=0"));
    assertThat(off.keys()).doesNotContainKey("turn.classicStun");
    assertThat(off.notes()).isEmpty();
  }

  @Test
  void aValueThatReadsLikeOffIsAValueExceptForASwitch() {
    CoturnImport.Result r = CoturnImport.map(CONF, List.of("realm=no", "static-auth-secret=false", "no-tcp=off"));
    assertThat(r.keys()).containsEntry("turn.realm", "no").doesNotContainKey("turn.tcp");
    assertThat(r.secrets()).containsExactly("false");
  }

  @Test
  void transportSwitchesAndUnknownOptions() {
    CoturnImport.Result r = CoturnImport.map(CONF, List.of("no-udp", "no-tcp", "no-tls", "allow-loopback-peers",
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
    assertThat(dev.switchboard.cli.config.Cidrs.covering(InetAddress.getByName("10.0.0.0"), InetAddress.getByName("10.255.255.255")))
        .containsExactly("10.0.0.0/8");
    assertThat(dev.switchboard.cli.config.Cidrs.covering(InetAddress.getByName("192.168.1.1"), InetAddress.getByName("192.168.1.6")))
        .containsExactly("192.168.1.1/32", "192.168.1.2/31", "192.168.1.4/31", "192.168.1.6/32");
    assertThat(dev.switchboard.cli.config.Cidrs.covering(InetAddress.getByName("0.0.0.0"), InetAddress.getByName("255.255.255.255")))
        .containsExactly("0.0.0.0/0");
    assertThat(dev.switchboard.cli.config.Cidrs.covering(InetAddress.getByName("fc00::"), InetAddress.getByName("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")))
        .containsExactly("fc00:0:0:0:0:0:0:0/7");
  }

  @Test
  void aValueThatIsNotCarriedOverIsLeftOut() {
    CoturnImport.Result r = CoturnImport.map(CONF, List.of("listening-port=abc", "tls-listening-port=70000",
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
  void usersAreCarriedOverWithoutASharedSecretAndTheirKeysKeepTheirRealm() {
    CoturnImport.Result r = CoturnImport.map(CONF, List.of("realm=call.example.org", "lt-cred-mech",
        "user=alice:alicepass", "user=bob:0xB04C7EC7C383A3DDF1BA78B036C108C7"));
    assertThat(r.userLines()).containsExactly(
        "alice:call.example.org:0x" + dev.switchboard.turn.UsersFileStore.keyHex("alice", "call.example.org", "alicepass"),
        "bob:call.example.org:0xb04c7ec7c383a3ddf1ba78b036c108c7");
    assertThat(r.keys()).containsKey("turn.auth.usersFile");
    assertThat(r.notes()).isEmpty();
  }

  @Test
  void aStaticSecretAloneOrUseAuthSecretWithAnyValueKeepsTheUsersOutAsInCoturn() {
    for (String secretLine : List.of("static-auth-secret=north", "use-auth-secret=0", "use-auth-secret=false")) {
      CoturnImport.Result r = CoturnImport.map(CONF, List.of("realm=r.example", secretLine, "user=alice:alicepass"));
      assertThat(r.userLines()).as(secretLine).isEmpty();
      assertThat(r.keys()).as(secretLine).containsKey("turn.auth.secretFiles").doesNotContainKey("turn.auth.usersFile");
      assertThat(r.notes()).as(secretLine).singleElement().asString().startsWith("t.conf line 3: user not carried over");
    }
  }

  @Test
  void aUserIsSplitAtTheFirstColonAndAnEmptyPasswordIsLeftOut() {
    CoturnImport.Result r = CoturnImport.map(CONF, List.of("realm=r.example", "user=bob:pa:ss", "user=dave:"));
    assertThat(r.userLines()).containsExactly(
        "bob:r.example:0x" + dev.switchboard.turn.UsersFileStore.keyHex("bob", "r.example", "pa:ss"));
    assertThat(r.notes()).containsExactly("t.conf line 3: user not carried over: dave has an empty password, "
        + "which coturn refuses too; give it one: user=dave:PASSWORD");
  }

  @Test
  void anAddressThatIsNotOneIsLeftOut() {
    CoturnImport.Result r = CoturnImport.map(CONF, List.of("listening-ip=localhost", "relay-ip=relay.example",
        "external-ip=1.2.3.4/not-an-ip", "external-ip=0.0.0.0", "denied-peer-ip=foo", "allowed-peer-ip=10.0.0.0/33",
        "denied-peer-ip=10.0.0.9-10.0.0.1", "denied-peer-ip=10.0.0.0/8", "allowed-peer-ip=fd00::/8"));
    assertThat(r.keys()).doesNotContainKeys("turn.listen", "turn.relay.address", "publicAddress",
        "turn.relay.advertisedAddress").containsEntry("turn.peers.deny", List.of("10.0.0.0/8"))
        .containsEntry("turn.peers.allow", List.of("fd00::/8"));
    assertThat(r.notes()).containsExactly(
        "t.conf line 1: listening-ip not carried over: 'localhost' is not an IP address",
        "t.conf line 2: relay-ip not carried over: 'relay.example' is not an IP address",
        "t.conf line 3: external-ip not carried over: 'not-an-ip' is not an IP address",
        "t.conf line 4: external-ip not carried over: 0.0.0.0 is a wildcard address; clients need the address they reach",
        "t.conf line 5: denied-peer-ip not carried over: 'foo' is not an address, a CIDR or a range A-B",
        "t.conf line 6: allowed-peer-ip not carried over: '10.0.0.0/33' is not an address, a CIDR or a range A-B",
        "t.conf line 7: denied-peer-ip not carried over: '10.0.0.9-10.0.0.1' is not an address, a CIDR or a range A-B");
  }

  @Test
  void theFirstRelayAddressIsKeptAndTheOtherNotedInEitherOrder() {
    CoturnImport.Result relayFirst = CoturnImport.map(CONF, List.of("relay-ip=10.0.0.9", "external-ip=1.2.3.4/10.0.0.5"));
    assertThat(relayFirst.keys()).containsEntry("turn.relay.address", "10.0.0.9").containsEntry("publicAddress", "1.2.3.4")
        .containsEntry("turn.relay.advertisedAddress", "1.2.3.4");
    assertThat(relayFirst.notes()).containsExactly(
        "t.conf line 2: external-ip not carried over: one relay address is supported; kept 10.0.0.9, dropped 10.0.0.5");
    CoturnImport.Result externalFirst = CoturnImport.map(CONF, List.of("external-ip=1.2.3.4/10.0.0.5", "relay-ip=10.0.0.9"));
    assertThat(externalFirst.keys()).containsEntry("turn.relay.address", "10.0.0.5");
    assertThat(externalFirst.notes()).containsExactly(
        "t.conf line 2: relay-ip not carried over: one relay address is supported; kept 10.0.0.5, dropped 10.0.0.9");
    // The same address twice is no conflict.
    assertThat(CoturnImport.map(CONF, List.of("relay-ip=10.0.0.5", "external-ip=1.2.3.4/10.0.0.5")).notes()).isEmpty();
  }

  @Test
  void aQuotaOfZeroIsNoLimitTheLargestTheConfigTakes() {
    CoturnImport.Result r = CoturnImport.map(CONF, List.of("user-quota=0", "total-quota=0"));
    assertThat(r.keys()).containsEntry("turn.quotas.userAllocations", 10_000_000)
        .containsEntry("turn.quotas.totalAllocations", 10_000_000);
    assertThat(r.notes()).isEmpty();
  }

  @Test
  void relativeCertAndKeyPathsAreReadFromTheConfDirectory() {
    CoturnImport.Result r = CoturnImport.map(CONF, List.of("cert=certs/fullchain.pem", "pkey=../private/privkey.pem"));
    assertThat(r.keys()).containsEntry("tls.cert", Path.of("/etc/coturn/certs/fullchain.pem").toString())
        .containsEntry("tls.key", Path.of("/etc/private/privkey.pem").toString());
  }

  @Test
  void aSecretTheTurnSecretFileCannotHoldStopsTheImportWithoutPrintingIt() {
    for (String[] secret : new String[][] {{"north wind", "contains whitespace"}, {"#north", "starts with #"}, {"", "is empty"}}) {
      assertThatThrownBy(() -> CoturnImport.map(CONF, List.of("use-auth-secret", "static-auth-secret=" + secret[0])))
          .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.exitCode()).isEqualTo(UserError.USAGE))
          .hasMessageStartingWith("t.conf line 2: static-auth-secret " + secret[1] + ", which a turn-secret file cannot hold: "
              + "set a secret without whitespace")
          .hasMessageNotContaining("north");
    }
  }

  @Test
  void relayPortsThatStartAboveTheirEndKeepTheDefault() {
    CoturnImport.Result r = CoturnImport.map(CONF, List.of("min-port=60000", "max-port=50000"));
    assertThat(r.keys()).doesNotContainKey("turn.relay.ports");
    assertThat(r.notes()).containsExactly(
        "t.conf line 2: min-port/max-port not carried over: 60000-50000 starts above its end; the default range is kept");
  }
}
