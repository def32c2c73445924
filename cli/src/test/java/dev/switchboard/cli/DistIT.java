package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as a user runs them: dist/switchboard as a process. stdout must be clean JSON (logs go
 * to stderr) and a failure is a message, never a stack trace.
 */
class DistIT {

  private static final Path DIST = Path.of("..", "dist", "switchboard").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  record Run(int exitCode, String out, String err) {}

  @Test
  void jsonOnStdoutAndPlainErrorsFromTheRealBinary() throws Exception {
    assertThat(DIST).as("built by mvn package before the ITs").isExecutable();
    Path data = dir.resolve("data");
    try (LoopbackTurn turn = LoopbackTurn.start(data, Map.of("turn.relay.ports", ProbeIT.relayRange(10)))) {
      Run credentials = run("credentials", "--json", "--user", "zoe", "--data-dir", data.toString());
      assertThat(credentials.exitCode()).as(credentials.err()).isZero();
      assertThat(new ObjectMapper().readTree(credentials.out()).get("username").asText()).endsWith(":zoe");

      Run probe = run("probe", turn.url("turn", false), "--secret", turn.secret(), "--count", "3", "--json");
      assertThat(probe.exitCode()).as(probe.out() + probe.err()).isZero();
      JsonNode report = new ObjectMapper().readTree(probe.out()).get(0);
      assertThat(report.get("ok").asBoolean()).isTrue();
      assertThat(report.get("received").asInt()).isEqualTo(3);
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Run failed = run("probe", "turn:127.0.0.1:" + closed + "?transport=tcp");
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err()).contains("port closed: TCP connect to 127.0.0.1:" + closed + "/TCP refused").doesNotContain("\tat ");
    Run usage = run("cert", "issue", "--ca", dir.resolve("none").toString(), "--host", "h", "--out", dir.toString());
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.err()).contains("switchboard cert issue: --ca").doesNotContain("\tat ", "Exception");
  }

  @Test
  void userAddReadsThePasswordFromStdin() throws Exception {
    Path data = dir.resolve("data");
    Run add = runWithInput("s3cret-from-stdin\n", "user", "add", "fay", "--password-stdin", "--realm", "r.example",
        "--data-dir", data.toString());
    assertThat(add.exitCode()).as(add.err()).isZero();
    assertThat(Files.readString(data.resolve("users")).trim())
        .isEqualTo("fay:r.example:0x" + dev.switchboard.turn.UsersFileStore.keyHex("fay", "r.example", "s3cret-from-stdin"));
  }

  @Test
  void theStubGivesIdleHeapBackAndLetsSwitchboardJavaOptsOverride() throws Exception {
    assertThat(DIST).as("built by mvn package before the ITs").isExecutable();
    ProcessBuilder p = new ProcessBuilder(DIST.toString(), "--version").redirectErrorStream(true);
    p.environment().put("SWITCHBOARD_JAVA_OPTS", "-XX:+PrintFlagsFinal -XX:MinHeapFreeRatio=5");
    Process proc = p.start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).containsPattern("UseG1GC\\s+= true\\s")
        .containsPattern("ExplicitGCInvokesConcurrent\\s+= true\\s")
        .containsPattern("G1PeriodicGCInterval\\s+= 0\\s")
        .containsPattern("MaxHeapFreeRatio\\s+= 15\\s")
        .containsPattern("G1UseAdaptiveIHOP\\s+= false\\s")
        .containsPattern("InitiatingHeapOccupancyPercent\\s+= 88\\s")
        .containsPattern("UsePerfData\\s+= false\\s")
        .containsPattern("MinHeapFreeRatio\\s+= 5\\s"); // the stub's 10, overridden
  }

  private Run run(String... args) throws IOException, InterruptedException {
    return runWithInput("", args);
  }

  private Run runWithInput(String input, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(DIST.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Path in = Files.writeString(Files.createTempFile(dir, "in", ".txt"), input);
    Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError("dist/switchboard " + String.join(" ", args) + " did not finish within 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
