package dev.switchboard.cli;

import dev.switchboard.cli.config.DataDir;
import dev.switchboard.cli.config.FileErrors;
import dev.switchboard.cli.config.SwitchboardConfig;
import dev.switchboard.signaling.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard token}: a signaling JWT (HS256) signed with DATA_DIR/token-key. One instance per
 * invocation, confined to the calling thread.
 */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print a signaling token (JWT) for hello{token} when signaling.auth is token.",
        "HS256 with claims sub, name, exp and optional room, signed with DATA_DIR/token-key."},
    footer = {"", "Examples:",
        "  switchboard token --user alice --name Alice --room standup --ttl 8h",
        "  curl -H \"Authorization: Bearer $(switchboard token --user ops)\" https://call.example.org:8443/api/v1/ice-servers"})
final class TokenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--user", required = true, paramLabel = "ID", description = "User id (the sub claim).")
  String user;

  @Option(names = "--name", paramLabel = "N", description = "Display name (default: the user id).")
  String name;

  @Option(names = "--room", paramLabel = "R", description = "Limit the token to one room id, or * (default: any room).")
  String room;

  @Option(names = "--ttl", paramLabel = "D", defaultValue = "1h", description = "Validity (default ${DEFAULT-VALUE}).")
  String ttl;

  @Override
  public Integer call() {
    if (user.isBlank()) {
      throw new UserError(UserError.USAGE, "--user must not be empty");
    }
    String displayName = name == null ? user : name;
    if (!Tokens.isNameClaim(displayName)) {
      // The name others see in rooms: a join may not give a longer one, and neither may a token.
      throw new UserError(UserError.USAGE, (name == null ? "--user" : "--name") + ": at most " + Tokens.MAX_NAME
          + " characters (the display name in rooms; give a shorter --name)");
    }
    if (room != null && !Tokens.isRoomClaim(room)) {
      // A token for a room no join can name would be refused at every join, long after it was handed out.
      throw new UserError(UserError.USAGE, "--room '" + room + "': expected a room id ([A-Za-z0-9_.-], 1-64 characters) or *");
    }
    var validity = Flags.duration("--ttl", ttl);
    SwitchboardConfig config = configOptions.load();
    Path keyFile = DataDir.tokenKey(config.dataDir());
    if (!Files.exists(keyFile)) {
      throw new UserError(UserError.RUNTIME, keyFile + " does not exist: run 'switchboard serve' once with this "
          + "--data-dir (it creates the key), or copy the server's token-key there");
    }
    byte[] key;
    try {
      key = Switchboard.readTokenKey(keyFile);
    } catch (IOException e) {
      throw new UserError(UserError.RUNTIME, FileErrors.describe(keyFile, e));
    }
    String token = new Tokens(key, Clock.systemUTC()).mint(user, displayName, room, validity);
    spec.commandLine().getOut().println(token);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
