package dev.switchboard.cli.probe;

/**
 * Long-term credentials for TURN, or none. Immutable.
 *
 * @param username      empty when none were given
 * @param password      the password (or REST credential)
 * @param expectedRealm the realm the user expects, or empty to accept the server's
 */
public record Credentials(String username, String password, String expectedRealm) {

  public static final Credentials NONE = new Credentials("", "", "");

  boolean present() {
    return !username.isEmpty();
  }
}
