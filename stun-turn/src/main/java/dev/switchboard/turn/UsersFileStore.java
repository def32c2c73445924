package dev.switchboard.turn;

import java.nio.file.Path;
import java.util.List;

/**
 * Static long-term users from a coturn-style key file: one {@code user:realm:md5key} per line
 * (md5key is 32 hex digits of MD5(user:realm:password), as {@code turnadmin -k} prints), blank
 * lines and {@code #} comments ignored. The file is reloaded when it changes; a missing file means
 * no users. Thread-safe.
 */
public final class UsersFileStore implements CredentialStore {

  public UsersFileStore(Path file) {
    throw new UnsupportedOperationException("implemented by the TURN issue");
  }

  @Override
  public List<byte[]> keys(String username, String realm) {
    throw new UnsupportedOperationException("implemented by the TURN issue");
  }
}
