package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.collection.IntObjectHashMap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TURN allocation (RFC 8656 §2.2): its relay socket, permissions and channel bindings. Confined to
 * the event loop of its client's channel, where its relay channel is registered too, so the relay
 * path takes no locks. Deadlines are epoch millis checked on use; the sweeper prunes them.
 */
final class Allocation {

  private static final Logger log = LoggerFactory.getLogger(Allocation.class);

  /**
   * Datagrams from other allocations waiting for this allocation's event loop. Beyond this they are
   * dropped, as a full socket receive buffer would drop them on the kernel path.
   */
  static final int MAX_HANDOFF_QUEUE = 1024;

  /** A channel binding (RFC 8656 §12). */
  static final class ChannelBinding {
    final int number;
    final InetSocketAddress peer;
    long expiresAt;

    ChannelBinding(int number, InetSocketAddress peer, long expiresAt) {
      this.number = number;
      this.peer = peer;
      this.expiresAt = expiresAt;
    }
  }

  private final ClientLink client;
  private final String username;
  private final int port;
  private final InetSocketAddress relayAddress;
  private final TurnContext ctx;
  private final TokenBucket bucket;
  private final Clock clock;
  private final Map<InetAddress, long[]> permissions = new HashMap<>();
  private final IntObjectHashMap<ChannelBinding> channels = new IntObjectHashMap<>();
  private final Map<InetSocketAddress, ChannelBinding> channelsByPeer = new HashMap<>();
  private final AtomicInteger handoffQueue = new AtomicInteger();
  private RelaySocket relay;
  private long expiresAt;
  private byte[] allocateTransactionId;
  private byte[] allocateResponse;
  private boolean closed;

  Allocation(ClientLink client, String username, int port, InetSocketAddress relayAddress, long expiresAt,
             TurnContext ctx) {
    this.client = client;
    this.username = username;
    this.port = port;
    this.relayAddress = relayAddress;
    this.expiresAt = expiresAt;
    this.ctx = ctx;
    this.clock = ctx.clock();
    this.bucket = new TokenBucket(ctx.config().quotas().bytesPerSecond(), ctx.clock());
  }

  void attach(RelaySocket relaySocket) {
    this.relay = relaySocket;
  }

  /** The relay socket, once attached (for tests). */
  RelaySocket relaySocket() {
    return relay;
  }

  String username() {
    return username;
  }

  int port() {
    return port;
  }

  InetSocketAddress relayAddress() {
    return relayAddress;
  }

  boolean ipv6() {
    return relayAddress.getAddress() instanceof java.net.Inet6Address;
  }

  /**
   * Whether {@code peer} is of this allocation's family (RFC 8656 §9.2, else 443). An IPv4-mapped IPv6
   * address is of neither: IPv6 on the wire, so not an IPv4 allocation's (coturn: 443), and an IPv4
   * host behind it, which an IPv6 relay address does not reach.
   */
  boolean sameFamily(InetSocketAddress peer) {
    InetAddress address = peer.getAddress();
    if (address instanceof java.net.Inet6Address) {
      return ipv6() && !PeerPolicy.isMapped(address.getAddress());
    }
    return !ipv6();
  }

  ClientLink client() {
    return client;
  }

  long expiresAt() {
    return expiresAt;
  }

  boolean expired(long now) {
    return closed || expiresAt <= now;
  }

  void refresh(long newExpiresAt) {
    expiresAt = newExpiresAt;
  }

  /** Remembers the success response to answer a retransmitted Allocate (RFC 8656 §7.2 step 2). */
  void cacheAllocateResponse(byte[] transactionId, byte[] response) {
    allocateTransactionId = transactionId;
    allocateResponse = response;
  }

  /** The cached response when {@code transactionId} is the Allocate that created us, else null. */
  byte[] cachedAllocateResponse(byte[] transactionId) {
    return java.util.Arrays.equals(transactionId, allocateTransactionId) ? allocateResponse : null;
  }

  // ---- permissions (RFC 8656 §9) ----

  int permissionCount(long now) {
    int n = 0;
    for (long[] deadline : permissions.values()) {
      if (deadline[0] > now) {
        n++;
      }
    }
    return n;
  }

  boolean hasPermission(InetAddress ip, long now) {
    long[] deadline = permissions.get(ip);
    return deadline != null && deadline[0] > now;
  }

  void permit(InetAddress ip, long now) {
    long until = now + ctx.config().lifetimes().permission().toMillis();
    long[] deadline = permissions.get(ip);
    if (deadline == null) {
      permissions.put(ip, new long[] {until});
    } else {
      deadline[0] = until;
    }
  }

  // ---- channels (RFC 8656 §12) ----

  ChannelBinding channel(int number, long now) {
    ChannelBinding b = channels.get(number);
    return b != null && b.expiresAt > now ? b : null;
  }

  ChannelBinding channelFor(InetSocketAddress peer, long now) {
    ChannelBinding b = channelsByPeer.get(peer);
    return b != null && b.expiresAt > now ? b : null;
  }

  /** Binds or refreshes {@code number} to {@code peer}; the caller checked for conflicts. */
  void bindChannel(int number, InetSocketAddress peer, long now) {
    long until = now + ctx.config().lifetimes().channel().toMillis();
    ChannelBinding b = channels.get(number);
    if (b != null && b.peer.equals(peer)) {
      b.expiresAt = until;
      return;
    }
    if (b != null) {
      channelsByPeer.remove(b.peer, b);
    }
    ChannelBinding old = channelsByPeer.get(peer);
    if (old != null) {
      channels.remove(old.number);
    }
    b = new ChannelBinding(number, peer, until);
    channels.put(number, b);
    channelsByPeer.put(peer, b);
  }

