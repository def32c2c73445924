package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process this benchmark started: its CPU time and resident memory read from /proc, so that the
 * server under test is measured apart from the load generator. Ends only what it started, by PID.
 */
final class Proc implements AutoCloseable {

  /** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every kernel we run on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final String name;
  private final Process process;
  private final Path log;

  private Proc(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static Proc start(String name, List<String> command, Path log, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    pb.environment().putAll(env);
    return new Proc(name, pb.start(), log);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** User + system CPU seconds of the whole process (all threads) so far. */
  double cpuSeconds() {
    try {
      return cpuSeconds(Long.toString(pid()));
    } catch (IOException e) {
      throw new IllegalStateException(name + " (pid " + pid() + ") is gone; see " + log, e);
    }
  }

  /** User + system CPU seconds of process {@code pid} ("self": this one), from /proc/PID/stat. */
  static double cpuSeconds(String pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", pid, "stat"));
    // The command name (field 2) may hold spaces: fields are counted after its closing paren.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  }

  /** Resident set size in bytes (VmRSS). */
  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      throw new IllegalStateException("no VmRSS for " + name);
    } catch (IOException e) {
      throw new IllegalStateException(name + " (pid " + pid() + ") is gone; see " + log, e);
    }
  }

  /** The last lines of the process's output, for error messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
