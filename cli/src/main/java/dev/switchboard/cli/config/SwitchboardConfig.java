package dev.switchboard.cli.config;

import dev.switchboard.signaling.SignalingConfig;
import dev.switchboard.turn.TurnConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The effective configuration of one Switchboard process: defaults, file and flags merged and
 * validated. Immutable.
 *
 * @param dataDir        where generated material lives
 * @param publicAddress  what clients must reach
 * @param logLevel       root log level, lower case
 * @param tls            TLS material and whether TLS is on
 * @param signaling      the signaling server's settings
 * @param iceTtl         lifetime of TURN credentials handed to clients
 * @param turnEnabled    whether the STUN/TURN server runs
 * @param turn           the TURN server's settings
 * @param turnAuth       where TURN credentials come from
 * @param drainTimeout   how long shutdown waits for signaling clients
 */
public record SwitchboardConfig(
    Path dataDir,
    PublicAddress publicAddress,
    String logLevel,
    Tls tls,
    SignalingConfig signaling,
    Duration iceTtl,
    boolean turnEnabled,
    TurnConfig turn,
    TurnAuth turnAuth,
    Duration drainTimeout) {

  /**
   * @param enabled  serve HTTPS/WSS and TURN over TLS
   * @param cert     a PEM chain to use instead of the generated one
   * @param key      its private key
   */
  public record Tls(boolean enabled, Optional<Path> cert, Optional<Path> key) {}

  /**
   * @param secretFiles files with TURN REST secrets; empty means DATA_DIR/turn-secret
   * @param secretEnv   an environment variable with one more secret, or empty
   * @param usersFile   static users; empty means DATA_DIR/users
   */
  public record TurnAuth(List<NamedFile> secretFiles, String secretEnv, Optional<Path> usersFile) {
    public TurnAuth {
      secretFiles = List.copyOf(secretFiles);
    }
  }

  /** A file the config names, with where: a problem found when it is read points at that line. */
  public record NamedFile(Path path, ConfigOrigin origin) {}

  /** The TURN REST secret files in use, current first. */
  public List<Path> effectiveSecretFiles() {
    return turnAuth.secretFiles().isEmpty() ? List.of(DataDir.turnSecret(dataDir))
        : turnAuth.secretFiles().stream().map(NamedFile::path).toList();
  }

  /** The static users file in use. */
  public Path effectiveUsersFile() {
    return turnAuth.usersFile().orElse(DataDir.users(dataDir));
  }
}
