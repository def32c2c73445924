package dev.switchboard.signaling;

import io.netty.channel.EventLoop;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The live rooms by id. Creation, joining and the removal of an emptied room are atomic, so a room
 * never loses a member to a race and an empty room never lingers. Thread-safe.
 */
final class RoomRegistry {

  enum Mode { AUTO, CREATE, JOIN }

  private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
  private final SignalingConfig.Rooms limits;
  private final Supplier<EventLoop> homes;

  /** @param homes the event loop of each new room (may supply null) */
  RoomRegistry(SignalingConfig.Rooms limits, Supplier<EventLoop> homes) {
    this.limits = limits;
    this.homes = homes;
  }

  /**
   * Puts {@code member} into room {@code id}, creating it when the mode allows.
   *
   * @param capacity the capacity asked for by a creator, or 0 for the default
   * @param source   the joiner's {@link PasswordThrottle#source} key, for wrong passwords
   */
  Room join(String id, Mode mode, int capacity, String password, Room.Member member, Object source, long nowMillis)
      throws SignalingException {
    while (true) {
      Room room = rooms.get(id);
      if (room == null) {
        if (mode == Mode.JOIN) {
          throw new SignalingException("room_not_found", "room " + id + " does not exist");
        }
        Room created = new Room(id, capacity == 0 ? limits.defaultCapacity() : capacity, password, limits.history(),
            homes.get());
        created.add(member);
        if (rooms.putIfAbsent(id, created) == null) {
          return created;
        }
        continue;
      }
      if (mode == Mode.CREATE) {
        throw new SignalingException("room_exists", "room " + id + " exists already");
      }
      if (room.member(member.session().peerId) != null) {
        return room;
      }
      room.checkPassword(password, source, nowMillis);
      if (room.add(member)) {
        return room;
      }
      if (!room.isClosed()) {
        throw new SignalingException("room_full", "room " + id + " is full (" + room.size() + "/" + room.capacity + ")");
      }
      rooms.remove(id, room); // emptied meanwhile: retry on a fresh room
    }
  }

  Room get(String id) {
    return rooms.get(id);
  }

  /**
   * Removes {@code peerId} from the room, telling the others with {@code tellOthers} in the same step
   * ({@link Room#remove}); the room goes away when it becomes empty.
   */
  void leave(Room room, String peerId, Consumer<Room.Member> tellOthers) {
    if (room.remove(peerId, tellOthers)) {
      rooms.remove(room.id, room);
    }
  }

  int size() {
    return rooms.size();
  }
}
