package dev.switchboard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code switchboard} command. */
@Command(name = "switchboard", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "WebRTC signaling, STUN and TURN in one process.",
    subcommands = {})
public final class Main {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"switchboard " + (v == null ? "dev" : v)};
    }
  }
}
