package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A room: its members in join order, its capacity, its password hash and its chat history. Every
 * change happens under the room's monitor, so two joiners racing for the last seat cannot both get
 * in. Thread-safe.
 *
 * <p>The monitor also orders what members are told about the room. A joiner holds a seat from
 * {@link #add} but is announced only in {@link #announce}, which sends its {@code joined} (a snapshot
 * of the room) and its {@code peer.joined} under the monitor; every event about the room goes out
 * under it too ({@link #tellOthers}, {@link #remove}, {@link #remember}), to announced members only.
 * So each member hears of a change in its {@code joined} or after it, never before: never a
 * {@code peer.left} for a peer its {@code joined} then lists (a ghost), nor a chat both in its
 * history and as an event. (A {@code peer.updated} may repeat the state its {@code joined} showed:
 * a peer's connection changes under its session's monitor, before the event goes out under this
 * one.) Telling only queues frames ({@link Session#send} never writes inline), so no other lock is
 * taken under this one but the sessions'.
 */
final class Room {

  /**
   * A member as others see it; {@code meta} null when its join brought none (sent as {}): an empty
   * object node per member was 80 bytes of every idle session's heap.
   */
  record Member(Session session, String name, JsonNode meta) {}

  final String id;
  final int capacity;
  /** The event loop its members' connections move to ({@link LoopAffinity}); null: none. */
  final EventLoop home;
  private final byte[] passwordSalt;
  private final byte[] passwordHash;
  /** Wrong guesses by client address; null when the room has no password. */
  private final PasswordThrottle throttle;
  private final int historySize;
  private final Map<String, Member> members = new LinkedHashMap<>();
  /** Members with a seat whose joined has not been sent: nobody else is told of them, nor they of anything. */
  private final Set<String> unannounced = new HashSet<>(4);
  private final ArrayDeque<ObjectNode> history = new ArrayDeque<>();
  private boolean closed;

  Room(String id, int capacity, String password, int historySize, EventLoop home) {
    this.id = id;
    this.home = home;
    this.capacity = capacity;
    this.historySize = historySize;
    if (password == null || password.isEmpty()) {
      passwordSalt = null;
      passwordHash = null;
      throttle = null;
    } else {
      passwordSalt = Passwords.salt();
      passwordHash = Passwords.hash(password, passwordSalt);
      throttle = new PasswordThrottle();
    }
  }

  boolean locked() {
    return passwordHash != null;
  }

  /**
   * Lets a joiner from {@code source} (a {@link PasswordThrottle#source} key) in when the room has no
   * password or {@code password} is it (compared in constant time); wrong_password otherwise, or when
   * that source has to wait after wrong guesses.
   */
  void checkPassword(String password, Object source, long nowMillis) throws SignalingException {
    if (passwordHash == null) {
      return;
    }
    long waitMs = throttle.tryAcquire(source, nowMillis);
    if (waitMs > 0) {
      throw new SignalingException("wrong_password", "too many wrong passwords: try again later", waitMs, 0);
    }
    boolean matches;
    try {
      matches = password != null && MessageDigest.isEqual(passwordHash, Passwords.hash(password, passwordSalt));
    } catch (RuntimeException e) {
      throttle.failed(source, nowMillis); // the try it holds ends either way
      throw e;
    }
    if (matches) {
      throttle.passed(source);
      return;
    }
    throw new SignalingException("wrong_password", "wrong password for room " + id, throttle.failed(source, nowMillis), 0);
  }

  /** True while the room is in the registry; a closed room takes no members. */
  synchronized boolean isClosed() {
    return closed;
  }

  synchronized int size() {
    return members.size();
  }

  /** The announced members other than {@code peerId}, in join order. */
  synchronized List<Member> others(String peerId) {
    List<Member> others = new ArrayList<>(members.size());
    for (Member m : members.values()) {
      if (!m.session().peerId.equals(peerId) && !unannounced.contains(m.session().peerId)) {
        others.add(m);
      }
    }
    return others;
  }

  /** The member {@code peerId}, announced or not: for its own requests. */
  synchronized Member member(String peerId) {
    return members.get(peerId);
  }

  /** The member {@code peerId} once announced, else null: for what others address to it. */
  synchronized Member announcedMember(String peerId) {
    return unannounced.contains(peerId) ? null : members.get(peerId);
  }

  /** Gives {@code member} a seat, unannounced until {@link #announce}. */
  synchronized boolean add(Member member) {
    if (closed || members.size() >= capacity) {
      return false;
    }
    members.put(member.session().peerId, member);
    unannounced.add(member.session().peerId);
    return true;
  }

  /**
   * Announces {@code peerId}: runs {@code tell} (its joined, then its peer.joined to the others) under
   * the monitor, with the member counted as announced from the start, so that a {@code tell} that
   * throws leaves a member as visible as one whose joined went out.
   */
  synchronized void announce(String peerId, Runnable tell) {
    unannounced.remove(peerId);
    tell.run();
  }

  /** Runs {@code tell} for each announced member but {@code exceptPeerId}, under the monitor. */
  synchronized void tellOthers(String exceptPeerId, Consumer<Member> tell) {
    for (Member m : others(exceptPeerId)) {
      tell.accept(m);
    }
  }

  /**
   * Removes the member and tells the announced others with {@code tellOthers}, in one step; closes the
   * room when it becomes empty and returns true then.
   */
  synchronized boolean remove(String peerId, Consumer<Member> tellOthers) {
    members.remove(peerId);
    unannounced.remove(peerId);
    tellOthers(peerId, tellOthers);
    if (members.isEmpty()) {
      closed = true;
    }
    return closed;
  }

  /** Keeps a chat for the history of later joiners and tells it to the announced others, in one step. */
  synchronized void remember(ObjectNode chat, String fromPeerId, Consumer<Member> tellOthers) {
    if (historySize > 0) {
      history.addLast(chat.deepCopy());
      while (history.size() > historySize) {
        history.removeFirst();
      }
    }
    tellOthers(fromPeerId, tellOthers);
  }

  synchronized List<ObjectNode> history() {
    return new ArrayList<>(history);
  }
}
