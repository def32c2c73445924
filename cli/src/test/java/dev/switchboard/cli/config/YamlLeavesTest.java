package dev.switchboard.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    // A list's items have their lines too: where a problem with one item points.
    assertThat(leaves.get("block").itemLines()).containsExactly(12, 13);
    assertThat(leaves.get("list").itemLines()).hasSize(7).containsOnly(10);
    assertThat(leaves.get("port").itemLines()).isEmpty();
  }

  @Test
  void aSyntaxErrorIsReportedAtTheLineOfTheProblem() {
    // The parser's position is the last token it read (line 6 here); the problem is the tab on line 7.
    String tab = "a: 1\nb:\n  c: 2\nd: 3\ne: 4\nf: 5\n\tg: 6\n";
    assertThatThrownBy(() -> YamlLeaves.parse(tab, "t.yaml")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.yaml: not valid YAML: ").hasMessageContaining("line 7, column 1")
        .hasMessageEndingWith("(line 7)");
  }

  @Test
  void aSecondDocumentIsAnErrorAtItsMarker() {
    assertThatThrownBy(() -> YamlLeaves.parse("a: 1\n\n# more\n---\nb: 2\n", "t.yaml"))
        .hasMessage("t.yaml: a second YAML document starts after '---' (line 4): put every key in one document");
    assertThatThrownBy(() -> YamlLeaves.parse("a: 1\n--- \n", "t.yaml")).hasMessageContaining("(line 2)");
  }
}
