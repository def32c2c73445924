package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Starts the two signaling servers under comparison as {@link SignalingLoad.Target}s: Switchboard
 * with its per-session limits lifted and TURN off, and the socket.io relay, over the same transport.
 */
final class SignalingServers {

  private SignalingServers() {}

  /** A started server and where its load goes. */
  record Running(BenchServer server, SignalingLoad.Target target) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
    }
  }

  /**
   * The signaling bench configuration: one client IP opens every session, and each session sends
   * far more than a browser would, so connectionsPerIp and messagesPerSecond are lifted to their
   * maxima. TLS off (ws://) stands for a deployment behind a TLS-terminating proxy.
   */
  static String switchboardYaml(int port, boolean tls) {
    return """
        publicAddress: 127.0.0.1
        logLevel: warn
        tls:
          enabled: %s
        signaling:
          listen: 127.0.0.1
          port: %d
          connectionsPerIp: 1000000
          messagesPerSecond: 100000
        turn:
          enabled: false
        """.formatted(tls, port);
  }

  static Running switchboard(Path dist, Path work, boolean tls) throws IOException {
    int port = FreePorts.tcp();
    SwitchboardServer s = SwitchboardServer.start(dist, work, switchboardYaml(port, tls), null, 0, port);
    return new Running(s, new SignalingLoad.Target(new SwitchboardWire(), s.http(), tls));
  }

  /** The certificate Switchboard generated in {@code work} (its data dir), for wss:// on the socket.io side too. */
  static Path[] switchboardCertificate(Path work) {
    Path tls = work.resolve("data").resolve("tls");
    return new Path[] {tls.resolve("cert.pem"), tls.resolve("key.pem")};
  }

  static Running socketIo(Path work, Path[] certAndKey) throws IOException {
    SocketIoServer s = SocketIoServer.start(work, certAndKey);
    return new Running(s, new SignalingLoad.Target(new SocketIoWire(), s.address(), certAndKey != null));
  }
}
