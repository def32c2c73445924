package dev.switchboard.cli;

/**
 * A failure caused by the user's input or environment, shown as its message alone (no stack trace)
 * with the exit code of the foundation contract: 1 runtime failure, 2 usage or config error.
 */
final class UserError extends RuntimeException {

  static final int RUNTIME = 1;
  static final int USAGE = 2;

  private final int exitCode;

  UserError(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  UserError(int exitCode, String message, Throwable cause) {
    super(message, cause, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
