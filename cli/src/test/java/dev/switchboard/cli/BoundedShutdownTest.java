package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.cli.config.ConfigLoader;
import dev.switchboard.cli.config.ConfigOverrides;
import dev.switchboard.cli.config.SwitchboardConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Serve's shutdown is bounded whatever hangs: the steps run with a short deadline and the exit
 * recorded instead of halting the test JVM. Switchboard is started directly, not serve in-process,
 * which would install the test JVM's signal handlers.
 */
@Timeout(60)
class BoundedShutdownTest {

  private static final Duration DEADLINE = Duration.ofMillis(700);

  @TempDir
  Path dir;

  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(BoundedShutdown.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void stopCapturing() {
    release.countDown();
    logger.detachAppender(logs);
  }

  private BoundedShutdown shutdown() {
    return new BoundedShutdown(DEADLINE, exit::complete);
  }

  private List<String> lines() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private void stuck() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void stepsThatFinishInTimeRunInOrderAndEndNothing() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    assertThat(shutdown().run("TERM", List.of(BoundedShutdown.Step.of("a", () -> ran.add("a")),
        BoundedShutdown.Step.of("b", () -> ran.add("b"))))).isTrue();
    assertThat(ran).containsExactly("a", "b");
    // The watchdog stood down: its thread ended without ending the process (no sleep past the deadline).
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("shutdown-deadline")) {
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
      }
    }
    assertThat(exit).isNotDone();
    assertThat(lines()).isEmpty();
  }

  @Test
  void aStepThatThrowsIsOneLineAndTheNextStepStillRuns() {
    List<String> ran = new CopyOnWriteArrayList<>();
    assertThat(shutdown().run("INT", List.of(
        BoundedShutdown.Step.of("closing signaling", () -> {
          throw new IllegalStateException("listener gone");
        }),
        BoundedShutdown.Step.of("closing TURN", () -> ran.add("turn"))))).isFalse();
    assertThat(ran).containsExactly("turn");
    assertThat(lines()).containsExactly("Shutdown: closing signaling failed: java.lang.IllegalStateException: listener gone");
    assertThat(logs.list.get(0).getThrowableProxy()).isNull();
  }

  /** An Error is a failed step too: escaping, it would stop the later steps and leave the loops running. */
  @Test
  void aStepThatThrowsAnErrorDoesNotStopTheLaterSteps() {
    List<String> ran = new CopyOnWriteArrayList<>();
    assertThat(shutdown().run("TERM", List.of(
        BoundedShutdown.Step.of("draining signaling", () -> {
          // A class gone from a jar replaced in place (not an OutOfMemoryError: JUnit rethrows those).
          throw new NoClassDefFoundError("dev/switchboard/signaling/Json");
        }),
        BoundedShutdown.Step.of("stopping the event loops", () -> ran.add("loops"))))).isFalse();
    assertThat(ran).containsExactly("loops");
    assertThat(lines()).containsExactly("Shutdown: draining signaling failed: java.lang.NoClassDefFoundError: dev/switchboard/signaling/Json");
  }

  @Test
  void aStepThatNeverFinishesEndsTheProcessAtTheDeadlineNamingIt() throws Exception {
    Thread sequence = start(() -> shutdown().run("TERM", List.of(BoundedShutdown.Step.of("quick", () -> { }),
        BoundedShutdown.Step.of("closing TURN", this::stuck))));
    long began = System.nanoTime();
    assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(DEADLINE.minusMillis(50));
    assertThat(lines()).containsExactly(
        "Shutdown did not finish within 0.7 s of SIGTERM, stuck at closing TURN; exiting with status 1");
    release.countDown();
    sequence.join(10_000);
    assertThat(sequence.isAlive()).isFalse();
  }

  /** An event loop that never terminates: a handler stuck in a blocking call, say. */
  @Test
  void aGroupWhoseTerminationNeverCompletesCannotHoldServePastTheDeadline() throws Exception {
    EventLoopGroup group = new StuckOnShutdownGroup(2);
    Switchboard server = Switchboard.start(config(), Clock.systemUTC(), () -> group);
    Thread sequence = start(() -> shutdown().run("TERM", server.shutdownSteps()));

    assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(lines()).singleElement().asString()
        .startsWith("Shutdown did not finish within 0.7 s of SIGTERM, stuck at stopping the event loops (")
        .contains(" of 2 still running)");
    release.countDown();
    sequence.join(10_000);
    assertThat(group.isTerminated()).isTrue();
  }

  /**
   * Every loop stuck before shutdown begins: closing a listener queues its close on a loop that never
   * runs it, and waited for it without end before the deadline.
   */
  @Test
  void stuckLoopsCannotHoldServePastTheDeadlineEither() throws Exception {
    EventLoopGroup group = EventLoops.create(2);
    Switchboard server = Switchboard.start(config(), Clock.systemUTC(), () -> group);
    for (EventExecutor loop : group) {
      loop.execute(this::stuck);
    }
    Thread sequence = start(() -> shutdown().run("TERM", server.shutdownSteps()));

    assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(lines()).singleElement().asString()
        .startsWith("Shutdown did not finish within 0.7 s of SIGTERM, stuck at closing ");
    release.countDown();
    sequence.join(20_000);
    assertThat(sequence.isAlive()).isFalse();
    assertThat(group.isTerminated()).isTrue();
  }

  private static Thread start(Runnable r) {
    Thread t = new Thread(r, "test-shutdown");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private SwitchboardConfig config() throws Exception {
    return ConfigLoader.load(Optional.empty(), new ConfigOverrides()
        .set("dataDir", dir.resolve("data"), "test")
        .set("publicAddress", "127.0.0.1", "test")
        .set("tls.enabled", false, "test")
        .set("signaling.listen", "127.0.0.1", "test")
        .set("signaling.port", 0, "test")
        .set("turn.listen", "127.0.0.1", "test")
        .set("turn.port", 0, "test")
        .set("turn.relay.address", "127.0.0.1", "test")
        .set("shutdown.drainTimeout", "0s", "test"), "test");
  }

  /** One of its loops takes on a task that never ends as the group is told to shut down. */
  private final class StuckOnShutdownGroup extends MultiThreadIoEventLoopGroup {

    StuckOnShutdownGroup(int threads) {
      super(threads, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
      next().execute(BoundedShutdownTest.this::stuck);
      return super.shutdownGracefully(quietPeriod, timeout, unit);
    }
  }
}
