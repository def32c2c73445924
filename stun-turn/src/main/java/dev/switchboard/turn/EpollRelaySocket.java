package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.unix.DatagramSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay socket on epoll, registered with the allocation's event loop as a bare file descriptor,
 * below Netty's channel pipeline: a readable event reads with {@code recvfrom} into the loop's one
 * receive buffer and hands each datagram to the allocation, and a send is one {@code sendto}. A Netty
 * channel would put each datagram in a pooled buffer and a message object, pass it through the
 * pipeline, and queue each send for a flush. A relay socket needs none of that: it only carries
 * datagrams between one allocation and its peers. This saved about 4% of the CPU per packet relayed
 * through a peer (bench/README.md). Level-triggered, so a read budget can end a turn early without
 * losing the rest. Confined to the allocation's loop.
 */
final class EpollRelaySocket implements RelaySocket, EpollIoHandle {

  private static final Logger log = LoggerFactory.getLogger(EpollRelaySocket.class);

  /** Datagrams read per readable event before the loop turns to its other sockets. */
  static final int READ_BUDGET = 32;

  private final LinuxSocket socket;
  private final Allocation allocation;
  private final ByteBuf receive;
  private final DirectDatagramSender sender;
  private IoRegistration registration;

  private EpollRelaySocket(LinuxSocket socket, Allocation allocation, ByteBuf receive, TurnMetrics metrics) {
    this.socket = socket;
    this.allocation = allocation;
    this.receive = receive;
    this.sender = new DirectDatagramSender(socket, metrics);
  }

  /**
   * Binds a UDP socket on {@code address:port} and registers it with {@code loop}. Called on {@code loop};
   * {@code receive} is that loop's receive buffer, with a memory address.
   *
   * @throws IOException when the port cannot be bound
   */
  static EpollRelaySocket open(IoEventLoop loop, InetAddress address, int port, Allocation allocation,
                               ByteBuf receive, TurnMetrics metrics) throws IOException {
    if (!loop.inEventLoop()) {
      // Registration must complete before the socket could be closed, or a stale handle would stay
      // in the loop's map under an fd number that a later socket may get.
      throw new IOException("relay socket opened off its event loop");
    }
    LinuxSocket socket;
    try {
      socket = LinuxSocket.newSocketDgram(address instanceof Inet6Address);
    } catch (RuntimeException e) { // out of file descriptors, say
      throw new IOException("relay socket: " + e.getMessage(), e);
    }
    EpollRelaySocket relay = new EpollRelaySocket(socket, allocation, receive, metrics);
    try {
      bind(socket, address, port);
      Future<IoRegistration> registered = loop.register(relay);
      if (!registered.isDone()) {
        // On its own loop registration completes inline; waiting here would deadlock the loop.
        throw new IOException("relay socket did not register synchronously on its event loop");
      }
      if (!registered.isSuccess()) {
        throw new IOException("relay socket registration failed", registered.cause());
      }
      relay.registration = registered.getNow();
      relay.registration.submit(EpollIoOps.EPOLLIN);
      return relay;
    } catch (IOException e) {
      relay.close();
      throw e;
    } catch (RuntimeException e) { // epoll_ctl refused (the watch limit, say): the caller expects IOException
      relay.close();
      throw new IOException("relay socket: " + e.getMessage(), e);
    }
  }

  private static void bind(LinuxSocket socket, InetAddress address, int port) throws BindException {
    try {
      socket.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw RelaySockets.bindFailure(address, port, e);
    }
  }

  @Override
  public FileDescriptor fd() {
    return socket;
  }

  @Override
  public void handle(IoRegistration registration, IoEvent event) {
    for (int i = 0; i < READ_BUDGET; i++) {
      DatagramSocketAddress peer;
      try {
        peer = socket.recvFromAddress(receive.memoryAddress(), 0, receive.capacity());
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // A pending socket error is reported once, by the read that meets it.
        log.debug("relay {}: {}", allocation.relayAddress(), e.toString());
        continue;
      }
      if (peer == null) {
        return; // drained
      }
      receive.setIndex(0, peer.receivedAmount());
      try {
        allocation.onPeerDatagram(peer, receive);
      } catch (RuntimeException | OutOfMemoryError e) {
        // A channel's pipeline would catch this; here it would reach the event loop, whose thread
        // ends on it and takes every socket of the loop with it. Out of direct memory included.
        log.warn("relay {}: datagram from {} dropped", allocation.relayAddress(), peer, e);
      }
    }
  }

  @Override
  public boolean send(ByteBuf payload, InetSocketAddress peer) {
    return sender.send(payload, peer);
  }

  @Override
  public void close(Runnable closed) {
    try {
      if (registration != null) {
        registration.cancel();
      }
      socket.close();
    } catch (IOException e) {
      log.debug("relay {}: close: {}", allocation.relayAddress(), e.toString());
    }
    closed.run();
  }

  /**
   * Netty's close of every handle when the loop shuts down. The port is not given back: the server is
   * stopping, and the allocation's own close (which does give it back) may come after or not at all.
   */
  @Override
  public void close() {
    close(() -> { });
  }
}
