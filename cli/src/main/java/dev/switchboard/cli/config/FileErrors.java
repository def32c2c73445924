package dev.switchboard.cli.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Says what went wrong with a file in words a user can act on. The JDK's file exceptions carry the
 * path alone as their message ({@code NoSuchFileException: /x/cert.pem}), and a read of a directory
 * says "Is a directory" without the path, so printing getMessage() loses either the reason or the
 * file. Shared by the config loader and the commands. Stateless.
 */
public final class FileErrors {

  private FileErrors() {}

  /**
   * "PATH: no such file", "PATH: permission denied", "PATH: is a directory", "PATH: is not UTF-8 text"
   * (what a read as UTF-8 meets in a binary file or one in Latin-1: the JDK says "input length = 1"), else the reason with the
   * path in front unless it names one already.
   *
   * @param file the file being read or written, for exceptions that do not name it; may be null
   */
  public static String describe(Path file, IOException e) {
    String path = file == null ? null : file.toString();
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      path = fs.getFile();
    }
    String reason = reason(e);
    if (path == null) {
      return reason;
    }
    if (!(e instanceof FileSystemException) && reason.contains(path)) {
      return reason; // our own messages already say "PATH: what is wrong with it"
    }
    return path + ": " + reason;
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof CharacterCodingException) {
      return "is not UTF-8 text (a binary file, or saved in another encoding: convert it to UTF-8)";
    }
    String text = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
    if (text == null || text.isBlank()) {
      return "cannot be used (" + e.getClass().getSimpleName() + ")";
    }
    // The OS's wording ("Is a directory", "Read-only file system"), lower-cased to read inside a sentence.
    return Character.isUpperCase(text.charAt(0)) && (text.length() < 2 || !Character.isUpperCase(text.charAt(1)))
        ? Character.toLowerCase(text.charAt(0)) + text.substring(1) : text;
  }
}
