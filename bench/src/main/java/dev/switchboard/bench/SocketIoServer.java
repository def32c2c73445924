package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * bench/socketio-relay/server.js under node: the socket.io reference for the signaling benchmarks,
 * on loopback, over ws:// or (given a certificate) wss://.
 */
final class SocketIoServer implements BenchServer {

  private final Proc proc;
  private final InetSocketAddress address;

  private SocketIoServer(Proc proc, InetSocketAddress address) {
    this.proc = proc;
    this.address = address;
  }

  /** The relay's directory: bench/socketio-relay, found from the working directory (repo root or bench/). */
  static Path relayDir() {
    for (Path p : List.of(Path.of("bench", "socketio-relay"), Path.of("socketio-relay"))) {
      if (Files.isRegularFile(p.resolve("server.js"))) {
        return p.toAbsolutePath();
      }
    }
    throw new IllegalStateException("bench/socketio-relay/server.js not found from " + Path.of("").toAbsolutePath());
  }

  /** True when node and the relay's installed dependencies are there (bench/run runs npm ci). */
  static boolean available() {
    try {
      Path dir = relayDir();
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 && Files.isDirectory(dir.resolve("node_modules").resolve("socket.io"));
    } catch (IOException | IllegalStateException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Starts the relay; with {@code certAndKey} (two PEM files) it serves wss://. */
  static SocketIoServer start(Path work, Path[] certAndKey) throws IOException {
    Files.createDirectories(work);
    int port = FreePorts.tcp();
    Path dir = relayDir();
    List<String> cmd = new ArrayList<>(List.of("node", dir.resolve("server.js").toString(),
        "--host", "127.0.0.1", "--port", Integer.toString(port)));
    if (certAndKey != null) {
      cmd.addAll(List.of("--cert", certAndKey[0].toString(), "--key", certAndKey[1].toString()));
    }
    Proc proc = Proc.start("socket.io", cmd, work.resolve("socketio-" + System.nanoTime() + ".log"),
        Map.of("NODE_ENV", "production"));
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try {
      SwitchboardServer.awaitTcp(address, Duration.ofSeconds(20), proc);
    } catch (IOException e) {
      proc.close();
      throw new IOException("the socket.io relay did not start: " + e.getMessage() + "\n" + proc.tail(), e);
    }
    return new SocketIoServer(proc, address);
  }

  InetSocketAddress address() {
    return address;
  }

  @Override
  public String name() {
    return "socket.io";
  }

  @Override
  public Proc proc() {
    return proc;
  }

  @Override
  public InetSocketAddress turn() {
    return null;
  }

  @Override
  public void close() {
    proc.close();
  }
}
