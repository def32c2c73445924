package dev.switchboard.cli.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server process with TLS on (the generated certificate, trusted by Chromium through
 * {@code --ignore-certificate-errors}) and one Chromium in its namespace, shared by the tests of
 * a class. Not thread-safe.
 */
final class BrowserFixture implements AutoCloseable {

  static final Path TARGET = Path.of(System.getProperty("user.dir"), "target");
  private static final Pattern RELAYED = Pattern.compile("(?m)^switchboard_turn_relayed_bytes_total (\\d+)");

  final SwitchboardProcess server;
  final Chromium chromium;
  private final List<BrowserContext> contexts = new ArrayList<>();

  private BrowserFixture(SwitchboardProcess server, Chromium chromium) {
    this.server = server;
    this.chromium = chromium;
  }

  /** Skips (or fails, when tools are required) if Chromium cannot run here; else starts both. */
  static BrowserFixture start(String name) throws Exception {
    Chromium.assumeAvailable();
    Path work = TARGET.resolve("browser-it");
    Files.createDirectories(work);
    Path dataDir = Files.createTempDirectory(work, name + "-data-");
    SwitchboardProcess server = SwitchboardProcess.start(dataDir, true);
    try {
      // The server's certificate comes from its own fresh local CA; WSS, HTTPS and turns: accept it.
      return new BrowserFixture(server, Chromium.launch(server.pid(), work,
          List.of("--ignore-certificate-errors", Chromium.LOOPBACK_CANDIDATES)));
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  /** A new person: a fresh context with camera and mic allowed. */
  Page person() {
    BrowserContext context = chromium.newContext();
    contexts.add(context);
    return context.newPage();
  }

  /** A visitor of the Trickle ICE page: no media permission asked for, as on the real page. */
  Page visitor() {
    BrowserContext context = chromium.newContextWithoutMedia();
    contexts.add(context);
    return context.newPage();
  }

  String url(String path) {
    return server.baseUrl() + path;
  }

  /** The server's relayed-bytes counter, read through a page (the server is only reachable in its namespace). */
  long relayedBytes(Page page) {
    String metrics = (String) page.evaluate("async () => (await fetch('/metrics', {cache: 'no-store'})).text()");
    Matcher m = RELAYED.matcher(metrics);
    if (!m.find()) {
      throw new AssertionError("no switchboard_turn_relayed_bytes_total in /metrics:\n" + metrics);
    }
    return Long.parseLong(m.group(1));
  }

  /** Closes every context opened so far (the people leave) but keeps the browser and server. */
  void closeContexts() {
    for (BrowserContext c : contexts) {
      c.close();
    }
    contexts.clear();
  }

  @Override
  public void close() {
    try {
      closeContexts();
      chromium.close();
    } finally {
      server.close();
    }
  }
}
