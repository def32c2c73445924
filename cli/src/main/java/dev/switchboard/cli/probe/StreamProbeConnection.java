package dev.switchboard.cli.probe;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A TCP or TLS connection to the server. Frames are found by their length fields: a STUN message is
 * 20 bytes plus its length, ChannelData 4 plus its length padded to 4 (RFC 8656 §12.5). Confined to
 * the probe's thread.
 */
final class StreamProbeConnection extends ProbeConnection {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  StreamProbeConnection(Socket connected) throws IOException {
    this.socket = connected;
    this.in = new DataInputStream(connected.getInputStream());
    this.out = connected.getOutputStream();
  }

  @Override
  boolean reliable() {
    return true;
  }

  @Override
  InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  @Override
  void send(byte[] message) throws IOException {
    out.write(message);
    out.flush();
  }

  @Override
  Received receive(int timeoutMillis) throws IOException {
    socket.setSoTimeout(Math.max(1, timeoutMillis));
    byte[] head = new byte[4];
    try {
      in.readFully(head, 0, 1);
    } catch (SocketTimeoutException e) {
      return null;
    } catch (EOFException e) {
      throw new IOException("the server closed the connection");
    }
    // Once a frame has started, the rest of it follows promptly; a stall here is a broken server.
    in.readFully(head, 1, 3);
    int length = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
    boolean channelData = (head[0] & 0xC0) == 0x40;
    int rest = channelData ? (length + 3) & ~3 : 16 + length;
    byte[] frame = new byte[4 + rest];
    System.arraycopy(head, 0, frame, 0, 4);
    in.readFully(frame, 4, rest);
    Received received = decode(frame, frame.length);
    if (received == null) {
      throw new IOException("the server sent bytes that are neither STUN nor ChannelData");
    }
    return received;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
