package dev.switchboard.signaling;

import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The rooms a session is in: an immutable set that a join or a leave replaces. Every relayed signal
 * checks membership, joins and leaves are rare, and most sessions are in one room, which an
 * immutable set holds in 24 bytes where a concurrent one took about 200 per idle session. Changes
 * come from the session's loop and, on a resume, from another: they are serialised here, reads take
 * no lock and iterate a snapshot (a session may leave rooms while its rooms are walked).
 */
final class RoomSet implements Iterable<String> {

  private volatile Set<String> ids = Set.of();

  /** @return false when already in that room */
  synchronized boolean add(String roomId) {
    Set<String> current = ids;
    if (current.contains(roomId)) {
      return false;
    }
    String[] grown = current.toArray(new String[current.size() + 1]);
    grown[current.size()] = roomId;
    ids = Set.of(grown);
    return true;
  }

  /** @return false when not in that room */
  synchronized boolean remove(String roomId) {
    Set<String> current = ids;
    if (!current.contains(roomId)) {
      return false;
    }
    ids = Set.of(current.stream().filter(id -> !id.equals(roomId)).toArray(String[]::new));
    return true;
  }

  boolean contains(String roomId) {
    return ids.contains(roomId);
  }

  int size() {
    return ids.size();
  }

  Stream<String> stream() {
    return ids.stream();
  }

  @Override
  public Iterator<String> iterator() {
    return ids.iterator();
  }
}
