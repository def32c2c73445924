package dev.switchboard.cli;

import dev.switchboard.cli.config.ConfigException;
import dev.switchboard.cli.config.ConfigLoader;
import dev.switchboard.cli.config.ConfigOverrides;
import dev.switchboard.cli.config.SwitchboardConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config} and {@code --data-dir}, shared by every command that reads the config or data dir. */
final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML config file (keys as in conf/switchboard.yaml). Default: built-in defaults.")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data dir for certificates, secrets and users. Default: dataDir from the config, ./switchboard-data.")
  Path dataDir;

  /**
   * Loads the effective config with {@code overrides} applied on top of the file.
   *
   * @throws UserError (exit 2) listing every problem
   */
  SwitchboardConfig load(ConfigOverrides overrides) {
    overrides.set("dataDir", dataDir, "--data-dir");
    try {
      return ConfigLoader.load(Optional.ofNullable(config), overrides, Version.current());
    } catch (ConfigException e) {
      throw UserError.config(e.problems(), null);
    }
  }

  SwitchboardConfig load() {
    return load(new ConfigOverrides());
  }
}
