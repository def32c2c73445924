package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A room: its members in join order, its capacity, its password hash and its chat history. Every
 * change happens under the room's monitor, so two joiners racing for the last seat cannot both get
 * in. Thread-safe.
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

  /** The members other than {@code peerId}, in join order. */
  synchronized List<Member> others(String peerId) {
    List<Member> others = new ArrayList<>(members.size());
    for (Member m : members.values()) {
      if (!m.session().peerId.equals(peerId)) {
        others.add(m);
      }
    }
    return others;
  }

  synchronized Member member(String peerId) {
    return members.get(peerId);
  }

  synchronized boolean add(Member member) {
    if (closed || members.size() >= capacity) {
      return false;
    }
    members.put(member.session().peerId, member);
    return true;
  }

  /** Removes the member; closes the room when it becomes empty and returns true then. */
  synchronized boolean remove(String peerId) {
    members.remove(peerId);
    if (members.isEmpty()) {
      closed = true;
    }
    return closed;
  }

  synchronized void remember(ObjectNode chat) {
    if (historySize == 0) {
      return;
    }
    history.addLast(chat);
    while (history.size() > historySize) {
      history.removeFirst();
    }
  }

  synchronized List<ObjectNode> history() {
    return new ArrayList<>(history);
  }
}
