package dev.switchboard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The relay's round-trip time in microseconds, which uclient cannot give: it reports whole
 * milliseconds, and on loopback its averages read 0.000-0.4 ms. A TURN client of our own beside
 * uclient's load: one allocation, a channel bound to an echo socket of this probe, and a 16-byte
 * ChannelData ping every {@link #INTERVAL_NANOS}, each answered before the next (client → server →
 * relay → echo → relay → server → client). One thread, blocking sockets; the same for every server.
 */
final class RelayRttProbe implements AutoCloseable {

  /** 200 pings a second: 400 relayed packets/s, some 2-4% of the paced load, billed with it. */
  static final long INTERVAL_NANOS = 5_000_000;
  /**
   * How long each leg (to the echo socket, back to the client) is waited for: a ping over 100 ms in
   * all counts as lost, and the next one goes out, since a paced run lasts some 10 s.
   */
  static final int TIMEOUT_MILLIS = 50;
  static final int CHANNEL = 0x4000;
  /** Fresh client ports tried when the server answers 437 (see {@link #open}). */
  static final int ALLOCATE_ATTEMPTS = 5;
  private static final int PING_BYTES = 16;
  /** 100 s of pings: a paced run takes some 10, and uclient is given at most 120 before it is stopped. */
  static final int MAX_PINGS = 20_000;

  /** One ping: when it left (System.nanoTime) and its round trip; -1 when it never came back. */
  record Sample(long sentAt, long rttNanos) {
    boolean answered() {
      return rttNanos >= 0;
    }
  }

  private final DatagramSocket client;
  private final DatagramSocket echo;
  private final InetSocketAddress server;
  private final InetSocketAddress relay;
  private final StunMessages messages;
  private final byte[] nonce;
  private final long[] sentAt;
  private final long[] rtt;
  private final Thread thread;
  private volatile boolean stopping;
  private int count;

  RelayRttProbe(DatagramSocket client, DatagramSocket echo, InetSocketAddress server, InetSocketAddress relay,
                        StunMessages messages, byte[] nonce, int pings) {
    this.sentAt = new long[pings];
    this.rtt = new long[pings];
    this.client = client;
    this.echo = echo;
    this.server = server;
    this.relay = relay;
    this.messages = messages;
    this.nonce = nonce;
    this.thread = new Thread(this::pingUntilStopped, "rtt-probe-" + server.getPort());
    thread.setDaemon(true);
  }

  /**
   * Allocates on {@code server} as {@code setup}'s user, binds a channel to a fresh echo socket and
   * starts pinging, until {@link #stop} or {@link #MAX_PINGS}.
   */
  static RelayRttProbe start(InetSocketAddress server, TurnSetup setup) throws IOException {
    return start(server, setup, MAX_PINGS);
  }

  /** As {@link #start(InetSocketAddress, TurnSetup)}, for at most {@code pings} pings. */
  static RelayRttProbe start(InetSocketAddress server, TurnSetup setup, int pings) throws IOException {
    RelayRttProbe probe = allocate(server, setup, pings);
    probe.startPinging();
    return probe;
  }

  /**
   * As {@link #start(InetSocketAddress, TurnSetup)}, but not pinging until {@link #startPinging}: the
   * bench begins when uclient's load does, so that the probe adds no packets to the seconds before it
   * (see {@link UclientRunner#sideBySide}).
   */
  static RelayRttProbe allocate(InetSocketAddress server, TurnSetup setup) throws IOException {
    return allocate(server, setup, MAX_PINGS);
  }

  private static RelayRttProbe allocate(InetSocketAddress server, TurnSetup setup, int pings) throws IOException {
    for (int attempt = 1; ; attempt++) {
      RelayRttProbe probe = open(server, setup, pings, new DatagramSocket(new InetSocketAddress(server.getAddress(), 0)));
      if (probe != null) {
        return probe;
      }
      if (attempt == ALLOCATE_ATTEMPTS) {
        throw new IOException("Allocate on " + server + ": 437 (allocation mismatch) from " + attempt
            + " fresh client ports in a row");
      }
    }
  }

  /**
   * Starts pinging through {@code relay}, already allocated with a channel bound to {@code echo}; once,
   * later calls do nothing. A probe never started stops with no pings.
   */
  void startPinging() {
    if (thread.getState() == Thread.State.NEW) {
      thread.start();
    }
  }

  /**
   * Allocates from a fresh client port and binds the channel; null on 437: the kernel gave us the
   * port of a uclient session that has exited, whose allocation the server still holds (uclient does
   * not delete its allocations, so they live out their lifetime), and another port will do.
   */
  static RelayRttProbe open(InetSocketAddress server, TurnSetup setup, int pings, DatagramSocket client)
      throws IOException {
    DatagramSocket echo;
    try {
      echo = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
    } catch (IOException e) {
      client.close();
      throw e;
    }
    try {
      client.setSoTimeout(TIMEOUT_MILLIS * 20);
      echo.setSoTimeout(TIMEOUT_MILLIS);
      SplittableRandom random = new SplittableRandom();
      StunMessages messages = new StunMessages(StunMessages.Credentials.of(setup.user(), setup.realm(), setup.password()));
      ByteBuf challenge = transact(client, server, StunMessages.allocateUnauthenticated(Tid.random(random)));
      byte[] nonce = StunMessages.attribute(challenge, StunMessages.NONCE);
      if (StunMessages.errorCode(challenge) != 401 || nonce == null) {
        throw new IOException("Allocate without credentials on " + server + ": expected 401 with a NONCE, got "
            + describe(challenge));
      }
      ByteBuf allocated = transact(client, server, messages.allocate(Tid.random(random), nonce));
      if (StunMessages.errorCode(allocated) == 437) {
        client.close();
        echo.close();
        return null;
      }
      InetSocketAddress relay = StunMessages.xorAddress(StunMessages.attribute(allocated, StunMessages.XOR_RELAYED_ADDRESS));
      if (StunMessages.type(allocated) != (StunMessages.ALLOCATE_REQUEST | StunMessages.SUCCESS) || relay == null) {
        throw new IOException("Allocate on " + server + ": expected success with an IPv4 XOR-RELAYED-ADDRESS, got "
            + describe(allocated));
      }
      InetSocketAddress echoAddress = (InetSocketAddress) echo.getLocalSocketAddress();
      ByteBuf bound = transact(client, server, messages.channelBind(Tid.random(random), nonce, CHANNEL, echoAddress));
      if (StunMessages.type(bound) != (StunMessages.CHANNEL_BIND_REQUEST | StunMessages.SUCCESS)) {
        throw new IOException("ChannelBind on " + server + ": expected success, got " + describe(bound));
      }
      client.setSoTimeout(TIMEOUT_MILLIS);
      return new RelayRttProbe(client, echo, server, relay, messages, nonce, pings);
    } catch (IOException | RuntimeException e) {
      client.close();
      echo.close();
      throw e;
    }
  }

