package dev.switchboard.cli.probe;

import dev.switchboard.cli.config.PublicAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Runs every check on one URL: reachability and reflexive address (Binding), then for TURN
 * authentication, two allocations, permissions and channels relay to relay, and a relayed round trip.
 * Sends traffic only to the server and to relay addresses it has checked. Confined to one thread.
 */
public final class Probe {

  private static final int CHANNEL = 0x4000;
  private static final int MAX_WAIT_PER_DATAGRAM_MILLIS = 1000;

  private final Credentials credentials;
  private final Duration timeout;
  private final int count;
  private final SSLContext tls;
  private final boolean verifyHostname;
  private final boolean sendIndications;
  private final Clock clock;

  /**
   * @param tls            trust for turns:/stuns: URLs
   * @param verifyHostname check that the server certificate names the URL's host
   * @param sendIndications relay with Send/Data indications instead of channels
   */
  public Probe(Credentials credentials, Duration timeout, int count, SSLContext tls, boolean verifyHostname,
               boolean sendIndications, Clock clock) {
    this.sendIndications = sendIndications;
    this.credentials = credentials;
    this.timeout = timeout;
    this.count = count;
    this.tls = tls;
    this.verifyHostname = verifyHostname;
    this.clock = clock;
  }

  public ProbeReport run(StunUrl url) {
    ProbeReport report = new ProbeReport(url.text());
    try {
      check(url, report);
    } catch (ProbeFailure e) {
      report.failure = e.getMessage();
    } catch (IOException e) {
      report.failure = url.transportName() + " to " + report.server + " failed: " + e.getMessage();
    }
    return report;
  }

  private void check(StunUrl url, ProbeReport report) throws IOException, ProbeFailure {
    InetAddress address;
    try {
      address = InetAddress.getByName(url.host());
    } catch (UnknownHostException e) {
      throw new ProbeFailure("cannot resolve host '" + url.host() + "' (check the name or use an IP address)");
    }
    InetSocketAddress server = new InetSocketAddress(address, url.port());
    String serverName = address.getHostAddress() + ":" + url.port() + "/" + url.transportName();
    report.server = serverName;
    try (TurnClient a = new TurnClient(connect(url, server, serverName), serverName, credentials, clock, timeout)) {
      Instant start = clock.instant();
      InetSocketAddress reflexive = a.binding();
      report.bindingRttMicros = Duration.between(start, clock.instant()).toNanos() / 1000;
      InetSocketAddress local = a.connection().localAddress();
      report.local = format(local);
      report.reflexive = format(reflexive);
      report.nat = !reflexive.equals(local);
      if (!url.turn()) {
        return;
      }
      TurnClient.Allocation first = a.allocate();
      report.realm = a.realm();
      report.auth = a.realm() == null ? "none required (the server relays for anyone!)"
          : "ok (user '" + credentials.username() + "', realm '" + a.realm() + "')";
      report.relay = format(first.relayed());
      try {
        checkRelayAddress(first.relayed().getAddress(), address);
        relayedRoundTrip(url, server, serverName, a, first, report);
      } finally {
        a.release();
      }
      if (report.received == 0) {
        throw new ProbeFailure("relayed round trip: none of " + report.sent + " datagrams came back through the relays "
            + "(relay ports filtered by a firewall, or relay-ip/publicAddress not reachable from the server itself)");
      }
    }
  }

  /** A second allocation, permissions and channels both ways, then the datagrams. */
  private void relayedRoundTrip(StunUrl url, InetSocketAddress server, String serverName, TurnClient a,
                                TurnClient.Allocation first, ProbeReport report) throws IOException, ProbeFailure {
    try (TurnClient b = new TurnClient(connect(url, server, serverName), serverName, credentials, clock, timeout)) {
      TurnClient.Allocation second = b.allocate();
      try {
        checkRelayAddress(second.relayed().getAddress(), server.getAddress());
        report.relay += ", " + format(second.relayed());
        a.createPermission(second.relayed());
        b.createPermission(first.relayed());
        if (!sendIndications) {
          a.channelBind(CHANNEL, second.relayed());
          b.channelBind(CHANNEL, first.relayed());
        }
        roundTrips(a, second.relayed(), b, first.relayed(), report);
      } finally {
        b.release();
      }
    }
  }

