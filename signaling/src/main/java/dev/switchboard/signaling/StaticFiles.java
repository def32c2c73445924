package dev.switchboard.signaling;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web pages shipped in the jar under {@code dev/switchboard/signaling/web/}, read once and kept.
 * Only plain file names are served: no directories, no traversal. Thread-safe.
 */
final class StaticFiles {

  /**
   * A file's bytes, content type and entity tag: a hash of the bytes, so a browser's copy is good
   * until a new build changes them.
   */
  record File(byte[] content, String contentType, String etag) {

    File(byte[] content, String contentType) {
      this(content, contentType, etagOf(content));
    }

    private static String etagOf(byte[] content) {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
        return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)) + '"';
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }

    /**
     * Whether an If-None-Match header names this file's tag (RFC 9110 §13.1.2: a list, weak tags
     * compared weakly, or *).
     */
    boolean matches(String ifNoneMatch) {
      if (ifNoneMatch == null) {
        return false;
      }
      for (String tag : ifNoneMatch.split(",")) {
        String t = tag.trim();
        if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final String ROOT = "dev/switchboard/signaling/web/";
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,100}");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "json", "application/json",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon",
      "txt", "text/plain; charset=utf-8");

  private final Map<String, File> cache = new ConcurrentHashMap<>();

  /** The page for a request path: "/" and "/r/ROOM" are the app, "/trickle-ice" the diagnostics page. */
  Optional<File> forPath(String path) {
    if (path.equals("/") || path.startsWith("/r/")) {
      return file("index.html");
    }
    if (path.equals("/trickle-ice")) {
      return file("trickle-ice.html");
    }
    String name = path.substring(1);
    if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
      return Optional.empty();
    }
    return file(name);
  }

  /**
   * A file found is kept; a name not found is not: anyone may ask for any number of names, and a map
   * of them would grow without bound. Looking one up again costs a look into the jar's index.
   */
  private Optional<File> file(String name) {
    File kept = cache.get(name);
    if (kept != null) {
      return Optional.of(kept);
    }
    Optional<File> loaded = load(name);
    loaded.ifPresent(f -> cache.putIfAbsent(name, f));
    return loaded;
  }

  /** How many files are kept (for tests). */
  int keptCount() {
    return cache.size();
  }

  private static Optional<File> load(String name) {
    String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    String type = TYPES.get(extension);
    if (type == null) {
      return Optional.empty();
    }
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      return in == null ? Optional.empty() : Optional.of(new File(in.readAllBytes(), type));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
