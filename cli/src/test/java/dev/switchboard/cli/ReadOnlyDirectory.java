package dev.switchboard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A directory nothing can be written into, for tests of the messages about it. Mode 0500 is enough for
 * a user; root (CI runs as root) ignores the mode, so there the directory is made immutable with
 * {@code chattr +i}, which gives EPERM ("Operation not permitted") instead of EACCES. Where neither
 * works (a file system without the attribute) the test is skipped. Closing makes it writable again, so
 * that JUnit can delete it.
 */
final class ReadOnlyDirectory implements AutoCloseable {

  private final Path dir;
  private final boolean immutable;

  private ReadOnlyDirectory(Path dir, boolean immutable) {
    this.dir = dir;
    this.immutable = immutable;
  }

  /** Creates {@code dir} (and its parents) and makes it read-only. */
  static ReadOnlyDirectory create(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
    if (!canWrite(dir)) {
      return new ReadOnlyDirectory(dir, false);
    }
    boolean immutable = chattr("+i", dir) && !canWrite(dir);
    ReadOnlyDirectory readOnly = new ReadOnlyDirectory(dir, immutable);
    if (!immutable) {
      readOnly.close();
      Assumptions.abort("cannot make " + dir + " read-only here (root without chattr +i)");
    }
    return readOnly;
  }

  /** What the JDK says when writing there fails: "permission denied" or, as root, "operation not permitted". */
  String reason() {
    return immutable ? "operation not permitted" : "permission denied";
  }

  @Override
  public void close() throws IOException {
    if (immutable) {
      try {
        chattr("-i", dir);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  private static boolean canWrite(Path dir) {
    try {
      Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean chattr(String flag, Path dir) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(List.of("chattr", flag, dir.toString())).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      return false; // no chattr
    }
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }
}
