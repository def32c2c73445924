package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileStoreTest {

  // `turnadmin -k -u ninefingers -r north.gov -p youhavetoberealistic` prints this (coturn's example).
  private static final String NINEFINGERS_KEY = "bc807ee29df3c9ffa736523fb2c4e8ee";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();

  @Test
  void keyHexIsMd5OfUserRealmPasswordAsTurnadminPrints() {
    assertThat(UsersFileStore.keyHex("ninefingers", "north.gov", "youhavetoberealistic")).isEqualTo(NINEFINGERS_KEY);
  }

  @Test
  void readsKeysWithAndWithoutTheTurnadminPrefix() throws Exception {
    Path file = write("""
        # static users
        ninefingers:north.gov:0xbc807ee29df3c9ffa736523fb2c4e8ee

          bob:example.org:%s
        carol:example.org:0X%s
        """.formatted(UsersFileStore.keyHex("bob", "example.org", "pw"),
        UsersFileStore.keyHex("carol", "example.org", "pw2").toUpperCase()));
    UsersFileStore store = new UsersFileStore(file, clock);
    assertThat(only(store.keys("ninefingers", "north.gov"))).isEqualTo(NINEFINGERS_KEY);
    assertThat(only(store.keys("bob", "example.org"))).isEqualTo(UsersFileStore.keyHex("bob", "example.org", "pw"));
    assertThat(only(store.keys("carol", "example.org"))).isEqualTo(UsersFileStore.keyHex("carol", "example.org", "pw2"));
    assertThat(store.keys("ninefingers", "example.org")).as("the realm must match").isEmpty();
    assertThat(store.keys("nobody", "north.gov")).isEmpty();
    assertThat(store.keys("bob:example.org", "")).isEmpty();
  }

  @Test
  void userNameMayContainAColon() throws Exception {
    Path file = write("team:alice:example.org:" + UsersFileStore.keyHex("team:alice", "example.org", "pw") + "\n");
    UsersFileStore store = new UsersFileStore(file, clock);
    assertThat(only(store.keys("team:alice", "example.org")))
        .isEqualTo(UsersFileStore.keyHex("team:alice", "example.org", "pw"));
  }

  @Test
  void malformedLinesAreSkippedAndTheRestLoads() throws Exception {
    String good = UsersFileStore.keyHex("dave", "r", "pw");
    Path file = write(String.join("\n",
        "justaname",
        "user:realm",
        "user:realm:notahexkeynotahexkeynotahexkey12",
        "user:realm:0x" + good.substring(2),
        "user:realm:" + good + "00",
        ":realm:" + good,
        "user::" + good,
        "user:realm:password",
        "dave:r:" + good,
        ""));
    UsersFileStore store = new UsersFileStore(file, clock);
    assertThat(only(store.keys("dave", "r"))).isEqualTo(good);
    assertThat(store.keys("user", "realm")).isEmpty();
    assertThat(store.keys("", "realm")).isEmpty();
  }

  @Test
  void missingFileMeansNoUsersAndAppearsLater() throws Exception {
    Path file = dir.resolve("users");
    UsersFileStore store = new UsersFileStore(file, clock);
    assertThat(store.keys("bob", "r")).isEmpty();
    Files.writeString(file, "bob:r:" + UsersFileStore.keyHex("bob", "r", "pw") + "\n");
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.keys("bob", "r")).hasSize(1);
    Files.delete(file);
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.keys("bob", "r")).as("deleted file: no users").isEmpty();
  }

  @Test
  void reloadsAChangedFileAtMostOncePerSecond() throws Exception {
    Path file = write("bob:r:" + UsersFileStore.keyHex("bob", "r", "old") + "\n");
    UsersFileStore store = new UsersFileStore(file, clock);
    assertThat(only(store.keys("bob", "r"))).isEqualTo(UsersFileStore.keyHex("bob", "r", "old"));

    // Same size, rewritten in place: only the modification time tells.
    Files.writeString(file, "bob:r:" + UsersFileStore.keyHex("bob", "r", "new") + "\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
    clock.advance(Duration.ofMillis(999));
    assertThat(only(store.keys("bob", "r"))).as("not re-checked within a second")
        .isEqualTo(UsersFileStore.keyHex("bob", "r", "old"));
    clock.advance(Duration.ofMillis(1));
    assertThat(only(store.keys("bob", "r"))).isEqualTo(UsersFileStore.keyHex("bob", "r", "new"));

    // Atomic replace (temp file + rename) as the CLI does it.
    Path temp = dir.resolve("users.tmp");
    Files.writeString(temp, "carol:r:" + UsersFileStore.keyHex("carol", "r", "pw") + "\n");
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.keys("bob", "r")).isEmpty();
    assertThat(store.keys("carol", "r")).hasSize(1);
  }

  @Test
  void oversizedFileKeepsThePreviousUsers() throws Exception {
    Path file = write("bob:r:" + UsersFileStore.keyHex("bob", "r", "pw") + "\n");
    UsersFileStore store = new UsersFileStore(file, clock);
    String line = "carol:r:" + UsersFileStore.keyHex("carol", "r", "pw") + "\n";
    Files.writeString(file, line.repeat((int) (UsersFileStore.MAX_FILE_BYTES / line.length()) + 1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.keys("bob", "r")).hasSize(1);
    assertThat(store.keys("carol", "r")).isEmpty();
  }

  @Test
  void returnedKeysCannotChangeTheStore() throws Exception {
    Path file = write("bob:r:" + UsersFileStore.keyHex("bob", "r", "pw") + "\n");
    UsersFileStore store = new UsersFileStore(file, clock);
    store.keys("bob", "r").get(0)[0] ^= 1;
    assertThat(only(store.keys("bob", "r"))).isEqualTo(UsersFileStore.keyHex("bob", "r", "pw"));
  }

  private Path write(String content) throws Exception {
    Path file = dir.resolve("users");
    Files.writeString(file, content);
    return file;
  }

  private static String only(List<byte[]> keys) {
    assertThat(keys).hasSize(1);
    return HexFormat.of().formatHex(keys.get(0));
  }
}
