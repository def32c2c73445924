package dev.switchboard.cli;

import dev.switchboard.cli.config.FileErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code switchboard} command: the entry point of dist/switchboard. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "WebRTC signaling, STUN and TURN in one process.",
    footer = {"", "Start with:  switchboard serve", "Help on a command:  switchboard help COMMAND"},
    subcommands = {ServeCommand.class, CertCommand.class, UserCommand.class, SecretCommand.class,
        CredentialsCommand.class, ProbeCommand.class, ImportCoturnCommand.class, ConfigCommand.class, TokenCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code; tests call this in-process. */
  static int run(String... args) {
    return run(commandLine(args), args);
  }

  /**
   * The whole command tree, or for {@code serve} the root with serve alone: picocli reflects over
   * the options of every command in the tree as it builds it, which was a quarter of serve's
   * start-up (bench/, startup). Errors and help of serve read the same either way.
   */
  static CommandLine commandLine(String... args) {
    if (args.length > 0 && args[0].equals("serve")) {
      return new CommandLine(new ServeOnly()).addSubcommand("serve", new ServeCommand());
    }
    return new CommandLine(new Main());
  }

  /** The root command when serve is run: the same name, version and help options as {@link Main}. */
  @Command(name = "switchboard", mixinStandardHelpOptions = true, versionProvider = Version.class)
  static final class ServeOnly {}

  /** Runs with the given output streams; tests capture stdout and stderr this way. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(args);
    cli.setOut(out);
    cli.setErr(err);
    return run(cli, args);
  }

  /** Runs {@code cli} with our handling of what its commands throw; tests run their own commands this way. */
  static int run(CommandLine cli, String... args) {
    cli.setExecutionExceptionHandler(Main::handle);
    return cli.execute(args);
  }

  /**
   * The last stop for what a command threw: a {@link UserError} or a file that cannot be read or
   * written is one line on stderr; anything else is a bug, printed with its stack trace.
   */
  private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (e instanceof UserError user) {
      err.println(cmd.getCommandSpec().qualifiedName() + ": " + user.getMessage());
      err.flush();
      return user.exitCode();
    }
    IOException io = e instanceof IOException direct ? direct
        : e instanceof UncheckedIOException unchecked ? unchecked.getCause() : null;
    if (io != null) {
      // The commands explain the files they know of; this keeps one they missed from printing a trace.
      err.println(cmd.getCommandSpec().qualifiedName() + ": " + FileErrors.describe(null, io));
      err.flush();
      return UserError.RUNTIME;
    }
    err.println(cmd.getCommandSpec().qualifiedName() + ": unexpected failure: " + e);
    e.printStackTrace(err);
    err.flush();
    return UserError.RUNTIME;
  }
}
