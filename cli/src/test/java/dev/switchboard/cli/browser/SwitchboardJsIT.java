package dev.switchboard.cli.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of switchboard.js (backoff, ICE URL filters, requests, resume, failed resume, reload,
 * ICE refresh) in Chromium against a scripted fake WebSocket: no server, no network. The module is
 * served from the classpath exactly as the jar ships it.
 */
class SwitchboardJsIT {

  private static final String WEB = "/dev/switchboard/signaling/web/";
  private static final String TESTS = "/dev/switchboard/cli/browser/";

  @Test
  void sdkUnitTestsPassInChromium() throws Exception {
    Chromium.assumeAvailable();
    Path work = BrowserFixture.TARGET.resolve("browser-it");
    // No server: Chromium gets a namespace of its own (a sleeping holder process) and no network use.
    Process holder = new ProcessBuilder(LoopbackNamespace.command(List.of("sleep", "300"))).start();
    try (Chromium chromium = Chromium.launch(holder.pid(), work, List.of(Chromium.LOOPBACK_CANDIDATES))) {
      // Media permission makes Chromium show host candidates (127.0.0.1) instead of hiding them.
      BrowserContext context = chromium.newContext();
      context.route("http://sdk.test/**", SwitchboardJsIT::serve);
      Page page = context.newPage();
      page.navigate("http://sdk.test/");
      @SuppressWarnings("unchecked")
      Map<String, Object> results = (Map<String, Object>) page.evaluate(
          "async () => (await import('/sdk-tests.js')).run()");
      assertThat(results).hasSizeGreaterThanOrEqualTo(7);
      assertThat(results).allSatisfy((name, outcome) -> assertThat(outcome).as(name).isEqualTo("ok"));
    } finally {
      holder.destroy();
    }
  }

  private static void serve(Route route) {
    String path = route.request().url().substring("http://sdk.test".length());
    String resource = path.equals("/") ? null : path.equals("/sdk-tests.js") ? TESTS + "sdk-tests.js" : WEB + path.substring(1);
    if (resource == null) {
      route.fulfill(new Route.FulfillOptions().setContentType("text/html").setBody("<!doctype html><title>sdk</title>"));
      return;
    }
    try (InputStream in = SwitchboardJsIT.class.getResourceAsStream(resource)) {
      if (in == null) {
        route.fulfill(new Route.FulfillOptions().setStatus(404).setBody("not found: " + path));
        return;
      }
      route.fulfill(new Route.FulfillOptions().setContentType("text/javascript").setBodyBytes(in.readAllBytes()));
    } catch (IOException e) {
      route.fulfill(new Route.FulfillOptions().setStatus(500).setBody(e.getMessage()));
    }
  }
}
