package dev.switchboard.cli.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value syntax of the config file (durations, IP literals), shared by the config loader and by
 * flags of other commands that take the same values. Stateless.
 */
public final class ConfigSyntax {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

  private ConfigSyntax() {}

  /** "30s", "10m", "1h", "7d", "500ms", or a number of seconds; null if invalid or too large. */
  public static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    String unit = m.group(2) == null ? "s" : m.group(2);
    try {
      long n = Long.parseLong(m.group(1));
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      return null; // more than a long or a Duration holds
    }
  }

  /** True when {@code text} is written as a duration, whether or not its number fits one. */
  static boolean isDuration(String text) {
    return DURATION.matcher(text.trim()).matches();
  }

  /** {@code d} the way the config file writes it: "500ms", "30s", "10m", "1h". */
  static String format(Duration d) {
    long s = d.toSeconds();
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  /** An IPv4 or IPv6 literal (IPv6 optionally in brackets); null if not one. Never resolves names. */
  public static InetAddress ip(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = t.contains(":") && t.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
