package dev.switchboard.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.cli.config.YamlLeaves.Leaf;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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

  /**
   * Where a value came from, for error messages: "line 14", "--relay-ports", "built-in default".
   *
   * @param inFile  set in the user's file: its problems are prefixed with the file's name
   * @param byUser  set in the user's file or by a flag
   */
  private record Source(JsonNode value, String where, boolean inFile, boolean byUser) {}

  private static final Pattern RANGE = Pattern.compile("(\\d+)\\s*-\\s*(\\d+)");

  private final Map<String, Leaf> defaults;
  private final String fileName;
  private final Map<String, Leaf> file;
  private final Map<String, String> flags;
  private final Map<String, String> flagNamesByKey;
  private final List<String> problems = new ArrayList<>();
  private final Set<String> keysWithProblems = new HashSet<>();

  /**
   * @param fileName   the user's file as named in messages; unused when {@code file} is empty
   * @param flagValues key path → value given on the command line
   * @param flagNames  key path → the flag that set it, for messages
   */
  ConfigValues(Map<String, Leaf> defaults, String fileName, Map<String, Leaf> file, Map<String, String> flagValues,
               Map<String, String> flagNames) {
    this.defaults = defaults;
    this.fileName = fileName;
    this.file = file;
    this.flags = flagValues;
    this.flagNamesByKey = flagNames;
    checkUnknownKeys();
  }

  List<String> problems() {
    return problems;
  }

  /**
   * Records a problem with {@code key}, located where its value came from. Only a value from the file
   * is prefixed with the file's name: a flag's problem is not the file's.
   */
  void problem(String key, String message) {
    problems.add(origin(key).problem(key, message));
    keysWithProblems.add(key);
  }

  /** Where {@code key}'s value came from, for a problem found after loading. */
  ConfigOrigin origin(String key) {
    Source source = source(key);
    return new ConfigOrigin(source.inFile() ? fileName : "", source.where());
  }

  /**
   * Where item {@code index} of {@code key}'s list came from: its own line in a block list, else
   * where the key is (a flow list on one line, a comma-separated flag).
   */
  ConfigOrigin origin(String key, int index) {
    Leaf leaf = flags.containsKey(key) ? null : file.get(key);
    if (leaf != null && index < leaf.itemLines().size()) {
      return new ConfigOrigin(fileName, "line " + leaf.itemLines().get(index));
    }
    return origin(key);
  }

  /** True when a problem was recorded for {@code key}: its value is then the default, not the user's. */
  boolean hasProblem(String key) {
    return keysWithProblems.contains(key);
  }

  /** Where {@code key}'s value came from: "line 14", "--turn-port" or "built-in default". */
  String where(String key) {
    return source(key).where();
  }

  /** True when the file or a flag sets {@code key}. */
  boolean setByUser(String key) {
    return source(key).byUser();
  }

  /**
   * The first of {@code keys} that the user set, else the first: where a rule that involves several
   * keys is reported, so that it points at a line the user wrote rather than at a built-in default.
   */
  String userKey(List<String> keys) {
    return keys.stream().filter(this::setByUser).findFirst().orElse(keys.get(0));
  }

  private void checkUnknownKeys() {
    Set<String> mappedScalars = new HashSet<>();
    for (Map.Entry<String, Leaf> e : file.entrySet()) {
      String key = e.getKey();
      if (defaults.containsKey(key)) {
        continue;
      }
      // "ttl: {a: 1}" flattens to ice.ttl.a: the mistake is a mapping where one value belongs.
      String scalar = defaults.keySet().stream().filter(k -> key.startsWith(k + ".")).findFirst().orElse(null);
      if (scalar != null) {
        if (mappedScalars.add(scalar)) {
          problems.add(fileName + ": " + scalar + ": must be a single value, not a mapping (line "
              + e.getValue().line() + ")");
          keysWithProblems.add(scalar);
        }
        continue;
      }
      boolean isSection = defaults.keySet().stream().anyMatch(k -> k.startsWith(key + "."));
      if (isSection && e.getValue().value().isNull()) {
        continue; // "relay:" with nothing under it
      }
      String hint = isSection ? " is a section: put its keys under it" : " is not a known key" + suggestion(key);
      problems.add(fileName + ": " + key + hint + " (line " + e.getValue().line() + ")");
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
          flagNamesByKey.getOrDefault(key, "command line"), false, true);
    }
    Leaf leaf = file.get(key);
    if (leaf != null) {
      return new Source(leaf.value(), "line " + leaf.line(), true, true);
    }
    Leaf builtIn = defaults.get(key);
    if (builtIn == null) {
      throw new IllegalStateException("no built-in default for " + key);
    }
    return new Source(builtIn.value(), "built-in default", false, false);
  }

  private JsonNode raw(String key) {
    JsonNode node = source(key).value();
    return node == null ? NullNode.instance : node;
  }

  /**
   * The value of a key that takes one value; null after recording a problem when it is a list or a
   * mapping, whose text would otherwise read as '' in the problem of the caller.
   */
  private JsonNode scalar(String key) {
    JsonNode node = raw(key);
    if (node.isContainerNode()) {
      problem(key, "must be a single value, not " + describe(node));
      return null;
    }
    return node;
  }

  String string(String key) {
    JsonNode node = scalar(key);
    if (node == null) {
      return defaults.get(key).value().asText();
    }
    return node.isNull() ? "" : node.asText().trim();
  }

  boolean bool(String key) {
    JsonNode node = scalar(key);
    if (node == null) {
      return defaults.get(key).value().asBoolean();
    }
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
    Long value = wholeNumber(key, min, max);
    return value != null ? value.intValue() : defaults.get(key).value().asInt();
  }

  long longValue(String key, long min, long max) {
    Long value = wholeNumber(key, min, max);
    return value != null ? value : defaults.get(key).value().asLong();
  }

  /**
   * A whole number within min-max; null after recording a problem. Compared as a BigInteger: YAML reads
   * 18446744073709563961 as one, and its longValue() would wrap to 12345.
   */
  private Long wholeNumber(String key, long min, long max) {
    JsonNode node = scalar(key);
    if (node == null) {
      return null;
    }
    BigInteger value;
    if (node.isIntegralNumber()) {
      value = node.bigIntegerValue();
    } else {
      try {
        value = new BigInteger(node.asText().trim());
      } catch (NumberFormatException e) {
        problem(key, "'" + node.asText() + "' is not a whole number");
        return null;
      }
    }
    if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
      problem(key, value + " is outside " + min + "-" + max);
      return null;
    }
    return value.longValue();
  }

  /** "30s", "10m", "1h", "24h", "500ms", "2d", or a number of seconds. */
  Duration duration(String key, Duration min, Duration max) {
    JsonNode node = scalar(key);
    Duration value = null;
    if (node != null) {
      String text = node.asText().trim();
      value = ConfigSyntax.duration(text);
      if (value == null && ConfigSyntax.isDuration(text)) { // too large for a Duration
        problem(key, text + " is outside " + ConfigSyntax.format(min) + "-" + ConfigSyntax.format(max));
      } else if (value == null) {
        problem(key, "'" + text + "' is not a duration such as 30s, 10m or 1h");
      } else if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        problem(key, text + " is outside " + ConfigSyntax.format(min) + "-" + ConfigSyntax.format(max));
        value = null;
      }
    }
    return value != null ? value : ConfigSyntax.duration(defaults.get(key).value().asText());
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
    JsonNode node = scalar(key);
    if (node == null) {
      return null;
    }
    String text = node.asText().trim();
    Matcher m = RANGE.matcher(text);
    if (!m.matches()) {
      problem(key, "'" + text + "' is not a port range such as 49152-65535");
      return null;
    }
    // BigInteger: digits beyond a long's are outside the range too, not a NumberFormatException.
    BigInteger min = new BigInteger(m.group(1));
    BigInteger max = new BigInteger(m.group(2));
    if (min.compareTo(BigInteger.ONE) < 0 || max.compareTo(BigInteger.valueOf(65535)) > 0) {
      problem(key, text + " is outside 1-65535");
      return null;
    }
    if (min.compareTo(max) > 0) {
      problem(key, text + " starts above its end");
      return null;
    }
    return new int[] {min.intValue(), max.intValue()};
  }

  /** An IP literal (no DNS lookup); null after recording a problem. */
  InetAddress ipAddress(String key) {
    String text = string(key);
    InetAddress address = ConfigSyntax.ip(text);
    if (address == null) {
      problem(key, "'" + text + "' is not an IP address");
    }
    return address;
  }

  private static String describe(JsonNode node) {
    return node.isArray() ? "a list" : node.isObject() ? "a mapping" : "'" + node.asText() + "'";
  }
}
