package dev.switchboard.cli;

import dev.switchboard.cli.config.SwitchboardConfig;
import dev.switchboard.cli.pki.SecureFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
 * {@code switchboard secret [--rotate]}: shows, creates or rotates the TURN REST shared secret. One
 * instance per invocation, confined to the calling thread.
 */
@Command(name = "secret", mixinStandardHelpOptions = true,
    description = {"Show, create or rotate the TURN REST shared secret (DATA_DIR/turn-secret).",
        "--rotate makes a new one; the old one stays valid for --grace, so credentials already handed out keep",
        "working. A running server picks the change up within a second."},
    footer = {"", "Examples:",
        "  switchboard secret                       # e.g. for coturn's static-auth-secret or an app server",
        "  switchboard secret --rotate --grace 24h",
        "  switchboard secret --json"})
final class SecretCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--rotate", description = "Make a new current secret; keep the old one for the grace period.")
  boolean rotate;

  @Option(names = "--grace", paramLabel = "D", defaultValue = "24h",
      description = "How long the old secret stays valid after --rotate (default ${DEFAULT-VALUE}; cover the longest credential TTL).")
  String grace;

  @Option(names = "--json", description = "Print {\"secret\",\"file\",\"previous\":[{\"expires\"}]} (previous secrets are not shown).")
  boolean json;

  @Override
  public Integer call() {
    if (!rotate && spec.commandLine().getParseResult().hasMatchedOption("--grace")) {
      throw new UserError(UserError.USAGE, "--grace goes with --rotate: it is how long the old secret stays valid after one");
    }
    Duration graceDuration = Flags.duration("--grace", grace);
    if (graceDuration.getSeconds() < 1) { // expiry is kept in whole seconds
      throw new UserError(UserError.USAGE, "--grace " + grace + ": at least 1s");
    }
    SwitchboardConfig config = configOptions.load();
    Path file = config.effectiveSecretFiles().get(0);
    Clock clock = Clock.systemUTC();
    long now = clock.instant().getEpochSecond();
    boolean created = false;
    if (!Files.exists(file)) {
      write(config, file, newSecret() + "\n");
      created = true;
    }
    List<TurnSecretFiles.Entry> entries = parse(config, file);
    if (rotate) {
      write(config, file, SecretRotation.rotate(entries, newSecret(), now, graceDuration));
      entries = parse(config, file);
    }
    List<TurnSecretFiles.Entry> current = entries.stream().filter(e -> e.expiresEpochSeconds() == Long.MAX_VALUE).toList();
    if (current.isEmpty()) {
      throw new UserError(UserError.RUNTIME, file + " has no current secret (a line without expires=): "
          + "run switchboard secret --rotate to make one");
    }
    List<Map<String, Object>> previous = new ArrayList<>();
    for (TurnSecretFiles.Entry e : entries) {
      if (e.expiresEpochSeconds() != Long.MAX_VALUE && e.expiresEpochSeconds() > now) {
        previous.add(Map.of("expires", Instant.ofEpochSecond(e.expiresEpochSeconds()).toString()));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("secret", current.get(0).secret());
      result.put("file", file.toString());
      result.put("previous", previous);
      out.println(Flags.json(result));
    } else {
      out.println(current.get(0).secret());
      if (created) {
        err.println("created " + file);
      }
      if (rotate) {
        err.println("rotated " + file + ": the previous secret stays valid until "
            + Instant.ofEpochSecond(now + graceDuration.toSeconds()));
      }
    }
    out.flush();
    err.flush();
    return 0;
  }

  private static List<TurnSecretFiles.Entry> parse(SwitchboardConfig config, Path file) {
    try {
      return TurnSecretFiles.parse(file);
    } catch (IOException e) {
      throw TurnSecretFiles.unusable(config, e);
    }
  }

  private static void write(SwitchboardConfig config, Path file, String text) {
    try {
      SecureFiles.write(file, text);
    } catch (IOException e) {
      throw UserError.file(file, e, config.turnAuth().secretFiles().isEmpty()
          ? "check its permissions or choose another --data-dir"
          : "check its permissions, or fix turn.auth.secretFiles");
    }
  }

  private static String newSecret() {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
