package dev.switchboard.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.signaling.SignalingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("switchboard.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private SwitchboardConfig load(Path file, ConfigOverrides overrides) throws ConfigException {
    return ConfigLoader.load(Optional.ofNullable(file), overrides, "test");
  }

  @Test
  void defaultsMatchTheDocumentedFile() throws Exception {
    SwitchboardConfig config = load(null, new ConfigOverrides().set("publicAddress", "127.0.0.1", "--public-address"));
    assertThat(config.dataDir()).isEqualTo(Path.of("./switchboard-data"));
    assertThat(config.signaling().port()).isEqualTo(8443);
    assertThat(config.signaling().auth()).isEqualTo(SignalingConfig.Auth.NONE);
    assertThat(config.signaling().rooms()).isEqualTo(new SignalingConfig.Rooms(8, 50, 50));
    assertThat(config.signaling().resumeWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.turn().listeners().port()).isEqualTo(3478);
    assertThat(config.turn().listeners().tlsPort()).isEqualTo(5349);
    assertThat(config.turn().relay().minPort()).isEqualTo(49152);
    assertThat(config.turn().relay().maxPort()).isEqualTo(65535);
    assertThat(config.turn().lifetimes().nonce()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.turn().quotas().userAllocations()).isEqualTo(12);
    assertThat(config.turn().quotas().totalAllocations()).isEqualTo(10000);
    assertThat(config.turn().peers().allowLoopback()).isFalse();
    assertThat(config.iceTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.tls().enabled()).isTrue();
    assertThat(config.turn().relay().advertisedAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(config.turn().classicStun()).isTrue();
  }

  @Test
  void classicStunCanBeTurnedOff() throws Exception {
    SwitchboardConfig config = load(write("turn:\n  classicStun: false\n"),
        new ConfigOverrides().set("publicAddress", "127.0.0.1", "--public-address"));
    assertThat(config.turn().classicStun()).isFalse();
  }

  @Test
  void reportsEveryProblemAtOnceWithKeyAndLine() throws IOException {
    Path file = write("""
        signaling:
          port: 99999
          auth: maybe
        turn:
          realm: example.org
          relay:
            ports: 70000-80000
          lifetimes:
            nonce: soon
          peers:
            deny: [10.0.0.0/33]
        rooms:
          defaultCapcity: 4
        """);
    assertThatThrownBy(() -> load(file, new ConfigOverrides()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            file + ": rooms.defaultCapcity is not a known key; did you mean rooms.defaultCapacity? (line 13)",
            file + ": signaling.port: 99999 is outside 0-65535 (line 2)",
            file + ": signaling.auth: 'maybe' is not none or token (line 3)",
            file + ": turn.relay.ports: 70000-80000 is outside 1-65535 (line 7)",
            file + ": turn.lifetimes.nonce: 'soon' is not a duration such as 30s, 10m or 1h (line 9)",
            file + ": turn.peers.deny: '10.0.0.0/33' is not an address or CIDR such as 10.0.0.0/8 or fd00::/8 (line 11)"));
  }

  @Test
  void trustedProxiesLoadAndABadOneIsReportedWithItsLine() throws Exception {
    assertThat(load(null, new ConfigOverrides().set("publicAddress", "127.0.0.1", "--public-address"))
        .signaling().trustedProxies()).as("none by default").isEmpty();
    Path good = write("""
        publicAddress: 127.0.0.1
        signaling:
          trustedProxies:
            - 10.0.0.5
            - 172.16.0.0/12
            - fd00::/8
        """);
    assertThat(load(good, new ConfigOverrides()).signaling().trustedProxies())
        .containsExactly("10.0.0.5", "172.16.0.0/12", "fd00::/8");

    Path bad = write("""
        publicAddress: 127.0.0.1
        signaling:
          trustedProxies: [10.0.0.5, 10.0.0.0/33, proxy.example.org]
        """);
    assertThatThrownBy(() -> load(bad, new ConfigOverrides()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            bad + ": signaling.trustedProxies: '10.0.0.0/33' is not an address or CIDR such as 10.0.0.0/8 or fd00::/8 (line 3)",
            bad + ": signaling.trustedProxies: 'proxy.example.org' is not an address or CIDR such as 10.0.0.0/8 or fd00::/8 (line 3)"));
  }

  @Test
  void sectionsAndCrossFieldRules() throws IOException {
    Path file = write("""
        turn: 5
        rooms:
          defaultCapacity: 60
          maxCapacity: 10
        signaling:
          heartbeat:
            interval: 30s
            timeout: 10s
        """);
    assertThatThrownBy(() -> load(file, new ConfigOverrides()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anySatisfy(
                p -> assertThat(p).contains("turn is a section").contains("(line 1)"))
            .anySatisfy(p -> assertThat(p).contains("rooms.maxCapacity").contains("defaultCapacity <= maxCapacity"))
            .anySatisfy(p -> assertThat(p).contains("signaling.heartbeat.timeout: must be longer")));
  }

  @Test
  void flagsOverrideTheFileAndAreNamedInErrors() throws Exception {
    Path file = write("""
        publicAddress: 127.0.0.1
        signaling:
          port: 9000
        turn:
          port: 4000
        """);
    SwitchboardConfig config = load(file, new ConfigOverrides()
        .set("signaling.port", 0, "--https-port")
        .set("turn.relay.ports", "40000-40010", "--relay-ports")
        .set("tls.enabled", false, "--no-tls"));
    assertThat(config.signaling().port()).isZero();
    assertThat(config.turn().listeners().port()).isEqualTo(4000);
    assertThat(config.turn().relay().minPort()).isEqualTo(40000);
    assertThat(config.turn().relay().maxPort()).isEqualTo(40010);
    assertThat(config.tls().enabled()).isFalse();
    assertThat(config.turn().listeners().tls()).as("no turns: without TLS").isFalse();

    // A flag's problem is not the file's: no file name in front.
    assertThatThrownBy(() -> load(file, new ConfigOverrides().set("turn.relay.ports", "9-2", "--relay-ports")))
        .hasMessage("turn.relay.ports: 9-2 starts above its end (--relay-ports)");
  }

  @Test
  void syntaxErrorsAndDuplicatesNameTheLine() throws IOException {
    Path broken = write("turn:\n  port: [1, 2\nrooms: {}\n");
    assertThatThrownBy(() -> load(broken, new ConfigOverrides())).hasMessageContaining("not valid YAML")
        .hasMessageContaining("line");
    Path twice = write("turn:\n  port: 1\n  port: 2\n");
    assertThatThrownBy(() -> load(twice, new ConfigOverrides())).hasMessageContaining("turn.port is set twice (line 3)");
    assertThatThrownBy(() -> load(dir.resolve("missing.yaml"), new ConfigOverrides()))
        .hasMessageContaining("missing.yaml: no such file");
  }

  @Test
  void emptyFileAndEmptySectionsMeanDefaults() throws Exception {
    Path file = write("# nothing\nturn:\n  relay:\npublicAddress: ::1\n");
    SwitchboardConfig config = load(file, new ConfigOverrides());
    assertThat(config.turn().relay().minPort()).isEqualTo(49152);
    assertThat(config.publicAddress().urlHost()).isEqualTo("[::1]");
  }

  @Test
  void everyDocumentedKeyIsUsed() throws Exception {
    // The documented file is the schema: loading it as a user file must be a no-op.
    Path file = write(ConfigLoader.defaultsText().replace("publicAddress: auto", "publicAddress: 127.0.0.1"));
    SwitchboardConfig fromFile = load(file, new ConfigOverrides());
    SwitchboardConfig builtIn = load(null, new ConfigOverrides().set("publicAddress", "127.0.0.1", "flag"));
    assertThat(fromFile).isEqualTo(builtIn);
  }

  @Test
  void portsOfTwoListenersThatCollideAreReportedOnTheUsersLine() throws IOException {
    assertThat(problems("turn:\n  port: 5349\n")).containsExactly(dir.resolve("switchboard.yaml")
        + ": turn.port: 5349 is also turn.tlsPort (built-in default), and both bind TCP on 0.0.0.0: "
        + "give them different ports (line 2)");
    assertThat(problems("signaling:\n  port: 3478\n")).singleElement().asString()
        .contains("signaling.port: 3478 is also turn.port (built-in default), and both bind TCP", "(line 2)");
    assertThat(problems("turn:\n  port: 4000\nsignaling:\n  port: 4000\n")).singleElement().asString()
        .contains("turn.port: 4000 is also signaling.port (line 4)", "(line 2)");
    assertThat(problems("turn:\n  relay:\n    ports: 3000-4000\n")).singleElement().asString()
        .contains("turn.relay.ports: 3000-4000 holds turn.port 3478 (built-in default), and both bind UDP on 0.0.0.0: "
            + "choose a range without it (line 3)");
    assertThat(problems("turn:\n  port: 50000\n")).singleElement().asString()
        .contains("turn.port: 50000 is inside turn.relay.ports 49152-65535 (built-in default)", "choose a port outside it");
    // A wildcard overlaps a specific address.
    assertThat(problems("signaling:\n  listen: 127.0.0.1\n  port: 3478\n")).singleElement().asString()
        .contains("both bind TCP on 127.0.0.1 and 0.0.0.0");
    // A listener on 0.0.0.0 is bound as :: (dual-stack), which takes ::1 too.
    assertThat(problems("signaling:\n  listen: \"::1\"\n  port: 3478\n")).singleElement().asString()
        .contains("both bind TCP on ::1 and 0.0.0.0");
    assertThat(problems("turn:\n  listen: \"::1\"\n  port: 50000\n  relay:\n    address: \"::\"\n"))
        .singleElement().asString().contains("turn.port: 50000 is inside turn.relay.ports");
  }

  @Test
  void portsThatCannotCollideAreFine() throws Exception {
    // Port 0 is any free port; other addresses, protocols or disabled listeners do not clash.
    load(write("turn:\n  port: 0\n  tlsPort: 0\nsignaling:\n  port: 0\n"), new ConfigOverrides());
    load(write("signaling:\n  listen: 127.0.0.1\n  port: 3478\nturn:\n  listen: 127.0.0.2\n"), new ConfigOverrides());
    load(write("turn:\n  tcp: false\n  port: 5349\n"), new ConfigOverrides()); // UDP 5349 and TLS on TCP 5349
    load(write("turn:\n  tls: false\n  port: 5349\n"), new ConfigOverrides());
    load(write("turn:\n  udp: false\n  relay:\n    ports: 3000-4000\n"), new ConfigOverrides());
    load(write("turn:\n  enabled: false\n  port: 8443\n"), new ConfigOverrides());
    load(write("turn:\n  relay:\n    address: 127.0.0.1\n    ports: 3000-4000\n  listen: 127.0.0.2\n"),
        new ConfigOverrides());
    // The relay's 0.0.0.0 is an IPv4 socket's: it leaves a listener on an IPv6 address alone.
    load(write("turn:\n  listen: \"::1\"\n  port: 50000\n"), new ConfigOverrides());
    load(write("turn:\n  listen: \"2001:db8::1\"\n  relay:\n    ports: 3000-4000\n  port: 3478\n"),
        new ConfigOverrides());
  }

  @Test
  void portClashesFromFlagsNameTheFlags() {
    assertThatThrownBy(() -> load(null, new ConfigOverrides().set("turn.port", 5000, "--turn-port")
        .set("turn.tlsPort", 5000, "--turns-port")))
        .hasMessage("turn.tlsPort: 5000 is also turn.port (--turn-port), and both bind TCP on 0.0.0.0: "
            + "give them different ports (--turns-port)");
  }

  @Test
  void hugeNumbersAreOutOfRangeNotWrapped() throws IOException {
    // 2^64 + 12345: a long would wrap it to 12345.
    assertThat(problems("""
        turn:
          port: 18446744073709563961
          tlsPort: "18446744073709563961"
          relay:
            ports: 1-99999999999999999999
          quotas:
            bytesPerSecond: 99999999999999999999999
          lifetimes:
            nonce: 99999999999999999999d
        ice:
          ttl: 9999999999999999d
        """)).map(p -> p.substring(p.indexOf(": ") + 2)).containsExactlyInAnyOrder(
        "turn.port: 18446744073709563961 is outside 0-65535 (line 2)",
        "turn.tlsPort: 18446744073709563961 is outside 0-65535 (line 3)",
        "turn.relay.ports: 1-99999999999999999999 is outside 1-65535 (line 5)",
        "turn.quotas.bytesPerSecond: 99999999999999999999999 is outside 0-4611686018427387903 (line 7)",
        "turn.lifetimes.nonce: 99999999999999999999d is outside 10s-87600h (line 9)",
        "ice.ttl: 9999999999999999d is outside 1m-168h (line 11)");
  }

  @Test
  void aListOrAMappingForASingleValueSaysSo() throws IOException {
    assertThat(problems("""
        turn:
          port: [1, 2]
          udp: [true]
          relay:
            ports: [3000, 4000]
          realm: [a]
        ice:
          ttl:
            hours: 1
        """)).map(p -> p.substring(p.indexOf(": ") + 2)).containsExactlyInAnyOrder(
        "turn.port: must be a single value, not a list (line 2)",
        "turn.udp: must be a single value, not a list (line 3)",
        "turn.relay.ports: must be a single value, not a list (line 5)",
        "turn.realm: must be a single value, not a list (line 6)",
        "ice.ttl: must be a single value, not a mapping (line 9)");
  }

  @Test
  void rulesAcrossKeysPointAtTheKeyTheUserSet() throws IOException {
    Path file = dir.resolve("switchboard.yaml");
    assertThat(problems("tls:\n  cert: /etc/cert.pem\n")).containsExactly(
        file + ": tls.cert: is set but tls.key is not: set both, or neither to use the generated certificate (line 2)");
    assertThat(problems("tls:\n  key: /etc/key.pem\n")).singleElement().asString().contains("tls.key: is set but tls.cert",
        "(line 2)");
    assertThat(problems("signaling:\n  heartbeat:\n    interval: 50s\n")).containsExactly(file
        + ": signaling.heartbeat.interval: must be shorter than signaling.heartbeat.timeout (45s, built-in default) (line 3)");
    assertThat(problems("signaling:\n  heartbeat:\n    timeout: 10s\n")).containsExactly(file
        + ": signaling.heartbeat.timeout: must be longer than signaling.heartbeat.interval (20s, built-in default) (line 3)");
    assertThat(problems("rooms:\n  defaultCapacity: 60\n")).singleElement().asString()
        .startsWith(file + ": rooms.defaultCapacity: ").endsWith("(line 2)");
    assertThat(problems("turn:\n  lifetimes:\n    allocationMax: 5m\n")).singleElement().asString()
        .startsWith(file + ": turn.lifetimes.allocationMax: ").endsWith("(line 3)");
  }

  @Test
  void aSecondDocumentIsAnError() throws IOException {
    assertThat(problems("turn:\n  port: 4000\n---\nturn:\n  realm: x\n")).containsExactly(dir.resolve("switchboard.yaml")
        + ": a second YAML document starts after '---' (line 3): put every key in one document");
    // A document start marker before the only document is fine.
    assertThat(problems("---\nturn:\n  port: 4000\n")).isEmpty();
  }

  /** The problems loading {@code yaml} reports, none when it loads. */
  private List<String> problems(String yaml) throws IOException {
    Path file = write(yaml);
    try {
      load(file, new ConfigOverrides().set("publicAddress", "127.0.0.1", "--public-address"));
      return List.of();
    } catch (ConfigException e) {
      return e.problems();
    }
  }
}
