package dev.switchboard.signaling;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCounted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the members of a room on one event loop, the room's home. A connection is accepted onto
 * whichever loop is next; when its session joins its first room, it moves to that room's loop. A
 * relayed message then goes from the sender's read to the receiver's socket on one thread: no task
 * handed to another loop, no eventfd write to wake that loop and no second epoll wake-up for it,
 * which on this machine cost as much as the relay itself (bench/, signaling). Rooms get their homes
 * from the group in turn, so busy rooms spread over the loops as connections did.
 *
 * <p>The move is Netty's own: deregister, then register on the other loop. Netty runs the
 * deregistration after the read in progress, so no handler runs on two threads; frames queued for the
 * connection meanwhile are written by the new loop ({@link Session} re-queues its drain there).
 * Thread-safe.
 */
final class LoopAffinity {

  private static final Logger log = LoggerFactory.getLogger(LoopAffinity.class);

  private final EventLoopGroup group;

  /** @param group the loops connections are on; null leaves every connection where it is */
  LoopAffinity(EventLoopGroup group) {
    this.group = group;
  }

  /** The home of a new room. */
  EventLoop nextHome() {
    return group == null ? null : (EventLoop) group.next();
  }

  /**
   * Moves {@code channel} onto {@code home} unless it is there already; {@code lost} runs when the
   * connection closed during the move (it then never reports channelInactive).
   */
  void move(Channel channel, EventLoop home, Runnable lost) {
    if (home == null || channel == null || !channel.isRegistered() || channel.eventLoop() == home) {
      return;
    }
    channel.deregister().addListener(deregistered -> {
      if (!deregistered.isSuccess() || !channel.isOpen()) {
        log.debug("connection {} lost while moving to its room's event loop", channel.id());
        closeLost(channel);
        lost.run();
        return;
      }
      home.register(channel).addListener(registered -> {
        if (!registered.isSuccess()) {
          log.debug("connection {} lost while moving to its room's event loop: {}", channel.id(), registered.cause());
          closeLost(channel);
          lost.run();
        }
      });
    });
  }

  /**
   * Closes a connection lost in a move. Off every loop, it is never torn down (no handlerRemoved), so
   * what its handlers hold outside the Java heap is freed here: BoringSSL's state of the connection,
   * which no finalizer frees (reference-counted engines), and a partial frame's bytes.
   */
  static void closeLost(Channel channel) {
    channel.close();
    if (channel.isRegistered()) {
      return; // still on a loop: torn down by it as any connection
    }
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls != null && tls.engine() instanceof ReferenceCounted engine && engine.refCnt() > 0) {
      engine.release();
    }
    WebSocketFrameHandler frames = channel.pipeline().get(WebSocketFrameHandler.class);
    if (frames != null) {
      frames.releaseBuffers();
    }
  }
}
