package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long-term credential matrix of issue 3 against the real server over UDP on loopback: static
 * users from a users file (edited while running), TURN REST credentials with secret rotation,
 * stateless nonces (stale, foreign address), the per-user quota and the 401 rate limit.
 */
class TurnAuthIT {

  private static final String REALM = SecuredTurnServer.REALM;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();
  private final AtomicReference<List<String>> secrets = new AtomicReference<>(List.of("current", "previous"));
  private Path usersFile;
  private SecuredTurnServer turn;

  @BeforeEach
  void start() throws Exception {
    usersFile = dir.resolve("users");
    Files.writeString(usersFile, "# users\n"
        + "alice:" + REALM + ":0x" + UsersFileStore.keyHex("alice", REALM, "secret") + "\n"
        + "bob:" + REALM + ":" + UsersFileStore.keyHex("bob", REALM, "pw") + "\n");
    turn = start(SecuredTurnServer.quotas(2, 10_000));
  }

  private SecuredTurnServer start(TurnConfig.Quotas quotas) throws Exception {
    CredentialStore credentials = CredentialStore.union(new UsersFileStore(usersFile, clock),
        new TurnRestCredentials(secrets::get, clock));
    return new SecuredTurnServer(SecuredTurnServer.config(52000, quotas, TurnConfig.Peers.defaults()),
        credentials, clock);
  }

  @AfterEach
  void stop() {
    turn.close();
  }

  @Test
  void noIntegrityIs401WithRealmAndNonce() throws Exception {
    try (StunTestClient client = StunTestClient.udp(turn.udpPort())) {
      StunMessage r = client.exchange(StunRequests.unsigned(StunRequests.allocate()));
      assertThat(StunRequests.errorCode(r)).isEqualTo(401);
      assertThat(r.text(Stun.REALM)).isEqualTo(REALM);
      assertThat(r.text(Stun.NONCE)).isNotBlank();
      assertThat(r.has(Stun.MESSAGE_INTEGRITY)).as("a challenge is not signed").isFalse();
    }
  }

  @Test
  void staticUserFromTheUsersFileAllocatesAndTheAnswerIsSignedWithItsKey() throws Exception {
    for (String[] user : new String[][] {{"alice", "secret"}, {"bob", "pw"}}) {
      try (StunTestClient client = StunTestClient.udp(turn.udpPort())) {
        StunMessage r = client.exchange(StunRequests.signed(StunRequests.allocate(), user[0], user[1], challenge(client)));
        assertThat(r.cls()).as(user[0]).isEqualTo(Stun.SUCCESS);
        assertThat(StunCodec.verifyIntegrity(r, TurnFixture.key(user[0], user[1]))).isTrue();
      }
    }
  }

  @Test
  void challengeAndNonceWorkTheSameOverTcp() throws Exception {
    try (StunTestClient tcp = StunTestClient.tcp(turn.server.tcpPort())) {
      String nonce = challenge(tcp);
      StunMessage wrong = tcp.exchange(StunRequests.signed(StunRequests.allocate(), "bob", "guess", nonce));
      assertThat(StunRequests.errorCode(wrong)).isEqualTo(401);
      clock.advance(TurnConfig.Lifetimes.defaults().nonce());
      StunMessage stale = tcp.exchange(StunRequests.signed(StunRequests.allocate(), "bob", "pw", nonce));
      assertThat(StunRequests.errorCode(stale)).isEqualTo(438);
      StunMessage ok = tcp.exchange(StunRequests.signed(StunRequests.allocate(), "bob", "pw", stale.text(Stun.NONCE)));
      assertThat(ok.cls()).isEqualTo(Stun.SUCCESS);
    }
  }

  @Test
  void wrongPasswordUnknownUserAndOtherRealmAre401() throws Exception {
    try (StunTestClient client = StunTestClient.udp(turn.udpPort())) {
      String nonce = challenge(client);
      StunMessage wrong = client.exchange(StunRequests.signed(StunRequests.allocate(), "alice", "guess", nonce));
      assertThat(StunRequests.errorCode(wrong)).isEqualTo(401);
      assertThat(wrong.text(Stun.NONCE)).isNotBlank();
      StunMessage unknown = client.exchange(StunRequests.signed(StunRequests.allocate(), "mallory", "x", nonce));
      assertThat(StunRequests.errorCode(unknown)).isEqualTo(401);
      byte[] otherRealm = StunRequests.allocate().addText(Stun.USERNAME, "alice").addText(Stun.REALM, "other.realm")
          .addText(Stun.NONCE, nonce).build(UsersFileStore.md5("alice:other.realm:secret"), true);
      assertThat(StunRequests.errorCode(client.exchange(otherRealm))).isEqualTo(401);
      // Still no allocation: the right password now succeeds (no 437 from a half-made one).
      StunMessage ok = client.exchange(StunRequests.signed(StunRequests.allocate(), "alice", "secret", nonce));
      assertThat(ok.cls()).isEqualTo(Stun.SUCCESS);
    }
  }

