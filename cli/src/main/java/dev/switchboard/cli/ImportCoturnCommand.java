package dev.switchboard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.switchboard.cli.pki.SecureFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard import-coturn}: turnserver.conf to switchboard.yaml, reporting what does not carry
 * over. One instance per invocation, confined to the calling thread.
 */
@Command(name = "import-coturn", mixinStandardHelpOptions = true,
    description = {"Convert coturn's turnserver.conf into Switchboard YAML.", "Users (user=) go to a users file and",
        "static-auth-secret to a turn-secret file next to the output (0600), never into the YAML. Every option that",
        "cannot be carried over is listed with the reason."},
    footer = {"", "Examples:",
        "  switchboard import-coturn /etc/turnserver.conf --out /etc/switchboard/switchboard.yaml",
        "  switchboard config check --config /etc/switchboard/switchboard.yaml"})
final class ImportCoturnCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "coturn config, e.g. /etc/turnserver.conf.")
  Path file;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = "switchboard.yaml", description = "YAML to write (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--force", description = "Overwrite --out and the users/turn-secret files next to it.")
  boolean force;

  @Override
  public Integer call() {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserError(UserError.USAGE, file + ": no such file");
    } catch (IOException e) {
      throw UserError.file(file, e, "check that it is coturn's turnserver.conf and readable");
    }
    CoturnImport.Result result = CoturnImport.map(file, lines);
    Path dir = out.toAbsolutePath().getParent();
    Path usersFile = dir.resolve("users");
    Path secretFile = dir.resolve("turn-secret");
    Map<String, Object> keys = new LinkedHashMap<>(result.keys());
    if (keys.containsKey("turn.auth.usersFile")) {
      keys.put("turn.auth.usersFile", usersFile.toString());
    }
    if (keys.containsKey("turn.auth.secretFiles")) {
      keys.put("turn.auth.secretFiles", List.of(secretFile.toString()));
    }
    for (Path target : List.of(out, usersFile, secretFile)) {
      boolean written = target == out || (target == usersFile ? !result.userLines().isEmpty() : !result.secrets().isEmpty());
      if (written && Files.exists(target) && !force) {
        throw new UserError(UserError.RUNTIME, target + " exists: pass --force to overwrite it, or choose another --out");
      }
    }
    if (keys.containsKey("turn.auth.secretFiles") && result.secrets().isEmpty()) {
      // use-auth-secret without static-auth-secret: coturn reads secrets from a database; make a file.
      keys.remove("turn.auth.secretFiles");
    }
    if (!result.userLines().isEmpty()) {
      write(usersFile, String.join("\n", result.userLines()) + "\n");
    }
    if (!result.secrets().isEmpty()) {
      write(secretFile, String.join("\n", result.secrets()) + "\n");
    }
    StringBuilder text = new StringBuilder("# Imported by switchboard import-coturn from " + file.toAbsolutePath() + "\n");
    text.append(yaml(nest(keys)));
    if (!result.notes().isEmpty()) {
      text.append("\n# Not carried over:\n");
      result.notes().forEach(n -> text.append("#   ").append(n).append('\n'));
    }
    write(out, text.toString());
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println("wrote " + out + (result.userLines().isEmpty() ? "" : ", " + usersFile + " (" + result.userLines().size()
        + " users)") + (result.secrets().isEmpty() ? "" : ", " + secretFile));
    PrintWriter err = spec.commandLine().getErr();
    result.notes().forEach(n -> err.println("note: " + n));
    stdout.println("next: switchboard config check --config " + out);
    stdout.flush();
    err.flush();
    return 0;
  }

  private static void write(Path target, String text) {
    try {
      SecureFiles.write(target, text);
    } catch (IOException e) {
      throw UserError.file(target, e, "check the permissions of its directory, or choose another --out");
    }
  }

  /** "turn.relay.ports" → {turn: {relay: {ports: …}}}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> nest(Map<String, Object> dotted) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : dotted.entrySet()) {
      String[] path = e.getKey().split("\\.");
      Map<String, Object> node = root;
      for (int i = 0; i < path.length - 1; i++) {
        node = (Map<String, Object>) node.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
      }
      node.put(path[path.length - 1], e.getValue());
    }
    return root;
  }

  static String yaml(Map<String, Object> tree) {
    try {
      // Unquoted, a string such as realm "0x10", "12" or ".inf" would read back as a number (or not at
      // all); MINIMIZE_QUOTES alone quotes only those that read as booleans or null.
      return new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
          .writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }
}
