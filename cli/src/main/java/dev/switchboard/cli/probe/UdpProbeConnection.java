package dev.switchboard.cli.probe;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/** A connected UDP socket to the server. Confined to the probe's thread. */
final class UdpProbeConnection extends ProbeConnection {

  private final DatagramSocket socket;
  private final byte[] buffer = new byte[65536];

  UdpProbeConnection(InetSocketAddress server) throws IOException {
    socket = new DatagramSocket();
    socket.connect(server);
  }

  @Override
  boolean reliable() {
    return false;
  }

  @Override
  InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  @Override
  void send(byte[] message) throws IOException {
    socket.send(new DatagramPacket(message, message.length));
  }

  @Override
  Received receive(int timeoutMillis) throws IOException {
    socket.setSoTimeout(Math.max(1, timeoutMillis));
    while (true) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        return null;
      }
      // A datagram that is neither STUN nor ChannelData is dropped; the caller's deadline bounds the wait.
      Received received = decode(buffer, packet.getLength());
      if (received != null) {
        return received;
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
