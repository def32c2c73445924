package dev.switchboard.signaling;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signaling port's connections by client IP, in two stages. From its accept until its WebSocket
 * upgrade a connection is in its HTTP phase: it must bring a complete request within
 * {@link #REQUEST_DEADLINE_MILLIS} of the accept and of its previous request, or the sweep closes it
 * (a deadline per request, not an idle timer: a slowloris trickling one header line at a time is
 * never idle), and one IP holds at most {@code connectionsPerIp} of them (more are closed at the
 * accept). Upgraded WebSockets count apart, at most {@code connectionsPerIp} per IP too (beyond:
 * HTTP 429). So one IP holds at most twice connectionsPerIp connections, and none for long unless it
 * speaks the protocol (a WebSocket is then watched by the heartbeat).
 *
 * <p>Behind a trusted proxy ({@link ClientAddresses}) a WebSocket counts for the client the proxy
 * names, and the proxy's connections in their HTTP phase are not capped: they are every client's,
 * and its keep-alive pool can be larger than one client's share. They keep the deadline.
 *
 * <p>A WebSocket holds no entry here, only its IP's count: the HTTP phase's deadline goes at the
 * upgrade. Thread-safe: connections come and go on every loop, the sweep runs on the ticker's.
 */
final class ConnectionRegistry {

  private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);
  /** How long a connection in its HTTP phase has for each complete request, the first from its accept. */
  static final long REQUEST_DEADLINE_MILLIS = 10_000;

  private final int perIp;
  private final Clock clock;
  private final ClientAddresses clients;
  /** Connections in their HTTP phase, with the epoch millis their next request must be in by. */
  private final ConcurrentHashMap<Channel, Long> httpDeadlines = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> httpPerIp = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> webSocketsPerIp = new ConcurrentHashMap<>();
  /**
   * Gives a closed connection's place back to its IP. One listener for all: a listener per
   * connection kept the IP's string and a lambda alive for as long as the connection.
   */
  private final ChannelFutureListener closed = future -> closed(future.channel());

  ConnectionRegistry(int perIp, Clock clock, ClientAddresses clients) {
    this.perIp = perIp;
    this.clock = clock;
    this.clients = clients;
  }

  /** The peer's IP, which a connection in its HTTP phase counts for: a proxy's, when it comes through one. */
  static String peerIp(Channel channel) {
    return ClientAddresses.peer(channel).getHostAddress();
  }

  /**
   * A new connection, in its HTTP phase; false (nothing counted) when its IP has too many in that
   * phase. A trusted proxy's are not counted: see the class comment.
   */
  boolean accepted(Channel channel) {
    String ip = peerIp(channel);
    if (capped(channel) && !acquire(httpPerIp, ip)) {
      log.debug("connection from {} closed at once: {} from it have not upgraded yet", ip, perIp);
      return false;
    }
    httpDeadlines.put(channel, clock.millis() + REQUEST_DEADLINE_MILLIS);
    channel.closeFuture().addListener(closed);
    return true;
  }

  /** A complete request came: the next one is due within the deadline from now. */
  void requestArrived(Channel channel) {
    httpDeadlines.replace(channel, clock.millis() + REQUEST_DEADLINE_MILLIS);
  }

  /**
   * The connection becomes a WebSocket of {@code client} (its peer, or whom a trusted proxy names):
   * it counts among that IP's WebSockets from now on, with no deadline. False, and it stays in its
   * HTTP phase, when that IP has connectionsPerIp already (or it closed meanwhile): a proxy's
   * keep-alive connection may then carry another client's upgrade.
   */
  boolean upgrading(Channel channel, InetAddress client) {
    if (!httpDeadlines.containsKey(channel) || !acquire(webSocketsPerIp, client.getHostAddress())) {
      return false;
    }
    // Recorded before the phase changes: from then on the close gives the place back to this IP.
    ClientAddresses.upgraded(channel, client);
    httpDeadlines.remove(channel);
    if (capped(channel)) {
      release(httpPerIp, peerIp(channel));
    }
    return true;
  }

  private void closed(Channel channel) {
    if (httpDeadlines.remove(channel) == null) {
      release(webSocketsPerIp, ClientAddresses.of(channel).getHostAddress());
    } else if (capped(channel)) {
      release(httpPerIp, peerIp(channel));
    }
  }

  /** Whether the connection's HTTP phase counts against its IP: not a trusted proxy's. */
  private boolean capped(Channel channel) {
    return !clients.trusted(ClientAddresses.peer(channel));
  }

  /** Closes every connection in its HTTP phase whose request is overdue; part of the hub's tick. */
  void sweep(long nowMillis) {
    for (Map.Entry<Channel, Long> entry : httpDeadlines.entrySet()) {
      if (nowMillis >= entry.getValue()) {
        log.debug("connection from {}: no complete HTTP request within {} ms, closed", peerIp(entry.getKey()),
            REQUEST_DEADLINE_MILLIS);
        entry.getKey().close();
      }
    }
  }

  /** Closes every connection in its HTTP phase (the server stops); their close futures. */
  List<ChannelFuture> closeHttpPhase() {
    List<ChannelFuture> closing = new ArrayList<>();
    httpDeadlines.keySet().forEach(channel -> closing.add(channel.close()));
    return closing;
  }

  /** Connections in their HTTP phase. */
  int inHttpPhase() {
    return httpDeadlines.size();
  }

  /** Counts one more for {@code ip}; false (and nothing counted) when that would pass the limit. Atomic per IP. */
  private boolean acquire(ConcurrentHashMap<String, Integer> counts, String ip) {
    if (counts.merge(ip, 1, Integer::sum) > perIp) {
      release(counts, ip);
      return false;
    }
    return true;
  }

  private static void release(ConcurrentHashMap<String, Integer> counts, String ip) {
    counts.computeIfPresent(ip, (k, count) -> count <= 1 ? null : count - 1);
  }
}
