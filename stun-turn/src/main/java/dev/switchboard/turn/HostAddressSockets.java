package dev.switchboard.turn;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.BindException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wildcard UDP listener's sockets on each of the host's addresses, so that answers leave from the
 * address a client sent to: a wildcard socket's leave from the address the kernel routes by, which on
 * a host with several addresses of a family need not be that one, and the client or its NAT drops
 * them. The kernel prefers a socket bound to a datagram's address to the wildcard's. The host's
 * addresses are read again every {@link #RESCAN}: an IPv6 address still in duplicate address
 * detection at boot cannot be bound yet, and DHCP or SLAAC may add one later; until then the
 * wildcard socket answers for it. Thread-safe: its monitor guards the sockets.
 */
final class HostAddressSockets {

  /** Binds the listener's socket group on one address; the channels are this object's to close. */
  interface Binder {
    List<Channel> bind(InetAddress address) throws BindException;
  }

  private static final Logger log = LoggerFactory.getLogger(HostAddressSockets.class);

  /**
   * Addresses that get sockets of their own; the rest (a host with hundreds of container bridges,
   * say) are left to the wildcard socket. Each costs a socket per UDP event loop.
   */
  static final int MAX = 64;
  static final Duration RESCAN = Duration.ofSeconds(30);

  private final Supplier<List<InetAddress>> hostAddresses;
  private final Binder binder;
  private final Map<InetAddress, List<Channel>> bound = new LinkedHashMap<>();
  /** Addresses whose bind failed, warned about once rather than at every rescan. */
  private final Set<InetAddress> refused = new HashSet<>();
  private boolean capWarned;
  private boolean closed;
  private ScheduledFuture<?> rescanning;

  HostAddressSockets(Supplier<List<InetAddress>> hostAddresses, Binder binder) {
    this.hostAddresses = hostAddresses;
    this.binder = binder;
  }

  /**
   * Binds the addresses the host has and that have no sockets yet, or none after {@link #close};
   * returns them. Blocks until bound: not from an event loop.
   */
  synchronized List<InetAddress> bindNew() {
    List<InetAddress> added = new ArrayList<>();
    if (closed) {
      return added;
    }
    List<InetAddress> host = hostAddresses.get();
    for (InetAddress address : host) {
      if (bound.containsKey(address)) {
        continue;
      }
      if (bound.size() == MAX) {
        if (!capWarned) {
          capWarned = true;
          log.warn("TURN UDP: the host has {} addresses; those past the first {} are answered from the wildcard"
              + " socket, from the address the kernel routes by", host.size(), MAX);
        }
        break;
      }
      try {
        bound.put(address, binder.bind(address));
        refused.remove(address);
        added.add(address);
      } catch (BindException e) {
        if (refused.add(address)) {
          log.warn("TURN UDP: {}; datagrams to that address are answered from the wildcard socket (tried again every {} s)",
              e.getMessage(), RESCAN.toSeconds());
        }
      }
    }
    return added;
  }

  /** Reads the host's addresses again every {@link #RESCAN}, on {@code executor} (not an event loop: binding blocks). */
  synchronized void rescanOn(EventExecutor executor) {
    if (!closed) {
      rescanning = executor.scheduleAtFixedRate(this::rescanQuietly, RESCAN.toMillis(), RESCAN.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private void rescanQuietly() {
    try {
      List<InetAddress> added = bindNew();
      if (!added.isEmpty()) {
        log.info("TURN UDP: answering from {} as well (host addresses that came after start)", added);
      }
    } catch (RuntimeException e) {
      log.warn("TURN UDP: reading the host's addresses failed", e);
    }
  }

  /** The addresses with sockets of their own, in the order bound. */
  synchronized List<InetAddress> addresses() {
    return List.copyOf(bound.keySet());
  }

  /** Stops the rescans and closes every socket, waiting until they are closed. Not from an event loop. */
  synchronized void close() {
    closed = true;
    if (rescanning != null) {
      rescanning.cancel(false);
    }
    for (List<Channel> group : bound.values()) {
      group.forEach(ch -> ch.close().awaitUninterruptibly());
    }
    bound.clear();
  }
}
