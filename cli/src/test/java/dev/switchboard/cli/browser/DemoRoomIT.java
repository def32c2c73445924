package dev.switchboard.cli.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo room at {@code /r/ROOM} in headless Chromium: relay-only calls, a mesh, chat and errors. */
class DemoRoomIT {

  private static BrowserFixture fixture;

  @BeforeAll
  static void startServerAndBrowser() throws Exception {
    fixture = BrowserFixture.start("room");
  }

  @AfterEach
  void everyoneLeaves() {
    fixture.closeContexts();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @ParameterizedTest(name = "turn over {0} only")
  @ValueSource(strings = {"udp", "tcp", "tls"})
  void twoPeopleTalkThroughThisServersRelayOnly(String transport) {
    String room = "relay-" + transport;
    String query = "relay=1&turn=" + transport;
    RoomPage alice = RoomPage.join(fixture, room, "Alice", query);
    long relayedBefore = fixture.relayedBytes(alice.page);
    RoomPage bob = RoomPage.join(fixture, room, "Bob", query);
    String a = alice.peerId();
    String b = bob.peerId();

    alice.waitConnected(b);
    bob.waitConnected(a);
    bob.page.waitForFunction("() => switchboardApp.mesh.links.values().next().value?.dc.readyState === 'open'");
    assertThat(alice.sendData("hello Bob over " + transport)).isEqualTo(1);
    bob.waitForData(a, "hello Bob over " + transport);
    alice.waitForRemoteVideo(b);
    bob.waitForRemoteVideo(a);

    for (Map<String, Object> route : List.of(alice.route(b), bob.route(a))) {
      assertThat(route.get("direct")).isEqualTo(false);
      @SuppressWarnings("unchecked") Map<String, Object> local = (Map<String, Object>) route.get("local");
      @SuppressWarnings("unchecked") Map<String, Object> remote = (Map<String, Object>) route.get("remote");
      assertThat(local).containsEntry("type", "relay").containsEntry("address", "127.0.0.1")
          .containsEntry("relayProtocol", transport);
      assertThat(remote).containsEntry("type", "relay").containsEntry("address", "127.0.0.1");
      for (Map<String, Object> candidate : List.of(local, remote)) {
        assertThat(((Number) candidate.get("port")).intValue())
            .as("relay port of this server").isBetween(fixture.server.relayMin, fixture.server.relayMax);
      }
    }
    assertThat(fixture.relayedBytes(alice.page) - relayedBefore).as("relayed bytes in /metrics").isGreaterThan(20_000);
    assertThat(alice.page.textContent("#participants")).contains("Bob").contains("via relay (" + transport + ")");
  }

  @Test
  void threePersonMeshSeesLeavesAndResumesAfterReload() {
    String query = "relay=1&turn=udp";
    RoomPage alice = RoomPage.join(fixture, "mesh", "Alice", query);
    RoomPage bob = RoomPage.join(fixture, "mesh", "Bob", query);
    RoomPage carol = RoomPage.join(fixture, "mesh", "Carol", query);
    String a = alice.peerId();
    String b = bob.peerId();
    String c = carol.peerId();

    alice.waitConnected(b, c);
    bob.waitConnected(a, c);
    carol.waitConnected(a, b);
    alice.waitForRemoteVideo(b);
    alice.waitForRemoteVideo(c);
    alice.page.screenshot(new Page.ScreenshotOptions()
        .setPath(BrowserFixture.TARGET.resolve("demo-room-two-remote-videos.png")).setFullPage(true));
    // On a phone-sized screen the room stacks: videos two per row, then participants and chat.
    alice.page.setViewportSize(390, 844);
    assertThat((Boolean) alice.page.evaluate("() => document.documentElement.scrollWidth <= 390"))
        .as("no horizontal scrolling on a phone").isTrue();
    alice.page.screenshot(new Page.ScreenshotOptions()
        .setPath(BrowserFixture.TARGET.resolve("demo-room-phone.png")).setFullPage(true));
    alice.page.setViewportSize(1100, 760);

    carol.page.click("#leave");
    alice.waitGone(c);
    bob.waitGone(c);

    bob.page.reload();
    bob.page.waitForFunction("() => window.switchboardApp?.state.resumed === true");
    assertThat(bob.peerId()).as("the reloaded page keeps its peerId").isEqualTo(b);
    bob.waitConnected(a);
    bob.waitForRemoteVideo(a);
    bob.page.waitForFunction("() => switchboardApp.mesh.links.values().next().value?.dc.readyState === 'open'");
    bob.sendData("back after reload");
    alice.waitForData(b, "back after reload");
    assertThat(alice.page.textContent("#participants")).contains("Bob").doesNotContain("Carol");
  }

  @Test
  void chatReachesEveryoneInOrderWithHistoryForLateJoiner() {
    String query = "relay=1&media=0";
    RoomPage alice = RoomPage.join(fixture, "chat", "Alice", query);
    RoomPage bob = RoomPage.join(fixture, "chat", "Bob", query);
    alice.typeChat("hello from the chat box");
    List<String> expected = new ArrayList<>(List.of("Alice: hello from the chat box"));
    for (int i = 1; i <= 5; i++) {
      alice.chat("a" + i);
      bob.chat("b" + i);
    }
    alice.waitForChatCount(11);
    bob.waitForChatCount(11);
    List<String> all = new ArrayList<>(expected);
    for (int i = 1; i <= 5; i++) {
      all.add("Alice: a" + i);
      all.add("Bob: b" + i);
    }
    RoomPage carol = null;
    for (int round = 0; round < 2; round++) {
      List<RoomPage> readers = round == 0 ? List.of(alice, bob)
          : List.of(carol = RoomPage.join(fixture, "chat", "Carol", query));
      for (RoomPage p : readers) {
        // The protocol orders messages per sender (two senders may interleave differently per reader).
        List<String> lines = p.chatLines();
        assertThat(lines).as(p.name + " got every message once").hasSize(11).containsExactlyInAnyOrderElementsOf(all);
        assertThat(lines.stream().filter(l -> l.startsWith("Alice: ")).toList()).as(p.name + ": Alice's order")
            .containsExactly("Alice: hello from the chat box", "Alice: a1", "Alice: a2", "Alice: a3", "Alice: a4", "Alice: a5");
        assertThat(lines.stream().filter(l -> l.startsWith("Bob: ")).toList()).as(p.name + ": Bob's order")
            .containsExactly("Bob: b1", "Bob: b2", "Bob: b3", "Bob: b4", "Bob: b5");
      }
    }
    assertThat(carol.page.locator("#chat-log li").count()).as("history shown to the late joiner").isEqualTo(11);
    carol.chat("hi, I'm late");
    for (RoomPage p : List.of(alice, bob, carol)) {
      p.waitForChatCount(12);
      assertThat(p.chatLines().get(11)).isEqualTo("Carol: hi, I'm late");
    }
  }

  @Test
  void roomFullAndWrongPasswordAreShownToThePerson() {
    RoomPage.join(fixture, "pair", "Alice", "media=0&capacity=2");
    RoomPage.join(fixture, "pair", "Bob", "media=0");
    RoomPage third = RoomPage.open(fixture, "pair", "Carol", "media=0");
    assertThat(third.errorText()).contains("This room is full");

    RoomPage.join(fixture, "locked", "Alice", "media=0&password=right");
    RoomPage intruder = RoomPage.open(fixture, "locked", "Mallory", "media=0&password=wrong");
    assertThat(intruder.errorText()).contains("Wrong password");
    assertThat(intruder.page.isVisible("#join")).as("the join form stays for another try").isTrue();
  }

  @Test
  void deniedCameraIsExplainedAndTheRoomStillWorks() {
    Page page = fixture.person();
    page.addInitScript("navigator.mediaDevices.getUserMedia = () =>"
        + " Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));");
    page.navigate(fixture.url("/r/nocam?name=Dana&join=1"));
    page.waitForFunction("() => window.switchboardApp?.state.joined");
    assertThat(page.textContent("#error")).contains("Camera/microphone access was denied");
    assertThat(page.isVisible("#room-view")).isTrue();
  }
}
