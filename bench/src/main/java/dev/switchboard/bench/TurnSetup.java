package dev.switchboard.bench;

/**
 * What both TURN servers are given, so that they run on equal terms: one long-term user, one realm,
 * relay ranges of the same size, loopback peers allowed, one relay thread per core.
 */
record TurnSetup(String realm, String user, String password, int relayPorts, int threads) {

  static TurnSetup standard() {
    return new TurnSetup("bench", "bench", "benchpass", 10_000, Runtime.getRuntime().availableProcessors());
  }
}
