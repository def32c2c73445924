package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds and runs outside tools (coturn's turnutils_*). A missing tool skips the test loudly, unless
 * {@code -Dswitchboard.tools.required=true}, in which case it fails.
 */
final class ExternalTools {

  private ExternalTools() {
  }

  /** The tool's path, or the test is skipped (or failed when tools are required). */
  static Path require(String tool) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, tool);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    String message = "*** " + tool + " is not installed (coturn's test tools); ";
    if (Boolean.getBoolean("switchboard.tools.required")) {
      fail(message + "failing because switchboard.tools.required=true");
    }
    System.err.println(message + "SKIPPING this test ***");
    Assumptions.abort(message + "skipped");
    return null;
  }

  /** Output and exit code of a finished process. */
  record Result(int exitCode, String output) {}

  /** Runs {@code command} to completion (bounded by {@code timeoutSeconds}, then killed). */
  static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
    Path log = Files.createTempFile("tool", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return new Result(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n[killed after " + timeoutSeconds + "s]");
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Starts a long-running tool; the caller destroys it. */
  static Process start(List<String> command, Path log) throws IOException {
    return new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
