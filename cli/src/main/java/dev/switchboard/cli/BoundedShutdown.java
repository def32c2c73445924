package dev.switchboard.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serve's shutdown after the first SIGTERM or SIGINT: named steps run in order, all within one
 * deadline. A step can wait for something that never comes (a close queued on an event loop whose
 * thread is stuck, a loop that never terminates): a reviewer saw a first SIGTERM leave the process
 * running for good. So a watchdog ends the process at the deadline, with one line naming the step
 * that did not finish. A second signal ends it sooner ({@link ShutdownSignals}).
 *
 * <p>{@link #run} is called once; the watchdog is a daemon thread of its own.
 */
final class BoundedShutdown {

  private static final Logger log = LoggerFactory.getLogger(BoundedShutdown.class);

  /**
   * What the deadline allows after the drain window, for closing listeners and connections and
   * stopping the event loops: well under a second when nothing is stuck, so 5 s is slack, not a wait.
   */
  static final Duration GRACE = Duration.ofSeconds(5);

  /** The exit status when the deadline passes: the server did not stop cleanly. */
  static final int STATUS_DEADLINE = 1;

  /**
   * One step of the shutdown.
   *
   * @param what   names the step in the line logged when it does not finish, e.g. "closing TURN"; asked
   *               only then, so it can say what is still running at that moment
   */
  record Step(Supplier<String> what, Runnable action) {

    static Step of(String what, Runnable action) {
      return new Step(() -> what, action);
    }
  }

  private final Duration deadline;
  private final IntConsumer exit;

  /**
   * @param deadline  from the signal to the end of the last step
   * @param exit      ends the process with a status (serve: {@link Runtime#halt}, which no shutdown hook can
   *                  hold up); tests record the call
   */
  BoundedShutdown(Duration deadline, IntConsumer exit) {
    this.deadline = deadline;
    this.exit = exit;
  }

  /**
   * Runs {@code steps} in order. A step that throws, even an Error, is logged in one line and the next
   * one runs: a listener that failed to close must not keep the others open.
   *
   * @param signal  TERM or INT, for the log
   * @return true when every step finished without throwing. When the deadline passes first, the
   *     watchdog calls {@code exit} and this goes on waiting for the step (in serve the process is gone).
   */
  boolean run(String signal, List<Step> steps) {
    CountDownLatch finished = new CountDownLatch(1);
    AtomicReference<Step> current = new AtomicReference<>();
    Thread watchdog = new Thread(() -> {
      try {
        if (!finished.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
          Step stuck = current.get();
          log.error("Shutdown did not finish within {} of SIG{}, stuck at {}; exiting with status {}",
              seconds(deadline), signal, stuck == null ? "its start" : stuck.what().get(), STATUS_DEADLINE);
          exit.accept(STATUS_DEADLINE);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // nothing else waits on this thread
      }
    }, "shutdown-deadline");
    watchdog.setDaemon(true);
    watchdog.start();
    boolean clean = true;
    try {
      for (Step step : steps) {
        current.set(step);
        try {
          step.action().run();
        } catch (Throwable e) {
          // Errors too (an OutOfMemoryError building the drain notices, a class gone from a jar replaced
          // in place): one escaping here would stand the watchdog down with the event loops, which are
          // not daemon threads, still running, and serve would never exit.
          // One line: a failure to close is not the user's to debug, and a trace would hide the log's end.
          log.warn("Shutdown: {} failed: {}", step.what().get(), e.toString());
          clean = false;
        }
      }
    } finally {
      finished.countDown();
    }
    return clean;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }
}
