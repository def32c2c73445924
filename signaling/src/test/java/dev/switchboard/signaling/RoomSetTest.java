package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomSetTest {

  @Test
  void addsEachRoomOnceAndRemovesOnlyWhatItHolds() {
    RoomSet rooms = new RoomSet();
    assertThat(rooms.add("a")).isTrue();
    assertThat(rooms.add("a")).isFalse();
    assertThat(rooms.add("b")).isTrue();
    assertThat(rooms.add("c")).isTrue();
    assertThat(rooms.size()).isEqualTo(3);
    assertThat(rooms.contains("b")).isTrue();
    assertThat(rooms.remove("x")).isFalse();
    assertThat(rooms.remove("b")).isTrue();
    assertThat(rooms.contains("b")).isFalse();
    assertThat(rooms.stream().sorted().toList()).containsExactly("a", "c");
  }

  @Test
  void aWalkSeesTheRoomsAsTheyWereWhenItBegan() {
    RoomSet rooms = new RoomSet();
    rooms.add("a");
    rooms.add("b");
    List<String> walked = new ArrayList<>();
    for (String room : rooms) {
      walked.add(room);
      rooms.remove(room); // as Hub.end does through leave
    }
    assertThat(walked).containsExactlyInAnyOrder("a", "b");
    assertThat(rooms.size()).isZero();
  }
}
