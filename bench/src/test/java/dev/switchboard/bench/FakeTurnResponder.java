package dev.switchboard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A tiny in-process STUN/TURN responder on loopback for the load generator's tests: answers Binding;
 * Allocate without integrity with 401 + REALM + NONCE; signed Allocate/Refresh after checking
 * MESSAGE-INTEGRITY (bad → 401, Allocate on a 5-tuple that has one → 437). With {@code silent}, answers
 * nothing. One thread; not a server.
 */
final class FakeTurnResponder implements AutoCloseable {

  static final String NONCE = "fake-nonce";

  final AtomicInteger badIntegrity = new AtomicInteger();
  private final DatagramSocket socket;
  private final Thread thread;
  private final Mac mac;
  private final Set<InetSocketAddress> allocations = new HashSet<>();

  FakeTurnResponder(StunMessages.Credentials credentials, boolean silent) throws Exception {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(credentials.key(), "HmacSHA1"));
    thread = new Thread(() -> serve(silent), "fake-turn");
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  int liveAllocations() {
    synchronized (allocations) {
      return allocations.size();
    }
  }

  private void serve(boolean silent) {
    byte[] buf = new byte[2048];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        if (silent) {
          continue;
        }
        byte[] reply = answer(Unpooled.wrappedBuffer(Arrays.copyOf(buf, p.getLength())),
            (InetSocketAddress) p.getSocketAddress());
        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // next datagram
      }
    }
  }

  private byte[] answer(ByteBuf req, InetSocketAddress from) {
    int method = StunMessages.type(req);
    Tid tid = Tid.of(req);
    if (method == StunMessages.BINDING_REQUEST) {
      return StunMessages.encode(method | StunMessages.SUCCESS, tid, null);
    }
    byte[] mi = StunMessages.attribute(req, StunMessages.MESSAGE_INTEGRITY);
    if (mi == null) {
      return error(method, tid, 401, true);
    }
    byte[] raw = new byte[req.readableBytes()];
    req.getBytes(0, raw);
    int miOffset = raw.length - 24; // the generator puts it last, with no FINGERPRINT
    mac.update(raw, 0, miOffset);
    if (!MessageDigest.isEqual(mac.doFinal(), mi)
        || !NONCE.equals(new String(StunMessages.attribute(req, StunMessages.NONCE), StandardCharsets.US_ASCII))) {
      badIntegrity.incrementAndGet();
      return error(method, tid, 401, true);
    }
    synchronized (allocations) {
      if (method == StunMessages.ALLOCATE_REQUEST && !allocations.add(from)) {
        return error(method, tid, 437, false);
      }
      if (method == StunMessages.REFRESH_REQUEST && !allocations.remove(from)) {
        return error(method, tid, 437, false);
      }
    }
    return StunMessages.encode(method | StunMessages.SUCCESS, tid, null);
  }

  private static byte[] error(int method, Tid tid, int code, boolean challenge) {
    StunMessages.Attribute err = new StunMessages.Attribute(StunMessages.ERROR_CODE,
        new byte[] {0, 0, (byte) (code / 100), (byte) (code % 100)});
    if (!challenge) {
      return StunMessages.encode(method | StunMessages.ERROR, tid, null, err);
    }
    return StunMessages.encode(method | StunMessages.ERROR, tid, null, err,
        new StunMessages.Attribute(StunMessages.REALM, "bench".getBytes(StandardCharsets.US_ASCII)),
        new StunMessages.Attribute(StunMessages.NONCE, NONCE.getBytes(StandardCharsets.US_ASCII)));
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(2000);
  }
}
