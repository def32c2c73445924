package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** coturn's turnutils_peer on loopback: the UDP echo peer that relayed traffic goes to through the kernel. */
record UdpPeer(Proc proc, InetSocketAddress address) implements AutoCloseable {

  static UdpPeer start(Path work) throws IOException {
    int port = FreePorts.udpAndTcp();
    Proc proc = Proc.start("turnutils_peer", List.of("turnutils_peer", "-L", "127.0.0.1", "-p", Integer.toString(port)),
        work.resolve("peer.log"), Map.of());
    return new UdpPeer(proc, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  @Override
  public void close() {
    proc.close();
  }
}
