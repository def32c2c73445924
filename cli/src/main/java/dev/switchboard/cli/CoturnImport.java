package dev.switchboard.cli;

import dev.switchboard.cli.config.Cidrs;
import dev.switchboard.cli.config.ConfigSyntax;
import dev.switchboard.turn.UsersFileStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps coturn's turnserver.conf onto Switchboard's config keys. Every option either maps, is already
 * Switchboard's behaviour, or is reported with the reason it cannot be carried over (a secret that
 * cannot be written stops the import instead). Secrets are not put into the YAML: they come back
 * separately for files next to it. Not thread-safe; one import.
 */
final class CoturnImport {

  private static final Pattern FALSE = Pattern.compile("(?i)0|off|no|false|f");
  /**
   * The options that are switches in coturn: "fingerprint=0" or "no-tcp=off" turns one off, that is
   * leaves coturn's default. Any other option's "0" or "no" is its value (a quota of 0, a realm "no").
   * Not use-auth-secret: coturn turns it on whatever its value.
   */
  private static final Set<String> SWITCHES = Set.of("lt-cred-mech", "fingerprint",
      "no-loopback-peers", "no-multicast-peers", "no-dtls", "no-tlsv1", "no-tlsv1_1", "no-sslv3", "no-sslv2",
      "allow-loopback-peers", "no-stun-backward-compatibility", "no-udp", "no-tcp", "no-tls", "no-auth", "no-cli", "daemon",
      "syslog", "simple-log", "new-log-timestamp", "verbose", "Verbose", "dh2066", "dh566", "mobility",
      "secure-stun", "no-stun", "stun-only", "check-origin-consistency", "prometheus", "udp-self-balance");
  private static final Pattern HEX_KEY = Pattern.compile("0x[0-9a-fA-F]{32}");
  /** The longest lifetime the config accepts (ConfigLoader: 3650 days). */
  private static final long MAX_SECONDS = 3650L * 24 * 3600;
  /** The most allocations the config accepts (ConfigLoader: turn.quotas.*Allocations). */
  private static final long MAX_ALLOCATIONS = 10_000_000;

  /** The mapped config keys (dotted), the notes, user lines for a users file and REST secrets. */
  record Result(Map<String, Object> keys, List<String> notes, List<String> userLines, List<String> secrets) {}

  private final Map<String, Object> keys = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String[]> users = new ArrayList<>();
  private final List<String> secrets = new ArrayList<>();
  private final List<String> deny = new ArrayList<>();
  private final List<String> allow = new ArrayList<>();
  private int minPort = 49152;
  private int maxPort = 65535;
  private boolean portsSet;
  private boolean useAuthSecret;
  private int portsLine;
  private String realm = "switchboard";
  private final Path conf;
  private final String source;

  private CoturnImport(Path conf) {
    this.conf = conf.toAbsolutePath();
    this.source = conf.getFileName().toString();
  }

