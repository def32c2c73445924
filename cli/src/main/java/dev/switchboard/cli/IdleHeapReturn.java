package dev.switchboard.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Gives the heap back once a spell of work is over: when no collection has run for {@link #QUIET}
 * and the heap grew by less than a tenth of its size meanwhile, one concurrent cycle
 * ({@code System.gc()} under {@code -XX:+ExplicitGCInvokesConcurrent}, which dist/switchboard's stub
 * sets), at whose end G1 shrinks the heap to its {@code MaxHeapFreeRatio}. Then nothing until a
 * collection shows work again.
 *
 * <p>G1's own periodic collection ({@code G1PeriodicGCInterval}), which did this before, ran a cycle
 * every interval for as long as the server stayed idle (at 6000 idle WSS sessions its marking took
 * 1.4% of a core, and marking grows with the live heap), and it ran under steady load too, whenever
 * the young generation took longer than the interval to fill: the heap shrank to what was live, and
 * young collections then came every few hundred milliseconds until G1 had grown it again (bench
 * signaling, GC log at 10000 signals/s). Not thread-safe: {@link #check()} runs on one thread.
 */
final class IdleHeapReturn {

  static final Duration QUIET = Duration.ofSeconds(5);
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  /** Growth of the heap over {@link #QUIET}, as a fraction of its committed size, that still counts as idle. */
  static final double IDLE_GROWTH = 0.1;

  /** What the checks read: collections run so far, and the heap's bytes in use and committed. */
  record Heap(long collections, long used, long committed) {}

  private final Supplier<Heap> heap;
  private final Runnable collect;
  private final int quietChecks;
  private long seen;
  private long usedAtQuietStart;
  private int quietFor;
  /** True until a collection shows work: nothing to give back before then, nor after a return. */
  private boolean returned = true;

  /** @param collect runs a collection that returns the heap, and returns when it is done */
  IdleHeapReturn(Supplier<Heap> heap, Runnable collect, int quietChecks) {
    this.heap = heap;
    this.collect = collect;
    this.quietChecks = quietChecks;
    Heap now = heap.get();
    this.seen = now.collections();
    this.usedAtQuietStart = now.used();
  }

  /** One look, every {@link #CHECK_EVERY}. */
  void check() {
    Heap now = heap.get();
    if (now.collections() != seen) {
      seen = now.collections();
      usedAtQuietStart = now.used();
      quietFor = 0;
      returned = false;
      return;
    }
    if (returned || ++quietFor < quietChecks) {
      return;
    }
    if (now.used() - usedAtQuietStart < IDLE_GROWTH * now.committed()) {
      collect.run();
      seen = heap.get().collections(); // our own cycle is not work
      returned = true;
    } else {
      usedAtQuietStart = now.used(); // still allocating, just into a large young generation: look again later
      quietFor = 0;
    }
  }

  /**
   * Checks on a daemon thread of its own (a cycle's {@code System.gc()} waits for the marking, which
   * no event loop should), or does nothing when {@code System.gc()} would stop the world instead:
   * a JVM started without the stub's options ({@code java -jar}).
   *
   * @return what stops it
   */
  static Runnable start() {
    if (!explicitCollectionsAreConcurrent()) {
      return () -> { };
    }
    List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Supplier<Heap> heap = () -> {
      MemoryUsage usage = memory.getHeapMemoryUsage();
      long collections = collectors.stream().mapToLong(c -> Math.max(0, c.getCollectionCount())).sum();
      return new Heap(collections, usage.getUsed(), usage.getCommitted());
    };
    IdleHeapReturn idle = new IdleHeapReturn(heap, System::gc, (int) (QUIET.toMillis() / CHECK_EVERY.toMillis()));
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "idle-heap-return");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(idle::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return thread::shutdownNow;
  }

  private static boolean explicitCollectionsAreConcurrent() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    try {
      return vm != null && Boolean.parseBoolean(vm.getVMOption("ExplicitGCInvokesConcurrent").getValue())
          && !Boolean.parseBoolean(vm.getVMOption("DisableExplicitGC").getValue());
    } catch (IllegalArgumentException e) {
      return false; // not HotSpot
    }
  }
}
