package dev.switchboard.signaling;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Signaling settings, validated on construction. Immutable.
 *
 * @param address            bind address
 * @param port               HTTPS/WSS port (8443 by default; 0 picks a free one)
 * @param allowedOrigins     Origins allowed to upgrade; ["*"] allows all
 * @param auth               whether a token is required ({@code signaling.auth})
 * @param maxMessageBytes    largest text frame
 * @param messagesPerSecond  per-session message rate
 * @param connectionsPerIp   open WebSockets per client IP, and apart from them connections per IP
 *                           that have not upgraded yet
 * @param resumeWindow       how long a dropped session can be resumed
 * @param heartbeatInterval  WebSocket ping interval
 * @param heartbeatTimeout   silence after which a session is dropped
 * @param rooms              room limits
 * @param serverName         the {@code server} field of {@code welcome}, e.g. "switchboard/0.1.0"
 * @param trustedProxies     addresses and CIDRs of TLS-terminating proxies whose X-Forwarded-For or
 *                           Forwarded header names the client for the limits per IP; empty trusts none
 */
public record SignalingConfig(
    InetAddress address,
    int port,
    List<String> allowedOrigins,
    Auth auth,
    int maxMessageBytes,
    int messagesPerSecond,
    int connectionsPerIp,
    Duration resumeWindow,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    Rooms rooms,
    String serverName,
    List<String> trustedProxies) {

  public enum Auth { NONE, TOKEN }

  public SignalingConfig {
    Objects.requireNonNull(address, "address");
    allowedOrigins = List.copyOf(allowedOrigins);
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(resumeWindow, "resumeWindow");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    Objects.requireNonNull(rooms, "rooms");
    Objects.requireNonNull(serverName, "serverName");
    trustedProxies = List.copyOf(trustedProxies);
    new ClientAddresses(trustedProxies); // throws naming a bad entry, here rather than at start
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0-65535");
    }
    if (maxMessageBytes < 256 || messagesPerSecond < 1 || connectionsPerIp < 1) {
      throw new IllegalArgumentException("limits must be positive (maxMessageBytes at least 256)");
    }
  }

  /**
   * @param defaultCapacity capacity of a room whose creator names none
   * @param maxCapacity     the largest capacity a creator may ask for
   * @param history         chat messages kept per room for late joiners
   */
  public record Rooms(int defaultCapacity, int maxCapacity, int history) {
    public Rooms {
      if (defaultCapacity < 1 || maxCapacity < defaultCapacity || history < 0) {
        throw new IllegalArgumentException("rooms: need 1 <= defaultCapacity <= maxCapacity and history >= 0");
      }
    }
  }
}
