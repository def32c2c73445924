package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Idle signaling sessions held by a child JVM, so that a memory benchmark can open more of them than
 * one process's 20000 file descriptors allow for all its servers at once: each server under test
 * gets its own holder. The child runs {@link #main}, a {@link SignalingLoad} driven by one-line
 * commands on its stdin ({@code open COUNT SECONDS}), answering {@code ok SESSIONS} or
 * {@code error MESSAGE} on its stdout (after {@code ready} once it has started); it closes its
 * sessions and exits when its stdin ends.
 */
final class SessionHolder implements AutoCloseable {

  /** How long the child may take to start, and to answer beyond the deadline it was given. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  /** Put on {@link #answers} when the child's stdout ends. */
  private static final String EXITED = "exited";

  private final Process process;
  private final PrintWriter commands;
  /** The child's answers, read off its stdout by a thread of this holder's own, so waits can time out. */
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final Path log;
  private int sessions;

  private SessionHolder(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    Thread reader = new Thread(this::readAnswers, "session-holder-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  private void readAnswers() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.equals("ready") || line.startsWith("ok ") || line.startsWith("error ")) {
          answers.add(line);
        }
      }
    } catch (IOException e) {
      // The child is gone: said below.
    } finally {
      answers.add(EXITED);
    }
  }

  /**
   * Starts a holder for sessions to {@code target} and waits until it is ready to open them; its
   * diagnostics go to {@code log}.
   */
  static SessionHolder start(SignalingLoad.Target target, Path log) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // C1 only: over the 15000 handshakes of a memory-wss round, C2's compilations cost the holder
    // more CPU than they save (0.75 against 1.29 ms per session opened, 10000 sessions), CPU that
    // the servers under test, opening theirs at the same time, would otherwise get. One GC thread:
    // a holder's pauses delay nothing that is measured. No leak detector (see bench/run). The JVM's
    // own output goes to stderr, the log, so that stdout carries the answers only.
    List<String> command = List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dio.netty.leakDetection.level=disabled",
        "-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr",
        "-cp", System.getProperty("java.class.path"), SessionHolder.class.getName(),
        target.wire().name(), target.address().getAddress().getHostAddress(),
        Integer.toString(target.address().getPort()), Boolean.toString(target.tls()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile()));
    // Options from the environment would reach the child too (a -Xlog or PrintCompilation there
    // writes to stdout).
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    SessionHolder holder = new SessionHolder(pb.start(), log);
    try {
      holder.answer(GRACE, "ready");
    } catch (IOException | RuntimeException e) {
      holder.close();
      throw e;
    }
    return holder;
  }

  /**
   * Opens {@code count} more sessions and waits for all of them, as {@link SignalingLoad#open}; the
   * child gives up after {@code within}, and this waits at most {@link #GRACE} longer for its word.
   */
  void open(int count, Duration within) throws IOException {
    commands.println("open " + count + " " + within.toSeconds());
    String answer = answer(within.plus(GRACE), "ok ");
    sessions = Integer.parseInt(answer.substring(3).trim());
  }

  int sessions() {
    return sessions;
  }

  /**
   * The child's next answer, which must start with {@code expected}; an error, an exit or silence
   * for {@code within} fails with a message that names the child's log.
   */
  private String answer(Duration within, String expected) throws IOException {
    String answer;
    try {
      answer = answers.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(what() + ": interrupted", e);
    }
    if (answer == null) {
      process.destroyForcibly();
      throw new IOException(what() + " did not answer within " + within.toSeconds() + " s; see " + log);
    }
    if (!answer.startsWith(expected)) {
      throw new IOException(what() + ": " + answer + "; see " + log);
    }
    return answer;
  }

  private String what() {
    return "session holder (pid " + process.pid() + ")";
  }

  /** Ends the holder: its sessions close with it (TCP close, no goodbye). */
  @Override
  public void close() {
    commands.close();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The child: {@code WIRE HOST PORT TLS} (WIRE a {@link SignalingWire#name()}), then commands on stdin. */
  public static void main(String[] args) throws Exception {
    SignalingWire wire = SignalingWire.both().stream().filter(w -> w.name().equals(args[0])).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown wire " + args[0]));
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (SignalingLoad load = new SignalingLoad(new SignalingLoad.Target(wire, address, Boolean.parseBoolean(args[3])), 2)) {
      out.println("ready");
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.trim().split(" ");
        try {
          if (f.length != 3 || !f[0].equals("open")) {
            throw new IllegalArgumentException("unknown command: " + line);
          }
          load.open(Integer.parseInt(f[1]), 64, Duration.ofSeconds(Long.parseLong(f[2])));
          out.println("ok " + load.sessions());
        } catch (Exception e) {
          out.println("error " + String.valueOf(e).replaceAll("[\\r\\n]+", " "));
        }
      }
    }
  }
}
