package dev.switchboard.cli.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless Chromium driven by Playwright for Java, started inside the server's
 * {@link LoopbackNamespace}. Playwright never downloads a browser here
 * ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD}); it launches {@code /usr/bin/chromium} with a fresh
 * temporary profile (Playwright's own user data dir per launch). Not thread-safe: one test thread.
 */
final class Chromium implements AutoCloseable {

  static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

  private final Playwright playwright;
  private final Browser browser;

  private Chromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  /**
   * Skips the calling test loudly when Chromium or network namespaces are missing, unless
   * {@code switchboard.tools.required} is true: then it fails.
   */
  static void assumeAvailable() {
    String missing = !Files.isExecutable(EXECUTABLE) ? EXECUTABLE + " is not installed (apt-get install chromium)"
        : !LoopbackNamespace.available() ? "network namespaces are not available (unshare -n failed)" : null;
    if (missing == null) {
      return;
    }
    String message = "BROWSER TESTS NOT RUN: " + missing;
    if (Boolean.getBoolean("switchboard.tools.required")) {
      Assertions.fail(message + " and switchboard.tools.required=true");
    }
    System.err.println("*** " + message + " — skipping (set -Dswitchboard.tools.required=true to fail instead) ***");
    Assumptions.abort(message);
  }

  /**
   * Makes Chromium gather host candidates on lo, the only interface of the namespace. Without it
   * Chromium ignores lo and binds its ICE sockets to the any-address: no host candidate, but the
   * STUN answer then shows as a srflx candidate (with it, srflx 127.0.0.1 equals the host
   * candidate 127.0.0.1 and Chromium drops it as redundant).
   */
  static final String LOOPBACK_CANDIDATES = "--allow-loopback-in-peer-connection";

  /**
   * Grants camera/mic prompts by itself. Chromium then also counts every page as having media
   * permission, which lets it enumerate interfaces for ICE; without it a page that has not been
   * granted media (like the Trickle ICE page for a real visitor) gathers from the any-address.
   */
  static final String FAKE_MEDIA_UI = "--use-fake-ui-for-media-stream";

  /** Launches Chromium in the network namespace of the process {@code netnsPid}. */
  static Chromium launch(long netnsPid, Path workDir, List<String> extraArgs) throws Exception {
    Path launcher = LoopbackNamespace.wrap(netnsPid, EXECUTABLE, workDir);
    Playwright playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    List<String> args = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-device-for-media-stream"));
    args.addAll(extraArgs);
    try {
      Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
          .setExecutablePath(launcher).setHeadless(true).setArgs(args));
      return new Chromium(playwright, browser);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  /** A fresh context (its own cookies and storage: another person) with camera and mic allowed. */
  BrowserContext newContext() {
    return browser.newContext(new Browser.NewContextOptions()
        .setIgnoreHTTPSErrors(true)
        .setPermissions(List.of("camera", "microphone"))
        .setViewportSize(1100, 760));
  }

  /**
   * A fresh context without camera/mic permission: Chromium then hides host addresses behind mDNS
   * names, as for any page that has not asked for media.
   */
  BrowserContext newContextWithoutMedia() {
    return browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true).setViewportSize(1100, 900));
  }

  @Override
  public void close() {
    try {
      browser.close();
    } finally {
      playwright.close();
    }
  }
}
