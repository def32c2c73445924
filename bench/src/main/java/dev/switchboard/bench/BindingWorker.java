package dev.switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Binding load: each unit is one Binding transaction, sent round-robin over this loop's client
 * sockets (several source ports, so the server's SO_REUSEPORT sockets all get a share). Completed:
 * a Binding success response with the request's transaction id. Confined to its event loop.
 */
final class BindingWorker extends LoadWorker<DatagramChannel> {

  private final List<DatagramChannel> channels = new ArrayList<>();
  private int next;

  BindingWorker(EventLoop loop, Bootstrap template, InetSocketAddress server, long timeoutNanos, long seed) {
    super(loop, template, server, timeoutNanos, seed);
  }

  /** Binds {@code n} sockets; blocks, so call it off the loop. */
  void open(int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      channels.add((DatagramChannel) bind().sync().channel());
    }
  }

  @Override
  protected void startOne(long now) {
    DatagramChannel channel = channels.get(next++ % channels.size());
    Tid tid = Tid.random(random);
    send(channel, channel, tid, StunMessages.binding(tid), now);
  }

  @Override
  protected void onResponse(DatagramChannel owner, ByteBuf message, long sentAt, long now) {
    if (StunMessages.type(message) == (StunMessages.BINDING_REQUEST | StunMessages.SUCCESS)) {
      stats.completed++;
      stats.latency(now - sentAt);
    } else {
      stats.failed++;
      stats.errors++;
      stats.lastError = StunMessages.errorCode(message);
    }
  }

  @Override
  protected void onTimeout(DatagramChannel owner) {
    stats.failed++;
  }
}
