package dev.switchboard.cli;

import dev.switchboard.cli.config.SwitchboardConfig;
import dev.switchboard.turn.TurnConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard config check}: validate the config and show what clients will get. One instance per
 * invocation, confined to the calling thread.
 */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Inspect the configuration.",
    footer = {"", "Example:", "  switchboard config check --config /etc/switchboard.yaml"},
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand {

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Validate the config and show what clients will get.",
          "Reports every problem at once (exit 2), prints the effective settings (secrets are",
          "never printed: only the files they come from), the URLs clients will get, and warnings."},
      footer = {"", "Examples:", "  switchboard config check --config switchboard.yaml",
          "  switchboard config check --json | jq .urls"})
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions configOptions;
    @Option(names = "--json", description = "Print {\"config\",\"urls\",\"warnings\"}.") boolean json;

    @Override
    public Integer call() {
      SwitchboardConfig c = configOptions.load();
      TurnConfig t = c.turn();
      Map<String, Object> effective = new LinkedHashMap<>();
      effective.put("dataDir", c.dataDir().toAbsolutePath().toString());
      effective.put("publicAddress", c.publicAddress().host() + (c.publicAddress().detected() ? " (auto)" : ""));
      effective.put("tls", !c.tls().enabled() ? "off" : c.tls().cert().map(Path::toString).orElse("generated in DATA_DIR/tls"));
      effective.put("signaling", c.signaling().address().getHostAddress() + ":" + c.signaling().port()
          + " auth " + c.signaling().auth().name().toLowerCase());
      effective.put("turn", !c.turnEnabled() ? "off" : t.listeners().address().getHostAddress() + " port "
          + t.listeners().port() + " tlsPort " + t.listeners().tlsPort() + " realm " + t.realm());
      effective.put("relay", t.relay().address().getHostAddress() + " ports " + t.relay().minPort() + "-"
          + t.relay().maxPort() + " advertised as " + t.relay().advertisedAddress().getHostAddress());
      effective.put("turnSecretFiles", c.effectiveSecretFiles().stream().map(Path::toString).toList());
      effective.put("turnSecretEnv", c.turnAuth().secretEnv().isEmpty() ? "none" : c.turnAuth().secretEnv() + " (value masked)");
      effective.put("usersFile", c.effectiveUsersFile().toString());
      effective.put("peers", Map.of("allow", t.peers().allow(), "deny", t.peers().deny(), "allowLoopback",
          t.peers().allowLoopback()));
      effective.put("iceTtl", c.iceTtl().toSeconds() + "s");
      boolean tls = c.tls().enabled() && t.listeners().tls();
      List<String> urls = new TurnIceServers(c.publicAddress(), t.listeners().udp() ? t.listeners().port() : -1,
          t.listeners().tcp() ? t.listeners().port() : -1, tls ? t.listeners().tlsPort() : -1, null, c.iceTtl()).urls();
      List<String> warnings = warnings(c);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("config", effective);
        result.put("urls", c.turnEnabled() ? urls : List.of());
        result.put("warnings", warnings);
        out.println(Flags.json(result));
      } else {
        out.println("config OK" + (configOptions.config == null ? " (built-in defaults)" : ": " + configOptions.config));
        effective.forEach((k, v) -> out.println(String.format("  %-16s %s", k, v)));
        out.println("client URLs:");
        (c.turnEnabled() ? urls : List.<String>of()).forEach(u -> out.println("  " + u));
        warnings.forEach(w -> out.println("warning: " + w));
      }
      out.flush();
      return 0;
    }

    static List<String> warnings(SwitchboardConfig c) {
      List<String> w = new ArrayList<>();
      if (c.publicAddress().isPrivate()) {
        w.add("publicAddress " + c.publicAddress().host() + " is private: clients outside this network cannot reach "
            + "TURN relays; set publicAddress to the public IP");
      }
      if (!c.publicAddress().isPrivate() && c.signaling().auth().name().equals("NONE")) {
        w.add("signaling.auth is none on a public address: anyone can join rooms and get TURN credentials; "
            + "set signaling.auth: token");
      }
      TurnConfig.Peers peers = c.turn().peers();
      if (peers.allowLoopback()) {
        w.add("turn.peers.allowLoopback is on: the relay can reach this host's own services (local testing only)");
      }
      for (String cidr : peers.allow()) {
        if (cidr.endsWith("/0")) {
          w.add("turn.peers.allow has " + cidr + ": the private peer deny list is disabled, the relay can reach "
              + "internal networks and cloud metadata");
        }
      }
      for (String cidr : c.signaling().trustedProxies()) {
        if (cidr.endsWith("/0")) {
          w.add("signaling.trustedProxies has " + cidr + ": any client can name another address in X-Forwarded-For "
              + "and get round the limits per IP; list only your proxies");
        }
      }
      if (c.tls().enabled()) {
        for (Optional<Path> file : List.of(c.tls().cert(), c.tls().key())) {
          if (file.isPresent() && !Files.isReadable(file.get())) {
            w.add("TLS file " + file.get() + (Files.exists(file.get()) ? " cannot be read" : " does not exist")
                + ": serve will fail (a relative path is taken from where serve runs)");
          }
        }
      }
      String secretEnv = c.turnAuth().secretEnv();
      String secretEnvValue = secretEnv.isEmpty() ? null : System.getenv(secretEnv);
      if (!secretEnv.isEmpty() && (secretEnvValue == null || secretEnvValue.isBlank())) {
        w.add("turn.auth.secretEnv names " + secretEnv + ", which is not set here: serve will fail unless it is set "
            + "where serve runs");
      }
      for (Path file : c.effectiveSecretFiles()) {
        if (!Files.exists(file) && !file.equals(c.dataDir().resolve("turn-secret"))) {
          w.add("TURN secret file " + file + " does not exist: serve will fail (create it with switchboard secret)");
        }
      }
      return w;
    }
  }
}
