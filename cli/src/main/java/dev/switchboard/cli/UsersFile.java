package dev.switchboard.cli;

import dev.switchboard.cli.pki.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits the static users file, {@code user:realm:0x<md5key>} per line: the format of coturn's
 * {@code turnadmin -k} ({@code 0x} then 32 hex digits of MD5(user:realm:password), RFC 8489 §9.2.2),
 * which stun-turn's UsersFileStore reads. Comments and unknown lines are kept as they are; writes are
 * atomic and 0600. Not thread-safe; one command at a time.
 */
final class UsersFile {

  /** One user line. */
  record User(String name, String realm, int line) {}

  private final Path file;
  private final List<String> lines;

  private UsersFile(Path file, List<String> lines) {
    this.file = file;
    this.lines = lines;
  }

  static UsersFile read(Path file) throws IOException {
    try {
      return new UsersFile(file, new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return new UsersFile(file, new ArrayList<>());
    }
  }

  List<User> users() {
    List<User> users = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      User user = parse(lines.get(i), i + 1);
      if (user != null) {
        users.add(user);
      }
    }
    return users;
  }

  /** Adds or replaces the user in the realm; true when it replaced one. */
  boolean put(String name, String realm, String keyHex) {
    String line = name + ":" + realm + ":0x" + keyHex;
    for (int i = 0; i < lines.size(); i++) {
      User user = parse(lines.get(i), i + 1);
      if (user != null && user.name().equals(name) && user.realm().equals(realm)) {
        lines.set(i, line);
        return true;
      }
    }
    lines.add(line);
    return false;
  }

  /** Removes the user from {@code realm} (or every realm when null); the number of lines removed. */
  int remove(String name, String realm) {
    int before = lines.size();
    lines.removeIf(l -> {
      User user = parse(l, 0);
      return user != null && user.name().equals(name) && (realm == null || user.realm().equals(realm));
    });
    return before - lines.size();
  }

  void write() throws IOException {
    SecureFiles.write(file, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
  }

  /** A line split at its last two colons (a user name may hold ':'), or null for comments/blank. */
  static User parse(String line, int number) {
    String t = line.trim();
    if (t.isEmpty() || t.startsWith("#")) {
      return null;
    }
    int keyColon = t.lastIndexOf(':');
    int realmColon = keyColon > 0 ? t.lastIndexOf(':', keyColon - 1) : -1;
    if (realmColon <= 0) {
      return null;
    }
    return new User(t.substring(0, realmColon), t.substring(realmColon + 1, keyColon), number);
  }
}
