package dev.switchboard.cli.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace with only loopback, created by {@code unshare -n} for the server process;
 * {@link #wrap} makes a launcher script that runs another program (Chromium) inside the same
 * namespace through {@code nsenter}. Chromium then sees no interface but {@code lo}: every ICE
 * candidate is on 127.0.0.1 and nothing leaves the namespace. Immutable.
 */
final class LoopbackNamespace {

  private LoopbackNamespace() {
  }

  /** Whether this machine lets us create a network namespace (root or user namespaces). */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The command that runs {@code command} in a new namespace with loopback up. */
  static List<String> command(List<String> command) {
    List<String> out = new ArrayList<>(List.of("unshare", "-n", "sh", "-c",
        "ip link set lo up && exec \"$@\"", "netns"));
    out.addAll(command);
    return out;
  }

  /** Writes an executable script that starts {@code program} inside the namespace of {@code pid}. */
  static Path wrap(long pid, Path program, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path script = dir.resolve("chromium-in-netns-" + pid);
    Files.writeString(script, "#!/bin/sh\nexec nsenter --net=/proc/" + pid + "/ns/net " + program + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
