package dev.switchboard.signaling;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A locked room's wrong passwords, throttled per client address: after the n-th wrong guess from an
 * address, its next try is taken no sooner than 500 ms · 2^(n-1) later (at most 30 s), and once it
 * has guessed wrong it has one try at a time. Per address, not per session: a new connection would
 * start a session's count over. An IPv6 address counts as its /64, the block one host is given.
 *
 * <p>Bounded: an address is forgotten {@link #FORGET_MILLIS} after its last wrong guess, and at most
 * {@link #MAX_SOURCES} are kept; beyond that, every new address shares one record, so guessing from
 * many addresses is throttled as one. Thread-safe: its monitor, held for map updates only (the
 * password hash is checked outside it, by {@link Room}).
 */
final class PasswordThrottle {

  static final long BACKOFF_MILLIS = 500;
  static final long BACKOFF_MAX_MILLIS = 30_000;
  static final long FORGET_MILLIS = 10 * 60_000;
  static final int MAX_SOURCES = 256;
  /** The key shared by addresses past {@link #MAX_SOURCES}. */
  private static final Object OVERFLOW = new Object();

  private static final class Record {
    int failures;
    long retryAtMillis;
    long lastFailureMillis;
    boolean trying;
    /** The address whose try {@link #trying} holds: on the shared record, one of many. */
    Object holder;
  }

  private final Map<Object, Record> records = new HashMap<>();

  /**
   * The key of a client address: the address for IPv4, its /64 for IPv6; {@code fallback} when
   * there is no address.
   */
  static Object source(InetAddress address, Object fallback) {
    if (address == null) {
      return fallback;
    }
    if (address instanceof Inet6Address) {
      byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
      Arrays.fill(prefix, 8, 16, (byte) 0);
      try {
        return InetAddress.getByAddress(prefix);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // 16 bytes are always an address
      }
    }
    return address;
  }

  /**
   * Whether {@code source} may try a password now: 0 when it may, and then, if it has guessed wrong
   * before, its try is held until {@link #failed} or {@link #passed}; else the milliseconds to wait.
   */
  synchronized long tryAcquire(Object source, long nowMillis) {
    Object key = key(source, nowMillis);
    Record record = records.get(key);
    if (record == null) {
      return 0;
    }
    if (forgotten(record, nowMillis)) {
      records.remove(key);
      return 0;
    }
    if (record.trying || nowMillis < record.retryAtMillis) {
      return Math.max(1, record.retryAtMillis - nowMillis);
    }
    record.trying = true;
    record.holder = source;
    return 0;
  }

  /** A wrong guess from {@code source}: the milliseconds until its next try. */
  synchronized long failed(Object source, long nowMillis) {
    Record record = records.computeIfAbsent(key(source, nowMillis), k -> new Record());
    record.trying = false;
    record.failures++;
    record.lastFailureMillis = nowMillis;
    long backoff = Math.min(BACKOFF_MAX_MILLIS, BACKOFF_MILLIS << Math.min(16, record.failures - 1));
    record.retryAtMillis = nowMillis + backoff;
    return backoff;
  }

  /** The right password from {@code source}: its wrong guesses are forgotten (not those of the shared record). */
  synchronized void passed(Object source) {
    if (records.remove(source) == null) {
      // Only the address holding the shared record's try gives it back: another address sharing it
      // that never took the try must not let the others guess at once.
      Record shared = records.get(OVERFLOW);
      if (shared != null && shared.trying && source.equals(shared.holder)) {
        shared.trying = false;
        shared.holder = null;
      }
    }
  }

  synchronized int size() {
    return records.size();
  }

  /**
   * The record {@code source} counts against: its own when it has one or there is room for one
   * (after dropping the forgotten), else the shared one.
   */
  private Object key(Object source, long nowMillis) {
    if (records.containsKey(source) || records.size() < MAX_SOURCES) {
      return source;
    }
    records.values().removeIf(r -> forgotten(r, nowMillis));
    return records.size() < MAX_SOURCES ? source : OVERFLOW;
  }

  private static boolean forgotten(Record record, long nowMillis) {
    return !record.trying && nowMillis - record.lastFailureMillis >= FORGET_MILLIS && nowMillis >= record.retryAtMillis;
  }
}
