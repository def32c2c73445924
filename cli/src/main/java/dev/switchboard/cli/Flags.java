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

  /** A duration flag such as {@code --ttl 24h}; a bad value is a usage error naming the flag. */
  static Duration duration(String flag, String text) {
    Duration value = ConfigSyntax.duration(text);
    if (value == null || value.isZero()) {
      throw new UserError(UserError.USAGE, flag + " " + text + ": expected a duration such as 30s, 10m, 24h or 7d");
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
