package dev.switchboard.turn;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * A minimal blocking STUN/TURN client over a UDP or TCP socket for integration tests (requests built
 * with {@link StunRequests}). Not thread-safe.
 */
final class StunTestClient implements AutoCloseable {

  private final DatagramSocket udp;
  private final Socket tcp;
  private final InetSocketAddress server;
  private String nonce = "";

  private StunTestClient(DatagramSocket udp, Socket tcp, InetSocketAddress server) {
    this.udp = udp;
    this.tcp = tcp;
    this.server = server;
  }

  static StunTestClient udp(int port) throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    s.setSoTimeout(3000);
    return new StunTestClient(s, null, new InetSocketAddress("127.0.0.1", port));
  }

  static StunTestClient tcp(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(3000);
    s.setTcpNoDelay(true);
    return new StunTestClient(null, s, new InetSocketAddress("127.0.0.1", port));
  }

  InetSocketAddress localAddress() {
    return udp != null ? (InetSocketAddress) udp.getLocalSocketAddress() : (InetSocketAddress) tcp.getLocalSocketAddress();
  }

  void send(byte[] bytes) throws IOException {
    if (udp != null) {
      udp.send(new DatagramPacket(bytes, bytes.length, server));
    } else {
      OutputStream out = tcp.getOutputStream();
      out.write(bytes);
      out.flush();
    }
  }

  /** The next frame from the server (STUN or ChannelData), or null on timeout. */
  byte[] receive() throws IOException {
    try {
      if (udp != null) {
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        udp.receive(p);
        return java.util.Arrays.copyOf(p.getData(), p.getLength());
      }
      DataInputStream in = new DataInputStream(tcp.getInputStream());
      byte[] head = new byte[4];
      in.readFully(head);
      int len = ByteBuffer.wrap(head).getShort(2) & 0xFFFF;
      int body = (head[0] & 0xC0) == 0 ? 16 + len : (len + 3) & ~3;
      byte[] frame = new byte[4 + body];
      System.arraycopy(head, 0, frame, 0, 4);
      in.readFully(frame, 4, body);
      return frame;
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  StunMessage exchange(byte[] request) throws IOException {
    send(request);
    byte[] r = receive();
    return r == null ? null : StunCodec.decode(r);
  }

  /** Sends {@code b} signed as {@code user}; on 401/438 takes the nonce and retries once. */
  StunMessage authenticated(java.util.function.Supplier<StunMessageBuilder> b, String user, String password)
      throws IOException {
    StunMessage r = exchange(StunRequests.signed(b.get(), user, password, nonce));
    int code = r == null ? 0 : StunRequests.errorCode(r);
    if (code == 401 || code == 438) {
      nonce = r.text(Stun.NONCE);
      r = exchange(StunRequests.signed(b.get(), user, password, nonce));
    }
    return r;
  }

  InputStream tcpInput() throws IOException {
    return tcp.getInputStream();
  }

  @Override
  public void close() throws IOException {
    if (udp != null) {
      udp.close();
    }
    if (tcp != null) {
      tcp.close();
    }
  }
}
