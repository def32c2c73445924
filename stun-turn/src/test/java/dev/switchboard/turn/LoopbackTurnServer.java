package dev.switchboard.turn;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real server on loopback for integration tests: UDP, TCP and TLS on port 0, relay on
 * 127.0.0.1, loopback peers allowed, a users file with {@code alice/secret} and {@code bob/pw}, and
 * the TURN REST secret {@link #REST_SECRET}.
 */
final class LoopbackTurnServer implements AutoCloseable {

  static final String REALM = TurnFixture.REALM;
  static final String REST_SECRET = "rest-secret-for-tests";

  final MultiThreadIoEventLoopGroup group = NettyTransports.newGroup(2);
  final TurnServer server;
  final Path dir;

  LoopbackTurnServer(Path dir, int minPort, int maxPort, Clock clock) throws Exception {
    this(dir, minPort, maxPort, clock, true);
  }

  /** @param allowLoopback false keeps the default peer policy, which refuses loopback peers */
  LoopbackTurnServer(Path dir, int minPort, int maxPort, Clock clock, boolean allowLoopback) throws Exception {
    this.dir = dir;
    Path users = dir.resolve("users");
    Files.writeString(users, "# test users\n"
        + "alice:" + REALM + ":" + HexFormat.of().formatHex(TurnFixture.key("alice", "secret")) + "\n"
        + "bob:" + REALM + ":" + HexFormat.of().formatHex(TurnFixture.key("bob", "pw")) + "\n",
        StandardCharsets.UTF_8);
    SslContext tls = TestCertificates.create(dir).serverContext();
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    TurnConfig config = new TurnConfig(REALM,
        new TurnConfig.Listeners(lo, 0, 0, true, true, true),
        new TurnConfig.Relay(lo, lo, minPort, maxPort),
        TurnConfig.Lifetimes.defaults(), new TurnConfig.Quotas(100, 1000, 64, 0, 50),
        new TurnConfig.Peers(List.of(), List.of(), allowLoopback), "");
    CredentialStore credentials = CredentialStore.union(new UsersFileStore(users),
        new TurnRestCredentials(() -> List.of(REST_SECRET), clock));
    server = TurnServer.start(config, group, clock, credentials, () -> tls);
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
