package dev.switchboard.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlLeavesTest {

  private static final String DOCUMENT = """
      name: relay
      port: 3478
      big: 12345678901
      huge: 123456789012345678901234567890
      ratio: 0.75
      on: true
      off: false
      nothing: null
      quoted: "3478"
      list: [1, two, 3.5, false, null, [nested], {k: v}]
      block:
        - 10.0.0.0/8
        - fd00::/8
      nested:
        deeper:
          value: 42
      """;

  @Test
  void leavesHoldTheNodesJacksonsTreeModelWouldRead() throws Exception {
    Map<String, YamlLeaves.Leaf> leaves = YamlLeaves.parse(DOCUMENT, "test.yaml");
    JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT);
    for (String path : leaves.keySet()) {
      JsonNode expected = tree.at("/" + path.replace('.', '/'));
      assertThat(leaves.get(path).value()).as(path).isEqualTo(expected);
      assertThat(leaves.get(path).value().getNodeType()).as(path).isEqualTo(expected.getNodeType());
    }
    assertThat(leaves).containsOnlyKeys("name", "port", "big", "huge", "ratio", "on", "off", "nothing", "quoted",
        "list", "block", "nested.deeper.value");
    assertThat(leaves.get("nested.deeper.value").line()).isEqualTo(16);
  }
}
