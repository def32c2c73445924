package dev.switchboard.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.cli.config.YamlLeaves.Leaf;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads of merged config values. A bad value is recorded as a problem naming its key and where
 * it came from, and the default is returned instead, so that one pass finds every problem. Not
 * thread-safe; used once while loading.
 */
final class ConfigValues {

  /** Where a value came from, for error messages: "line 14", "--relay-ports", "built-in default". */
  private record Source(JsonNode value, String where) {}

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
  private static final Pattern RANGE = Pattern.compile("(\\d+)\\s*-\\s*(\\d+)");

  private final Map<String, Leaf> defaults;
  private final Map<String, Leaf> file;
  private final Map<String, String> flags;
  private final Map<String, String> flagNamesByKey;
  private final List<String> problems = new ArrayList<>();

  /**
   * @param flagValues key path → value given on the command line
   * @param flagNames  key path → the flag that set it, for messages
   */
  ConfigValues(Map<String, Leaf> defaults, Map<String, Leaf> file, Map<String, String> flagValues,
               Map<String, String> flagNames) {
    this.defaults = defaults;
    this.file = file;
    this.flags = flagValues;
    this.flagNamesByKey = flagNames;
    checkUnknownKeys();
  }

  List<String> problems() {
    return problems;
  }

  void problem(String key, String message) {
    problems.add(key + ": " + message + " (" + source(key).where() + ")");
  }

  private void checkUnknownKeys() {
    for (Map.Entry<String, Leaf> e : file.entrySet()) {
      String key = e.getKey();
      if (defaults.containsKey(key)) {
        continue;
      }
      boolean isSection = defaults.keySet().stream().anyMatch(k -> k.startsWith(key + "."));
      if (isSection && e.getValue().value().isNull()) {
        continue; // "relay:" with nothing under it
      }
      String hint = isSection ? " is a section: put its keys under it" : " is not a known key" + suggestion(key);
      problems.add(key + hint + " (line " + e.getValue().line() + ")");
    }
  }

  private String suggestion(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : defaults.keySet()) {
      int d = Levenshtein.distance(key.toLowerCase(), known.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = known;
      }
    }
    String leaf = key.substring(key.lastIndexOf('.') + 1);
    if (bestDistance > Math.max(2, key.length() / 3)) {
      Set<String> sameLeaf = new TreeSet<>();
      defaults.keySet().stream().filter(k -> k.endsWith("." + leaf) || k.equals(leaf)).forEach(sameLeaf::add);
      return sameLeaf.isEmpty() ? "" : "; did you mean " + String.join(" or ", sameLeaf) + "?";
    }
    return "; did you mean " + best + "?";
  }

  private Source source(String key) {
    if (flags.containsKey(key)) {
      return new Source(TextNode.valueOf(flags.get(key)),
          flagNamesByKey.getOrDefault(key, "command line"));
    }
    Leaf leaf = file.get(key);
    if (leaf != null) {
      return new Source(leaf.value(), "line " + leaf.line());
    }
    Leaf builtIn = defaults.get(key);
    if (builtIn == null) {
      throw new IllegalStateException("no built-in default for " + key);
    }
    return new Source(builtIn.value(), "built-in default");
  }

  private JsonNode raw(String key) {
    JsonNode node = source(key).value();
    return node == null ? NullNode.instance : node;
  }

  String string(String key) {
    JsonNode node = raw(key);
    if (node.isNull()) {
      return "";
    }
    if (!node.isValueNode()) {
      problem(key, "must be a single value, not " + describe(node));
      return defaults.get(key).value().asText();
    }
    return node.asText().trim();
  }

  boolean bool(String key) {
    JsonNode node = raw(key);
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    String text = node.asText().trim().toLowerCase();
    if (text.equals("true") || text.equals("yes") || text.equals("on")) {
      return true;
    }
    if (text.equals("false") || text.equals("no") || text.equals("off")) {
      return false;
    }
    problem(key, "'" + node.asText() + "' is not true or false");
    return defaults.get(key).value().asBoolean();
  }

  int integer(String key, int min, int max) {
    JsonNode node = raw(key);
    long value;
    if (node.isIntegralNumber()) {
      value = node.longValue();
    } else {
      try {
        value = Long.parseLong(node.asText().trim());
      } catch (NumberFormatException e) {
        problem(key, "'" + node.asText() + "' is not a whole number");
        return defaults.get(key).value().asInt();
      }
    }
    if (value < min || value > max) {
      problem(key, value + " is outside " + min + "-" + max);
      return defaults.get(key).value().asInt();
    }
    return (int) value;
  }

  long longValue(String key, long min, long max) {
    JsonNode node = raw(key);
    try {
      long value = node.isIntegralNumber() ? node.longValue() : Long.parseLong(node.asText().trim());
      if (value >= min && value <= max) {
        return value;
      }
      problem(key, value + " is outside " + min + "-" + max);
    } catch (NumberFormatException e) {
      problem(key, "'" + node.asText() + "' is not a whole number");
    }
    return defaults.get(key).value().asLong();
  }

  /** "30s", "10m", "1h", "24h", "500ms", "2d", or a number of seconds. */
  Duration duration(String key, Duration min, Duration max) {
    String text = raw(key).asText().trim();
    Duration value = parseDuration(text);
    if (value == null) {
      problem(key, "'" + text + "' is not a duration such as 30s, 10m or 1h");
    } else if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      problem(key, text + " is outside " + format(min) + "-" + format(max));
      value = null;
    }
    return value != null ? value : parseDuration(defaults.get(key).value().asText());
  }

  /** Parses the duration syntax of the config file and of flags such as {@code --ttl}; null if invalid. */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

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

  List<String> strings(String key) {
    JsonNode node = raw(key);
    List<String> values = new ArrayList<>();
    if (node.isNull()) {
      return values;
    }
    if (node.isArray()) {
      for (JsonNode item : node) {
        if (!item.isValueNode() || item.isNull()) {
          problem(key, "every item must be a single value, not " + describe(item));
        } else {
          values.add(item.asText().trim());
        }
      }
      return values;
    }
    // A flag or a lone scalar: comma-separated.
    for (String part : node.asText().split(",")) {
      if (!part.isBlank()) {
        values.add(part.trim());
      }
    }
    return values;
  }

  /** "MIN-MAX" within 1-65535, MIN <= MAX; null after recording a problem. */
  int[] portRange(String key) {
    String text = raw(key).asText().trim();
    Matcher m = RANGE.matcher(text);
    if (!m.matches()) {
      problem(key, "'" + text + "' is not a port range such as 49152-65535");
      return null;
    }
    long min = Long.parseLong(m.group(1));
    long max = Long.parseLong(m.group(2));
    if (min < 1 || max > 65535) {
      problem(key, text + " is outside 1-65535");
      return null;
    }
    if (min > max) {
      problem(key, text + " starts above its end");
      return null;
    }
    return new int[] {(int) min, (int) max};
  }

  /** An IP literal (no DNS lookup); null after recording a problem. */
  InetAddress ipAddress(String key) {
    String text = string(key);
    InetAddress address = parseIp(text);
    if (address == null) {
      problem(key, "'" + text + "' is not an IP address");
    }
    return address;
  }

  /** Parses an IPv4 or IPv6 literal without touching DNS; null if it is not one. */
  public static InetAddress parseIp(String text) {
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

  private static String describe(JsonNode node) {
    return node.isArray() ? "a list" : node.isObject() ? "a mapping" : "'" + node.asText() + "'";
  }
}
