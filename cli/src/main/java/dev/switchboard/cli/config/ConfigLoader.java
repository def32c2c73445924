package dev.switchboard.cli.config;

import dev.switchboard.cli.config.YamlLeaves.Leaf;
import dev.switchboard.signaling.SignalingConfig;
import dev.switchboard.turn.TurnConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Loads the effective configuration: the documented {@code conf/switchboard.yaml} shipped in the jar
 * gives every key and its default, the user's file overrides it, flags override both. Every problem
 * is collected and reported at once. Stateless.
 */
public final class ConfigLoader {

  /** The documented defaults, copied from conf/switchboard.yaml into the jar by the build. */
  public static final String DEFAULTS_RESOURCE = "/dev/switchboard/cli/switchboard.yaml";

  private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");
  private static final Duration MAX = Duration.ofDays(3650);

  private ConfigLoader() {}

  /** The built-in defaults file, as shipped. */
  public static String defaultsText() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + DEFAULTS_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
    }
  }

  /**
   * @param file       the user's config file, or empty for defaults only
   * @param overrides  command-line values
   * @param version    this build's version, for the signaling {@code welcome}
   */
  public static SwitchboardConfig load(Optional<Path> file, ConfigOverrides overrides, String version)
      throws ConfigException {
    Map<String, Leaf> defaults = YamlLeaves.parse(defaultsText(), "built-in defaults");
    Map<String, Leaf> user = Map.of();
    String fileName = file.map(Path::toString).orElse("");
    if (file.isPresent()) {
      Path path = file.get();
      String text;
      try {
        text = Files.readString(path, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new ConfigException(path + ": no such file (check the --config path)");
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new ConfigException(FileErrors.describe(path, e));
      } catch (IOException e) {
        throw new ConfigException(FileErrors.describe(path, e) + " (check the --config path and its permissions)");
      }
      user = YamlLeaves.parse(text, fileName);
    }
    ConfigValues values = new ConfigValues(defaults, fileName, user, overrides.values(), overrides.flags());
    SwitchboardConfig config = build(values, version);
    if (!values.problems().isEmpty()) {
      throw new ConfigException(values.problems());
    }
    return config;
  }

  private static SwitchboardConfig build(ConfigValues v, String version) {
    Path dataDir = Path.of(v.string("dataDir").isEmpty() ? "switchboard-data" : v.string("dataDir"));
    PublicAddress publicAddress = publicAddress(v);
    String logLevel = v.string("logLevel").toLowerCase();
    if (!LOG_LEVELS.contains(logLevel)) {
      v.problem("logLevel", "'" + logLevel + "' is not one of trace, debug, info, warn, error");
      logLevel = "info";
    }
    SwitchboardConfig.Tls tls = new SwitchboardConfig.Tls(v.bool("tls.enabled"),
        optionalPath(v.string("tls.cert")), optionalPath(v.string("tls.key")));
    if (tls.cert().isPresent() != tls.key().isPresent()) {
      // Reported on the one that is set: that is the line the user wrote.
      String set = tls.cert().isPresent() ? "tls.cert" : "tls.key";
      String unset = tls.cert().isPresent() ? "tls.key" : "tls.cert";
      v.problem(set, "is set but " + unset + " is not: set both, or neither to use the generated certificate");
    }
    SignalingConfig signaling = signaling(v, version);
    Duration iceTtl = v.duration("ice.ttl", Duration.ofMinutes(1), Duration.ofDays(7));
    boolean turnEnabled = v.bool("turn.enabled");
    TurnConfig turn = turn(v, publicAddress, tls.enabled());
    PortClashes.check(v, signaling, turnEnabled, turn);
    List<String> secretFiles = v.strings("turn.auth.secretFiles");
    List<SwitchboardConfig.NamedFile> namedSecretFiles = new ArrayList<>();
    for (int i = 0; i < secretFiles.size(); i++) {
      namedSecretFiles.add(new SwitchboardConfig.NamedFile(Path.of(secretFiles.get(i)),
          v.origin("turn.auth.secretFiles", i)));
    }
    SwitchboardConfig.TurnAuth turnAuth = new SwitchboardConfig.TurnAuth(namedSecretFiles,
        v.string("turn.auth.secretEnv"), optionalPath(v.string("turn.auth.usersFile")));
    Duration drain = v.duration("shutdown.drainTimeout", Duration.ZERO, Duration.ofHours(1));
    return new SwitchboardConfig(dataDir, publicAddress, logLevel, tls, signaling, iceTtl,
        turnEnabled, turn, turnAuth, drain);
  }

  private static PublicAddress publicAddress(ConfigValues v) {
    String raw = v.string("publicAddress");
    try {
      PublicAddress resolved = PublicAddress.resolve(raw.isEmpty() ? "auto" : raw);
      if (resolved.address().isAnyLocalAddress()) {
        v.problem("publicAddress", raw + " is a wildcard address; clients need a reachable one (or auto)");
      }
      return resolved;
    } catch (UnknownHostException e) {
      v.problem("publicAddress", "'" + raw + "' does not resolve to an address");
      return new PublicAddress("127.0.0.1", InetAddress.getLoopbackAddress(), false);
    }
  }

  private static SignalingConfig signaling(ConfigValues v, String version) {
    InetAddress listen = orLoopback(v.ipAddress("signaling.listen"));
    int port = v.integer("signaling.port", 0, 65535);
    List<String> origins = v.strings("signaling.allowedOrigins");
    String authText = v.string("signaling.auth").toLowerCase();
    SignalingConfig.Auth auth = switch (authText) {
      case "none" -> SignalingConfig.Auth.NONE;
      case "token" -> SignalingConfig.Auth.TOKEN;
      default -> {
        v.problem("signaling.auth", "'" + authText + "' is not none or token");
        yield SignalingConfig.Auth.NONE;
      }
    };
    int maxMessage = v.integer("signaling.maxMessageBytes", 256, 16 * 1024 * 1024);
    int rate = v.integer("signaling.messagesPerSecond", 1, 100_000);
    int perIp = v.integer("signaling.connectionsPerIp", 1, 1_000_000);
    Duration resume = v.duration("signaling.resumeWindow", Duration.ZERO, Duration.ofHours(1));
    Duration interval = v.duration("signaling.heartbeat.interval", Duration.ofMillis(100), Duration.ofHours(1));
    Duration timeout = v.duration("signaling.heartbeat.timeout", Duration.ofMillis(100), Duration.ofHours(1));
    if (timeout.compareTo(interval) <= 0) {
      if (v.setByUser("signaling.heartbeat.timeout")) {
        v.problem("signaling.heartbeat.timeout", "must be longer than signaling.heartbeat.interval ("
            + ConfigSyntax.format(interval) + ", " + v.where("signaling.heartbeat.interval") + ")");
      } else {
        v.problem("signaling.heartbeat.interval", "must be shorter than signaling.heartbeat.timeout ("
            + ConfigSyntax.format(timeout) + ", " + v.where("signaling.heartbeat.timeout") + ")");
      }
    }
    SignalingConfig.Rooms rooms = attempt(v, List.of("rooms.maxCapacity", "rooms.defaultCapacity", "rooms.history"),
        () -> new SignalingConfig.Rooms(
        v.integer("rooms.defaultCapacity", 1, 10_000), v.integer("rooms.maxCapacity", 1, 10_000),
        v.integer("rooms.history", 0, 10_000)), new SignalingConfig.Rooms(8, 50, 50));
    List<String> proxies = cidrs(v, "signaling.trustedProxies");
    try {
      return new SignalingConfig(listen, port, origins, auth, maxMessage, rate, perIp, resume, interval,
          timeout, rooms, "switchboard/" + version, proxies);
    } catch (IllegalArgumentException e) {
      // The signaling module parses the ranges itself; an entry the syntax check let through but it
      // refuses is still the user's line to fix, not a crash.
      v.problem("signaling.trustedProxies", e.getMessage());
      return new SignalingConfig(listen, port, origins, auth, maxMessage, rate, perIp, resume, interval,
          timeout, rooms, "switchboard/" + version, List.of());
    }
  }

  private static TurnConfig turn(ConfigValues v, PublicAddress publicAddress, boolean tlsEnabled) {
    String realm = v.string("turn.realm");
    if (realm.isEmpty() || realm.contains(":")) {
      // ':' separates the fields of a users file line (user:realm:key), so no static user could have it.
      v.problem("turn.realm", realm.isEmpty() ? "must not be empty" : "'" + realm + "' must not contain ':'");
      realm = "switchboard";
    }
    TurnConfig.Listeners listeners = new TurnConfig.Listeners(orLoopback(v.ipAddress("turn.listen")),
        v.integer("turn.port", 0, 65535), v.integer("turn.tlsPort", 0, 65535),
        v.bool("turn.udp"), v.bool("turn.tcp"), v.bool("turn.tls") && tlsEnabled);
    int[] ports = v.portRange("turn.relay.ports");
    InetAddress relayAddress = orLoopback(v.ipAddress("turn.relay.address"));
    String advertisedText = v.string("turn.relay.advertisedAddress");
    InetAddress advertised = publicAddress.address();
    if (!advertisedText.isEmpty()) {
      InetAddress parsed = v.ipAddress("turn.relay.advertisedAddress");
      advertised = parsed == null ? advertised : parsed;
    }
    TurnConfig.Relay relay = new TurnConfig.Relay(relayAddress, advertised,
        ports == null ? 49152 : ports[0], ports == null ? 65535 : ports[1]);
    TurnConfig.Lifetimes lifetimes = attempt(v,
        List.of("turn.lifetimes.allocation", "turn.lifetimes.allocationMax"), () -> new TurnConfig.Lifetimes(
        v.duration("turn.lifetimes.allocation", Duration.ofMinutes(1), MAX),
        v.duration("turn.lifetimes.allocationMax", Duration.ofMinutes(1), MAX),
        v.duration("turn.lifetimes.permission", Duration.ofSeconds(10), MAX),
        v.duration("turn.lifetimes.channel", Duration.ofSeconds(10), MAX),
        v.duration("turn.lifetimes.nonce", Duration.ofSeconds(10), MAX)), TurnConfig.Lifetimes.defaults());
    TurnConfig.Quotas quotas = new TurnConfig.Quotas(
        v.integer("turn.quotas.userAllocations", 1, 10_000_000),
        v.integer("turn.quotas.totalAllocations", 1, 10_000_000),
        v.integer("turn.quotas.permissionsPerAllocation", 1, 100_000),
        v.longValue("turn.quotas.bytesPerSecond", 0, Long.MAX_VALUE / 2),
        v.integer("turn.quotas.unauthorizedPerSecond", 1, 1_000_000));
    List<String> allow = cidrs(v, "turn.peers.allow");
    List<String> deny = cidrs(v, "turn.peers.deny");
    TurnConfig.Peers peers = new TurnConfig.Peers(allow, deny, v.bool("turn.peers.allowLoopback"));
    return new TurnConfig(realm, listeners, relay, lifetimes, quotas, peers, v.string("turn.software"),
        v.bool("turn.classicStun"));
  }

  private static List<String> cidrs(ConfigValues v, String key) {
    List<String> valid = new ArrayList<>();
    for (String cidr : v.strings(key)) {
      if (Cidrs.isValid(cidr)) {
        valid.add(cidr);
      } else {
        v.problem(key, "'" + cidr + "' is not an address or CIDR such as 10.0.0.0/8 or fd00::/8");
      }
    }
    return valid;
  }

  /** Builds a record whose constructor checks a rule across {@code keys}; a broken rule is reported on one the user set. */
  private static <T> T attempt(ConfigValues v, List<String> keys, Supplier<T> build, T fallback) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      v.problem(v.userKey(keys), e.getMessage());
      return fallback;
    }
  }

  private static InetAddress orLoopback(InetAddress address) {
    return address == null ? InetAddress.getLoopbackAddress() : address;
  }

  private static Optional<Path> optionalPath(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
  }
}
