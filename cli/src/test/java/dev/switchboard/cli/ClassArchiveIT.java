package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stub's class archive (AppCDS): the first serve of a build leaves one behind, the next start
 * adopts and maps it, a cut-short one is thrown away rather than crash the JVM, and
 * SWITCHBOARD_CDS=off leaves it all out.
 */
class ClassArchiveIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String FROM_ARCHIVE = "dev.switchboard.cli.Main source: shared objects file (top)";

  @TempDir
  Path dir;

  @Test
  void theFirstServeLeavesAnArchiveLaterStartsMapAndABrokenOneIsDropped() throws Exception {
    Path cache = dir.resolve("cache");
    Path archives = cache.resolve("switchboard");
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
    try (ServerProcess serve = ServerProcess.start(dir, env, "serve", "--no-tls", "--https-port", "0",
        "--turn-port", "0", "--data-dir", dir.resolve("data").toString())) {
      serve.awaitReady(TIMEOUT);
      serve.terminate();
      assertThat(serve.awaitExit(TIMEOUT)).as(serve.output()).isZero();
      assertThat(names(archives)).as("written at exit under a temporary name")
          .singleElement().asString().matches("classes-\\d+-\\d+\\.jsa\\." + serve.pid() + "\\.tmp");
    }

    ServerProcess mapped = version(env, "-Xlog:class+load=info");
    assertThat(mapped.output()).contains(FROM_ARCHIVE, "switchboard ");
    List<String> adopted = names(archives);
    assertThat(adopted).singleElement().asString().matches("classes-\\d+-\\d+\\.jsa");

    Path archive = archives.resolve(adopted.get(0));
    byte[] bytes = Files.readAllBytes(archive);
    Path cutShort = archives.resolve(adopted.get(0) + "." + deadPid() + ".tmp");
    Files.write(cutShort, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    Files.delete(archive);
    ServerProcess dropped = version(env, "-Xlog:class+load=info");
    assertThat(dropped.process().exitValue()).as(dropped.output()).isZero();
    assertThat(dropped.output()).doesNotContain(FROM_ARCHIVE).contains("switchboard ");
    assertThat(names(archives)).isEmpty();
    assertThat(names(dir)).noneMatch(name -> name.startsWith("hs_err") || name.startsWith("core"));
  }

  @Test
  void switchboardCdsOffWritesAndMapsNothing() throws Exception {
    Path cache = dir.resolve("cache");
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "SWITCHBOARD_CDS", "off");
    try (ServerProcess serve = ServerProcess.start(dir, env, "serve", "--no-tls", "--https-port", "0",
        "--turn-port", "0", "--data-dir", dir.resolve("data").toString())) {
      serve.awaitReady(TIMEOUT);
      serve.terminate();
      serve.awaitExit(TIMEOUT);
    }
    assertThat(Files.exists(cache)).isFalse();
  }

  private ServerProcess version(Map<String, String> env, String javaOpts) throws Exception {
    Map<String, String> withOpts = new java.util.HashMap<>(env);
    withOpts.put("SWITCHBOARD_JAVA_OPTS", javaOpts);
    return ServerProcess.run(dir, withOpts, TIMEOUT, "--version");
  }

  /** The id of a process that has ended: the stub takes a pending archive of a live one as still being written. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
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
