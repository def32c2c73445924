package dev.switchboard.cli;

import dev.switchboard.cli.config.FileErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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

  /**
   * A file that cannot be read or written (exit 1): its path, the reason in words and how to fix it,
   * e.g. "/srv/d/users: permission denied (check its permissions or choose another --data-dir)".
   */
  static UserError file(Path file, IOException e, String fix) {
    return new UserError(RUNTIME, FileErrors.describe(file, e) + " (" + fix + ")", e);
  }

  /**
   * Config problems (exit 2), read as ConfigLoader's are: "config error:" and one problem a line,
   * each "FILE: key: problem (line N)".
   */
  static UserError config(List<String> problems, Throwable cause) {
    String header = problems.size() == 1 ? "config error:" : problems.size() + " config errors:";
    return new UserError(USAGE, header + System.lineSeparator() + "  "
        + String.join(System.lineSeparator() + "  ", problems), cause);
  }

  int exitCode() {
    return exitCode;
  }
}
