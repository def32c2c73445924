package dev.switchboard.cli;

import picocli.CommandLine;

/** This build's version, from the jar manifest (set from the pom). */
final class Version implements CommandLine.IVersionProvider {

  static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"switchboard " + current(),
        "Java " + System.getProperty("java.version") + ", " + EventLoops.transportName()};
  }
}
