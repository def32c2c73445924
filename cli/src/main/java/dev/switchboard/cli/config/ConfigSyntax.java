package dev.switchboard.cli.config;

import java.net.InetAddress;
import java.time.Duration;

/** The value syntax of the config file, for flags of other commands that take the same values. Stateless. */
public final class ConfigSyntax {

  private ConfigSyntax() {}

  /** "30s", "10m", "1h", "7d", "500ms"; null if invalid. */
  public static Duration duration(String text) {
    return ConfigValues.parseDuration(text);
  }

  /** An IPv4 or IPv6 literal (IPv6 optionally in brackets); null if not one. Never resolves names. */
  public static InetAddress ip(String text) {
    return ConfigValues.parseIp(text);
  }
}
