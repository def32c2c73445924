package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.channelBind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChannelBindHandlerTest {

  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.2", 4000);
  private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.3", 4000);

  private final TurnFixture f = new TurnFixture();
  private final ChannelBindHandler handler = new ChannelBindHandler();
  private RecordingLink link;

  @BeforeEach
  void allocate() throws Exception {
    link = f.newLink();
    f.handle(new AllocateHandler(), link, StunRequests.allocate().addInt(Stun.LIFETIME, 3600).build(null, false));
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void bindsChannelAndInstallsPermission() throws Exception {
    assertThat(StunCodec.decode(f.handle(handler, link, channelBind(0x4000, PEER).build(null, false))).cls())
        .isEqualTo(Stun.SUCCESS);
    long now = f.clock.millis();
    assertThat(link.allocation().channel(0x4000, now).peer).isEqualTo(PEER);
    assertThat(link.allocation().hasPermission(PEER.getAddress(), now)).isTrue();
  }

  @Test
  void channelNumbersOutsideRangeAre400() {
    for (int bad : new int[] {0x3FFF, 0x8000, 0xFFFF, 0x0001}) {
      assertThatThrownBy(() -> f.handle(handler, link, channelBind(bad, PEER).build(null, false)))
          .extracting("code").isEqualTo(400);
    }
  }

  @Test
  void acceptsTheRfc5766RangeCoturnClientsUse() throws Exception {
    assertThat(StunCodec.decode(f.handle(handler, link, channelBind(0x7FFF, PEER).build(null, false))).cls())
        .isEqualTo(Stun.SUCCESS);
  }

  @Test
  void bothConflictsAre400() throws Exception {
    f.handle(handler, link, channelBind(0x4000, PEER).build(null, false));
    assertThatThrownBy(() -> f.handle(handler, link, channelBind(0x4000, OTHER).build(null, false)))
        .extracting("code").isEqualTo(400);
    assertThatThrownBy(() -> f.handle(handler, link, channelBind(0x4001, PEER).build(null, false)))
        .extracting("code").isEqualTo(400);
  }

  @Test
  void rebindingRefreshesChannelAndPermission() throws Exception {
    f.handle(handler, link, channelBind(0x4000, PEER).build(null, false));
    f.advance(Duration.ofSeconds(590));
    f.handle(handler, link, channelBind(0x4000, PEER).build(null, false));
    f.advance(Duration.ofSeconds(290));
    long now = f.clock.millis();
    assertThat(link.allocation().channel(0x4000, now)).isNotNull();
    assertThat(link.allocation().hasPermission(PEER.getAddress(), now)).isTrue();
    f.advance(Duration.ofSeconds(11));
    now = f.clock.millis();
    assertThat(link.allocation().channel(0x4000, now)).isNotNull();
    assertThat(link.allocation().hasPermission(PEER.getAddress(), now)).isFalse();
    f.advance(Duration.ofSeconds(300));
    f.sweep();
    assertThat(f.onLoop(() -> link.allocation().channel(0x4000, f.clock.millis()))).isNull();
  }

  @Test
  void missingAttributesAre400() {
    assertThatThrownBy(() -> f.handle(handler, link, StunRequests.request(Stun.CHANNEL_BIND)
        .addXorAddress(Stun.XOR_PEER_ADDRESS, PEER).build(null, false))).extracting("code").isEqualTo(400);
    assertThatThrownBy(() -> f.handle(handler, link, StunRequests.request(Stun.CHANNEL_BIND)
        .add(Stun.CHANNEL_NUMBER, new byte[] {0x40, 0, 0, 0}).build(null, false))).extracting("code").isEqualTo(400);
  }

  @Test
  void refusedPeerIs403() throws Exception {
    try (TurnFixture strict = new TurnFixture(TurnFixture.config(23000, 23999, TurnConfig.Quotas.defaults(), false))) {
      RecordingLink l = strict.newLink();
      strict.handle(new AllocateHandler(), l, StunRequests.allocate().build(null, false));
      assertThatThrownBy(() -> strict.handle(handler, l, channelBind(0x4000, PEER).build(null, false)))
          .extracting("code").isEqualTo(403);
    }
  }
}