  // ---- relay path: no locks, no ice4j, pooled buffers ----

  /** Client → peer through a bound channel (RFC 8656 §12.6). Takes ownership of {@code payload}. */
  void onChannelData(int number, ByteBuf payload) {
    long now = clock.millis();
    ChannelBinding b = channel(number, now);
    if (b == null || expired(now)) {
      // RFC 8656 §12.6: ChannelData on an unbound channel is silently discarded.
      payload.release();
      ctx.metrics().droppedPackets.increment();
      return;
    }
    sendToPeer(payload, b.peer, now);
  }

  /** Client → peer (Send indication or ChannelData). Takes ownership of {@code payload}. */
  void sendToPeer(ByteBuf payload, InetSocketAddress peer, long now) {
    int bytes = payload.readableBytes();
    // RFC 8656 §10.2 / §12.6: without a permission for the peer's IP the data is discarded. Data
    // over MAX_DATAGRAM too, the same limit as for a peer's (a TCP client's frames can be longer).
    if (bytes > RelaySockets.MAX_DATAGRAM || !hasPermission(peer.getAddress(), now) || !bucket.tryConsume(bytes)
        || relay == null) {
      payload.release();
      ctx.metrics().droppedPackets.increment();
      return;
    }
    Allocation local = ctx.registry().relayAt(peer);
    if (local != null) {
      ctx.metrics().relayed(bytes);
      // Both ends are relays of this server (two WebRTC peers on relay candidates of the same TURN
      // server): hand the datagram over in memory, as if it had come from our relay address,
      // instead of a send and a receive through the kernel. Also works where the advertised
      // address is a NAT's, which the kernel path would need hairpinning for.
      local.acceptFromRelay(relayAddress, payload);
      return;
    }
    if (relay.send(payload, peer)) {
      ctx.metrics().relayed(bytes);
    }
  }

  /**
   * A datagram that another allocation of this server sent to our relay address. Any thread; the
   * work moves to this allocation's loop. Takes ownership of {@code payload}.
   */
  void acceptFromRelay(InetSocketAddress source, ByteBuf payload) {
    EventLoop loop = client.eventLoop();
    if (loop.inEventLoop()) {
      deliverFromRelay(source, payload);
      return;
    }
    if (handoffQueue.incrementAndGet() > MAX_HANDOFF_QUEUE) {
      handoffQueue.decrementAndGet();
      payload.release();
      ctx.metrics().droppedPackets.increment();
      return;
    }
    try {
      loop.execute(() -> {
        handoffQueue.decrementAndGet();
        deliverFromRelay(source, payload);
      });
    } catch (RejectedExecutionException shuttingDown) {
      handoffQueue.decrementAndGet();
      payload.release();
    }
  }

  private void deliverFromRelay(InetSocketAddress source, ByteBuf payload) {
    try {
      ctx.metrics().relayedInMemory.increment();
      onPeerData(source, payload);
    } finally {
      payload.release();
    }
  }

  /** Peer → client (RFC 8656 §11.3, §12.7). Does not release {@code packet}. */
  void onPeerDatagram(InetSocketAddress sender, ByteBuf content) {
    if (content.readableBytes() > RelaySockets.MAX_DATAGRAM) {
      ctx.metrics().droppedPackets.increment(); // cut short by the kernel: relaying the rest would corrupt it
      return;
    }
    onPeerData(sender, content);
  }

  /** Peer → client: {@code content} from {@code peer}, read from our relay socket or handed over. Does not release it. */
  private void onPeerData(InetSocketAddress peer, ByteBuf content) {
    long now = clock.millis();
    int len = content.readableBytes();
    // RFC 8656 §11.3: data from a peer without a permission is discarded.
    if (expired(now) || !hasPermission(peer.getAddress(), now) || !bucket.tryConsume(len)) {
      ctx.metrics().droppedPackets.increment();
      return;
    }
    ChannelBinding b = channelFor(peer, now);
    ByteBuf out;
    if (b != null) {
      // One copy into a pooled buffer to put the 4-byte header in front: cheaper for small media
      // packets than a composite buffer, and the peer's read buffer is released right away.
      int padded = client.stream() ? (len + 3) & ~3 : len;
      out = client.alloc().directBuffer(4 + padded);
      out.writeShort(b.number).writeShort(len);
      ByteBufCopy.append(out, content, content.readerIndex(), len).writeZero(padded - len);
    } else {
      out = DataIndications.encode(client.alloc(), peer, content, len);
    }
    if (client.send(out)) {
      ctx.metrics().relayed(len);
    } else {
      ctx.metrics().droppedPackets.increment();
    }
  }

  // ---- expiry ----

  /** Drops expired permissions and channels; closes the allocation when it has expired itself. */
  void sweep(long now) {
    if (expired(now)) {
      close("expired");
      return;
    }
    permissions.values().removeIf(deadline -> deadline[0] <= now);
    channels.values().removeIf(b -> {
      if (b.expiresAt <= now) {
        channelsByPeer.remove(b.peer, b);
        return true;
      }
      return false;
    });
  }

  /** Deletes the allocation: closes the relay socket and returns its port once the socket is closed. */
  void close(String why) {
    if (closed) {
      return;
    }
    closed = true;
    log.debug("allocation {} of {} {} closed: {}", relayAddress, client.protocol(), client.remote(), why);
    if (client.allocation() == this) {
      client.allocation(null);
    }
    ctx.registry().remove(this);
    if (relay == null) {
      ctx.ports().release(port);
    } else {
      relay.close(() -> ctx.ports().release(port));
    }
  }

  boolean closed() {
    return closed;
  }
}
