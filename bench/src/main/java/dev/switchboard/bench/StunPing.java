package dev.switchboard.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Waits until a STUN server answers a Binding request on UDP: how we know a server is ready. */
final class StunPing {

  private StunPing() {}

  /** True once {@code server} answered; false when {@code within} passed without an answer. */
  static boolean await(InetSocketAddress server, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0))) {
      socket.setSoTimeout(50);
      byte[] request = bindingRequest();
      byte[] buf = new byte[1500];
      while (System.nanoTime() < deadline) {
        socket.send(new DatagramPacket(request, request.length, server));
        try {
          DatagramPacket reply = new DatagramPacket(buf, buf.length);
          socket.receive(reply);
          if (reply.getLength() >= 20 && buf[0] == 0x01 && buf[1] == 0x01) {
            return true;
          }
        } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
          // not up yet
        }
      }
      return false;
    }
  }

  static byte[] bindingRequest() {
    ByteBuffer b = ByteBuffer.allocate(20);
    b.putShort((short) 0x0001).putShort((short) 0).putInt(0x2112A442);
    byte[] tid = new byte[12];
    ThreadLocalRandom.current().nextBytes(tid);
    b.put(tid);
    return b.array();
  }
}
