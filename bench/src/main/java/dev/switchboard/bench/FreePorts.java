package dev.switchboard.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks loopback ports free for both UDP and TCP (a TURN listener needs both on one number). */
final class FreePorts {

  private FreePorts() {}

  static int udpAndTcp() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (int attempt = 0; attempt < 50; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, 0))) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket()) {
          tcp.setReuseAddress(false);
          tcp.bind(new InetSocketAddress(lo, port));
          return port;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no port free for both UDP and TCP on loopback");
  }

  static int tcp() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
