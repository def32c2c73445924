package dev.switchboard.turn;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The one periodic expiry pass (DESIGN.md "Time and expiry"): frees expired allocations, permissions,
 * channels and port reservations. Each allocation is swept on its own event loop, so no allocation
 * state is touched from a foreign thread. Thread-safe.
 */
final class Sweeper {

  private final TurnContext ctx;

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
      loop.execute(() -> {
        try {
          for (Allocation a : allocations) {
            a.sweep(now);
          }
        } finally {
          done.complete(null);
        }
      });
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
      loop.execute(() -> {
        try {
          a.close("server closing");
        } finally {
          done.complete(null);
        }
      });
    }
    ctx.reservations().clear();
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
  }
}
