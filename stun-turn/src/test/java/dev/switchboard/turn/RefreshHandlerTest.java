package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.address;
import static dev.switchboard.turn.StunRequests.allocate;
import static dev.switchboard.turn.StunRequests.refresh;
import static dev.switchboard.turn.StunRequests.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RefreshHandlerTest {

  private final TurnFixture f = new TurnFixture();
  private final RefreshHandler handler = new RefreshHandler();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void refreshExtendsTheAllocation() throws Exception {
    RecordingLink link = f.newLink();
    f.handle(new AllocateHandler(), link, allocate().build(null, false));
    f.advance(Duration.ofSeconds(500));
    StunMessage r = StunCodec.decode(f.handle(handler, link, refresh(600).build(null, false)));
    assertThat(u32(r, Stun.LIFETIME)).isEqualTo(600);
    f.advance(Duration.ofSeconds(500));
    f.sweep();
    assertThat(f.ctx.registry().count()).isEqualTo(1);
    f.advance(Duration.ofSeconds(101));
    f.sweep();
    assertThat(f.ctx.registry().count()).isZero();
  }

  @Test
  void lifetimeZeroDeletesAndFreesThePort() throws Exception {
    RecordingLink link = f.newLink();
    int port = address(StunCodec.decode(f.handle(new AllocateHandler(), link, allocate().build(null, false))),
        Stun.XOR_RELAYED_ADDRESS).getPort();
    StunMessage r = StunCodec.decode(f.handle(handler, link, refresh(0).build(null, false)));
    assertThat(u32(r, Stun.LIFETIME)).isZero();
    assertThat(f.ctx.registry().count()).isZero();
    assertThat(link.allocation()).isNull();
    assertThat(f.onLoop(() -> f.ctx.ports().isFree(port))).isTrue();
    assertThatThrownBy(() -> f.handle(handler, link, refresh(0).build(null, false))).extracting("code").isEqualTo(437);
  }

  @Test
  void lifetimeIsCappedAtMaximum() throws Exception {
    RecordingLink link = f.newLink();
    f.handle(new AllocateHandler(), link, allocate().build(null, false));
    assertThat(u32(StunCodec.decode(f.handle(handler, link, refresh(999_999).build(null, false))), Stun.LIFETIME))
        .isEqualTo(3600);
  }

  @Test
  void lifetimeBelowTheDefaultGetsTheDefault() throws Exception {
    // RFC 8656 §7.3: a computed lifetime not above the default is raised to the default.
    RecordingLink link = f.newLink();
    f.handle(new AllocateHandler(), link, allocate().build(null, false));
    assertThat(u32(StunCodec.decode(f.handle(handler, link, refresh(1).build(null, false))), Stun.LIFETIME))
        .isEqualTo(600);
    f.advance(Duration.ofSeconds(599));
    f.sweep();
    assertThat(f.ctx.registry().count()).isEqualTo(1);
  }

  @Test
  void withoutAllocationIs437AndOtherFamilyIs443() throws Exception {
    RecordingLink link = f.newLink();
    assertThatThrownBy(() -> f.handle(handler, link, refresh(600).build(null, false))).extracting("code").isEqualTo(437);
    f.handle(new AllocateHandler(), link, allocate().build(null, false));
    assertThatThrownBy(() -> f.handle(handler, link, refresh(600)
        .add(Stun.REQUESTED_ADDRESS_FAMILY, new byte[] {2, 0, 0, 0}).build(null, false)))
        .extracting("code").isEqualTo(443);
  }

  @Test
  void anotherUserOnTheSameFiveTupleIs441() throws Exception {
    RecordingLink link = f.newLink();
    f.handle(new AllocateHandler(), link, allocate().build(null, false));
    assertThatThrownBy(() -> f.onLoop(() -> handler.handle(new TurnRequest(link,
        StunCodec.decode(refresh(600).build(null, false)), new Auth("bob", new byte[16]), f.clock.millis(), f.ctx))))
        .extracting("code").isEqualTo(441);
  }
}