  /**
   * @param conf the turnserver.conf: its name is in notes such as "turnserver.conf line 12: ...", and
   *     relative cert and pkey paths are read from its directory
   * @throws UserError for a line that cannot be carried over and must not be left out (a secret)
   */
  static Result map(Path conf, List<String> lines) {
    CoturnImport im = new CoturnImport(conf);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] kv = line.split("\\s*=\\s*|\\s+", 2);
      String key = kv[0].replaceFirst("^--?", "");
      String value = kv.length > 1 ? unquote(kv[1].trim()) : "";
      if (SWITCHES.contains(key) && FALSE.matcher(value).matches()) {
        continue; // switched off: coturn's default, which needs nothing written
      }
      im.option(key, value, i + 1);
    }
    return im.finish();
  }

  private void option(String key, String value, int line) {
    switch (key) {
      case "listening-port" -> number("turn.port", value, line, key, 0, 65535, "");
      case "tls-listening-port" -> number("turn.tlsPort", value, line, key, 0, 65535, "");
      case "listening-ip" -> {
        if (keys.containsKey("turn.listen")) {
          note(line, key, "only one listen address is supported; kept " + keys.get("turn.listen") + ", dropped " + value);
        } else if (isAddress(value, line, key)) {
          keys.put("turn.listen", value);
        }
      }
      case "relay-ip" -> {
        if (isAddress(value, line, key)) {
          relayAddress(value, line, key);
        }
      }
      case "external-ip" -> externalIp(value, line);
      case "min-port" -> relayPort(value, line, key, true);
      case "max-port" -> relayPort(value, line, key, false);
      case "realm" -> { realm = value; keys.put("turn.realm", value); }
      case "lt-cred-mech", "fingerprint", "no-loopback-peers", "no-multicast-peers", "no-dtls", "no-tlsv1",
           "no-tlsv1_1", "no-sslv3", "no-sslv2" -> { } // Switchboard's behaviour already; nothing to write.
      case "use-auth-secret" -> {
        useAuthSecret = true;
        keys.putIfAbsent("turn.auth.secretFiles", "turn-secret");
      }
      case "static-auth-secret" -> {
        useAuthSecret = true; // in coturn a static secret turns use-auth-secret on by itself
        secret(value, line);
      }
      case "user" -> user(value, line);
      case "cert" -> keys.put("tls.cert", besideConf(value));
      case "pkey" -> keys.put("tls.key", besideConf(value));
      case "denied-peer-ip" -> deny.addAll(cidrs(value, line, key));
      case "allowed-peer-ip" -> allow.addAll(cidrs(value, line, key));
      case "allow-loopback-peers" -> keys.put("turn.peers.allowLoopback", true);
      case "no-stun-backward-compatibility" -> keys.put("turn.classicStun", false);
      case "no-udp" -> keys.put("turn.udp", false);
      case "no-tcp" -> keys.put("turn.tcp", false);
      case "no-tls" -> keys.put("turn.tls", false);
      case "total-quota" -> quota("turn.quotas.totalAllocations", value, line, key);
      case "user-quota" -> quota("turn.quotas.userAllocations", value, line, key);
      // coturn's max-bps is bytes per second, despite its name: copied as it is.
      case "max-bps" -> number("turn.quotas.bytesPerSecond", value, line, key, 0, Long.MAX_VALUE / 2, "");
      case "stale-nonce" -> number("turn.lifetimes.nonce", value.isEmpty() ? "600" : value, line, key, 10, MAX_SECONDS, "s");
      case "max-allocate-lifetime" -> number("turn.lifetimes.allocationMax", value, line, key, 60, MAX_SECONDS, "s");
      case "channel-lifetime" -> number("turn.lifetimes.channel", value, line, key, 10, MAX_SECONDS, "s");
      case "permission-lifetime" -> number("turn.lifetimes.permission", value, line, key, 10, MAX_SECONDS, "s");
      case "userdb" -> note(line, key, "the user database is SQLite; export it with 'turnadmin -l' and add each user "
          + "with 'switchboard user add' (or as user= lines)");
      case "no-auth" -> note(line, key, "Switchboard always authenticates TURN (an open relay is abused within hours)");
      case "no-cli", "cli-ip", "cli-port", "cli-password" -> note(line, key, "Switchboard has no telnet CLI");
      case "pidfile", "daemon", "proc-user", "proc-group" ->
          note(line, key, "run Switchboard under systemd (conf/switchboard.service), which tracks the process and user");
      case "log-file", "syslog", "simple-log", "new-log-timestamp", "verbose", "Verbose" ->
          note(line, key, "logging goes to stderr (journald under systemd); set logLevel instead");
      case "server-name" -> note(line, key, "not needed: the realm identifies the server");
      case "dh2066", "dh566", "cipher-list", "ec-curve-name", "dh-file", "CA-file" ->
          note(line, key, "TLS parameters are Netty's secure defaults (TLS 1.2+)");
      case "mobility", "secure-stun", "no-stun", "stun-only", "check-origin-consistency", "prometheus",
           "redis-userdb", "redis-statsdb", "psql-userdb", "mysql-userdb", "mongo-userdb", "alt-listening-port",
           "alt-tls-listening-port", "aux-server", "udp-self-balance", "rest-api-separator", "oauth" ->
          note(line, key, "not supported by Switchboard");
      default -> note(line, key, "unknown or unsupported coturn option");
    }
  }

  private void externalIp(String value, int line) {
    String[] parts = value.split("/", 2);
    if (keys.containsKey("publicAddress")) {
      note(line, "external-ip", "one public address is supported; kept " + keys.get("publicAddress") + ", dropped " + value);
      return;
    }
    for (String part : parts) {
      if (!isAddress(part, line, "external-ip")) {
        return;
      }
    }
    if (ConfigSyntax.ip(parts[0]).isAnyLocalAddress()) {
      note(line, "external-ip", parts[0] + " is a wildcard address; clients need the address they reach");
      return;
    }
    keys.put("publicAddress", parts[0]);
    if (parts.length == 2) {
      // public/private: relay sockets bind the private address, clients are told the public one.
      keys.put("turn.relay.advertisedAddress", parts[0]);
      relayAddress(parts[1], line, "external-ip");
    }
  }

  /** relay-ip, or the private half of external-ip: the first one met is kept, whichever the order. */
  private void relayAddress(String value, int line, String key) {
    Object kept = keys.putIfAbsent("turn.relay.address", value);
    if (kept != null && !kept.equals(value)) {
      note(line, key, "one relay address is supported; kept " + kept + ", dropped " + value);
    }
  }

  /** True for an IP literal, as the config's address keys take; otherwise notes that the line is left out. */
  private boolean isAddress(String value, int line, String key) {
    if (ConfigSyntax.ip(value) != null) {
      return true;
    }
    note(line, key, "'" + value + "' is not an IP address");
    return false;
  }

  private void user(String value, int line) {
    // coturn splits at the first colon: a password may hold colons, a name cannot.
    int colon = value.indexOf(':');
    if (colon <= 0) {
      note(line, "user", "expected user=name:password or user=name:0xkey");
      return;
    }
    String name = value.substring(0, colon);
    if (colon == value.length() - 1) {
      note(line, "user", name + " has an empty password, which coturn refuses too; give it one: user=" + name + ":PASSWORD");
      return;
    }
    users.add(new String[] {name, value.substring(colon + 1), String.valueOf(line)});
  }

  /**
   * A REST secret for the turn-secret file, whose lines are "<secret>" or "<secret> expires=<unix-seconds>"
   * and where "#" starts a comment. A secret the file cannot hold stops the import: left out, TURN
   * REST credentials made with it would all fail; written, serve would refuse the file.
   */
  private void secret(String value, int line) {
    String problem = value.isEmpty() ? "is empty"
        : value.chars().anyMatch(Character::isWhitespace) ? "contains whitespace"
        : value.startsWith("#") ? "starts with #" : null;
    if (problem != null) {
      // The secret itself is not quoted: error output ends up in logs.
      throw new UserError(UserError.USAGE, source + " line " + line + ": static-auth-secret " + problem
          + ", which a turn-secret file cannot hold: set a secret without whitespace, not starting with #, in "
          + source + " and where the TURN credentials are made, then import again");
    }
    secrets.add(value);
  }

  /** coturn reads a relative cert or pkey path from its config file's directory; the YAML may be elsewhere. */
  private String besideConf(String path) {
    return path.isEmpty() ? path : conf.resolveSibling(path).normalize().toString();
  }

  /** coturn's quota of 0 is no limit: the config's largest is more allocations than relay ports can hold. */
  private void quota(String configKey, String value, int line, String key) {
    String n = value.matches("0+") ? String.valueOf(MAX_ALLOCATIONS) : value;
    number(configKey, n, line, key, 1, MAX_ALLOCATIONS, "");
  }

  private Result finish() {
    if (portsSet && minPort > maxPort) {
      note(portsLine, "min-port/max-port", minPort + "-" + maxPort + " starts above its end; the default range is kept");
    } else if (portsSet) {
      keys.put("turn.relay.ports", minPort + "-" + maxPort);
    }
    if (!deny.isEmpty()) {
      keys.put("turn.peers.deny", deny);
    }
    if (!allow.isEmpty()) {
      keys.put("turn.peers.allow", allow);
    }
    List<String> userLines = new ArrayList<>();
    for (String[] u : useAuthSecret ? List.<String[]>of() : users) {
      // A 0x key was made for coturn's realm; it stays valid only with the same realm.
      String key = HEX_KEY.matcher(u[1]).matches() ? u[1].toLowerCase() : "0x" + UsersFileStore.keyHex(u[0], realm, u[1]);
      userLines.add(u[0] + ":" + realm + ":" + key);
    }
    if (useAuthSecret) {
      // coturn's "shared secret overrides username/password": it refuses these accounts (4.6.1,
      // turnutils_uclient with one gets a 401). Carried over, they would let in who coturn kept out.
      for (String[] u : users) {
        note(Integer.parseInt(u[2]), "user", "with use-auth-secret or static-auth-secret coturn refuses " + u[0]
            + " (the shared secret overrides user= accounts); to let " + u[0] + " in as well, run 'switchboard user add "
            + u[0] + "'");
      }
    }
    if (!userLines.isEmpty()) {
      keys.put("turn.auth.usersFile", "users");
    }
    if (!secrets.isEmpty()) {
      keys.put("turn.auth.secretFiles", "turn-secret");
    }
    return new Result(keys, notes, userLines, secrets);
  }

  private void note(int line, String key, String why) {
    notes.add(source + " line " + line + ": " + key + " not carried over: " + why);
  }

  /**
   * Maps a number option to {@code configKey} (with {@code suffix}, e.g. "s"), within the range the
   * config accepts. A value that is not carried over is left out of the YAML and noted: writing it as
   * null or out of range would make a file that config check refuses.
   */
  private void number(String configKey, String value, int line, String key, long min, long max, String suffix) {
    Long n = number(value, line, key, min, max);
    if (n == null) {
      return;
    }
    if (!suffix.isEmpty()) {
      keys.put(configKey, n + suffix);
    } else if (n <= Integer.MAX_VALUE) {
      keys.put(configKey, n.intValue());
    } else {
      keys.put(configKey, n);
    }
  }

  private void relayPort(String value, int line, String key, boolean isMin) {
    Long n = number(value, line, key, 1, 65535);
    if (n == null) {
      return;
    }
    if (isMin) {
      minPort = n.intValue();
    } else {
      maxPort = n.intValue();
    }
    portsSet = true;
    portsLine = line;
  }

  /** A whole number within min-max, or null after noting why the option is not carried over. */
  private Long number(String value, int line, String key, long min, long max) {
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      note(line, key, "'" + value + "' is not a number");
      return null;
    }
    if (n < min || n > max) {
      note(line, key, n + " is outside " + min + "-" + max);
      return null;
    }
    return n;
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
  }

  /** coturn takes an address, a CIDR or a range "A-B"; Switchboard takes addresses and CIDRs. */
  private List<String> cidrs(String value, int line, String key) {
    String[] ends = value.split("-", 2);
    if (ends.length == 1 && Cidrs.isValid(value)) {
      return List.of(value);
    }
    InetAddress from = ends.length == 2 ? ConfigSyntax.ip(ends[0].trim()) : null;
    InetAddress to = ends.length == 2 ? ConfigSyntax.ip(ends[1].trim()) : null;
    List<String> range = from == null || to == null || from.getAddress().length != to.getAddress().length
        ? List.of() : Cidrs.covering(from, to);
    if (range.isEmpty()) {
      // Also a range that starts above its end: it covers nothing.
      note(line, key, "'" + value + "' is not an address, a CIDR or a range A-B");
    }
    return range;
  }
}
