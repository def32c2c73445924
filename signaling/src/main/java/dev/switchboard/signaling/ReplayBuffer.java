package dev.switchboard.signaling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/**
 * The last events sent to a session, as the UTF-8 frames that went on the wire, for a resume: at most
 * {@code maxEvents} of them in at most {@code maxBytes}, the oldest dropped first. Their sequence
 * numbers are consecutive and end at the last one added or skipped. Not thread-safe: the session's
 * monitor guards it. {@link #release()} gives its memory back; the session calls it when it ends.
 *
 * <p>Why one byte ring instead of an array per event: every relayed signal stays here until
 * thousands of newer ones push it out, so under load the young collections kept copying the last
 * few seconds of traffic of every session (pauses of 10-60 ms, p99 relay latency with them; bench/,
 * signaling). Why a busy session's ring is off the Java heap: even one ring per session, grown by
 * doubling, was copied by the collector into the old generation as it filled, a busy room's sessions
 * all at once (young pauses of 40-90 ms, most of them page faults in the old regions it copied to;
 * bench/, signaling, GC log). The collector never copies a direct buffer. Why a small one stays on
 * the heap: a quiet session's ring holds a few events (its room's joined, a peer or two), as cheap
 * there as before, where thousands of long-lived small blocks off the heap would only fragment the
 * memory they share with shorter-lived ones.
 */
final class ReplayBuffer {

  /**
   * Index slots before the first growth. Most sessions sit idle holding an event or two, and at 50k
   * sessions every byte kept per session counts (bench memory-wss).
   */
  private static final int INITIAL_EVENTS = 2;

  /** The index of a ring that never kept an event. */
  private static final int[] NO_EVENTS = new int[0];

  /** Rings up to this many bytes are on the Java heap, larger ones in {@link #offHeap}'s memory. */
  static final int HEAP_BYTES = 4096;

  private final ByteBufAllocator offHeap;
  private final int maxEvents;
  private final int maxBytes;
  /** The ring: empty before the first event and after release. */
  private ByteBuf data = Unpooled.EMPTY_BUFFER;
  private boolean released;
  /** Per event, oldest first from {@link #head}: where its bytes start in {@link #data}, and how many. */
  private int[] offsets = NO_EVENTS;
  private int[] lengths = NO_EVENTS;
  private int head;
  private int count;
  /** Where the next event's bytes go; the bytes in use run from the oldest event's offset to here, maybe wrapping. */
  private int tail;
  private long lastSeq;
  /** The newest event dropped before it could be replayed (0: none); a resume must have seen it. */
  private long lastLost;

