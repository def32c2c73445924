package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one run: every measure with its reference and per-round ratio, written as
 * bench/results/latest.md (a table) and latest.json. Safe to add to from one thread at a time.
 */
final class Report {

  /**
   * One measure. {@code ratio} is ours / reference per round; {@code target} is how the ratio (or,
   * without a reference, our value) must compare, e.g. "<= 0.8"; {@code met} is null without a target.
   */
  record Row(String section, String metric, String unit, Summary ours, String reference, Summary theirs,
             Summary ratio, String target, Boolean met, String note) {}

  private final List<Row> rows = new ArrayList<>();
  private final List<String> commands = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  synchronized void environment(String key, String value) {
    environment.put(key, value);
  }

  synchronized void command(String command) {
    commands.add(command);
  }

  synchronized void note(String note) {
    notes.add(note);
  }

  /** A measure compared with a reference; the target applies to the median ratio. */
  synchronized Row compare(String section, String metric, String unit, List<Double> ours, String reference,
                           List<Double> theirs, String target, String note) {
    // A ratio to zero (no loss, say) means nothing: such rows show both values only. A row with a
    // target whose reference read 0 in some rounds only (socket.io failing even the lowest signaling
    // step once) takes its ratio over the other rounds and says so: without it, the row had no
    // verdict, and counting those rounds as infinitely in our favour would flatter us.
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
      if (theirs.get(i) != 0) {
        a.add(ours.get(i));
        b.add(theirs.get(i));
      }
    }
    Summary ratio = null;
    if (b.size() == theirs.size()) {
      ratio = Summary.ratios(ours, theirs);
    } else if (target != null && !b.isEmpty()) {
      ratio = Summary.ratios(a, b);
      String rounds = "ratio over the " + b.size() + " of " + theirs.size() + " rounds in which " + reference
          + " read more than 0";
      note = note == null ? rounds : note + "; " + rounds;
    }
    Row row = new Row(section, metric, unit, Summary.of(ours), reference, Summary.of(theirs), ratio, target,
        target == null || ratio == null ? null : meets(ratio.median(), target), note);
    rows.add(row);
    return row;
  }

  /** A measure of ours alone (size, startup, sessions held); the target applies to the median. */
  synchronized Row absolute(String section, String metric, String unit, List<Double> ours, String target, String note) {
    Summary s = Summary.of(ours);
    Row row = new Row(section, metric, unit, s, null, null, null, target,
        target == null ? null : meets(s.median(), target), note);
    rows.add(row);
    return row;
  }

  synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  static boolean meets(double value, String target) {
    String[] parts = target.trim().split("\\s+");
    double bound = Double.parseDouble(parts[1]);
    return switch (parts[0]) {
      case "<=" -> value <= bound;
      case ">=" -> value >= bound;
      case "==" -> value == bound;
      default -> throw new IllegalArgumentException("target " + target);
    };
  }

  synchronized void write(Path dir, String title) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("latest.md"), markdown(title));
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("title", title);
    root.set("environment", json.valueToTree(environment));
    root.set("commands", json.valueToTree(commands));
    ArrayNode out = root.putArray("results");
    for (Row r : rows) {
      out.add(json.valueToTree(r));
    }
    root.set("notes", json.valueToTree(notes));
    Files.writeString(dir.resolve("latest.json"), json.writeValueAsString(root) + "\n");
  }

  private String markdown(String title) {
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    md.append("Each cell: median (min–max) over the rounds. Ratio: Switchboard / reference, per round, "
        + "both measured back to back on the same load (A B A B …).\n\n");
    md.append("## Environment\n\n");
    environment.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    String section = null;
    for (Row r : rows) {
      if (!r.section().equals(section)) {
        section = r.section();
        md.append("\n## ").append(section).append("\n\n")
            .append("| measure | unit | Switchboard | reference | ratio | target | met |\n")
            .append("|---|---|---|---|---|---|---|\n");
      }
      md.append("| ").append(r.metric()).append(r.note() == null ? "" : " (" + r.note() + ")")
          .append(" | ").append(r.unit())
          .append(" | ").append(r.ours().format(decimals(r.ours())))
          .append(" | ").append(r.theirs() == null ? "–" : r.reference() + ": " + r.theirs().format(decimals(r.theirs())))
          .append(" | ").append(r.ratio() == null ? "–" : r.ratio().format(2))
          .append(" | ").append(r.target() == null ? "–" : (r.ratio() == null ? "" : "ratio ") + r.target())
          .append(" | ").append(r.met() == null ? "–" : r.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    if (!notes.isEmpty()) {
      md.append("\n## Notes\n\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    md.append("\n## Commands\n\n```\n");
    commands.forEach(c -> md.append(c).append('\n'));
    md.append("```\n");
    return md.toString();
  }

  private static int decimals(Summary s) {
    double v = Math.abs(s.median());
    return v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
  }
}
