package dev.switchboard.cli.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.WebSocketRoute;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo app's own code (join, mesh, videos, chat, leave, layout) in Chromium against a scripted
 * stand-in for the signaling server (Playwright's WebSocket routing, a few PROTOCOL.md messages),
 * with the pages served from the classpath as the jar ships them. The real server is exercised by
 * {@link DemoRoomIT}; this one pins the app's behaviour independently of it.
 */
class DemoAppScriptedSignalingIT {
  static final ObjectMapper M = new ObjectMapper();
  final Map<String, WebSocketRoute> peers = new LinkedHashMap<>();
  final Map<String, String> names = new LinkedHashMap<>();
  int n = 0;
  int seq = 100;

  void handle(WebSocketRoute ws) {
    String id = "p_" + (++n);
    ObjectNode w = M.createObjectNode().put("type", "welcome").put("seq", 1).put("sessionId", "s_" + id)
        .put("peerId", id).put("resumeToken", "rt").put("authRequired", false);
    ws.send(w.toString());
    String[] me = {id};
    ws.onMessage(frame -> {
      try {
        ObjectNode msg = (ObjectNode) M.readTree(frame.text());
        String type = msg.get("type").asText();
        String re = msg.has("id") ? msg.get("id").asText() : null;
        switch (type) {
          case "hello" -> {
            me[0] = "p_" + msg.get("resume").get("sessionId").asText().substring(4);
            peers.put(me[0], ws);
            ws.send(M.createObjectNode().put("type", "resumed").put("re", re).put("peerId", me[0]).toString());
          }
          case "join" -> {
            ArrayNode ps = M.createArrayNode();
            ArrayNode offerTo = M.createArrayNode();
            for (var e : peers.entrySet()) {
              ps.addObject().put("peerId", e.getKey()).put("name", names.get(e.getKey()));
              offerTo.add(e.getKey());
              ObjectNode pj = M.createObjectNode().put("type", "peer.joined").put("seq", seq++).put("room", msg.get("room").asText());
              pj.putObject("peer").put("peerId", me[0]).put("name", msg.get("name").asText());
              e.getValue().send(pj.toString());
            }
            peers.put(me[0], ws);
            names.put(me[0], msg.get("name").asText());
            ObjectNode j = M.createObjectNode().put("type", "joined").put("re", re).put("seq", seq++);
            j.putObject("room").put("id", msg.get("room").asText()).put("capacity", 4).put("size", peers.size());
            j.set("peers", ps);
            j.set("offerTo", offerTo);
            j.putArray("iceServers");
            j.putArray("history");
            ws.send(j.toString());
          }
          case "signal" -> {
            ObjectNode s = M.createObjectNode().put("type", "signal").put("seq", seq++).put("room", msg.get("room").asText())
                .put("from", me[0]).put("kind", msg.get("kind").asText());
            s.set("payload", msg.get("payload"));
            peers.get(msg.get("to").asText()).send(s.toString());
          }
          case "chat" -> {
            for (WebSocketRoute p : peers.values()) {
              p.send(M.createObjectNode().put("type", "chat").put("seq", seq++).put("room", msg.get("room").asText())
                  .put("from", me[0]).put("name", names.get(me[0])).put("text", msg.get("text").asText()).put("ts", 1).toString());
            }
          }
          case "leave" -> {
            peers.remove(me[0]);
            ws.send(M.createObjectNode().put("type", "left").put("re", re).put("room", msg.get("room").asText()).toString());
            for (WebSocketRoute p : peers.values()) {
              p.send(M.createObjectNode().put("type", "peer.left").put("seq", seq++).put("room", msg.get("room").asText())
                  .put("peerId", me[0]).put("reason", "leave").toString());
            }
          }
          default -> { }
        }
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  static void serve(Route route) {
    String path = route.request().url().substring("https://app.test".length()).replaceAll("\\?.*", "");
    String file = path.equals("/") || path.startsWith("/r/") ? "index.html" : path.equals("/trickle-ice") ? "trickle-ice.html" : path.substring(1);
    try (InputStream in = DemoAppScriptedSignalingIT.class.getResourceAsStream("/dev/switchboard/signaling/web/" + file)) {
      String ct = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
      route.fulfill(new Route.FulfillOptions().setContentType(ct).setBodyBytes(in.readAllBytes()));
    } catch (Exception e) {
      route.fulfill(new Route.FulfillOptions().setStatus(404));
    }
  }

  /** Chromium in the loopback namespace that {@code holder} keeps alive. */
  private static Chromium launchIn(Process holder) throws Exception {
    return Chromium.launch(holder.pid(), BrowserFixture.TARGET.resolve("browser-it"), List.of(Chromium.LOOPBACK_CANDIDATES));
  }

  /** A page of its own browser context, at {@code url}, with the app's files from the build and this test's scripted signaling. */
  private Page appPage(Chromium c, String url) {
    BrowserContext ctx = c.newContext();
    ctx.route("https://app.test/**", DemoAppScriptedSignalingIT::serve);
    ctx.routeWebSocket("wss://app.test/ws", this::handle);
    Page page = ctx.newPage();
    page.setDefaultTimeout(15_000);
    page.navigate(url);
    return page;
  }

  /** Work in Chromium, in a loopback namespace held for {@code holdSeconds}; the browser and the namespace end after it. */
  private static void inChromium(int holdSeconds, ChromiumWork work) throws Exception {
    Chromium.assumeAvailable();
    Process holder = new ProcessBuilder(LoopbackNamespace.command(List.of("sleep", Integer.toString(holdSeconds)))).start();
    Chromium c = launchIn(holder);
    try {
      work.run(c);
    } finally {
      try {
        c.close();
      } catch (NullPointerException e) {
        // Playwright for Java 1.57 fails on the close events of routed WebSockets when the
        // browser goes away (WebSocketRouteImpl reads a missing code); nothing of ours is wrong.
      }
      holder.destroy();
    }
  }

  private interface ChromiumWork {
    void run(Chromium c) throws Exception;
  }

  @Test
  void aRoomUrlWithABrokenEscapeStillShowsTheJoinForm() throws Exception {
    inChromium(60, c -> {
      Page page = appPage(c, "https://app.test/r/%E0");
      // decodeURIComponent threw at the module's top level: the app never started, the page was dead.
      page.waitForFunction("() => window.switchboardApp !== undefined");
      assertThat(page.isVisible("#join")).isTrue();
    });
  }

  @Test
  void aTabWhoseCallWentOnInAnotherLeavesItAndLetsGoOfTheCamera() throws Exception {
    inChromium(60, c -> {
      Page page = appPage(c, "https://app.test/r/demo?name=Alice&join=1");
      page.waitForFunction("() => window.switchboardApp && window.switchboardApp.state.joined");
      assertThat(page.evaluate("() => document.getElementById('local-video').srcObject.getTracks()"
          + ".every((t) => t.readyState === 'live')")).isEqualTo(true);
      // What the server sends the connection a resume (a duplicated tab's) took the session from.
      peers.get("p_1").close(new WebSocketRoute.CloseOptions().setCode(4009).setReason("the session resumed on another connection"));
      page.waitForSelector("#join", new Page.WaitForSelectorOptions().setState(com.microsoft.playwright.options.WaitForSelectorState.VISIBLE));
      assertThat(page.textContent("#error")).contains("went on in another tab or window");
      assertThat(page.evaluate("() => document.getElementById('local-video').srcObject")).isNull();
      assertThat(page.evaluate("() => window.switchboardApp.state.media.camera || window.switchboardApp.state.media.mic"))
          .isEqualTo(false);
      page.waitForTimeout(500); // several of the client's backoff periods
      assertThat(n).as("no reconnection to take the session back").isEqualTo(1);
      assertThat(page.evaluate("() => window.switchboardApp.state.status")).isEqualTo("closed");
    });
  }

  @Test
  void threePeopleSeeEachOtherChatAndSeeOneLeave() throws Exception {
    inChromium(300, c -> {
      String[] who = {"Alice", "Bob", "Carol"};
      RoomPage[] ps = new RoomPage[3];
      for (int i = 0; i < 3; i++) {
        Page page = appPage(c, "https://app.test/r/demo?name=" + who[i] + "&join=1");
        page.waitForFunction("() => window.switchboardApp && window.switchboardApp.state.joined");
        ps[i] = new RoomPage(page, who[i]);
      }
      ps[0].waitConnected("p_2", "p_3");
      ps[0].waitForRemoteVideo("p_2");
      ps[0].waitForRemoteVideo("p_3");
      assertThat(ps[0].page.isVisible("#join")).as("the join form is gone once in the room").isFalse();
      assertThat(ps[0].page.textContent("#participants")).contains("Bob").contains("Carol").contains("direct");
      assertThat(ps[0].page.url()).endsWith("/r/demo?name=Alice&join=1");

      ps[1].typeChat("hello all");
      for (RoomPage p : ps) {
        p.waitForChatCount(1);
        assertThat(p.page.textContent("#chat-log")).contains("Bob").contains("hello all");
      }
      ps[2].page.click("#leave");
      ps[0].waitGone("p_3");
      ps[1].waitGone("p_3");
      assertThat(ps[0].page.locator("#tile-p_3").count()).as("Carol's video is removed").isZero();
      assertThat(ps[2].page.isVisible("#join")).as("Carol is back at the join form").isTrue();
    });
  }
}
