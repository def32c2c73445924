package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.address;
import static dev.switchboard.turn.StunRequests.allocate;
import static dev.switchboard.turn.StunRequests.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AllocateHandlerTest {

  private final TurnFixture f = new TurnFixture();
  private final AllocateHandler handler = new AllocateHandler();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void allocatesRelayWithMappedAddressLifetimeAndSignature() throws Exception {
    RecordingLink link = f.newLink();
    StunMessage r = StunCodec.decode(f.handle(handler, link, allocate().build(null, false)));
    assertThat(r.cls()).isEqualTo(Stun.SUCCESS);
    InetSocketAddress relay = address(r, Stun.XOR_RELAYED_ADDRESS);
    assertThat(relay.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(relay.getPort()).isBetween(23000, 23999);
    assertThat(address(r, Stun.XOR_MAPPED_ADDRESS)).isEqualTo(link.remote());
    assertThat(u32(r, Stun.LIFETIME)).isEqualTo(600);
    assertThat(StunCodec.verifyIntegrity(r, TurnFixture.key(TurnFixture.USER, TurnFixture.PASSWORD))).isTrue();
    assertThat(f.ctx.registry().count()).isEqualTo(1);
    assertThat(f.ctx.ports().isFree(relay.getPort())).isFalse();
  }

  @Test
  void retransmissionGetsCachedResponseAndAnotherAllocateGets437() throws Exception {
    RecordingLink link = f.newLink();
    byte[] request = allocate().build(null, false);
    byte[] first = f.handle(handler, link, request);
    assertThat(f.handle(handler, link, request)).isEqualTo(first);
    assertThatThrownBy(() -> f.handle(handler, link, allocate().build(null, false)))
        .isInstanceOf(StunException.class).extracting("code").isEqualTo(437);
    assertThat(f.ctx.registry().count()).isEqualTo(1);
  }

  @Test
  void requestedTransportMissingIs400AndTcpIs442() {
    assertCode(StunRequests.request(Stun.ALLOCATE).build(null, false), 400);
    assertCode(StunRequests.request(Stun.ALLOCATE).add(Stun.REQUESTED_TRANSPORT, new byte[] {6, 0, 0, 0})
        .build(null, false), 442);
  }

  @Test
  void unknownAddressFamilyIs440() {
    assertCode(allocate().add(Stun.REQUESTED_ADDRESS_FAMILY, new byte[] {3, 0, 0, 0}).build(null, false), 440);
  }

  @Test
  void ipv6RelayWhenAskedAndAvailable() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(f.ctx.addresses().supports(true), "host has no ::1");
    StunMessage r = StunCodec.decode(f.handle(handler, f.newLink(),
        allocate().add(Stun.REQUESTED_ADDRESS_FAMILY, new byte[] {2, 0, 0, 0}).build(null, false)));
    assertThat(address(r, Stun.XOR_RELAYED_ADDRESS).getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
  }

  @Test
  void lifetimeIsClampedBetweenDefaultAndMaximum() throws Exception {
    StunMessage longOne = StunCodec.decode(f.handle(handler, f.newLink(), allocate().addInt(Stun.LIFETIME, 100000)
        .build(null, false)));
    assertThat(u32(longOne, Stun.LIFETIME)).isEqualTo(3600);
    StunMessage shortOne = StunCodec.decode(f.handle(handler, f.newLink(), allocate().addInt(Stun.LIFETIME, 10)
        .build(null, false)));
    assertThat(u32(shortOne, Stun.LIFETIME)).isEqualTo(600);
  }

  @Test
  void evenPortWithReservationHandsTheNextPortToTheTokenHolder() throws Exception {
    StunMessage first = StunCodec.decode(f.handle(handler, f.newLink(),
        allocate().add(Stun.EVEN_PORT, new byte[] {(byte) 0x80}).build(null, false)));
    int port = address(first, Stun.XOR_RELAYED_ADDRESS).getPort();
    assertThat(port % 2).isZero();
    byte[] token = first.attribute(Stun.RESERVATION_TOKEN).value();
    assertThat(token).hasSize(8);
    assertThat(f.ctx.ports().isFree(port + 1)).isFalse();
    StunMessage second = StunCodec.decode(f.handle(handler, f.newLink(),
        allocate().add(Stun.RESERVATION_TOKEN, token).build(null, false)));
    assertThat(address(second, Stun.XOR_RELAYED_ADDRESS).getPort()).isEqualTo(port + 1);
    // A token is good once; with EVEN-PORT it is a 400.
    assertCode(allocate().add(Stun.RESERVATION_TOKEN, token).build(null, false), 508);
    assertCode(allocate().add(Stun.RESERVATION_TOKEN, token).add(Stun.EVEN_PORT, new byte[] {0}).build(null, false), 400);
  }

  @Test
  void evenPortIsReadByItsFirstByteAsCoturnReadsItButAnEmptyOneIsA400() throws Exception {
    // Four bytes: the R bit and the padding counted into the attribute's length.
    StunMessage padded = StunCodec.decode(f.handle(handler, f.newLink(),
        allocate().add(Stun.EVEN_PORT, new byte[] {(byte) 0x80, 0, 0, 0}).build(null, false)));
    int port = address(padded, Stun.XOR_RELAYED_ADDRESS).getPort();
    assertThat(port % 2).isZero();
    assertThat(padded.attribute(Stun.RESERVATION_TOKEN).value()).hasSize(8);
    assertThat(f.ctx.ports().isFree(port + 1)).isFalse();
    assertCode(allocate().add(Stun.EVEN_PORT, new byte[0]).build(null, false), 400);
  }

  @Test
  void unclaimedReservationIsReleasedBySweeper() throws Exception {
    StunMessage first = StunCodec.decode(f.handle(handler, f.newLink(),
        allocate().add(Stun.EVEN_PORT, new byte[] {(byte) 0x80}).build(null, false)));
    int port = address(first, Stun.XOR_RELAYED_ADDRESS).getPort();
    f.advance(java.time.Duration.ofSeconds(31));
    f.sweep();
    assertThat(f.ctx.ports().isFree(port + 1)).isTrue();
  }

  @Test
  void portReservationsCountAgainstTheUsersQuotaUntilClaimedOrExpired() throws Exception {
    try (TurnFixture small = new TurnFixture(TurnFixture.config(23000, 23999,
        new TurnConfig.Quotas(3, 100, 8, 0, 20), true))) {
      byte[] reserveNext = allocate().add(Stun.EVEN_PORT, new byte[] {(byte) 0x80}).build(null, false);
      List<byte[]> tokens = new ArrayList<>();
      for (int i = 0; i < 2; i++) { // each: an allocation and a reservation, then the allocation deleted
        RecordingLink link = small.newLink();
        tokens.add(StunCodec.decode(small.handle(handler, link, reserveNext)).attribute(Stun.RESERVATION_TOKEN).value());
        small.onLoop(() -> {
          link.allocation().close("test");
          return null;
        });
      }
      assertThat(small.ctx.registry().count()).isZero();
      // Two reservations hold two of three slots: an allocation with a reservation needs two.
      assertThatThrownBy(() -> small.handle(handler, small.newLink(), reserveNext)).extracting("code").isEqualTo(486);
      small.handle(handler, small.newLink(), allocate().build(null, false));
      assertThatThrownBy(() -> small.handle(handler, small.newLink(), allocate().build(null, false)))
          .extracting("code").isEqualTo(486);
      // Claiming a token hands its slot to the claiming allocation.
      small.handle(handler, small.newLink(), allocate().add(Stun.RESERVATION_TOKEN, tokens.get(0)).build(null, false));
      assertThat(small.ctx.registry().count()).isEqualTo(2);
      assertThatThrownBy(() -> small.handle(handler, small.newLink(), allocate().build(null, false)))
          .extracting("code").isEqualTo(486);
      // An expired reservation gives its slot back.
      small.advance(java.time.Duration.ofSeconds(31));
      small.sweep();
      small.handle(handler, small.newLink(), allocate().build(null, false));
      assertThat(small.ctx.registry().count()).isEqualTo(3);
    }
  }

  @Test
  void dontFragmentIsAccepted() throws Exception {
    StunMessage r = StunCodec.decode(f.handle(handler, f.newLink(),
        allocate().add(Stun.DONT_FRAGMENT, new byte[0]).build(null, false)));
    assertThat(r.cls()).isEqualTo(Stun.SUCCESS);
  }

  @Test
  void userQuotaIs486AndServerQuotaIs508() throws Exception {
    try (TurnFixture small = new TurnFixture(TurnFixture.config(23000, 23999,
        new TurnConfig.Quotas(1, 2, 8, 0, 20), true))) {
      small.handle(handler, small.newLink(), allocate().build(null, false));
      assertThatThrownBy(() -> small.handle(handler, small.newLink(), allocate().build(null, false)))
          .extracting("code").isEqualTo(486);
      StunMessage bob = StunCodec.decode(small.onLoop(() -> handler.handle(new TurnRequest(small.newLink(),
          StunCodec.decode(allocate().build(null, false)), new Auth("bob", TurnFixture.key("bob", "pw")),
          small.clock.millis(), small.ctx))));
      assertThat(bob.cls()).isEqualTo(Stun.SUCCESS);
      assertThatThrownBy(() -> small.onLoop(() -> handler.handle(new TurnRequest(small.newLink(),
          StunCodec.decode(allocate().build(null, false)), new Auth("carol", new byte[16]),
          small.clock.millis(), small.ctx)))).extracting("code").isEqualTo(508);
      assertThat(small.ctx.registry().count()).isEqualTo(2);
    }
  }

  @Test
  void exhaustedPortRangeIs508AndQuotaIsGivenBack() throws Exception {
    try (TurnFixture tiny = new TurnFixture(TurnFixture.config(24990, 24990, TurnConfig.Quotas.defaults(), true))) {
      tiny.handle(handler, tiny.newLink(), allocate().build(null, false));
      assertThatThrownBy(() -> tiny.handle(handler, tiny.newLink(), allocate().build(null, false)))
          .extracting("code").isEqualTo(508);
      assertThat(tiny.ctx.registry().count()).isEqualTo(1);
    }
  }

  @Test
  void portsHeldByAnotherProcessAreEachTriedOnceAndGivenBack() throws Exception {
    // Seven of eight ports held elsewhere, eight bind attempts: only trying each port once finds the
    // free one every time (picking at random with replacement misses it in a third of requests).
    List<DatagramSocket> held = new ArrayList<>();
    try (TurnFixture eight = new TurnFixture(TurnFixture.config(24980, 24987, TurnConfig.Quotas.defaults(), true))) {
      for (int port = 24980; port <= 24986; port++) {
        held.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
      }
      for (int i = 0; i < 4; i++) {
        RecordingLink link = eight.newLink();
        StunMessage r = StunCodec.decode(eight.handle(handler, link, allocate().build(null, false)));
        assertThat(address(r, Stun.XOR_RELAYED_ADDRESS).getPort()).isEqualTo(24987);
        eight.onLoop(() -> {
          link.allocation().close("test");
          return null;
        });
        assertThat(eight.ctx.ports().freeCount()).isEqualTo(8); // the held ports went back too
      }
      eight.handle(handler, eight.newLink(), allocate().build(null, false));
      assertThatThrownBy(() -> eight.handle(handler, eight.newLink(), allocate().build(null, false)))
          .extracting("code").isEqualTo(508);
    } finally {
      held.forEach(DatagramSocket::close);
    }
  }

  private void assertCode(byte[] request, int code) {
    assertThatThrownBy(() -> f.handle(handler, f.newLink(), request))
        .isInstanceOf(StunException.class).extracting("code").isEqualTo(code);
  }
}
