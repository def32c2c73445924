package dev.switchboard.bench;

import java.net.InetSocketAddress;

/** A server under test, started by the benchmark on loopback. */
interface BenchServer extends AutoCloseable {

  /** "switchboard", "coturn" or "socket.io". */
  String name();

  Proc proc();

  /** The STUN/TURN UDP and TCP address, or null when the server has none. */
  InetSocketAddress turn();

  @Override
  void close();
}
