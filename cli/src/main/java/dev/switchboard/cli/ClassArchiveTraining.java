package dev.switchboard.cli;

import dev.switchboard.cli.config.ConfigException;
import dev.switchboard.cli.config.ConfigLoader;
import dev.switchboard.cli.config.ConfigOverrides;
import dev.switchboard.cli.config.SwitchboardConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code serve --class-archive-training}, run by dist/switchboard's stub under
 * -XX:ArchiveClassesAtExit: starts and stops a throwaway server (TLS, TURN, signaling) on loopback
 * port 0 in a temporary data dir, so that the JVM archives the classes a real start loads. Reads no
 * config file and touches no data dir of the user's.
 */
final class ClassArchiveTraining {

  private ClassArchiveTraining() {}

  static int run() throws IOException {
    Path dataDir = Files.createTempDirectory("switchboard-class-archive-");
    try {
      ConfigOverrides overrides = new ConfigOverrides()
          .set("dataDir", dataDir.toString(), "training")
          .set("publicAddress", "127.0.0.1", "training")
          .set("logLevel", "warn", "training")
          .set("signaling.listen", "127.0.0.1", "training")
          .set("signaling.port", 0, "training")
          .set("turn.listen", "127.0.0.1", "training")
          .set("turn.port", 0, "training")
          .set("turn.tlsPort", 0, "training")
          .set("turn.relay.address", "127.0.0.1", "training");
      SwitchboardConfig config = ConfigLoader.load(Optional.empty(), overrides, Version.current());
      Logging.configure(config.logLevel());
      Switchboard server = Switchboard.start(config, Clock.systemUTC());
      IdleHeapReturn.start().run(); // serve starts it too: its classes belong in the archive
      server.close();
      return 0;
    } catch (ConfigException e) {
      throw new IllegalStateException("the training config does not load: " + e.problems(), e);
    } finally {
      deleteTree(dataDir);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
