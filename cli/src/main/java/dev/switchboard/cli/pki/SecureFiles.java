package dev.switchboard.cli.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files readable by their owner only (0600), atomically: a reader sees the old file or the
 * new one, never half of one. Stateless.
 */
public final class SecureFiles {

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

  private SecureFiles() {}

  public static void write(Path file, String text) throws IOException {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  public static void write(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    createPrivateDirectories(dir);
    try {
      Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try {
        setOwnerOnly(temp);
        Files.write(temp, content);
        try {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (FileSystemException e) {
      throw naming(file, e);
    }
  }

  /**
   * The same failure naming the file the caller asked for: the temporary file beside it, which the
   * JDK names, means nothing to a user ("…/.turn-secret123.tmp: permission denied").
   */
  private static FileSystemException naming(Path file, FileSystemException e) {
    FileSystemException named;
    if (e instanceof AccessDeniedException) {
      named = new AccessDeniedException(file.toString(), null, e.getReason());
    } else if (e instanceof NoSuchFileException) {
      named = new NoSuchFileException(file.toString(), null, e.getReason());
    } else {
      named = new FileSystemException(file.toString(), null, e.getReason());
    }
    named.initCause(e);
    return named;
  }

  /** Creates {@code dir} and missing parents; directories this creates are 0700. */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      createPrivateDirectories(parent);
    }
    try {
      Files.createDirectory(dir);
      if (supportsPosix(dir)) {
        Files.setPosixFilePermissions(dir, OWNER_DIR);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw new IOException(dir + " exists and is not a directory");
      }
    }
  }

  private static void setOwnerOnly(Path file) throws IOException {
    if (supportsPosix(file)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  private static boolean supportsPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
