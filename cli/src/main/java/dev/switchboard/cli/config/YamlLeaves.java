package dev.switchboard.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Flattens a YAML document into its leaves ({@code turn.relay.ports} → value and line). Jackson's
 * tree model drops source positions, so the document is walked with the streaming parser. A scalar
 * or a list is a leaf; a mapping is descended into. Stateless.
 */
final class YamlLeaves {

  /**
   * A value and the 1-based line it was written on.
   *
   * @param itemLines  for a list, the line of each item (a block list has one a line), else empty
   */
  record Leaf(JsonNode value, int line, List<Integer> itemLines) {

    Leaf {
      itemLines = List.copyOf(itemLines);
    }

    Leaf(JsonNode value, int line) {
      this(value, line, List.of());
    }
  }

  // No ObjectMapper: setting one up cost start-up ~0.05 s, and the few node kinds a config holds
  // are built from the tokens directly.
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private YamlLeaves() {}

  /**
   * @throws ConfigException for a syntax error, a duplicate key, a document that is not a mapping or a
   *     second document
   */
  static Map<String, Leaf> parse(String text, String source) throws ConfigException {
    Map<String, Leaf> leaves = new LinkedHashMap<>();
    try (JsonParser parser = YAML.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return leaves;
      }
      if (first != JsonToken.START_OBJECT) {
        throw new ConfigException(source + ": the document must be a mapping of keys (line "
            + line(parser.currentTokenLocation()) + ")");
      }
      readMapping(parser, "", leaves, source);
      // The parser reads the documents after a "---" as further values: ignoring them would drop keys.
      if (parser.nextToken() != null) {
        throw new ConfigException(source + ": a second YAML document starts after '---' (line "
            + documentStart(text, line(parser.currentTokenLocation())) + "): put every key in one document");
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage() + where(e));
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot be read: " + e.getMessage());
    }
    return leaves;
  }

  /**
   * " (line N)" of the problem: SnakeYAML's problem mark, which its message quotes, not the parser's
   * position, which can be lines before it (the last token read).
   */
  private static String where(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      return " (line " + (marked.getProblemMark().getLine() + 1) + ")";
    }
    JsonLocation at = e.getLocation();
    return at == null ? "" : " (line " + at.getLineNr() + ")";
  }

  /** The line of the "---" that starts the document whose first token is on {@code tokenLine}. */
  private static int documentStart(String text, int tokenLine) {
    List<String> lines = text.lines().toList();
    for (int i = Math.min(tokenLine, lines.size()) - 1; i >= 0; i--) {
      if (lines.get(i).matches("---(\\s.*)?")) {
        return i + 1;
      }
    }
    return tokenLine;
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
      } else if (value == JsonToken.START_ARRAY) {
        ArrayNode items = NODES.arrayNode();
        List<Integer> itemLines = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          itemLines.add(line(parser.currentTokenLocation()));
          items.add(node(parser));
        }
        leaves.put(path, new Leaf(items, line, itemLines));
      } else {
        leaves.put(path, new Leaf(node(parser), line));
      }
    }
  }

  /** The value at the parser's current token, as Jackson's tree model would read it. */
  static JsonNode node(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(node(parser));
        }
        return array;
      }
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          object.set(name, node(parser));
        }
        return object;
      }
      case VALUE_NUMBER_INT:
        return switch (parser.getNumberType()) {
          case INT -> NODES.numberNode(parser.getIntValue());
          case LONG -> NODES.numberNode(parser.getLongValue());
          default -> NODES.numberNode(parser.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        return NODES.textNode(parser.getText());
    }
  }

  private static int line(JsonLocation location) {
    return location == null ? 0 : location.getLineNr();
  }
}
