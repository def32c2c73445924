package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The versions and machine a run was measured on, for the report's header. */
final class Environment {

  private Environment() {}

  static void describe(Report report, Path dist) throws IOException {
    report.environment("started", Instant.now().toString());
    report.environment("machine", Runtime.getRuntime().availableProcessors() + " cores, "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    report.environment("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    java.util.Properties versions = new java.util.Properties();
    try (var in = Environment.class.getResourceAsStream("versions.properties")) {
      versions.load(in);
    }
    report.environment("Netty", versions.getProperty("netty"));
    report.environment("coturn", CoturnServer.version());
    report.environment("dist/switchboard", Files.size(dist) + " bytes");
  }
}
