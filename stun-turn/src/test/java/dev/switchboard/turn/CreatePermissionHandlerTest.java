package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.allocate;
import static dev.switchboard.turn.StunRequests.createPermission;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CreatePermissionHandlerTest {

  private final TurnFixture f = new TurnFixture();
  private final CreatePermissionHandler handler = new CreatePermissionHandler();

  @AfterEach
  void close() {
    f.close();
  }

  private RecordingLink allocated(TurnFixture fx) throws Exception {
    RecordingLink link = fx.newLink();
    fx.handle(new AllocateHandler(), link, allocate().build(null, false));
    return link;
  }

  @Test
  void installsEveryPeerOfOneRequestForFiveMinutes() throws Exception {
    RecordingLink link = allocated(f);
    StunMessage r = StunCodec.decode(f.handle(handler, link, createPermission(
        new InetSocketAddress("127.0.0.2", 1000), new InetSocketAddress("127.0.0.3", 2000)).build(null, false)));
    assertThat(r.cls()).isEqualTo(Stun.SUCCESS);
    Allocation a = link.allocation();
    long now = f.clock.millis();
    assertThat(a.hasPermission(InetAddress.getByName("127.0.0.2"), now)).isTrue();
    assertThat(a.hasPermission(InetAddress.getByName("127.0.0.3"), now)).isTrue();
    assertThat(a.hasPermission(InetAddress.getByName("127.0.0.4"), now)).isFalse();
    f.advance(Duration.ofSeconds(299));
    assertThat(a.hasPermission(InetAddress.getByName("127.0.0.2"), f.clock.millis())).isTrue();
    f.advance(Duration.ofSeconds(2));
    assertThat(a.hasPermission(InetAddress.getByName("127.0.0.2"), f.clock.millis())).isFalse();
  }

  @Test
  void withoutPeerIs400AndWithoutAllocationIs437() throws Exception {
    assertThatThrownBy(() -> f.handle(handler, f.newLink(), createPermission(new InetSocketAddress("127.0.0.2", 1))
        .build(null, false))).extracting("code").isEqualTo(437);
    RecordingLink link = allocated(f);
    assertThatThrownBy(() -> f.handle(handler, link, createPermission().build(null, false)))
        .extracting("code").isEqualTo(400);
  }

  @Test
  void refusedPeerIs403AndNothingIsInstalled() throws Exception {
    try (TurnFixture strict = new TurnFixture(TurnFixture.config(23000, 23999, TurnConfig.Quotas.defaults(), false))) {
      RecordingLink link = allocated(strict);
      assertThatThrownBy(() -> strict.handle(handler, link, createPermission(
          new InetSocketAddress("203.0.113.5", 1), new InetSocketAddress("10.0.0.1", 1)).build(null, false)))
          .extracting("code").isEqualTo(403);
      assertThat(link.allocation().permissionCount(strict.clock.millis())).isZero();
    }
  }

  @Test
  void ownRelayAddressIsAllowedEvenWhenLoopbackIsRefused() throws Exception {
    try (TurnFixture strict = new TurnFixture(TurnFixture.config(23000, 23999, TurnConfig.Quotas.defaults(), false))) {
      RecordingLink a = allocated(strict);
      RecordingLink b = allocated(strict);
      InetSocketAddress relayB = b.allocation().relayAddress();
      StunMessage r = StunCodec.decode(strict.handle(handler, a, createPermission(relayB).build(null, false)));
      assertThat(r.cls()).isEqualTo(Stun.SUCCESS);
      // A loopback port that is not a live relay stays refused.
      assertThatThrownBy(() -> strict.handle(handler, a, createPermission(new InetSocketAddress("127.0.0.1", 9))
          .build(null, false))).extracting("code").isEqualTo(403);
    }
  }

  @Test
  void peerOfOtherFamilyIs443() throws Exception {
    RecordingLink link = allocated(f);
    assertThatThrownBy(() -> f.handle(handler, link, createPermission(new InetSocketAddress("::1", 1))
        .build(null, false))).extracting("code").isEqualTo(443);
  }

  @Test
  void ipv4MappedPeerIs443() throws Exception {
    RecordingLink link = allocated(f);
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 2};
    InetSocketAddress peer = new InetSocketAddress(java.net.Inet6Address.getByAddress(null, mapped, -1), 1);
    assertThatThrownBy(() -> f.handle(handler, link, createPermission(peer).build(null, false)))
        .as("::ffff:127.0.0.2 is IPv6 on the wire, the allocation IPv4").extracting("code").isEqualTo(443);
    assertThat(link.allocation().permissionCount(f.clock.millis())).isZero();
  }

  @Test
  void permissionQuotaIs508() throws Exception {
    try (TurnFixture small = new TurnFixture(TurnFixture.config(23000, 23999, new TurnConfig.Quotas(12, 100, 2, 0, 20), true))) {
      RecordingLink link = allocated(small);
      small.handle(handler, link, createPermission(new InetSocketAddress("127.0.0.2", 1),
          new InetSocketAddress("127.0.0.3", 1)).build(null, false));
      // Refreshing existing ones is fine; a third IP is not.
      small.handle(handler, link, createPermission(new InetSocketAddress("127.0.0.2", 5)).build(null, false));
      assertThatThrownBy(() -> small.handle(handler, link, createPermission(new InetSocketAddress("127.0.0.4", 1))
          .build(null, false))).extracting("code").isEqualTo(508);
    }
  }
}
