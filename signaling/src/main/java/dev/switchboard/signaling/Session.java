package dev.switchboard.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayList;
import java.util.List;

/**
 * One signaling session: its identity, its rooms, its connection (absent while it waits for a
 * resume), and the numbered events sent to it, kept so a resume can replay what the client missed.
 * Sends are serialised on the session's monitor so sequence numbers and the wire agree. Thread-safe.
 */
final class Session {

  /** Events kept for a resume; a client that missed more gets resume_failed. */
  static final int REPLAY_BUFFER = 4096;
  /**
   * ...in at most this many bytes, whichever limit comes first: half a minute of a busy room's
   * signaling, and a bound on what one session can make the server hold (4096 events of up to
   * 64 KiB would be 256 MiB). Kept small because all of it is live heap: at 1 MiB per session the
   * collector's pauses put the relay's p99 latency past 50 ms under load (bench/, signaling).
   */
  static final int REPLAY_BYTES = 128 << 10;

  final String id;
  final String peerId;
  final String resumeToken;
  final RoomSet rooms = new RoomSet();
  final RateLimiter rate;
  /**
   * The monitor that orders a session's joins and leaves with its end, and its end and detaching with
   * a resume: each checks the session's state and acts on it while holding it. A join runs on the
   * connection's loop while an end may come from the ticker's (a heartbeat timeout), and without it the
   * end could announce peer.left between the join's check and its peer.joined. No executor orders them
   * instead: the connection's loop changes on the first join (LoopAffinity), and a detached session has
   * none. Not the session's own monitor, which orders sends: a holder sends to other sessions, and two
   * sessions joining one room would each hold its own while waiting for the other's. A plain object
   * (16 bytes a session, a ReentrantLock takes 48); never taken by signal or chat.
   */
  final Object membership = new Object();

  /**
   * The last events sent, as the UTF-8 frames that went on the wire; their seqs end at {@link #seq}.
   * Null until first needed ({@link #replay}), standing for one that skipped every event so far: a
   * session's welcome is not kept, so an idle session has none (72 bytes each; bench memory-wss).
   */
  private ReplayBuffer sent;
  private long seq;
  private Channel channel;
  /**
   * Frames for {@link #channel} not yet handed to it, in send order; non-null exactly while a drain
   * task for them is queued on the channel's event loop. Null otherwise, so an idle session holds none.
   */
  private ArrayList<byte[]> outbox;
  /** Whether the server.draining notice was sent: once, whichever of the drain and the connect sends it. */
  private boolean toldDraining;

  volatile String name = "";
  volatile String userId;
  volatile String tokenRoom;
  volatile boolean authenticated;
  volatile long lastSeenMillis;
  /** When the heartbeat last sent this session a WebSocket ping; 0 before the first. */
  volatile long lastPingMillis;
  volatile long connectedAtMillis;
  volatile long detachedAtMillis;
  volatile String detachReason = "disconnect";
  volatile long iceRefreshAtMillis = Long.MAX_VALUE;
  volatile long unwritableSinceMillis;
  volatile boolean ended;
  /** Why an ended session left its rooms: leave (bye) or kicked (closed by the server for cause). */
  volatile String endReason = "leave";

  Session(String id, String peerId, String resumeToken, RateLimiter rate, Channel channel, long nowMillis) {
    this.id = id;
    this.peerId = peerId;
    this.resumeToken = resumeToken;
    this.rate = rate;
    this.channel = channel;
    this.lastSeenMillis = nowMillis;
    this.connectedAtMillis = nowMillis;
  }

  /** Numbers {@code message}, keeps it for a resume and writes it when connected. */
  synchronized void send(ObjectNode message) {
    message.put("seq", ++seq);
    keepAndWrite(serialize(message));
  }

