package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RelayRttProbeTest {

  /**
   * A stand-in for a TURN server's relay path, on loopback: ChannelData from the client goes to the
   * echo socket from a relay socket, and what the echo sends back goes to the client as ChannelData.
   * It holds the first ping back for longer than the probe waits.
   */
  private static final class SlowFirstRelay implements AutoCloseable {
    final DatagramSocket listener = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    final DatagramSocket relay = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    private final Thread thread = new Thread(this::run, "slow-first-relay");
    private final InetSocketAddress echo;
    private volatile InetSocketAddress client;

    SlowFirstRelay(InetSocketAddress echo) throws SocketException {
      this.echo = echo;
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      byte[] in = new byte[1500];
      boolean first = true;
      try {
        listener.setSoTimeout(1);
        relay.setSoTimeout(1);
        while (!listener.isClosed()) {
          DatagramPacket p = new DatagramPacket(in, in.length);
          try {
            listener.receive(p);
            client = (InetSocketAddress) p.getSocketAddress();
            if (p.getLength() > 4 && in[0] == 0x40) {
              if (first) {
                first = false;
                Thread.sleep(2 * RelayRttProbe.TIMEOUT_MILLIS + 20); // past both legs' timeouts
              }
              relay.send(new DatagramPacket(in, 4, p.getLength() - 4, echo));
            }
          } catch (SocketTimeoutException e) {
            // nothing from the client
          }
          try {
            DatagramPacket back = new DatagramPacket(in, 4, in.length - 4);
            relay.receive(back);
            in[0] = 0x40;
            in[1] = 0;
            in[2] = 0;
            in[3] = (byte) back.getLength();
            listener.send(new DatagramPacket(in, 4 + back.getLength(), client));
          } catch (SocketTimeoutException e) {
            // nothing from the echo
          }
        }
      } catch (Exception closed) {
        // closed by the test
      }
    }

    @Override
    public void close() {
      listener.close();
      relay.close();
    }
  }

  /** A loopback socket with the probe's read timeout, as {@link RelayRttProbe#open} sets it. */
  private static DatagramSocket probeSocket() throws SocketException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    socket.setSoTimeout(RelayRttProbe.TIMEOUT_MILLIS);
    return socket;
  }

  /** One ping that comes late must cost that ping only, not leave the echo a ping behind for good. */
  @Test
  void aLatePingIsLostAloneAndTheNextOnesComeBack() throws Exception {
    DatagramSocket echo = probeSocket();
    DatagramSocket client = probeSocket();
    try (SlowFirstRelay server = new SlowFirstRelay((InetSocketAddress) echo.getLocalSocketAddress())) {
      RelayRttProbe probe = new RelayRttProbe(client, echo, (InetSocketAddress) server.listener.getLocalSocketAddress(),
          (InetSocketAddress) server.relay.getLocalSocketAddress(),
          new StunMessages(StunMessages.Credentials.of("u", "r", "p")), new byte[] {1}, 12);
      probe.startPinging();

      RelayRttProbe.Sample[] samples = probe.finish();

      assertThat(samples).hasSize(12);
      assertThat(samples[0].answered()).as("the ping held back").isFalse();
      assertThat(Arrays.stream(samples).skip(2).filter(RelayRttProbe.Sample::answered).count())
          .as("pings after the late one (the second may meet the first's late echo)").isEqualTo(10);
    }
  }

  /** The bench allocates before uclient starts and pings only once its load is on: until then, nothing is sent. */
  @Test
  void aProbeNotYetStartedSendsNothingAndStartsOnce() throws Exception {
    DatagramSocket echo = probeSocket();
    DatagramSocket client = probeSocket();
    try (SlowFirstRelay server = new SlowFirstRelay((InetSocketAddress) echo.getLocalSocketAddress())) {
      InetSocketAddress listener = (InetSocketAddress) server.listener.getLocalSocketAddress();
      InetSocketAddress relay = (InetSocketAddress) server.relay.getLocalSocketAddress();
      StunMessages messages = new StunMessages(StunMessages.Credentials.of("u", "r", "p"));
      DatagramSocket idleClient = probeSocket();
      DatagramSocket idleEcho = probeSocket();
      RelayRttProbe idle = new RelayRttProbe(idleClient, idleEcho, listener, relay, messages, new byte[] {1}, 12);
      Thread.sleep(3 * RelayRttProbe.INTERVAL_NANOS / 1_000_000);
      assertThat(idle.stop()).as("never started: no pings").isEmpty();

      RelayRttProbe probe = new RelayRttProbe(client, echo, listener, relay, messages, new byte[] {1}, 12);
      probe.startPinging();
      probe.startPinging(); // a second call (the watch tells once, but a caller may repeat) changes nothing
      assertThat(probe.finish()).hasSize(12);
    }
  }
}
