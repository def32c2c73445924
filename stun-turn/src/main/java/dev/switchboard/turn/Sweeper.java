package dev.switchboard.turn;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one periodic expiry pass (DESIGN.md "Time and expiry"): frees expired allocations, permissions,
 * channels and port reservations. Each allocation is swept on its own event loop, so no allocation
 * state is touched from a foreign thread. Thread-safe.
 */
final class Sweeper {

  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

  private final TurnContext ctx;
  /** Loops that refused a sweep, each reported once. */
  private final Set<EventLoop> refusing = ConcurrentHashMap.newKeySet();

  Sweeper(TurnContext ctx) {
    this.ctx = ctx;
  }

  /** Runs one cycle against the injected clock; the future completes when every loop has swept. */
  CompletableFuture<Void> sweepOnce() {
    long now = ctx.clock().millis();
    ctx.reservations().sweep(now);
    Map<EventLoop, List<Allocation>> byLoop = new HashMap<>();
    for (Allocation a : ctx.registry().snapshot()) {
      byLoop.computeIfAbsent(a.client().eventLoop(), l -> new ArrayList<>()).add(a);
    }
    List<CompletableFuture<Void>> parts = new ArrayList<>(byLoop.size());
    byLoop.forEach((loop, allocations) -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      parts.add(done);
      try {
        loop.execute(() -> {
          try {
            for (Allocation a : allocations) {
              a.sweep(now);
            }
          } finally {
            done.complete(null);
          }
        });
      } catch (RejectedExecutionException e) {
        done.complete(null);
        // A loop that stopped (its thread killed by an Error, say) refuses every later sweep too: said
        // once, not a stack trace a second. Its allocations are confined to it: no other thread frees them.
        if (refusing.add(loop)) {
          log.warn("TURN expiry sweep: an event loop takes no more tasks ({}); its {} allocation(s) will not"
              + " expire until restart", e.getMessage(), allocations.size());
        }
      }
    });
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
  }

  /** Closes every allocation on its loop (server shutdown). */
  CompletableFuture<Void> closeAll() {
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (Allocation a : ctx.registry().snapshot()) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      parts.add(done);
      EventLoop loop = a.client().eventLoop();
      if (loop.isShuttingDown()) {
        done.complete(null);
        continue;
      }
      try {
        loop.execute(() -> {
          try {
            a.close("server closing");
          } finally {
            done.complete(null);
          }
        });
      } catch (RejectedExecutionException stoppedSinceTheCheck) {
        done.complete(null);
      }
    }
    ctx.reservations().clear();
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
  }
}
