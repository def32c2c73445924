package dev.switchboard.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flattens a YAML document into its leaves ({@code turn.relay.ports} → value and line). Jackson's
 * tree model drops source positions, so the document is walked with the streaming parser. A scalar
 * or a list is a leaf; a mapping is descended into. Stateless.
 */
final class YamlLeaves {

  /** A value and the 1-based line it was written on. */
  record Leaf(JsonNode value, int line) {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private YamlLeaves() {}

  /** @throws ConfigException for a syntax error, a duplicate key or a document that is not a mapping */
  static Map<String, Leaf> parse(String text, String source) throws ConfigException {
    Map<String, Leaf> leaves = new LinkedHashMap<>();
    try (JsonParser parser = YAML.getFactory().createParser(text)) {
      parser.setCodec(YAML);
      JsonToken first = parser.nextToken();
      if (first == null) {
        return leaves;
      }
      if (first != JsonToken.START_OBJECT) {
        throw new ConfigException(source + ": the document must be a mapping of keys (line "
            + line(parser.currentTokenLocation()) + ")");
      }
      readMapping(parser, "", leaves, source);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " (line " + at.getLineNr() + ")";
      throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage() + where);
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot be read: " + e.getMessage());
    }
    return leaves;
  }

  private static void readMapping(JsonParser parser, String prefix, Map<String, Leaf> leaves, String source)
      throws IOException, ConfigException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String path = prefix + parser.currentName();
      int line = line(parser.currentTokenLocation());
      JsonToken value = parser.nextToken();
      if (leaves.containsKey(path) || leaves.keySet().stream().anyMatch(k -> k.startsWith(path + "."))) {
        throw new ConfigException(source + ": " + path + " is set twice (line " + line + ")");
      }
      if (value == JsonToken.START_OBJECT) {
        readMapping(parser, path + ".", leaves, source);
      } else {
        leaves.put(path, new Leaf(parser.readValueAsTree(), line));
      }
    }
  }

  private static int line(JsonLocation location) {
    return location == null ? 0 : location.getLineNr();
  }
}
