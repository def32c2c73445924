package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The one Jackson mapper and builders for server messages. Thread-safe. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** A server message of {@code type}, replying to {@code re} when non-null. */
  static ObjectNode message(String type, String re) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", type);
    if (re != null) {
      node.put("re", re);
    }
    return node;
  }

  static ArrayNode iceServers(IceServersProvider.IceConfig ice) {
    ArrayNode servers = MAPPER.createArrayNode();
    for (IceServersProvider.IceServer server : ice.iceServers()) {
      ObjectNode entry = servers.addObject();
      ArrayNode urls = entry.putArray("urls");
      server.urls().forEach(urls::add);
      if (server.username() != null) {
        entry.put("username", server.username());
        entry.put("credential", server.credential());
      }
    }
    return servers;
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode array = MAPPER.createArrayNode();
    values.forEach(array::add);
    return array;
  }

  /** The text of a string field, or null when absent or not a string. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }
}