  @Test
  void staleNonceIs438WithAFreshNonce() throws Exception {
    try (StunTestClient client = StunTestClient.udp(turn.udpPort())) {
      String nonce = challenge(client);
      clock.advance(TurnConfig.Lifetimes.defaults().nonce());
      StunMessage stale = client.exchange(StunRequests.signed(StunRequests.allocate(), "alice", "secret", nonce));
      assertThat(StunRequests.errorCode(stale)).isEqualTo(438);
      assertThat(stale.text(Stun.REALM)).isEqualTo(REALM);
      String fresh = stale.text(Stun.NONCE);
      assertThat(fresh).isNotBlank().isNotEqualTo(nonce);
      StunMessage ok = client.exchange(StunRequests.signed(StunRequests.allocate(), "alice", "secret", fresh));
      assertThat(ok.cls()).isEqualTo(Stun.SUCCESS);
    }
  }

  @Test
  void nonceFromAnotherClientAddressIs438() throws Exception {
    String nonce;
    try (StunTestClient first = StunTestClient.udp(turn.udpPort())) {
      nonce = challenge(first);
    }
    try (DatagramSocket other = SecuredTurnServer.socketOn("127.0.0.2")) {
      StunMessage r = turn.exchange(other, StunRequests.signed(StunRequests.allocate(), "alice", "secret", nonce));
      assertThat(StunRequests.errorCode(r)).isEqualTo(438);
      String own = r.text(Stun.NONCE);
      assertThat(own).isNotEqualTo(nonce);
      StunMessage ok = turn.exchange(other, StunRequests.signed(StunRequests.allocate(), "alice", "secret", own));
      assertThat(ok.cls()).isEqualTo(Stun.SUCCESS);
    }
  }

  @Test
  void restCredentialsFromEitherSecretAreAcceptedDuringRotation() throws Exception {
    TurnRestCredentials.Credential byCurrent =
        new TurnRestCredentials(() -> List.of("current"), clock).mint("carol", Duration.ofHours(1));
    TurnRestCredentials.Credential byPrevious =
        new TurnRestCredentials(() -> List.of("previous"), clock).mint("dave", Duration.ofHours(1));
    TurnRestCredentials.Credential byNobody =
        new TurnRestCredentials(() -> List.of("unknown"), clock).mint("eve", Duration.ofHours(1));
    assertThat(allocate(byCurrent.username(), byCurrent.password()).cls()).isEqualTo(Stun.SUCCESS);
    assertThat(allocate(byPrevious.username(), byPrevious.password()).cls()).isEqualTo(Stun.SUCCESS);
    assertThat(StunRequests.errorCode(allocate(byNobody.username(), byNobody.password()))).isEqualTo(401);
    // The previous secret is retired: its credentials stop working without a restart.
    secrets.set(List.of("current"));
    assertThat(StunRequests.errorCode(allocate(byPrevious.username(), byPrevious.password()))).isEqualTo(401);
    assertThat(allocate(byCurrent.username(), byCurrent.password()).cls()).isEqualTo(Stun.SUCCESS);
  }

  @Test
  void expiredRestCredentialIs401() throws Exception {
    TurnRestCredentials.Credential c =
        new TurnRestCredentials(() -> List.of("current"), clock).mint("carol", Duration.ofMinutes(1));
    clock.advance(Duration.ofSeconds(59));
    assertThat(allocate(c.username(), c.password()).cls()).isEqualTo(Stun.SUCCESS);
    clock.advance(Duration.ofSeconds(1));
    StunMessage expired = allocate(c.username(), c.password());
    assertThat(StunRequests.errorCode(expired)).isEqualTo(401);
    assertThat(expired.text(Stun.NONCE)).isNotBlank();
  }

