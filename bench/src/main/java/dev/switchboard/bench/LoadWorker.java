package dev.switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the STUN load: its client sockets, its transactions in flight (matched
 * by the 96-bit transaction id) and their timeouts, and an open-loop pacer that starts units at a
 * fixed rate whether or not earlier ones were answered. Subclasses say what a unit is. Everything
 * here runs on {@link #loop}, so nothing is locked.
 */
abstract class LoadWorker<T> {

  /** A transaction in flight: who sent it and when (System.nanoTime). */
  private record Sent<T>(Tid tid, T owner, long at) {}

  protected final EventLoop loop;
  protected final InetSocketAddress server;
  protected final SplittableRandom random;
  private final Bootstrap bootstrap;
  private final long timeoutNanos;
  private final Map<Tid, Sent<T>> inFlight = new HashMap<>();
  /** In send order, so expiry pops from the head; entries already answered are skipped. */
  private final ArrayDeque<Sent<T>> sendOrder = new ArrayDeque<>();
  /** Each socket's datagrams of the current tick, by socket; the ones with some in {@link #toFlush}. */
  private final Map<DatagramChannel, DatagramBatch> batches = new IdentityHashMap<>();
  private final Set<DatagramBatch> toFlush = Collections.newSetFromMap(new IdentityHashMap<>());
  private final java.util.Queue<io.netty.channel.Channel> opened = new java.util.concurrent.ConcurrentLinkedQueue<>();
  protected LoadStats stats = new LoadStats();
  private ScheduledFuture<?> pacer;

  LoadWorker(EventLoop loop, Bootstrap template, InetSocketAddress server, long timeoutNanos, long seed) {
    this.loop = loop;
    this.server = server;
    this.timeoutNanos = timeoutNanos;
    this.random = new SplittableRandom(seed);
    this.bootstrap = template.clone(loop).handler(new Reader());
    loop.scheduleAtFixedRate(this::expire, 10, 10, TimeUnit.MILLISECONDS);
  }

  /** Starts one unit of load (a transaction or a cycle) now. */
  protected abstract void startOne(long now);

  /** A response to a transaction of {@code owner} that was sent {@code sentAt}. */
  protected abstract void onResponse(T owner, ByteBuf message, long sentAt, long now);

  /** The transaction of {@code owner} got no answer within the timeout. */
  protected abstract void onTimeout(T owner);

  /** Binds one more client socket (its own 5-tuple) on this loop. */
  protected final ChannelFuture bind() {
    ChannelFuture f = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    opened.add(f.channel());
    return f;
  }

  /**
   * Closes every socket this worker opened: shutting the event loop down does not release them
   * (measured: thousands of descriptors stayed open per generator).
   */
  final void closeAll() {
    opened.forEach(io.netty.channel.Channel::close);
    opened.clear();
  }

  protected final void send(DatagramChannel channel, T owner, Tid tid, byte[] message, long now) {
    Sent<T> s = new Sent<>(tid, owner, now);
    inFlight.put(tid, s);
    sendOrder.add(s);
    DatagramBatch batch = batches.computeIfAbsent(channel,
        c -> new DatagramBatch(c, server, DatagramBatch.supported(c)));
    batch.add(message);
    toFlush.add(batch);
  }

  /** One flush per socket per tick: the tick's datagrams go out in one GSO send (or one sendmmsg). */
  private void flush() {
    for (DatagramBatch b : toFlush) {
      b.flush();
    }
    toFlush.clear();
  }

  /** Starts {@code total} units at {@code perSecond} from now on; new stats for the step. Call on the loop. */
  final void pace(double perSecond, long total) {
    stats = new LoadStats();
    long start = System.nanoTime();
    pacer = loop.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      long due = Math.min(total, (long) (perSecond * (now - start) / 1e9));
      while (stats.started < due) {
        stats.started++;
        startOne(now);
      }
      flush();
      if (stats.started >= total) {
        pacer.cancel(false);
      }
    }, 0, 1, TimeUnit.MILLISECONDS);
  }

  final boolean idle() {
    return (pacer == null || pacer.isDone()) && inFlight.isEmpty() && settled();
  }

  /** False while a subclass still has work scheduled that will send (a clean-up, say). */
  protected boolean settled() {
    return true;
  }

  final LoadStats stats() {
    return stats;
  }

  private void expire() {
    long cutoff = System.nanoTime() - timeoutNanos;
    Sent<T> head;
    while ((head = sendOrder.peek()) != null && head.at() < cutoff) {
      sendOrder.poll();
      if (inFlight.remove(head.tid(), head)) {
        stats.timeouts++;
        onTimeout(head.owner());
      }
    }
    flush();
  }

  @ChannelHandler.Sharable
  private final class Reader extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf message = packet.content();
      if (StunMessages.type(message) < 0) {
        return;
      }
      Sent<T> s = inFlight.remove(Tid.of(message));
      if (s != null) { // null: late (already timed out) or not ours
        onResponse(s.owner(), message, s.at(), System.nanoTime());
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // ICMP port unreachable and the like: the transaction will time out.
    }
  }
}
