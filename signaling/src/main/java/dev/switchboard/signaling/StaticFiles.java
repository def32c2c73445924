package dev.switchboard.signaling;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web pages shipped in the jar under {@code dev/switchboard/signaling/web/}, read once and kept.
 * Only plain file names are served: no directories, no traversal. Thread-safe.
 */
final class StaticFiles {

  /** A file's bytes and content type. */
  record File(byte[] content, String contentType) {}

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

  private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

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

  private Optional<File> file(String name) {
    return cache.computeIfAbsent(name, StaticFiles::load);
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
