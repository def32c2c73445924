package dev.switchboard.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One load-generator session over a WebSocket: answers what its protocol requires, records when it
 * is ready and joined, and records the latency of every signal it receives. While paced it sends a
 * signal to its target every period from its channel's event loop; a send is skipped (and counted
 * as offered but not sent) while the channel is not writable, so a slow server cannot make the
 * generator buffer without bound. Confined to its channel's event loop, except the futures and the
 * shared counters.
 */
final class LoadClient extends SimpleChannelInboundHandler<TextWebSocketFrame> {

  /** What every client of one load adds to. */
  record Counters(LatencyHistogram latency, LongAdder delivered, LongAdder sent, LongAdder skipped,
                  LongAdder failures, StringBuilder firstFailure) {
    static Counters create() {
      return new Counters(new LatencyHistogram(), new LongAdder(), new LongAdder(), new LongAdder(),
          new LongAdder(), new StringBuilder());
    }
  }

  final CompletableFuture<String> ready = new CompletableFuture<>();
  final CompletableFuture<Void> joined = new CompletableFuture<>();

  private final SignalingWire wire;
  private final Counters counters;
  private Channel channel;
  private ScheduledFuture<?> pacer;

  LoadClient(SignalingWire wire, Counters counters) {
    this.wire = wire;
    this.counters = counters;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
    SignalingWire.Event event = wire.parse(frame.text());
    if (event instanceof SignalingWire.Signal s) {
      if (s.sentNanos() > 0) {
        counters.latency().record(System.nanoTime() - s.sentNanos());
      }
      counters.delivered().increment();
    } else if (event instanceof SignalingWire.Reply r) {
      ctx.writeAndFlush(new TextWebSocketFrame(r.frame()));
    } else if (event instanceof SignalingWire.Ready r) {
      ready.complete(r.peerId());
    } else if (event instanceof SignalingWire.Joined) {
      joined.complete(null);
    } else if (event instanceof SignalingWire.Failed f) {
      counters.failures().increment();
      synchronized (counters.firstFailure()) {
        if (counters.firstFailure().length() == 0) {
          counters.firstFailure().append(f.frame(), 0, Math.min(300, f.frame().length()));
        }
      }
      ready.completeExceptionally(new IllegalStateException("refused: " + f.frame()));
      joined.completeExceptionally(new IllegalStateException("refused: " + f.frame()));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    IllegalStateException closed = new IllegalStateException("connection closed");
    ready.completeExceptionally(closed);
    joined.completeExceptionally(closed);
    stop();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ready.completeExceptionally(cause);
    joined.completeExceptionally(cause);
    ctx.close();
  }

  void join(String room) {
    channel.writeAndFlush(new TextWebSocketFrame(wire.join(room)));
  }

  /** Starts sending a signal to {@code to} in {@code room} every {@code periodNanos}. */
  void pace(String room, String to, long initialDelayNanos, long periodNanos) {
    channel.eventLoop().execute(() -> {
      if (pacer != null) {
        pacer.cancel(false);
      }
      pacer = channel.eventLoop().scheduleAtFixedRate(() -> send(room, to), initialDelayNanos, periodNanos,
          TimeUnit.NANOSECONDS);
    });
  }

  void stop() {
    if (channel == null) {
      return;
    }
    channel.eventLoop().execute(() -> {
      if (pacer != null) {
        pacer.cancel(false);
        pacer = null;
      }
    });
  }

  private void send(String room, String to) {
    if (!channel.isWritable()) {
      counters.skipped().increment();
      return;
    }
    counters.sent().increment();
    channel.writeAndFlush(new TextWebSocketFrame(wire.signal(room, to, System.nanoTime())), channel.voidPromise());
  }
}
