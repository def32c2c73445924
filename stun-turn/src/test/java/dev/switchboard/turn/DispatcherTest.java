package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.address;
import static dev.switchboard.turn.StunRequests.allocate;
import static dev.switchboard.turn.StunRequests.errorCode;
import static dev.switchboard.turn.StunRequests.signed;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Binding, unknown attributes, dropping garbage and the long-term auth flow, through the dispatcher. */
class DispatcherTest {

  private final TurnFixture f = new TurnFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void bindingReflectsAddressWithFingerprint() throws Exception {
    RecordingLink link = f.newLink();
    byte[] request = StunRequests.request(Stun.BINDING).build(null, false);
    f.dispatch(link, request);
    byte[] raw = link.sent().get(0);
    StunMessage r = StunCodec.decode(raw);
    assertThat(r.type()).isEqualTo(Stun.type(Stun.BINDING, Stun.SUCCESS));
    assertThat(address(r, Stun.XOR_MAPPED_ADDRESS)).isEqualTo(link.remote());
    // FINGERPRINT is last; decode() verified its CRC.
    assertThat((raw[raw.length - 8] & 0xFF) << 8 | (raw[raw.length - 7] & 0xFF)).isEqualTo(Stun.FINGERPRINT);
    assertThat(f.ctx.metrics().requests(Stun.BINDING)).isEqualTo(1);
  }

  @Test
  void classicBindingIsAnsweredAndCountedAsBindingOtherClassicMethodsAreNot() throws Exception {
    RecordingLink link = f.newLink();
    byte[] id = ClassicStunMessages.id();
    f.dispatch(link, ClassicStunMessages.message(ClassicStunMessages.BINDING_REQUEST, id));
    ClassicStunMessages.Message r = ClassicStunMessages.parse(link.sent().get(0));
    assertThat(r.id()).isEqualTo(id);
    assertThat(r.address(ClassicBindingHandler.MAPPED_ADDRESS)).isEqualTo(link.remote());
    assertThat(r.address(ClassicBindingHandler.SOURCE_ADDRESS)).isEqualTo(link.local());
    assertThat(f.ctx.metrics().requests(Stun.BINDING)).isEqualTo(1);
    f.dispatch(link, ClassicStunMessages.message(Stun.type(Stun.ALLOCATE, Stun.REQUEST), ClassicStunMessages.id()));
    assertThat(link.sent()).hasSize(1);
    assertThat(f.ctx.metrics().requests(Stun.ALLOCATE)).isZero();
  }

  /** A wildcard listener names the public address at its port, as a listener on that address would. */
  @Test
  void classicBindingOnAWildcardListenerNamesThePublicAddress() throws Exception {
    TurnConfig base = TurnFixture.config(23000, 23999, TurnConfig.Quotas.defaults(), true);
    TurnConfig behindNat = new TurnConfig(base.realm(), base.listeners(), new TurnConfig.Relay(
        InetAddress.getByName("0.0.0.0"), InetAddress.getByName("203.0.113.9"), 23000, 23999),
        base.lifetimes(), base.quotas(), base.peers(), base.software());
    try (TurnFixture wildcard = new TurnFixture(behindNat)) {
      RecordingLink link = new RecordingLink(wildcard.loop, new InetSocketAddress("198.51.100.7", 40000),
          new InetSocketAddress("0.0.0.0", 3478), false);
      wildcard.dispatch(link, ClassicStunMessages.message(ClassicStunMessages.BINDING_REQUEST, ClassicStunMessages.id()));
      ClassicStunMessages.Message r = ClassicStunMessages.parse(link.sent().get(0));

      InetSocketAddress published = new InetSocketAddress("203.0.113.9", 3478);
      assertThat(r.address(ClassicBindingHandler.SOURCE_ADDRESS)).isEqualTo(published);
      assertThat(r.address(ClassicBindingHandler.CHANGED_ADDRESS)).isEqualTo(published);
      assertThat(r.address(ClassicBindingHandler.MAPPED_ADDRESS)).isEqualTo(link.remote());
    }
  }

  @Test
  void aBindingWithAChangeRequestThatAsksNoChangeIsAnsweredOneThatAsksOneIs420() throws Exception {
    RecordingLink link = f.newLink();
    f.dispatch(link, StunRequests.request(Stun.BINDING).add(ClassicBindingHandler.CHANGE_REQUEST, new byte[4]).build(null, false));
    assertThat(link.lastMessage().cls()).as("RFC 5780 probes start with no flag set").isEqualTo(Stun.SUCCESS);
    assertThat(address(link.lastMessage(), Stun.XOR_MAPPED_ADDRESS)).isEqualTo(link.remote());
    f.dispatch(link, StunRequests.request(Stun.BINDING).add(ClassicBindingHandler.CHANGE_REQUEST, new byte[] {0, 0, 0, 6})
        .build(null, false));
    assertThat(errorCode(link.lastMessage())).as("no other address or port to answer from").isEqualTo(420);
  }

