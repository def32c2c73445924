package dev.switchboard.turn;

import java.util.ArrayList;
import java.util.List;

/**
 * A source of long-term credential keys (RFC 8489 §9.2.2): key = MD5(username ":" realm ":" password).
 * Implementations are thread-safe and never block: they are called on event loops.
 */
public interface CredentialStore {

  /**
   * Every key that may have signed a request from {@code username} in {@code realm}: more than one
   * while a TURN REST secret is being rotated. Empty when the user is unknown or expired.
   */
  List<byte[]> keys(String username, String realm);

  /** A store that asks each of {@code stores} in turn and returns all keys they know. */
  static CredentialStore union(CredentialStore... stores) {
    List<CredentialStore> all = List.of(stores);
    return (username, realm) -> {
      List<byte[]> keys = new ArrayList<>(2);
      for (CredentialStore store : all) {
        keys.addAll(store.keys(username, realm));
      }
      return keys;
    };
  }
}
