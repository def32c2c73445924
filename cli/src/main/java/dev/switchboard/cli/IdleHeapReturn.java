package dev.switchboard.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back once a spell of work is over: when no collection has run for {@link #QUIET},
 * the heap grew by less than a tenth of its size meanwhile, and more is committed than G1 would keep,
 * one concurrent cycle ({@code System.gc()} under {@code -XX:+ExplicitGCInvokesConcurrent}, which
 * dist/switchboard's stub sets), whose remark pause shrinks the heap to its {@code MaxHeapFreeRatio}.
 * Then nothing until a collection shows work again. Start-up counts as work.
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
  /** Committed heap beyond what G1 would keep that is not worth a cycle: a few 1 MB regions. */
  static final long NOT_WORTH_A_CYCLE = 4L << 20;

  private static final Logger log = LoggerFactory.getLogger(IdleHeapReturn.class);

  /**
   * What the checks read: collections run so far, the heap's bytes in use and committed, and of those
   * in use the ones outside the young generation's eden (what the last collection kept, and since).
   */
  record Heap(long collections, long used, long committed, long retained) {}

  private final Supplier<Heap> heap;
  private final Runnable collect;
  private final int quietChecks;
  private final double maxFree;
  private long seen;
  /** The heap's use at each of the last {@code quietChecks} checks, oldest at {@link #next}. */
  private final long[] usedAt;
  private int next;
  private int quietFor;
  /**
   * Whether the heap was returned since the last collection that showed work. False at first:
   * start-up is work (its heap, committed for the JVM's initial size, is mostly free once it ends).
   */
  private boolean returned;

  /**
   * @param collect runs a collection that returns the heap, and returns when it is done
   * @param maxFree the fraction of the heap that may stay free after it ({@code MaxHeapFreeRatio})
   */
  IdleHeapReturn(Supplier<Heap> heap, Runnable collect, int quietChecks, double maxFree) {
    this.heap = heap;
    this.collect = collect;
    this.quietChecks = quietChecks;
    this.maxFree = maxFree;
    Heap now = heap.get();
    this.seen = now.collections();
    this.usedAt = new long[quietChecks];
    Arrays.fill(usedAt, now.used());
  }

  /** One look, every {@link #CHECK_EVERY}. */
  void check() {
    Heap now = heap.get();
    long usedQuietAgo = usedAt[next];
    usedAt[next] = now.used();
    next = (next + 1) % usedAt.length;
    if (now.collections() != seen) {
      seen = now.collections();
      quietFor = 0;
      returned = false;
      return;
    }
    if (returned || ++quietFor < quietChecks) {
      return;
    }
    if (now.used() - usedQuietAgo >= IDLE_GROWTH * now.committed()) {
      return; // still allocating, just into a young generation large enough to take it for a while
    }
    returned = true;
    if (now.committed() > now.retained() / (1 - maxFree) + NOT_WORTH_A_CYCLE) {
      collect.run();
      seen = heap.get().collections(); // our own cycle is not work
    }
  }

  /**
   * Checks on a daemon thread of its own (a cycle's {@code System.gc()} waits for the marking, which
   * no event loop should), or does nothing where {@code System.gc()} would not be a concurrent G1
   * cycle: a JVM started without the stub's options ({@code java -jar}) or with another collector.
   *
   * @return what stops it
   */
  static Runnable start() {
    List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    Double maxFree = concurrentG1MaxFree(collectors);
    if (maxFree == null) {
      return () -> { };
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<MemoryPoolMXBean> retainedPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP && !pool.getName().contains("Eden")).toList();
    Supplier<Heap> heap = () -> {
      MemoryUsage usage = memory.getHeapMemoryUsage();
      long collections = collectors.stream().mapToLong(c -> Math.max(0, c.getCollectionCount())).sum();
      long retained = retainedPools.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();
      return new Heap(collections, usage.getUsed(), usage.getCommitted(), retained);
    };
    IdleHeapReturn idle = new IdleHeapReturn(heap, System::gc, (int) (QUIET.toMillis() / CHECK_EVERY.toMillis()),
        maxFree);
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "idle-heap-return");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(() -> {
      try {
        idle.check();
      } catch (RuntimeException e) {
        log.warn("returning the idle heap: {}", e.toString()); // an exception would end the schedule
      }
    }, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return thread::shutdownNow;
  }

  /** MaxHeapFreeRatio as a fraction when System.gc() starts a concurrent G1 cycle here; null otherwise. */
  private static Double concurrentG1MaxFree(List<GarbageCollectorMXBean> collectors) {
    if (collectors.stream().noneMatch(c -> c.getName().startsWith("G1 "))) {
      return null; // the stub asks for G1, but SWITCHBOARD_JAVA_OPTS may pick another
    }
    try {
      HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (vm == null || !Boolean.parseBoolean(vm.getVMOption("ExplicitGCInvokesConcurrent").getValue())
          || Boolean.parseBoolean(vm.getVMOption("DisableExplicitGC").getValue())) {
        return null;
      }
      return Integer.parseInt(vm.getVMOption("MaxHeapFreeRatio").getValue()) / 100.0;
    } catch (IllegalArgumentException | LinkageError e) {
      return null; // not HotSpot, or a runtime without jdk.management
    }
  }
}
