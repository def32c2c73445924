package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dist/switchboard} run as a real process, as users run it, with its output captured. The
 * one place tests start the binary. Thread-safe.
 */
public final class ServerProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("(Signaling HTTPS?|STUN/TURN UDP|STUN/TURN TCP|STUN/TURN TLS) listening on \\S+:(\\d+)");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread reader;

  private ServerProcess(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          output.add(line);
          if (line.contains(" ready in ")) {
            ready.countDown();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "switchboard-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The built binary; {@code mvn package} makes it before integration tests run. */
  public static Path binary() {
    Path dist = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("dist/switchboard");
    if (!Files.isExecutable(dist)) {
      fail(dist + " is missing: run mvn package first");
    }
    return dist;
  }

  /** Starts {@code dist/switchboard ARGS} in {@code workDir}, stderr merged into stdout. */
  public static ServerProcess start(Path workDir, String... args) throws IOException {
    return start(workDir, Map.of(), args);
  }

  /** As {@link #start(Path, String...)}, with {@code env} added to the environment. */
  public static ServerProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    return new ServerProcess(builder.start());
  }

  /** Runs a command to its end and returns it (for exit code and output). */
  public static ServerProcess run(Path workDir, Duration timeout, String... args) throws Exception {
    return run(workDir, Map.of(), timeout, args);
  }

  /** As {@link #run(Path, Duration, String...)}, with {@code env} added to the environment. */
  public static ServerProcess run(Path workDir, Map<String, String> env, Duration timeout, String... args)
      throws Exception {
    ServerProcess p = start(workDir, env, args);
    if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.close();
      fail("switchboard " + String.join(" ", args) + " did not end within " + timeout + ":\n" + p.output());
    }
    p.awaitOutputClosed();
    return p;
  }

  /** Waits for the "ready" line; fails with the output if the process dies or takes longer than {@code timeout}. */
  public ServerProcess awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ready.await(25, TimeUnit.MILLISECONDS)) {
        return this;
      }
      if (!process.isAlive()) {
        awaitOutputClosed();
        fail("switchboard exited with " + process.exitValue() + " before it was ready:\n" + output());
      }
    }
    fail("switchboard not ready within " + timeout + ":\n" + output());
    return this;
  }

  /** The port a listener bound, from its log line, e.g. port("Signaling HTTPS"). */
  public int port(String listener) {
    for (String line : output) {
      Matcher m = LISTENING.matcher(line);
      if (m.find() && m.group(1).equals(listener)) {
        return Integer.parseInt(m.group(2));
      }
    }
    fail("no '" + listener + " listening' line in:\n" + output());
    return -1;
  }

  public String output() {
    return String.join("\n", output);
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** Sends SIGTERM. (Process.destroy would also close our end of its output, losing the drain log.) */
  public void terminate() {
    process.toHandle().destroy();
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("switchboard did not exit within " + timeout + ":\n" + output());
    }
    awaitOutputClosed();
    return process.exitValue();
  }

  private void awaitOutputClosed() throws InterruptedException {
    reader.join(5000);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
