package dev.switchboard.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT: the first starts a drain, a second exits at once. A JVM shutdown hook cannot do
 * this (the process would exit with 143 after it), hence {@code sun.misc.Signal}.
 */
final class ShutdownSignals {

  private final CountDownLatch requested = new CountDownLatch(1);
  private final AtomicInteger count = new AtomicInteger();
  private volatile String name = "";

  void install() {
    for (String signal : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(signal), s -> onSignal(s.getName()));
    }
  }

  private void onSignal(String signal) {
    if (count.incrementAndGet() > 1) {
      System.err.println("switchboard: second SIG" + signal + ", exiting at once");
      Runtime.getRuntime().halt(1);
    }
    name = signal;
    requested.countDown();
  }

  /** Blocks until the first signal and returns its name (TERM or INT). */
  String await() throws InterruptedException {
    requested.await();
    return name;
  }
}
