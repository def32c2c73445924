package dev.switchboard.signaling;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The last events sent to a session, as the UTF-8 frames that went on the wire, for a resume: at most
 * {@code maxEvents} of them in at most {@code maxBytes}, the oldest dropped first. Their sequence
 * numbers are consecutive and end at the last one added. Not thread-safe: the session's monitor
 * guards it.
 *
 * <p>Why one byte ring instead of an array per event: every relayed signal stays here until
 * thousands of newer ones push it out, so under load the young collections kept copying the last
 * few seconds of traffic of every session (pauses of 10-60 ms, p99 relay latency with them; bench/,
 * signaling). A few arrays per session that grow by doubling are copied once and then left alone.
 */
final class ReplayBuffer {

  /**
   * Index slots before the first growth. Most sessions sit idle holding one event (welcome), and
   * at 50k sessions every byte kept per session counts (bench memory-wss).
   */
  private static final int INITIAL_EVENTS = 2;
  private static final byte[] EMPTY = new byte[0];

  private final int maxEvents;
  private final int maxBytes;
  private byte[] data;
  /** Per event, oldest first from {@link #head}: where its bytes start in {@link #data}, and how many. */
  private int[] offsets = new int[INITIAL_EVENTS];
  private int[] lengths = new int[INITIAL_EVENTS];
  private int head;
  private int count;
  /** Where the next event's bytes go; the bytes in use run from the oldest event's offset to here, maybe wrapping. */
  private int tail;
  private long lastSeq;

  ReplayBuffer(int maxEvents, int maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    // Sized by the first event, not up front: an idle session keeps only its welcome (~300 bytes).
    this.data = EMPTY;
  }

  /** Adds the event numbered {@code seq}, which must follow the last one added. */
  void add(long seq, byte[] event) {
    lastSeq = seq;
    if (event.length > maxBytes) {
      clear(); // too big to keep: a resume from before it fails, as for any dropped event
      return;
    }
    if (count == maxEvents) {
      dropOldest();
    }
    int at;
    while ((at = place(event.length)) < 0) {
      if (data.length < maxBytes) {
        grow(event.length);
      } else {
        dropOldest();
      }
    }
    System.arraycopy(event, 0, data, at, event.length);
    if (count == offsets.length) {
      growIndex();
    }
    int slot = (head + count) % offsets.length;
    offsets[slot] = at;
    lengths[slot] = event.length;
    count++;
    tail = at + event.length;
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
    return data.length;
  }

  /** Hands every kept event after {@code seq}, oldest first, to {@code sink} as a copy. */
  void forEachAfter(long seq, Consumer<byte[]> sink) {
    long eventSeq = oldestSeq();
    for (int i = 0; i < count; i++, eventSeq++) {
      if (eventSeq > seq) {
        int slot = (head + i) % offsets.length;
        sink.accept(Arrays.copyOfRange(data, offsets[slot], offsets[slot] + lengths[slot]));
      }
    }
  }

  /** Where {@code length} bytes fit without overwriting a kept event, or -1. Events never wrap. */
  private int place(int length) {
    if (count == 0) {
      return length <= data.length ? 0 : -1;
    }
    int oldest = offsets[head];
    if (tail > oldest) {
      // In use: [oldest, tail). Free: after tail, then before oldest.
      if (tail + length <= data.length) {
        return tail;
      }
      return length <= oldest ? 0 : -1;
    }
    // Wrapped, in use: [oldest, end) and [0, tail). Free: [tail, oldest).
    return tail + length <= oldest ? tail : -1;
  }

  private void dropOldest() {
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
    int capacity = (int) Math.min(maxBytes, Math.max((long) used + incoming, 2L * data.length));
    byte[] bigger = new byte[capacity];
    int[] newOffsets = new int[offsets.length];
    int[] newLengths = new int[offsets.length];
    int at = 0;
    for (int i = 0; i < count; i++) {
      int slot = (head + i) % offsets.length;
      System.arraycopy(data, offsets[slot], bigger, at, lengths[slot]);
      newOffsets[i] = at;
      newLengths[i] = lengths[slot];
      at += lengths[slot];
    }
    data = bigger;
    offsets = newOffsets;
    lengths = newLengths;
    head = 0;
    tail = at;
  }

  private void growIndex() {
    int capacity = Math.min(maxEvents, offsets.length * 2);
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