  /**
   * Numbers and writes the session's first event, its welcome, without keeping it for a resume: a
   * client can only resume with the token the welcome brought, so it has it, and an idle session
   * holds no replay ring at all (~0.5 KB of heap each, at 50k sessions; bench memory-wss).
   */
  synchronized void sendWelcome(ObjectNode welcome) {
    if (seq != 0) {
      throw new IllegalStateException("the welcome is a session's first event, not its " + (seq + 1) + "th");
    }
    welcome.put("seq", ++seq); // skipped: no replay buffer yet stands for that
    write(serialize(welcome));
  }

  /**
   * Sends {@code notice} (server.draining) unless it was sent already, or the session has not had its
   * welcome yet (the connect sends it after the welcome then: {@link Hub#connect}).
   *
   * @return whether it was sent now
   */
  synchronized boolean tellDraining(ObjectNode notice) {
    if (toldDraining || seq == 0) {
      return false;
    }
    toldDraining = true;
    send(notice);
    return true;
  }

  /** As {@link #send(ObjectNode)}, for an event serialised ahead. */
  synchronized void send(RawEvent event) {
    keepAndWrite(event.withSeq(++seq));
  }

  private void keepAndWrite(byte[] json) {
    replay(seq - 1).add(seq, json);
    write(json);
  }

  /** The replay buffer, made on first use as one that skipped every event up to {@code skippedUpTo}. */
  private ReplayBuffer replay(long skippedUpTo) {
    if (sent == null) {
      // Unpooled (allocated and freed one by one): a ring lives as long as its session, and in the
      // pool it would keep a chunk shared with the sockets' short-lived buffers from being given back.
      sent = new ReplayBuffer(UnpooledByteBufAllocator.DEFAULT, REPLAY_BUFFER, REPLAY_BYTES);
      sent.skip(skippedUpTo);
    }
    return sent;
  }

  /**
   * Queues a frame for the connection. Frames go out through the session's outbox, drained by one
   * task on the channel's event loop: one task and one flush (one send system call) for every frame
   * that piled up before it ran, not one per frame. On this machine a system call and a wake-up cost
   * more than the rest of a relayed message together (bench/, signaling). Through the task even on
   * that loop: a write made inline would overtake frames already in the outbox, and the client would
   * see seq out of order. The caller holds the monitor, so outbox order is send order.
   */
  private void write(byte[] json) {
    if (channel == null) {
      return; // kept in the replay buffer (events) or moot (replies): a resume replays what counts
    }
    if (outbox == null) {
      outbox = new ArrayList<>(4);
      Channel target = channel;
      target.eventLoop().execute(() -> drain(target));
    }
    outbox.add(json);
  }

