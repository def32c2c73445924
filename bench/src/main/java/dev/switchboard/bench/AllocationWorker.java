package dev.switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Allocate load. Each unit is one cycle on a client socket of its own (a TURN allocation is tied to
 * its 5-tuple): Allocate without credentials → 401 with REALM and NONCE → Allocate signed with the
 * long-term key → success → Refresh LIFETIME=0 (signed) → success, after which the socket is free for
 * the next cycle after {@link #COOL_DOWN_NANOS}. Relay ports are finite, so the cycle gives each one back. Completed: the whole cycle
 * succeeded; latency: request to success of the signed Allocate. A cycle that fails, times out or
 * finds no free socket counts as failed; a failed socket that may still hold an allocation sends a
 * Refresh LIFETIME=0 (not counted) before it is used again. With {@code hold}, cycles stop after the Allocate success and
 * keep their allocation (the memory benchmark). Confined to its event loop.
 */
final class AllocationWorker extends LoadWorker<AllocationWorker.Tuple> {

  enum State { CHALLENGE, ALLOCATE, RELEASE, HELD, CLEANUP }

  /**
   * How long a 5-tuple rests between cycles: coturn keeps a deleted allocation for up to a second and
   * answers a new Allocate on its 5-tuple with 437 until then (measured: reuse after 0.5 s fails, after 1 s works).
   */
  static final long COOL_DOWN_NANOS = 1_000_000_000L;

  /** One client 5-tuple and where its cycle is. */
  static final class Tuple {
    final DatagramChannel channel;
    State state;
    byte[] nonce;
    long freeAt;

    Tuple(DatagramChannel channel) {
      this.channel = channel;
    }
  }

  private final StunMessages messages;
  private final boolean hold;
  private final ArrayDeque<Tuple> free = new ArrayDeque<>();
  private final List<Tuple> held = new ArrayList<>();
  private int cleanupsScheduled;

  AllocationWorker(EventLoop loop, Bootstrap template, InetSocketAddress server, long timeoutNanos, long seed,
                   StunMessages.Credentials credentials, boolean hold) {
    super(loop, template, server, timeoutNanos, seed);
    this.messages = new StunMessages(credentials);
    this.hold = hold;
  }

  /** Binds {@code n} client sockets; blocks, so call it off the loop. */
  void open(int n) throws InterruptedException {
    List<Tuple> opened = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      opened.add(new Tuple((DatagramChannel) bind().sync().channel()));
    }
    loop.submit(() -> free.addAll(opened)).sync();
  }

  int held() {
    return held.size();
  }

  @Override
  protected void startOne(long now) {
    Tuple t = free.peek();
    if (t != null && t.freeAt - now <= 0) {
      free.poll();
    } else {
      t = null;
    }
    if (t == null) {
      stats.failed++; // offered but no 5-tuple free: earlier cycles are still waiting on the server
      return;
    }
    t.state = State.CHALLENGE;
    Tid tid = Tid.random(random);
    send(t.channel, t, tid, StunMessages.allocateUnauthenticated(tid), now);
  }

  @Override
  protected void onResponse(Tuple t, ByteBuf message, long sentAt, long now) {
    int type = StunMessages.type(message);
    switch (t.state) {
      case CLEANUP -> rest(t, now);
      case CHALLENGE -> {
        byte[] nonce = StunMessages.attribute(message, StunMessages.NONCE);
        if (type != (StunMessages.ALLOCATE_REQUEST | StunMessages.ERROR) || StunMessages.errorCode(message) != 401
            || nonce == null) {
          error(t, message);
          return;
        }
        t.nonce = nonce;
        t.state = State.ALLOCATE;
        Tid tid = Tid.random(random);
        send(t.channel, t, tid, messages.allocate(tid, nonce), now);
      }
      case ALLOCATE -> {
        if (type != (StunMessages.ALLOCATE_REQUEST | StunMessages.SUCCESS)) {
          error(t, message);
          return;
        }
        stats.latency(now - sentAt);
        if (hold) {
          t.state = State.HELD;
          held.add(t);
          stats.completed++;
          return;
        }
        t.state = State.RELEASE;
        Tid tid = Tid.random(random);
        send(t.channel, t, tid, messages.release(tid, t.nonce), now);
      }
      case RELEASE -> {
        if (type != (StunMessages.REFRESH_REQUEST | StunMessages.SUCCESS)) {
          error(t, message);
          return;
        }
        stats.completed++;
        rest(t, now);
      }
      case HELD -> { }
    }
  }

  @Override
  protected void onTimeout(Tuple t) {
    if (t.state == State.CLEANUP) {
      rest(t, System.nanoTime());
    } else {
      fail(t);
    }
  }

  @Override
  protected boolean settled() {
    return cleanupsScheduled == 0;
  }

  private void rest(Tuple t, long now) {
    t.freeAt = now + COOL_DOWN_NANOS;
    free.add(t);
  }

  private void error(Tuple t, ByteBuf message) {
    stats.errors++;
    int code = StunMessages.errorCode(message);
    stats.lastError = code != 0 ? code : -StunMessages.type(message);
    fail(t);
  }

  private void fail(Tuple t) {
    stats.failed++;
    if (t.nonce == null || t.state == State.CHALLENGE) {
      rest(t, System.nanoTime()); // never sent a signed Allocate on this cycle: holds no allocation
      return;
    }
    // The server may hold an allocation for this 5-tuple (the answer was late or lost): delete it,
    // after the cool-down, or the next Allocate on the 5-tuple would get 437.
    t.state = State.CLEANUP;
    cleanupsScheduled++;
    loop.schedule(() -> {
      cleanupsScheduled--;
      Tid tid = Tid.random(random);
      send(t.channel, t, tid, messages.release(tid, t.nonce), System.nanoTime());
    }, COOL_DOWN_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Sends Refresh LIFETIME=0 for every held allocation (answers are not awaited). Call on the loop. */
  void releaseHeld() {
    long now = System.nanoTime();
    for (Tuple t : held) {
      t.state = State.RELEASE;
      Tid tid = Tid.random(random);
      send(t.channel, t, tid, messages.release(tid, t.nonce), now);
    }
    held.clear();
  }
}