  /** Stops pinging and deletes the allocation; the pings, in the order sent. */
  Sample[] stop() throws InterruptedException {
    stopping = true;
    return finish();
  }

  /** Waits for the last of the pings {@link #start(InetSocketAddress, TurnSetup, int)} was given, then as {@link #stop}. */
  Sample[] finish() throws InterruptedException {
    thread.join();
    try {
      byte[] release = messages.release(Tid.random(new SplittableRandom()), nonce);
      // Not awaited: whether the server deletes it now or at the end of its lifetime changes no
      // measurement, and a lost answer would only cost the next round a wait.
      client.send(new DatagramPacket(release, release.length, server));
    } catch (IOException e) {
      // the allocation expires on its own
    }
    close();
    Sample[] samples = new Sample[count];
    for (int i = 0; i < count; i++) {
      samples[i] = new Sample(sentAt[i], rtt[i]);
    }
    return samples;
  }

  @Override
  public void close() {
    stopping = true;
    client.close();
    echo.close();
  }

  private void pingUntilStopped() {
    byte[] in = new byte[1500];
    DatagramPacket received = new DatagramPacket(in, in.length);
    ByteBuffer ping = ByteBuffer.allocate(4 + PING_BYTES);
    long next = System.nanoTime();
    for (long seq = 0; !stopping && count < sentAt.length; seq++) {
      LockSupport.parkNanos(next - System.nanoTime());
      long sent = System.nanoTime();
      next = Math.max(next + INTERVAL_NANOS, sent);
      ping.clear();
      ping.putShort((short) CHANNEL).putShort((short) PING_BYTES).putLong(seq).putLong(sent);
      try {
        client.send(new DatagramPacket(ping.array(), ping.capacity(), server));
        sentAt[count] = sent;
        rtt[count] = echoed(received, seq) && answered(received, seq) ? System.nanoTime() - sent : -1;
        count++;
      } catch (IOException e) {
        if (stopping) {
          return;
        }
        sentAt[count] = sent;
        rtt[count++] = -1;
      }
    }
  }

  /**
   * Waits for ping {@code seq} at the echo socket and sends it back to the relay; false when it did
   * not come. Earlier pings that arrive late are dropped here: echoing one of them instead would put
   * the echo one ping behind for good, every later ping then timing out.
   */
  private boolean echoed(DatagramPacket received, long seq) throws IOException {
    if (!awaitPing(echo, received, 0, seq)) {
      return false;
    }
    echo.send(new DatagramPacket(received.getData(), received.getLength(), relay));
    return true;
  }

  /** Waits for ping {@code seq} to come back to the client as ChannelData. */
  private boolean answered(DatagramPacket received, long seq) throws IOException {
    return awaitPing(client, received, 4, seq);
  }

  /**
   * Receives on {@code socket} until ping {@code seq} comes, after a ChannelData header of our
   * channel when {@code header} is 4 (none when 0); false on a timeout. Earlier pings that come
   * late are skipped.
   */
  private static boolean awaitPing(DatagramSocket socket, DatagramPacket received, int header, long seq)
      throws IOException {
    while (true) {
      try {
        socket.receive(received);
      } catch (SocketTimeoutException e) {
        return false;
      }
      ByteBuffer b = ByteBuffer.wrap(received.getData(), 0, received.getLength());
      if (received.getLength() == header + PING_BYTES && (header == 0 || (b.getShort(0) & 0xFFFF) == CHANNEL)
          && b.getLong(header) == seq) {
        return true;
      }
    }
  }

  private static ByteBuf transact(DatagramSocket socket, InetSocketAddress server, byte[] request) throws IOException {
    byte[] in = new byte[1500];
    Tid tid = Tid.of(Unpooled.wrappedBuffer(request));
    for (int attempt = 0; attempt < 3; attempt++) {
      socket.send(new DatagramPacket(request, request.length, server));
      try {
        while (true) {
          DatagramPacket p = new DatagramPacket(in, in.length);
          socket.receive(p);
          ByteBuf response = Unpooled.wrappedBuffer(Arrays.copyOf(in, p.getLength()));
          if (StunMessages.type(response) >= 0 && Tid.of(response).equals(tid)) {
            return response;
          }
        }
      } catch (SocketTimeoutException e) {
        // retransmit
      }
    }
    throw new IOException("no answer from " + server + " to a STUN request in 3 tries");
  }

  private static String describe(ByteBuf message) {
    int code = StunMessages.errorCode(message);
    return String.format("type 0x%04x%s", StunMessages.type(message), code == 0 ? "" : ", error " + code);
  }
}