  /** On {@code target}'s event loop: writes every queued frame, then flushes once. */
  private void drain(Channel target) {
    EventLoop loop = target.eventLoop();
    if (!loop.inEventLoop()) {
      // The connection moved to its room's loop since this drain was queued (LoopAffinity): drain
      // there, so that loop alone writes to it and frames keep their order.
      loop.execute(() -> drain(target));
      return;
    }
    List<byte[]> frames;
    synchronized (this) {
      if (target != channel || outbox == null) {
        return; // detached or resumed since (the outbox was emptied for the new connection), or taken over by a resume
      }
      frames = outbox;
      outbox = null;
    }
    // Outside the monitor: only this loop writes frames to target, one drain at a time, in order.
    for (byte[] json : frames) {
      // Wrapped, not copied: the array is never changed once serialised (the replay buffer copies it).
      target.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(json)), target.voidPromise());
    }
    target.flush();
  }

  /** Writes a direct reply that is not an event (error, pong, resumed): no seq, not replayed. */
  synchronized void reply(ObjectNode message) {
    write(serialize(message));
  }

  synchronized Channel channel() {
    return channel;
  }

  synchronized boolean connected() {
    return channel != null;
  }

  /** The connection went away; the session waits for a resume. */
  synchronized void detach(long nowMillis, String reason) {
    channel = null;
    outbox = null;
    detachedAtMillis = nowMillis;
    detachReason = reason;
  }

  /**
   * Moves the session onto {@code newChannel} and replays every event after {@code lastSeq}, after
   * {@code first} (the resumed reply). Ahead of them go {@code early}: frames the session the new
   * connection started with queued and had not written ({@link #takeQueued}), replies to what the
   * client sent before its hello. That session is about to be detached, which would drop them.
   *
   * @return false when events after lastSeq were already dropped from the buffer
   */
  synchronized boolean resume(Channel newChannel, long lastSeq, ObjectNode first, long nowMillis, List<byte[]> early) {
    if (!replay(seq).canResumeAfter(lastSeq)) {
      return false;
    }
    channel = newChannel;
    outbox = null;
    lastSeenMillis = nowMillis;
    early.forEach(this::write);
    write(serialize(first));
    sent.forEachAfter(lastSeq, this::write);
    return true;
  }

  /**
   * The frames queued for {@code target} and not written yet, taken: its drain then finds none. Never
   * called holding another session's monitor (two sessions would each wait for the other's).
   */
  synchronized List<byte[]> takeQueued(Channel target) {
    if (target != channel || outbox == null) {
      return List.of();
    }
    List<byte[]> queued = outbox;
    outbox = null;
    return queued;
  }

  /** Gives back frames {@link #takeQueued} took (a resume that failed), ahead of those queued since. */
  synchronized void putBack(Channel target, List<byte[]> frames) {
    if (frames.isEmpty() || target != channel) {
      return;
    }
    List<byte[]> since = outbox;
    outbox = null;
    frames.forEach(this::write);
    if (since != null) {
      since.forEach(this::write);
    }
  }

  /** The seq of the last event sent (or, while detached, kept for a resume). */
  synchronized long lastSeq() {
    return seq;
  }

  /** The seq of the oldest event a resume can still replay. */
  synchronized long oldestKeptSeq() {
    return replay(seq).oldestSeq();
  }

  /** Bytes its replay buffer holds, kept or free. */
  synchronized int replayCapacity() {
    return sent == null ? 0 : sent.capacity();
  }

  /**
   * The session is gone for good: its replay buffer's memory goes back. Explicitly, since a busy
   * one's is off the Java heap, where no collector frees it.
   */
  synchronized void release() {
    replay(seq).release();
  }

  /** Closes the connection, if any, with a WebSocket close code, after the frames queued for it. */
  synchronized void close(int code, String reason) {
    if (channel != null) {
      close(channel, null, new CloseWebSocketFrame(code, reason));
    }
  }

  /**
   * Sends {@code reply} (when not null) and then {@code frame} on {@code ch}, and closes it, after the
   * frames already queued for it: through the outbox and a task on its loop behind the outbox's drain,
   * so that the replies to what the client sent before the frame that closes it still go out, in
   * order (written inline, the close overtook them, and they met a closed channel). A connection the
   * session has left (it resumed elsewhere) has nothing of the session's queued: written at once.
   */
  synchronized void close(Channel ch, ObjectNode reply, CloseWebSocketFrame frame) {
    if (ch != channel) {
      closeNow(ch, reply, frame);
      return;
    }
    if (reply != null) {
      write(serialize(reply));
    }
    ch.eventLoop().execute(() -> ch.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE));
  }

  /** Writes {@code reply} (when not null) and {@code frame} on {@code ch} at once, then closes it: nothing of a session's is queued for it. */
  static void closeNow(Channel ch, ObjectNode reply, CloseWebSocketFrame frame) {
    if (reply != null) {
      ch.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(serialize(reply))), ch.voidPromise());
    }
    ch.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
  }

  /** Straight to UTF-8: the bytes the frame carries, without a String in between. */
  private static byte[] serialize(ObjectNode message) {
    try {
      return Json.MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a server message", e);
    }
  }
}
