package dev.switchboard.signaling;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.time.Clock;
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
 * <p>A WebSocket holds no entry here, only its IP's count: the HTTP phase's deadline goes at the
 * upgrade. Thread-safe: connections come and go on every loop, the sweep runs on the ticker's.
 */
final class ConnectionRegistry {

  private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);
  /** How long a connection in its HTTP phase has for each complete request, the first from its accept. */
  static final long REQUEST_DEADLINE_MILLIS = 10_000;

  private final int perIp;
  private final Clock clock;
  /** Connections in their HTTP phase, with the epoch millis their next request must be in by. */
  private final ConcurrentHashMap<Channel, Long> httpDeadlines = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> httpPerIp = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> webSocketsPerIp = new ConcurrentHashMap<>();
  /**
   * Gives a closed connection's place back to its IP. One listener for all: a listener per
   * connection kept the IP's string and a lambda alive for as long as the connection.
   */
  private final ChannelFutureListener closed = future -> closed(future.channel());

  ConnectionRegistry(int perIp, Clock clock) {
    this.perIp = perIp;
    this.clock = clock;
  }

  /** The client's IP: Netty keeps the remote address once asked, so it is there after the close too. */
  static String ip(Channel channel) {
    return ((InetSocketAddress) channel.remoteAddress()).getAddress().getHostAddress();
  }

  /** A new connection, in its HTTP phase; false (nothing counted) when its IP has too many in that phase. */
  boolean accepted(Channel channel) {
    String ip = ip(channel);
    if (!acquire(httpPerIp, ip)) {
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
   * The connection becomes a WebSocket: it counts among its IP's WebSockets from now on, with no
   * deadline. False, and it stays in its HTTP phase, when its IP has connectionsPerIp already (or it
   * closed meanwhile).
   */
  boolean upgrading(Channel channel) {
    String ip = ip(channel);
    if (!httpDeadlines.containsKey(channel) || !acquire(webSocketsPerIp, ip)) {
      return false;
    }
    httpDeadlines.remove(channel);
    release(httpPerIp, ip);
    return true;
  }

  private void closed(Channel channel) {
    String ip = ip(channel);
    release(httpDeadlines.remove(channel) != null ? httpPerIp : webSocketsPerIp, ip);
  }

  /** Closes every connection in its HTTP phase whose request is overdue; part of the hub's tick. */
  void sweep(long nowMillis) {
    for (Map.Entry<Channel, Long> entry : httpDeadlines.entrySet()) {
      if (nowMillis >= entry.getValue()) {
        log.debug("connection from {}: no complete HTTP request within {} ms, closed", ip(entry.getKey()),
            REQUEST_DEADLINE_MILLIS);
        entry.getKey().close();
      }
    }
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
