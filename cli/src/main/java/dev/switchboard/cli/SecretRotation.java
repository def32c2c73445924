package dev.switchboard.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a rotated TURN secret file (format in {@link TurnSecretFiles}): the new secret first,
 * the old current one as {@code <secret> expires=<now+grace>}, earlier previous secrets kept until
 * their own expiry or the end of this grace period, whichever is first, and dropped once expired: a
 * rotation with a short grace (after a leak) retires every older secret with it. Stateless.
 */
final class SecretRotation {

  private SecretRotation() {}

  static String rotate(List<TurnSecretFiles.Entry> entries, String newSecret, long nowEpochSeconds, Duration grace) {
    List<String> lines = new ArrayList<>();
    lines.add("# TURN REST secrets: the current one first; a previous one is accepted until its expiry");
    lines.add(newSecret);
    long graceEnd = nowEpochSeconds + grace.toSeconds();
    for (TurnSecretFiles.Entry entry : entries) {
      if (entry.expiresEpochSeconds() <= nowEpochSeconds || entry.secret().equals(newSecret)) {
        continue;
      }
      // A secret that never expired (the old current one) now ends with the grace period; one with
      // an expiry keeps it, but never outlives the new grace period's intent to retire it.
      long expires = Math.min(entry.expiresEpochSeconds(), graceEnd);
      lines.add(entry.secret() + " expires=" + expires);
    }
    return String.join("\n", lines) + "\n";
  }
}
