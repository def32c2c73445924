package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stub's class archive (AppCDS): the first serve of a build has a helper JVM write one in the
 * background, later starts map it, the server's own JVM options never get in the way, and
 * SWITCHBOARD_CDS=off leaves it all out.
 */
class ClassArchiveIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String FROM_ARCHIVE = "dev.switchboard.cli.Main source: shared objects file (top)";

  @TempDir
  Path dir;

  @Test
  void theFirstServeHasAnArchiveMadeThatLaterStartsMap() throws Exception {
    Path cache = dir.resolve("cache");
    Path archives = cache.resolve("switchboard");
    // -Xshare:off would stop a JVM that dumps an archive from starting at all: the server must not be that JVM.
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "SWITCHBOARD_JAVA_OPTS", "-Xshare:off");
    try (ServerProcess serve = ServerProcess.start(dir, env, "serve", "--no-tls", "--https-port", "0",
        "--turn-port", "0", "--data-dir", dir.resolve("data").toString())) {
      serve.awaitReady(TIMEOUT);
      List<String> made = awaitArchive(archives);
      assertThat(made).singleElement().asString().matches("classes-\\d+-\\d+\\.jsa");
      serve.terminate();
      assertThat(serve.awaitExit(TIMEOUT)).as(serve.output()).isZero();
    }

    ServerProcess mapped = version(Map.of("XDG_CACHE_HOME", cache.toString(),
        "SWITCHBOARD_JAVA_OPTS", "-Xlog:class+load=info"));
    assertThat(mapped.output()).contains(FROM_ARCHIVE, "switchboard ");
    ServerProcess without = version(Map.of("XDG_CACHE_HOME", cache.toString(), "SWITCHBOARD_CDS", "off",
        "SWITCHBOARD_JAVA_OPTS", "-Xlog:class+load=info"));
    assertThat(without.output()).doesNotContain(FROM_ARCHIVE).contains("switchboard ");
  }

  @Test
  void switchboardCdsOffWritesNothing() throws Exception {
    Path cache = dir.resolve("cache");
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "SWITCHBOARD_CDS", "off");
    try (ServerProcess serve = ServerProcess.start(dir, env, "serve", "--no-tls", "--https-port", "0",
        "--turn-port", "0", "--data-dir", dir.resolve("data").toString())) {
      serve.awaitReady(TIMEOUT);
      // The stub makes the cache folder before it starts the server when it means to make an archive.
      assertThat(Files.exists(cache)).isFalse();
      serve.terminate();
      serve.awaitExit(TIMEOUT);
    }
  }

  @Test
  void trainingStartsAndStopsAThrowawayServer() throws Exception {
    ServerProcess training = ServerProcess.run(dir, Map.of("SWITCHBOARD_CDS", "off"), TIMEOUT,
        "serve", "--class-archive-training");
    assertThat(training.process().exitValue()).as(training.output()).isZero();
    assertThat(names(dir)).as("nothing written in the working directory").isEmpty();
  }

  /** The helper runs at low priority beside the server; this waits for its archive, lock gone. */
  private static List<String> awaitArchive(Path archives) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> names = names(archives);
      if (!names.isEmpty() && names.stream().allMatch(n -> n.endsWith(".jsa"))) {
        return names;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no class archive within " + TIMEOUT + ": " + names(archives));
  }

  private ServerProcess version(Map<String, String> env) throws Exception {
    return ServerProcess.run(dir, new HashMap<>(env), TIMEOUT, "--version");
  }

  private static List<String> names(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
