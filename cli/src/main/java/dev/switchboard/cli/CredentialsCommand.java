package dev.switchboard.cli;

import dev.switchboard.cli.config.SwitchboardConfig;
import dev.switchboard.signaling.IceServersProvider;
import dev.switchboard.turn.TurnConfig;
import dev.switchboard.turn.TurnRestCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard credentials}: time-limited TURN REST credentials, as text, JSON or iceServers. One
 * instance per invocation, confined to the calling thread.
 */
@Command(name = "credentials", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print time-limited TURN REST credentials and the TURN URLs.",
        "Username <expiry>:<user>, password base64(HMAC-SHA1(secret, username)), valid for --ttl;",
        "URLs on the configured public address."},
    footer = {"", "Examples:",
        "  switchboard credentials --user alice --ttl 24h",
        "  switchboard credentials --json          # {\"username\",\"password\",\"ttl\",\"uris\"}",
        "  switchboard credentials --ice           # {\"iceServers\":[...]} for new RTCPeerConnection(...)"})
final class CredentialsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--user", paramLabel = "ID", defaultValue = "user", description = "User id in the username (default ${DEFAULT-VALUE}).")
  String user;

  @Option(names = "--ttl", paramLabel = "D", defaultValue = "24h", description = "Validity (default ${DEFAULT-VALUE}).")
  String ttl;

  @Option(names = "--json", description = "Print {\"username\",\"password\",\"ttl\",\"uris\"} (ttl in seconds).")
  boolean json;

  @Option(names = "--ice", description = "Print an RTCConfiguration {\"iceServers\":[...]} for the configured public address.")
  boolean ice;

  @Override
  public Integer call() {
    Duration validity = Flags.duration("--ttl", ttl);
    if (user.contains(":")) {
      throw new UserError(UserError.USAGE, "--user '" + user + "' must not contain ':' (it separates expiry and user)");
    }
    SwitchboardConfig config = configOptions.load();
    Clock clock = Clock.systemUTC();
    TurnSecretFiles secrets;
    try {
      secrets = new TurnSecretFiles(config.effectiveSecretFiles(), Switchboard.secretFromEnv(config), clock);
    } catch (IOException e) {
      throw TurnSecretFiles.unusable(config, e);
    }
    TurnRestCredentials rest = new TurnRestCredentials(secrets, clock);
    TurnConfig.Listeners listeners = config.turn().listeners();
    boolean turn = config.turnEnabled();
    boolean tls = listeners.tls() && config.tls().enabled();
    TurnIceServers servers = new TurnIceServers(config.publicAddress(),
        turn && listeners.udp() ? listeners.port() : -1, turn && listeners.tcp() ? listeners.port() : -1,
        turn && tls ? listeners.tlsPort() : -1, rest, validity);
    if (!turn) {
      // serve would run no STUN or TURN: URLs for it would lead nowhere.
      spec.commandLine().getErr().println("note: turn.enabled is false: no STUN/TURN URLs. The credentials work on "
          + "a TURN server that shares the secret (coturn with use-auth-secret and static-auth-secret).");
      spec.commandLine().getErr().flush();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (ice) {
      List<Map<String, Object>> list = servers.iceServers(user).iceServers().stream().map(CredentialsCommand::toMap).toList();
      out.println(Flags.json(Map.of("iceServers", list)));
      out.flush();
      return 0;
    }
    TurnRestCredentials.Credential credential = rest.mint(user, validity);
    List<String> uris = servers.urls().stream().filter(u -> u.startsWith("turn")).toList();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("username", credential.username());
      result.put("password", credential.password());
      result.put("ttl", validity.toSeconds());
      result.put("uris", uris);
      out.println(Flags.json(result));
    } else {
      out.println("username  " + credential.username());
      out.println("password  " + credential.password());
      out.println("expires   " + credential.expires());
      out.println("uris      " + String.join(" ", uris));
    }
    out.flush();
    return 0;
  }

  private static Map<String, Object> toMap(IceServersProvider.IceServer server) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("urls", server.urls());
    if (server.username() != null) {
      map.put("username", server.username());
      map.put("credential", server.credential());
    }
    return map;
  }
}
