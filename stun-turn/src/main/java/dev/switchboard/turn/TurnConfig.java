package dev.switchboard.turn;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the TURN server needs to know, validated on construction. Immutable.
 *
 * @param realm             the long-term credential realm (coturn {@code realm})
 * @param listeners         where STUN/TURN listens
 * @param relay             where relay sockets bind and what address clients are told
 * @param lifetimes         allocation, permission, channel and nonce lifetimes
 * @param quotas            allocation, permission and bandwidth limits
 * @param peers             the peer policy: which addresses may be relayed to
 * @param software          the SOFTWARE attribute to send, or empty to send none
 * @param classicStun       answer RFC 3489 Binding requests (coturn: on unless
 *                          {@code no-stun-backward-compatibility})
 */
public record TurnConfig(
    String realm,
    Listeners listeners,
    Relay relay,
    Lifetimes lifetimes,
    Quotas quotas,
    Peers peers,
    String software,
    boolean classicStun) {

  /** With RFC 3489 Binding requests answered, as by default. */
  public TurnConfig(String realm, Listeners listeners, Relay relay, Lifetimes lifetimes, Quotas quotas, Peers peers,
                    String software) {
    this(realm, listeners, relay, lifetimes, quotas, peers, software, true);
  }

  public TurnConfig {
    Objects.requireNonNull(realm, "realm");
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(lifetimes, "lifetimes");
    Objects.requireNonNull(quotas, "quotas");
    Objects.requireNonNull(peers, "peers");
    software = software == null ? "" : software;
    if (realm.isBlank()) {
      throw new IllegalArgumentException("realm must not be empty");
    }
  }

  /**
   * @param address  bind address for the client listeners ("0.0.0.0" by default)
   * @param port     UDP and TCP port (3478 by default; 0 picks a free one)
   * @param tlsPort  TLS port (5349 by default; 0 picks a free one)
   * @param udp      listen on UDP
   * @param tcp      listen on TCP
   * @param tls      listen on TLS (needs a TLS context)
   */
  public record Listeners(InetAddress address, int port, int tlsPort, boolean udp, boolean tcp, boolean tls) {
    public Listeners {
      Objects.requireNonNull(address, "address");
      checkPort(port, "port");
      checkPort(tlsPort, "tlsPort");
    }
  }

  /**
   * @param address            bind address of relay sockets (coturn {@code relay-ip})
   * @param advertisedAddress  the address put into XOR-RELAYED-ADDRESS (coturn {@code external-ip})
   * @param minPort            lowest relay port
   * @param maxPort            highest relay port
   */
  public record Relay(InetAddress address, InetAddress advertisedAddress, int minPort, int maxPort) {
    public Relay {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(advertisedAddress, "advertisedAddress");
      if (minPort < 1 || maxPort > 65535 || minPort > maxPort) {
        throw new IllegalArgumentException("relay ports " + minPort + "-" + maxPort + " are not a range within 1-65535");
      }
    }
  }

  public record Lifetimes(Duration allocationDefault, Duration allocationMax, Duration permission,
                          Duration channel, Duration nonce) {
    public Lifetimes {
      for (Duration d : List.of(allocationDefault, allocationMax, permission, channel, nonce)) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("lifetimes must be positive");
        }
      }
      if (allocationDefault.compareTo(allocationMax) > 0) {
        throw new IllegalArgumentException("default allocation lifetime exceeds the maximum");
      }
    }

    /**
     * RFC 8656 §7.2 and §7.3: an allocation's lifetime for a non-zero LIFETIME of {@code requested}
     * seconds (negative: absent), min(requested, maximum) but never below the default.
     */
    public long allocationSeconds(long requested) {
      long dflt = allocationDefault.toSeconds();
      return requested < 0 ? dflt : Math.max(dflt, Math.min(requested, allocationMax.toSeconds()));
    }

    public static Lifetimes defaults() {
      return new Lifetimes(Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(5),
          Duration.ofMinutes(10), Duration.ofMinutes(10));
    }
  }

  /**
   * @param userAllocations          live allocations per user (486 beyond)
   * @param totalAllocations         live allocations in total (508 beyond)
   * @param permissionsPerAllocation peer permissions per allocation (508 beyond)
   * @param bytesPerSecond           relay bandwidth per allocation, 0 for no cap
   * @param unauthorizedPerSecond    401 responses per client IP and second before we stop answering
   */
  public record Quotas(int userAllocations, int totalAllocations, int permissionsPerAllocation,
                       long bytesPerSecond, int unauthorizedPerSecond) {
    public Quotas {
      if (userAllocations < 1 || totalAllocations < 1 || permissionsPerAllocation < 1
          || bytesPerSecond < 0 || unauthorizedPerSecond < 1) {
        throw new IllegalArgumentException("quotas must be positive");
      }
    }

    public static Quotas defaults() {
      return new Quotas(12, 10_000, 64, 0, 20);
    }
  }

  /**
   * @param allow          CIDRs relayed to even when the default policy refuses them
   * @param deny           CIDRs never relayed to
   * @param allowLoopback  relay to loopback (local testing only)
   */
  public record Peers(List<String> allow, List<String> deny, boolean allowLoopback) {
    public Peers {
      allow = List.copyOf(allow);
      deny = List.copyOf(deny);
    }

    public static Peers defaults() {
      return new Peers(List.of(), List.of(), false);
    }
  }

  private static void checkPort(int port, String name) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " " + port + " is outside 0-65535");
    }
  }
}
