package dev.switchboard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.cli.config.ConfigSyntax;
import java.time.Duration;

/** Parsing of flag values shared by the commands, and their JSON output. Stateless. */
final class Flags {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Flags() {}

  /**
   * The longest duration a flag takes: expiry times are unix seconds and instants, and a duration past
   * the year 10^9 overflows them (a token or secret that expires "never" needs no such number).
   */
  static final Duration LONGEST = Duration.ofDays(36500);

  /** A duration flag such as {@code --ttl 24h}; a bad value is a usage error naming the flag. */
  static Duration duration(String flag, String text) {
    Duration value = ConfigSyntax.duration(text);
    if (value == null || value.isZero()) {
      throw new UserError(UserError.USAGE, flag + " " + text + ": expected a duration such as 30s, 10m, 24h or 7d");
    }
    if (value.compareTo(LONGEST) > 0) {
      throw new UserError(UserError.USAGE, flag + " " + text + ": at most " + LONGEST.toDays() + "d (100 years)");
    }
    return value;
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
