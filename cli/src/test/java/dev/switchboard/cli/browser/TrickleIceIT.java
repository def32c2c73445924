package dev.switchboard.cli.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Trickle ICE page against this server. The page is opened as a visitor who has granted no
 * camera/mic, like a real one: Chromium then gathers from the any-address without host candidates,
 * and the STUN answer shows as a srflx candidate. (A page with media permission gets the host
 * candidate 127.0.0.1, and Chromium drops the srflx 127.0.0.1 as its duplicate; hiding host
 * addresses behind mDNS does not apply to loopback, so WebRtcHideLocalIpsWithMdns changes nothing.)
 */
class TrickleIceIT {

  private static BrowserFixture fixture;

  @BeforeAll
  static void startServerAndBrowser() throws Exception {
    fixture = BrowserFixture.start("trickle");
  }

  @AfterEach
  void closePages() {
    fixture.closeContexts();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void showsSrflxAndRelayCandidatesAndTheWorksVerdict() {
    Page page = fixture.visitor();
    Map<String, Object> result = gather(page, "/trickle-ice?gather=1");

    List<Map<String, Object>> candidates = list(result.get("candidates"));
    assertThat(candidates).anySatisfy(c -> assertThat(c).containsEntry("type", "srflx").containsEntry("address", "127.0.0.1"));
    assertThat(candidates).anySatisfy(c -> assertThat(c).containsEntry("type", "relay").containsEntry("relayProtocol", "udp"));
    assertThat(candidates).anySatisfy(c -> assertThat(c).containsEntry("type", "relay").containsEntry("relayProtocol", "tcp"));
    assertThat(candidates).anySatisfy(c -> assertThat(c).containsEntry("type", "relay").containsEntry("relayProtocol", "tls"));
    String verdict = page.textContent("#verdict");
    assertThat(verdict).contains("STUN works: your public address is 127.0.0.1").contains("TURN works over");
    assertThat(result.get("ok")).isEqualTo(true);
    assertThat(page.locator("#candidates tbody tr.relay").count()).isGreaterThanOrEqualTo(3);
    page.screenshot(new Page.ScreenshotOptions().setPath(BrowserFixture.TARGET.resolve("trickle-ice.png")).setFullPage(true));
  }

  @Test
  void wrongCredentialShows401AndTheFix() {
    Page page = fixture.visitor();
    Map<String, Object> result = gather(page, "/trickle-ice?gather=1&policy=relay&turn=udp&credential=wrong");

    assertThat(list(result.get("candidates"))).noneSatisfy(c -> assertThat(c).containsEntry("type", "relay"));
    assertThat(list(result.get("errors"))).anySatisfy(e -> assertThat(((Number) e.get("code")).intValue()).isEqualTo(401));
    assertThat(page.textContent("#verdict")).contains("TURN over udp failed with 401").contains("wrong username or credential");
    assertThat(result.get("ok")).isEqualTo(false);
    page.screenshot(new Page.ScreenshotOptions().setPath(BrowserFixture.TARGET.resolve("trickle-ice-401.png")).setFullPage(true));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> gather(Page page, String path) {
    page.setDefaultTimeout(30_000);
    page.navigate(fixture.url(path));
    page.waitForFunction("() => window.trickleIce?.result.done");
    return (Map<String, Object>) page.evaluate("() => { const r = window.trickleIce.result;"
        + " return {candidates: r.candidates, errors: r.errors, ok: r.ok, verdict: r.verdict}; }");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }
}
