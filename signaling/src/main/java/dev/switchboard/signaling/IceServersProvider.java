package dev.switchboard.signaling;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Gives a peer its ICE servers with fresh TURN credentials. Thread-safe; must not block. */
public interface IceServersProvider {

  /** ICE servers for {@code peerId}, as an RTCConfiguration's {@code iceServers}. */
  IceConfig iceServers(String peerId);

  /** One RTCIceServer; username and credential are null for STUN-only entries. */
  record IceServer(List<String> urls, String username, String credential) {
    public IceServer {
      urls = List.copyOf(urls);
    }
  }

  /** The servers and how long their credentials stay valid. */
  record IceConfig(List<IceServer> iceServers, Duration ttl) {
    public IceConfig {
      iceServers = List.copyOf(iceServers);
      Objects.requireNonNull(ttl, "ttl");
    }
  }
}
