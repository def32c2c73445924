package dev.switchboard.cli;

import dev.switchboard.cli.config.SwitchboardConfig;
import dev.switchboard.turn.UsersFileStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard user add|remove|list}: static TURN users in DATA_DIR/users (never clear passwords).
 * One instance per invocation, confined to the calling thread.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
    description = {"Add, remove and list static TURN users (long-term credentials).",
        "They live in DATA_DIR/users as user:realm:0x<md5key> (coturn's turnadmin -k format);",
        "a running server picks changes up within a second."},
    footer = {"", "Examples:",
        "  switchboard user add alice --password s3cret",
        "  printf '%%s\\n' \"$PASS\" | switchboard user add bob --password-stdin --realm example.org",
        "  switchboard user list --json",
        "  switchboard user remove alice"},
    subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.ListUsers.class})
final class UserCommand {

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user, or change its password.",
      footer = {"", "Example:", "  switchboard user add alice --password s3cret --realm example.org"})
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions configOptions;
    @Parameters(paramLabel = "NAME", description = "User name.") String name;
    @Option(names = "--password", paramLabel = "P", description = "The password (visible in the process list: prefer --password-stdin).")
    String password;
    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
    boolean passwordStdin;
    @Option(names = "--realm", paramLabel = "R", description = "Realm (default: turn.realm of the config).")
    String realm;

    @Override
    public Integer call() throws IOException {
      if ((password == null) == !passwordStdin) {
        throw new UserError(UserError.USAGE, "give exactly one of --password P or --password-stdin");
      }
      String secret = password != null ? password : readStdin();
      if (secret.isEmpty()) {
        throw new UserError(UserError.USAGE, "the password is empty");
      }
      validName(name);
      SwitchboardConfig config = configOptions.load();
      String effectiveRealm = realm != null ? realm : config.turn().realm();
      if (effectiveRealm.contains(":") || effectiveRealm.isBlank()) {
        throw new UserError(UserError.USAGE, "--realm '" + effectiveRealm + "': a realm must be non-empty without ':'");
      }
      Path file = config.effectiveUsersFile();
      UsersFile users = read(config);
      boolean replaced = users.put(name, effectiveRealm, UsersFileStore.keyHex(name, effectiveRealm, secret));
      write(config, users);
      spec.commandLine().getOut().println((replaced ? "changed the password of " : "added ") + name
          + " (realm " + effectiveRealm + ") in " + file);
      return 0;
    }

    private String readStdin() throws IOException {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      return line == null ? "" : line;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user (from every realm unless --realm).",
      footer = {"", "Example:", "  switchboard user remove alice"})
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions configOptions;
    @Parameters(paramLabel = "NAME", description = "User name.") String name;
    @Option(names = "--realm", paramLabel = "R", description = "Only from this realm.") String realm;

    @Override
    public Integer call() {
      SwitchboardConfig config = configOptions.load();
      Path file = config.effectiveUsersFile();
      UsersFile users = read(config);
      int removed = users.remove(name, realm);
      if (removed == 0) {
        throw new UserError(UserError.RUNTIME, "no user " + name + (realm == null ? "" : " in realm " + realm)
            + " in " + file + " (see: switchboard user list)");
      }
      write(config, users);
      spec.commandLine().getOut().println("removed " + name + " from " + file);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List users and realms (never keys).",
      footer = {"", "Example:", "  switchboard user list --json"})
  static final class ListUsers implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions configOptions;
    @Option(names = "--json", description = "Print a JSON array of {\"user\",\"realm\"}.") boolean json;

    @Override
    public Integer call() {
      List<UsersFile.User> users = read(configOptions.load()).users();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Flags.json(users.stream().map(u -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("user", u.name());
          m.put("realm", u.realm());
          return m;
        }).toList()));
      } else {
        users.forEach(u -> out.println(u.name() + "\t" + u.realm()));
      }
      return 0;
    }
  }

  private static UsersFile read(SwitchboardConfig config) {
    try {
      return UsersFile.read(config.effectiveUsersFile());
    } catch (IOException e) {
      throw UserError.file(config.effectiveUsersFile(), e, fix(config));
    }
  }

  private static void write(SwitchboardConfig config, UsersFile users) {
    try {
      users.write();
    } catch (IOException e) {
      throw UserError.file(config.effectiveUsersFile(), e, fix(config));
    }
  }

  private static String fix(SwitchboardConfig config) {
    return config.turnAuth().usersFile().isPresent() ? "check its permissions, or fix turn.auth.usersFile"
        : "check its permissions or choose another --data-dir";
  }

  static void validName(String name) {
    if (name.isBlank() || name.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw new UserError(UserError.USAGE, "user name '" + name + "' must be non-empty without spaces or control characters");
    }
  }
}