  /** Sized by the first event kept, not up front: an idle session keeps none (its welcome is skipped). */
  ReplayBuffer(ByteBufAllocator offHeap, int maxEvents, int maxBytes) {
    this.offHeap = offHeap;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** Adds the event numbered {@code seq}, which must follow the last one added; after {@link #release()}, only counts it. */
  void add(long seq, byte[] event) {
    if (released || event.length > maxBytes) {
      lastSeq = seq;
      lastLost = seq; // gone, or too big to keep: a resume from before it fails, as for any dropped event
      clear();
      return;
    }
    if (count == maxEvents) {
      dropOldest();
    }
    int at;
    while ((at = place(event.length)) < 0) {
      if (data.capacity() < maxBytes) {
        grow(event.length);
      } else {
        dropOldest();
      }
    }
    data.setBytes(at, event);
    if (count == offsets.length) {
      growIndex();
    }
    int slot = (head + count) % offsets.length;
    offsets[slot] = at;
    lengths[slot] = event.length;
    count++;
    tail = at + event.length;
    lastSeq = seq; // only now: the drops above number the events they drop from the previous one
  }

  /**
   * Counts the event numbered {@code seq} without keeping it, for an event that no resume needs
   * (the welcome: a client that resumes holds the token it brought). A resume from before it is
   * still possible; events kept before it are dropped (they would leave a gap in the ring).
   */
  void skip(long seq) {
    if (count > 0) {
      lastLost = seq - 1;
    }
    lastSeq = seq;
    clear();
  }

  /** Whether every event after {@code seq} is still here, or was skipped, for a resume from {@code seq}. */
  boolean canResumeAfter(long seq) {
    return seq >= lastLost && seq <= lastSeq;
  }

  /** The sequence number of the oldest event kept; one past {@link #lastSeq()} when none is. */
  long oldestSeq() {
    return lastSeq - count + 1;
  }

  long lastSeq() {
    return lastSeq;
  }

  int size() {
    return count;
  }

  /** Bytes held for event data, kept or free. */
  int capacity() {
    return data.capacity();
  }

  /** Drops every event and gives the memory back; later events are counted but not kept. Idempotent. */
  void release() {
    if (!released) {
      released = true;
      lastLost = lastSeq;
      clear();
      data.release();
      data = Unpooled.EMPTY_BUFFER;
    }
  }

  /** Hands every kept event after {@code seq}, oldest first, to {@code sink} as a copy. */
  void forEachAfter(long seq, Consumer<byte[]> sink) {
    long eventSeq = oldestSeq();
    for (int i = 0; i < count; i++, eventSeq++) {
      if (eventSeq > seq) {
        int slot = (head + i) % offsets.length;
        byte[] event = new byte[lengths[slot]];
        data.getBytes(offsets[slot], event);
        sink.accept(event);
      }
    }
  }

  /** Where {@code length} bytes fit without overwriting a kept event, or -1. Events never wrap. */
  private int place(int length) {
    if (count == 0) {
      return length <= data.capacity() ? 0 : -1;
    }
    int oldest = offsets[head];
    if (tail > oldest) {
      // In use: [oldest, tail). Free: after tail, then before oldest.
      if (tail + length <= data.capacity()) {
        return tail;
      }
      return length <= oldest ? 0 : -1;
    }
    // Wrapped, in use: [oldest, end) and [0, tail). Free: [tail, oldest).
    return tail + length <= oldest ? tail : -1;
  }

  private void dropOldest() {
    lastLost = oldestSeq();
    head = (head + 1) % offsets.length;
    count--;
    if (count == 0) {
      head = 0;
      tail = 0;
    }
  }

  private void clear() {
    head = 0;
    count = 0;
    tail = 0;
  }

  /**
   * A larger array (at least double, at least enough for what is kept plus {@code incoming}, at most
   * maxBytes) with the kept events laid out from 0, oldest first.
   */
  private void grow(int incoming) {
    int used = 0;
    for (int i = 0; i < count; i++) {
      used += lengths[(head + i) % offsets.length];
    }
    int capacity = (int) Math.min(maxBytes, Math.max((long) used + incoming, 2L * data.capacity()));
    ByteBuf bigger = capacity <= HEAP_BYTES ? Unpooled.buffer(capacity, capacity) : offHeap.directBuffer(capacity, capacity);
    int[] newOffsets = new int[offsets.length];
    int[] newLengths = new int[offsets.length];
    int at = 0;
    for (int i = 0; i < count; i++) {
      int slot = (head + i) % offsets.length;
      bigger.setBytes(at, data, offsets[slot], lengths[slot]);
      newOffsets[i] = at;
      newLengths[i] = lengths[slot];
      at += lengths[slot];
    }
    data.release();
    data = bigger;
    offsets = newOffsets;
    lengths = newLengths;
    head = 0;
    tail = at;
  }

  private void growIndex() {
    int capacity = Math.min(maxEvents, Math.max(INITIAL_EVENTS, offsets.length * 2));
    int[] newOffsets = new int[capacity];
    int[] newLengths = new int[capacity];
    for (int i = 0; i < count; i++) {
      int slot = (head + i) % offsets.length;
      newOffsets[i] = offsets[slot];
      newLengths[i] = lengths[slot];
    }
    offsets = newOffsets;
    lengths = newLengths;
    head = 0;
  }
}
