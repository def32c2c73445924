package dev.switchboard.cli;

import dev.switchboard.cli.config.ConfigLoader;
import dev.switchboard.cli.config.ConfigOverrides;
import dev.switchboard.cli.config.DataDir;
import dev.switchboard.cli.config.SwitchboardConfig;
import dev.switchboard.turn.CredentialStore;
import dev.switchboard.turn.TurnRestCredentials;
import dev.switchboard.turn.TurnServer;
import dev.switchboard.turn.UsersFileStore;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Our TURN server on loopback, port 0, wired from a SwitchboardConfig the way {@link Switchboard}
 * wires it (users file + TURN REST secret files, reloading TLS from DATA_DIR/tls). The signaling
 * server is left out so these tests depend on the TURN server only.
 */
final class LoopbackTurn implements AutoCloseable {

  final SwitchboardConfig config;
  final TurnServer server;
  private final EventLoopGroup group;

  private LoopbackTurn(SwitchboardConfig config, TurnServer server, EventLoopGroup group) {
    this.config = config;
    this.server = server;
    this.group = group;
  }

  /** @param extra more config overrides, e.g. turn.relay.advertisedAddress */
  static LoopbackTurn start(Path dataDir, Map<String, Object> extra) throws Exception {
    ConfigOverrides overrides = new ConfigOverrides()
        .set("dataDir", dataDir, "test")
        .set("publicAddress", "127.0.0.1", "test")
        .set("turn.listen", "127.0.0.1", "test")
        .set("turn.port", 0, "test")
        .set("turn.tlsPort", 0, "test")
        .set("turn.relay.address", "127.0.0.1", "test")
        .set("turn.peers.allowLoopback", true, "test");
    extra.forEach((k, v) -> overrides.set(k, v, "test"));
    return start(ConfigLoader.load(Optional.empty(), overrides, "test"));
  }

  static LoopbackTurn start(SwitchboardConfig config) throws Exception {
    Clock clock = Clock.systemUTC();
    DataDirSetup setup = new DataDirSetup(config.dataDir(), clock);
    setup.prepareSecrets();
    setup.prepareTls(List.of());
    TurnSecretFiles secrets = new TurnSecretFiles(config.effectiveSecretFiles(), "", clock);
    CredentialStore credentials = CredentialStore.union(new UsersFileStore(config.effectiveUsersFile()),
        new TurnRestCredentials(secrets, clock));
    Path cert = config.tls().cert().orElse(DataDir.cert(config.dataDir()));
    Path key = config.tls().key().orElse(DataDir.key(config.dataDir()));
    EventLoopGroup group = EventLoops.create(2);
    TurnServer server = TurnServer.start(config.turn(), group, clock, credentials,
        new ReloadingSslContext(cert, key, clock));
    return new LoopbackTurn(config, server, group);
  }

  String secret() throws Exception {
    return TurnSecretFiles.parse(DataDir.turnSecret(config.dataDir())).get(0).secret();
  }

  String url(String scheme, boolean tcp) {
    int port = scheme.equals("turns") ? server.tlsPort() : tcp ? server.tcpPort() : server.udpPort();
    return scheme + ":127.0.0.1:" + port + (scheme.equals("stun") ? "" : "?transport=" + (tcp ? "tcp" : "udp"));
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
