package dev.switchboard.cli.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Values given on the command line, keyed by config path, with the flag that set each. Not thread-safe. */
public final class ConfigOverrides {

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> flags = new LinkedHashMap<>();

  /** Sets {@code key} to {@code value} when value is non-null; {@code flag} names it in errors. */
  public ConfigOverrides set(String key, Object value, String flag) {
    if (value != null) {
      values.put(key, String.valueOf(value));
      flags.put(key, flag);
    }
    return this;
  }

  Map<String, String> values() {
    return values;
  }

  Map<String, String> flags() {
    return flags;
  }
}
