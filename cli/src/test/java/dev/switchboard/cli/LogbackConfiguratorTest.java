package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

/** Logging set up in code: the format and levels of conf/logback.xml, unless a file is named. */
class LogbackConfiguratorTest {

  @Test
  void stderrWithThePatternInfoForUsAndWarnForLibraries() {
    LoggerContext context = new LoggerContext();
    assertThat(new LogbackConfigurator().configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    var appender = (ConsoleAppender<?>) root.getAppender("STDERR");
    assertThat(appender.getTarget()).isEqualTo("System.err");
    assertThat(((PatternLayoutEncoder) appender.getEncoder()).getPattern()).isEqualTo("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
    assertThat(context.getLogger("io.netty.channel").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("dev.switchboard.turn").getEffectiveLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void aFileNamedByLogbackConfigurationFileWins() {
    System.setProperty("logback.configurationFile", "custom.xml");
    try {
      LoggerContext context = new LoggerContext();
      assertThat(new LogbackConfigurator().configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
    } finally {
      System.clearProperty("logback.configurationFile");
    }
  }
}
