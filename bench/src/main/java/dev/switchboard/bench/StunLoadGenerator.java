package dev.switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The one STUN load generator of the benchmark, used alike for Switchboard and coturn: an open-loop
 * load paced in steps, spread over {@code threads} event loops, each with its own client sockets and
 * transactions ({@link LoadWorker}). Not thread-safe: one caller drives it.
 */
final class StunLoadGenerator implements AutoCloseable {

  /** Larger than any response either server sends to our requests (a 401 with REALM and NONCE is ~100 bytes). */
  static final int MAX_RESPONSE = 1500;
  static final int READ_BATCH = 16;

  private final EventLoopGroup group;
  private final List<LoadWorker<?>> workers = new ArrayList<>();
  private final Duration timeout;

  private StunLoadGenerator(int threads, Duration timeout) {
    IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, io);
    this.timeout = timeout;
  }

  private static Bootstrap template() {
    Bootstrap b = new Bootstrap()
        .option(ChannelOption.SO_RCVBUF, 1 << 20)
        .option(ChannelOption.SO_SNDBUF, 1 << 20);
    if (!Epoll.isAvailable()) {
      return b.channel(NioDatagramChannel.class);
    }
    // Up to READ_BATCH responses per recvmmsg instead of one recvmsg each: the generator's receive
    // path is CPU the server under test does not get.
    return b.channel(EpollDatagramChannel.class)
        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_RESPONSE)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_RESPONSE * READ_BATCH));
  }

  /** Binding transactions over {@code sockets} client sockets in all. */
  static StunLoadGenerator binding(InetSocketAddress server, int threads, int sockets, Duration timeout)
      throws InterruptedException {
    StunLoadGenerator g = new StunLoadGenerator(threads, timeout);
    List<BindingWorker> made = g.create(loop -> new BindingWorker(loop, template(), server, timeout.toNanos(), seed(loop)));
    for (BindingWorker w : made) {
      w.open(Math.max(1, sockets / threads));
    }
    return g;
  }

  /** Allocate cycles (or, with {@code hold}, allocations kept) over {@code tuples} client sockets in all. */
  static StunLoadGenerator allocations(InetSocketAddress server, int threads, int tuples, Duration timeout,
                                       StunMessages.Credentials credentials, boolean hold) throws InterruptedException {
    StunLoadGenerator g = new StunLoadGenerator(threads, timeout);
    List<AllocationWorker> made = g.create(loop -> new AllocationWorker(loop, template(), server, timeout.toNanos(),
        seed(loop), credentials, hold));
    for (AllocationWorker w : made) {
      w.open(Math.max(1, tuples / threads));
    }
    return g;
  }

  private static long seed(EventLoop loop) {
    return System.nanoTime() ^ System.identityHashCode(loop);
  }

  private <W extends LoadWorker<?>> List<W> create(Function<EventLoop, W> factory) {
    List<W> made = new ArrayList<>();
    group.forEach(executor -> {
      W w = factory.apply((EventLoop) executor);
      made.add(w);
      workers.add(w);
    });
    return made;
  }

  /**
   * Offers {@code perSecond} units for {@code duration}, then waits until every unit has completed or
   * failed (at most the timeout and a margin).
   */
  Step step(double perSecond, Duration duration) throws Exception {
    long total = Math.max(1, Math.round(perSecond * duration.toNanos() / 1e9));
    long each = total / workers.size();
    for (int i = 0; i < workers.size(); i++) {
      LoadWorker<?> w = workers.get(i);
      long share = i == 0 ? total - each * (workers.size() - 1) : each;
      w.loop.submit(() -> w.pace(perSecond * share / total, share)).sync();
    }
    Thread.sleep(duration.toMillis());
    long deadline = System.nanoTime() + timeout.toNanos() + 3_000_000_000L;
    while (!allIdle() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    double seconds = Math.max(duration.toNanos(), 1) / 1e9;
    List<LoadStats> stats = new ArrayList<>();
    for (LoadWorker<?> w : workers) {
      stats.add(w.loop.submit(w::stats).get());
    }
    return LoadStats.merge(stats, perSecond, seconds);
  }

  private boolean allIdle() throws Exception {
    for (LoadWorker<?> w : workers) {
      if (!w.loop.submit(w::idle).get()) {
        return false;
      }
    }
    return true;
  }

  /** Allocations held by an {@link #allocations} generator with {@code hold}. */
  int held() throws Exception {
    int n = 0;
    for (LoadWorker<?> w : workers) {
      if (w instanceof AllocationWorker a) {
        n += a.loop.submit(a::held).get();
      }
    }
    return n;
  }

  /** Deletes the held allocations (Refresh LIFETIME=0) and waits for the answers. */
  void releaseHeld() throws Exception {
    for (LoadWorker<?> w : workers) {
      if (w instanceof AllocationWorker a) {
        a.loop.submit(a::releaseHeld).sync();
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos() + 3_000_000_000L;
    while (!allIdle() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    for (LoadWorker<?> w : workers) {
      w.loop.submit(w::closeAll).syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