  @Test
  void userQuotaIs486() throws Exception {
    try (StunTestClient a = StunTestClient.udp(turn.udpPort());
         StunTestClient b = StunTestClient.udp(turn.udpPort());
         StunTestClient c = StunTestClient.udp(turn.udpPort())) {
      assertThat(a.authenticated(StunRequests::allocate, "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
      assertThat(b.authenticated(StunRequests::allocate, "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
      StunMessage third = c.authenticated(StunRequests::allocate, "alice", "secret");
      assertThat(StunRequests.errorCode(third)).isEqualTo(486);
      assertThat(StunCodec.verifyIntegrity(third, TurnFixture.key("alice", "secret")))
          .as("an error after authentication is signed").isTrue();
      // Another user is not affected; freeing one of alice's allocations lets her allocate again.
      try (StunTestClient d = StunTestClient.udp(turn.udpPort())) {
        assertThat(d.authenticated(StunRequests::allocate, "bob", "pw").cls()).isEqualTo(Stun.SUCCESS);
      }
      assertThat(a.authenticated(() -> StunRequests.refresh(0), "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
      assertThat(c.authenticated(StunRequests::allocate, "alice", "secret").cls()).isEqualTo(Stun.SUCCESS);
    }
  }

  @Test
  void usersFileEditedWhileRunningIsPickedUp() throws Exception {
    assertThat(StunRequests.errorCode(allocate("carol", "new"))).isEqualTo(401);
    Path temp = dir.resolve("users.tmp");
    Files.writeString(temp, "carol:" + REALM + ":" + UsersFileStore.keyHex("carol", REALM, "new") + "\n");
    Files.move(temp, usersFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    clock.advance(Duration.ofSeconds(1));
    assertThat(allocate("carol", "new").cls()).isEqualTo(Stun.SUCCESS);
    assertThat(StunRequests.errorCode(allocate("alice", "secret"))).as("alice was removed").isEqualTo(401);
  }

  @Test
  void challengesPerSourceAreRateLimitedWithoutStoppingService() throws Exception {
    turn.close();
    turn = start(SecuredTurnServer.quotas(2, 3));
    try (StunTestClient client = StunTestClient.udp(turn.udpPort())) {
      for (int i = 0; i < 3; i++) {
        assertThat(StunRequests.errorCode(client.exchange(StunRequests.unsigned(StunRequests.allocate()))))
            .as("challenge " + i).isEqualTo(401);
      }
      client.send(StunRequests.unsigned(StunRequests.allocate()));
      client.send(StunRequests.unsigned(StunRequests.allocate()));
      SecuredTurnServer.assertNothingAnsweredAndStillServing(client);
      // Another source has its own budget. The limiter hashes sources (random seed) into 4096
      // buckets, so 127.0.0.2 shares 127.0.0.1's in one run of 4096 (seen once in CI): the next
      // address then answers.
      StunMessage r = null;
      for (int host = 2; host <= 4 && r == null; host++) {
        try (DatagramSocket other = SecuredTurnServer.socketOn("127.0.0." + host)) {
          r = turn.exchange(other, StunRequests.unsigned(StunRequests.allocate()));
        }
      }
      assertThat(r).as("a challenge to another source").isNotNull();
      assertThat(StunRequests.errorCode(r)).isEqualTo(401);
      clock.advance(Duration.ofSeconds(1));
      assertThat(StunRequests.errorCode(client.exchange(StunRequests.unsigned(StunRequests.allocate()))))
          .isEqualTo(401);
    }
  }

  /** A 401 challenge's nonce for {@code client}. */
  private static String challenge(StunTestClient client) throws Exception {
    StunMessage r = client.exchange(StunRequests.unsigned(StunRequests.allocate()));
    assertThat(StunRequests.errorCode(r)).isEqualTo(401);
    return r.text(Stun.NONCE);
  }

  /** Allocate on a new client (challenge, then the signed request) and free it again; returns the answer. */
  private StunMessage allocate(String user, String password) throws Exception {
    try (StunTestClient client = StunTestClient.udp(turn.udpPort())) {
      String nonce = challenge(client);
      StunMessage r = client.exchange(StunRequests.signed(StunRequests.allocate(), user, password, nonce));
      assertThat(r).as("an answer for " + user).isNotNull();
      if (r.cls() == Stun.SUCCESS) {
        StunMessage freed = client.exchange(StunRequests.signed(StunRequests.refresh(0), user, password, nonce));
        assertThat(freed.cls()).isEqualTo(Stun.SUCCESS);
      }
      return r;
    }
  }
}
