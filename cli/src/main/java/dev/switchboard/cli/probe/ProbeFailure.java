package dev.switchboard.cli.probe;

/** A check that failed; the message is the one line the user sees, naming the cause and the fix. Immutable. */
final class ProbeFailure extends Exception {

  ProbeFailure(String message) {
    super(message, null, false, false);
  }
}
