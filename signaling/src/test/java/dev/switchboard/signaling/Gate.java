package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.fail;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops one chosen thread where the code under test calls {@link #pass()} (a clock read, an ICE
 * lookup: what a test injects), until the test opens it. So a race test puts another thread's work
 * exactly in that window instead of hoping a scheduler does. Thread-safe; each gate stops once.
 */
final class Gate {

  private static final long WAIT_SECONDS = 10;

  private volatile Thread stops;
  /** Passes of {@link #stops} to let through before the one it stops at; only that thread changes it. */
  private int letThrough;
  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch opened = new CountDownLatch(1);

  /** The gate stops {@code thread} (and no other) the first time it passes. */
  void closeFor(Thread thread) {
    closeFor(thread, 1);
  }

  /** The gate stops {@code thread} (and no other) the {@code nth} time it passes. */
  void closeFor(Thread thread, int nth) {
    letThrough = nth - 1;
    stops = thread;
  }

  /** Called by the code under test. */
  void pass() {
    if (Thread.currentThread() != stops || letThrough-- > 0) {
      return;
    }
    stops = null;
    reached.countDown();
    try {
      if (!opened.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void awaitReached() throws InterruptedException {
    if (!reached.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
      fail("the thread never reached the gate");
    }
  }

  void open() {
    opened.countDown();
  }

  /**
   * Waits until {@code thread} has finished, or waits for a monitor or a java.util.concurrent lock,
   * whichever the code under test makes it do. (No other thread but the one at the gate, which holds
   * no class-loading lock, runs meanwhile: BLOCKED is the code under test's monitor.)
   */
  static void awaitFinishedOrWaiting(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (thread.getState() != Thread.State.TERMINATED && thread.getState() != Thread.State.BLOCKED
        && LockSupport.getBlocker(thread) == null) {
      if (System.nanoTime() > deadline) {
        fail(thread.getName() + " neither finished nor waited: " + thread.getState());
      }
      Thread.sleep(1);
    }
  }

  /** {@code body} on a new thread named {@code name}, not started yet (a gate may be closed for it first). */
  static Worker worker(String name, ThrowingRunnable body) {
    return new Worker(name, body);
  }

  /** A test body that may throw. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** A thread that rethrows what its body threw when joined. */
  static final class Worker {
    final Thread thread;
    private volatile Throwable failure;

    private Worker(String name, ThrowingRunnable body) {
      thread = new Thread(() -> {
        try {
          body.run();
        } catch (Throwable t) {
          failure = t;
        }
      }, name);
    }

    void start() {
      thread.start();
    }

    void join() throws Exception {
      thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      if (thread.isAlive()) {
        fail(thread.getName() + " did not finish");
      }
      if (failure != null) {
        throw new AssertionError(thread.getName() + " failed", failure);
      }
    }
  }
}