  /**
   * A relay address clients cannot reach is the classic TURN misconfiguration. Loopback is fine when
   * the server itself was reached on loopback, and any address the server was reached on is fine.
   */
  static void checkRelayAddress(InetAddress relay, InetAddress server) throws ProbeFailure {
    if (isDocumentation(relay)) {
      throw new ProbeFailure("relay address " + relay.getHostAddress() + " is a documentation address (RFC 5737/3849), "
          + "which no client can reach: set publicAddress to the server's real public IP");
    }
    boolean reachable = !new PublicAddress(relay.getHostAddress(), relay, false).isPrivate()
        || relay.equals(server) || (relay.isLoopbackAddress() && server.isLoopbackAddress());
    if (!reachable) {
      throw new ProbeFailure("relay address " + relay.getHostAddress()
          + " is private: set publicAddress (coturn: external-ip) to an address clients can reach");
    }
  }

  private static boolean isDocumentation(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      int prefix = ((b[0] & 0xFF) << 16) | ((b[1] & 0xFF) << 8) | (b[2] & 0xFF);
      return prefix == 0xC00002 || prefix == 0xC63364 || prefix == 0xCB0071;
    }
    return (b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x01 && (b[2] & 0xFF) == 0x0d && (b[3] & 0xFF) == 0xb8;
  }

  /** Each datagram goes client A → relay A → relay B → client B, which echoes it back the same way. */
  private void roundTrips(TurnClient a, InetSocketAddress relayB, TurnClient b, InetSocketAddress relayA,
                          ProbeReport report) throws IOException {
    int wait = (int) Math.min(timeout.toMillis(), MAX_WAIT_PER_DATAGRAM_MILLIS);
    for (int i = 0; i < count; i++) {
      byte[] payload = ByteBuffer.allocate(16).putLong(0x5357424450524f42L).putLong(i).array();
      Instant sentAt = clock.instant();
      report.sent++;
      send(a, relayB, payload);
      if (!await(b.connection(), payload, wait)) {
        continue;
      }
      send(b, relayA, payload);
      if (await(a.connection(), payload, wait)) {
        report.received++;
        report.rttMicros.add(Duration.between(sentAt, clock.instant()).toNanos() / 1000);
      }
    }
  }

  private void send(TurnClient client, InetSocketAddress peer, byte[] payload) throws IOException {
    if (sendIndications) {
      client.sendIndication(peer, payload);
    } else {
      client.connection().sendChannelData(CHANNEL, payload);
    }
  }

  /** Waits for {@code payload} on the channel or in a Data indication, skipping anything else (late echoes, stray STUN). */
  private boolean await(ProbeConnection connection, byte[] payload, int waitMillis) throws IOException {
    long deadline = clock.millis() + waitMillis;
    long left;
    while ((left = deadline - clock.millis()) > 0) {
      ProbeConnection.Received received = connection.receive((int) left);
      if (received == null) {
        return false;
      }
      if (received.data() != null && Arrays.equals(received.data(), payload)) {
        return true;
      }
      StunMessage stun = received.stun();
      if (stun != null && stun.method() == StunMessage.DATA_INDICATION
          && stun.messageClass() == StunMessage.CLASS_INDICATION
          && Arrays.equals(stun.attribute(StunMessage.DATA), payload)) {
        return true;
      }
    }
    return false;
  }

  private ProbeConnection connect(StunUrl url, InetSocketAddress server, String serverName)
      throws IOException, ProbeFailure {
    if (!url.tcp()) {
      return new UdpProbeConnection(server);
    }
    Socket socket = new Socket();
    try {
      socket.connect(server, (int) timeout.toMillis());
      socket.setTcpNoDelay(true);
      if (url.secure()) {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, url.host(), url.port(), true);
        if (verifyHostname) {
          SSLParameters params = ssl.getSSLParameters();
          params.setEndpointIdentificationAlgorithm("HTTPS");
          ssl.setSSLParameters(params);
        }
        ssl.setSoTimeout((int) timeout.toMillis());
        ssl.startHandshake();
        socket = ssl;
      }
      return new StreamProbeConnection(socket);
    } catch (ConnectException e) {
      socket.close();
      throw new ProbeFailure("port closed: TCP connect to " + serverName + " refused (is the server running?)");
    } catch (SocketTimeoutException e) {
      socket.close();
      throw new ProbeFailure("no answer from " + serverName + " within " + timeout.toMillis()
          + " ms (server down or filtered by a firewall)");
    } catch (SSLException e) {
      socket.close();
      throw new ProbeFailure("TLS handshake with " + serverName + " failed: " + e.getMessage()
          + " (for a private CA pass --ca FILE; --insecure skips the check)");
    }
  }

  private static String format(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
