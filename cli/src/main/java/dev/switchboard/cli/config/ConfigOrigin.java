package dev.switchboard.cli.config;

/**
 * Where a config value was set, for a problem found only once the value is used (a file it names
 * cannot be read, say): reported as the problems found while loading are. Immutable.
 *
 * @param file   the config file, or empty when a flag or the built-in defaults set the value
 * @param where  "line 14", "--turn-port" or "built-in default"
 */
public record ConfigOrigin(String file, String where) {

  /** "FILE: key: message (line 14)"; without "FILE: " for a flag or a default, which are not the file's. */
  public String problem(String key, String message) {
    return (file.isEmpty() ? "" : file + ": ") + key + ": " + message + " (" + where + ")";
  }
}
