package dev.switchboard.cli.browser;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;

/** One person in the demo room, driven through the app's test hook {@code window.switchboardApp}. Not thread-safe. */
final class RoomPage {

  final Page page;
  final String name;

  RoomPage(Page page, String name) {
    this.page = page;
    this.name = name;
  }

  /** Opens {@code /r/ROOM} as a new person and joins with the app's own join path. */
  static RoomPage join(BrowserFixture fixture, String room, String name, String query) {
    RoomPage person = open(fixture, room, name, query);
    person.page.waitForFunction("() => window.switchboardApp && window.switchboardApp.state.joined");
    return person;
  }

  /** Opens the page and starts joining, without waiting for the outcome. */
  static RoomPage open(BrowserFixture fixture, String room, String name, String query) {
    Page page = fixture.person();
    page.setDefaultTimeout(20_000);
    page.navigate(fixture.url("/r/" + room + "?name=" + name + "&join=1&" + query));
    return new RoomPage(page, name);
  }

  String peerId() {
    return (String) page.evaluate("() => switchboardApp.client.peerId");
  }

  void waitConnected(String... peerIds) {
    page.waitForFunction("ids => ids.every(id => switchboardApp.state.peers[id]?.connectionState === 'connected')",
        List.of(peerIds));
  }

  void waitGone(String peerId) {
    page.waitForFunction("id => !(id in switchboardApp.state.peers)"
        + " && !document.querySelector(`#participants [data-peer-id='${id}']`)", peerId);
  }

  /** Waits until the remote video of {@code peerId} plays real frames. */
  void waitForRemoteVideo(String peerId) {
    page.waitForFunction("id => { const v = document.getElementById('tile-' + id)?.querySelector('video');"
        + " return !!v && v.videoWidth > 0 && v.currentTime > 0.3; }", peerId);
  }

  /** The selected candidate pair towards {@code peerId}, once there is one. */
  @SuppressWarnings("unchecked")
  Map<String, Object> route(String peerId) {
    return (Map<String, Object>) page.waitForFunction("async id => { const r = await switchboardApp.route(id);"
        + " return r && r.local && r.remote && r.bytesReceived > 0 ? r : null; }", peerId).jsonValue();
  }

  int sendData(String text) {
    return ((Number) page.evaluate("t => switchboardApp.sendData(t)", text)).intValue();
  }

  void waitForData(String from, String text) {
    page.waitForFunction("([from, text]) => switchboardApp.state.data.some(d => d.from === from && d.data === text)",
        List.of(from, text));
  }

  /** Types a chat message into the chat box and sends it, as a person would. */
  void typeChat(String text) {
    page.fill("#chat-input", text);
    page.press("#chat-input", "Enter");
  }

  void chat(String text) {
    page.evaluate("t => switchboardApp.chat(t)", text);
  }

  @SuppressWarnings("unchecked")
  List<String> chatLines() {
    return (List<String>) page.evaluate("() => switchboardApp.state.chat.map(m => m.name + ': ' + m.text)");
  }

  void waitForChatCount(int n) {
    page.waitForFunction("n => switchboardApp.state.chat.length >= n", n);
  }

  String errorText() {
    page.waitForSelector("#error:not([hidden])");
    return page.textContent("#error");
  }
}