  @Test
  void bindingIndicationAndResponsesAreIgnored() throws Exception {
    RecordingLink link = f.newLink();
    f.dispatch(link, new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.INDICATION), StunRequests.tid()).build(null, true));
    f.dispatch(link, new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.SUCCESS), StunRequests.tid()).build(null, true));
    assertThat(link.sent()).isEmpty();
  }

  @Test
  void unknownComprehensionRequiredAttributeIs420ListingIt() throws Exception {
    RecordingLink link = f.newLink();
    f.dispatch(link, StunRequests.request(Stun.BINDING).add(0x0031, new byte[4]).add(0xC001, new byte[4])
        .build(null, false));
    StunMessage r = link.lastMessage();
    assertThat(errorCode(r)).isEqualTo(420);
    assertThat(r.attribute(Stun.UNKNOWN_ATTRIBUTES).value()).containsExactly(0x00, 0x31);
  }

  @Test
  void garbageIsNeverAnswered() throws Exception {
    RecordingLink link = f.newLink();
    byte[] valid = StunRequests.request(Stun.BINDING).build(null, false);
    byte[] truncated = java.util.Arrays.copyOf(valid, 12);
    byte[] lengthPast = valid.clone();
    lengthPast[3] = 40;
    byte[] withHugeAttr = StunRequests.request(Stun.BINDING).add(Stun.SOFTWARE, new byte[4]).build(null, false);
    withHugeAttr[22] = (byte) 0xFF;
    withHugeAttr[23] = (byte) 0xFF;
    for (byte[] bad : new byte[][] {truncated, lengthPast, withHugeAttr, {(byte) 0xFF, 1, 2, 3},
        {0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4}}) {
      f.dispatch(link, bad);
    }
    assertThat(link.sent()).isEmpty();
    f.dispatch(link, valid);
    assertThat(link.sent()).hasSize(1);
  }

  @Test
  void longTermAuthFlow() throws Exception {
    RecordingLink link = f.newLink();
    // No MESSAGE-INTEGRITY: 401 with REALM and NONCE.
    f.dispatch(link, allocate().build(null, false));
    StunMessage challenge = link.lastMessage();
    assertThat(errorCode(challenge)).isEqualTo(401);
    assertThat(challenge.text(Stun.REALM)).isEqualTo(TurnFixture.REALM);
    String nonce = challenge.text(Stun.NONCE);
    assertThat(nonce).isNotEmpty();
    assertThat(f.ctx.registry().count()).isZero();

    // Wrong password: 401.
    f.dispatch(link, signed(allocate(), TurnFixture.USER, "wrong", nonce));
    assertThat(errorCode(link.lastMessage())).isEqualTo(401);

    // Right password: success signed with the user's key.
    f.dispatch(link, signed(allocate(), TurnFixture.USER, TurnFixture.PASSWORD, nonce));
    StunMessage ok = link.lastMessage();
    assertThat(ok.cls()).isEqualTo(Stun.SUCCESS);
    assertThat(StunCodec.verifyIntegrity(ok, TurnFixture.key(TurnFixture.USER, TurnFixture.PASSWORD))).isTrue();

    // Nonce expired: 438 with a fresh nonce.
    f.advance(Duration.ofMinutes(11));
    f.dispatch(link, signed(StunRequests.refresh(600), TurnFixture.USER, TurnFixture.PASSWORD, nonce));
    StunMessage stale = link.lastMessage();
    assertThat(errorCode(stale)).isEqualTo(438);
    assertThat(stale.text(Stun.NONCE)).isNotEqualTo(nonce);
    assertThat(f.ctx.metrics().authFailures.sum()).isEqualTo(1);
  }

  @Test
  void integrityWithoutUsernameIs400() throws Exception {
    RecordingLink link = f.newLink();
    f.dispatch(link, allocate().build(new byte[16], false));
    assertThat(errorCode(link.lastMessage())).isEqualTo(400);
  }

  @Test
  void attributesAfterIntegrityAreIgnored() throws Exception {
    RecordingLink link = f.newLink();
    f.dispatch(link, allocate().build(null, false));
    String nonce = link.lastMessage().text(Stun.NONCE);
    byte[] signedAllocate = signed(allocate(), TurnFixture.USER, TurnFixture.PASSWORD, nonce);
    // Strip FINGERPRINT, append an unknown comprehension-required attribute after MESSAGE-INTEGRITY.
    byte[] raw = java.util.Arrays.copyOf(signedAllocate, signedAllocate.length - 8 + 8);
    java.nio.ByteBuffer.wrap(raw).putShort(signedAllocate.length - 8, (short) 0x0031).putShort(signedAllocate.length - 6, (short) 4)
        .putInt(signedAllocate.length - 4, 0);
    f.dispatch(link, raw);
    assertThat(link.lastMessage().cls()).isEqualTo(Stun.SUCCESS);
  }

  @Test
  void unauthorizedAnswersAreRateLimitedPerSource() throws Exception {
    RecordingLink link = f.newLink();
    int limit = f.config.quotas().unauthorizedPerSecond();
    for (int i = 0; i < limit * 3; i++) {
      f.dispatch(link, allocate().build(null, false));
    }
    assertThat(link.sent().size()).isLessThan(limit * 3).isGreaterThan(0);
  }

  /** Many TCP or TLS clients behind one NAT that connect at once each get their 401: they never retransmit. */
  @Test
  void unauthorizedAnswersOverStreamsAreNotLimited() throws Exception {
    int limit = f.config.quotas().unauthorizedPerSecond();
    int answered = 0;
    for (int i = 0; i < limit * 3; i++) {
      RecordingLink link = f.newStreamLink(); // all from 127.0.0.1
      f.dispatch(link, allocate().build(null, false));
      answered += link.sent().size();
    }
    assertThat(answered).isEqualTo(limit * 3);
  }
}
