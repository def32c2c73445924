package dev.switchboard.turn;

import static dev.switchboard.turn.StunRequests.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BindingHandlerTest {

  private final TurnFixture f = new TurnFixture();
  private final BindingHandler handler = new BindingHandler();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void reflectsIpv4AndIpv6SourcesUnsignedWithFingerprint() throws Exception {
    for (InetSocketAddress source : new InetSocketAddress[] {
        new InetSocketAddress("192.0.2.77", 40001), new InetSocketAddress("2001:db8::7", 40002)}) {
      RecordingLink link = new RecordingLink(f.loop, source, false);
      byte[] request = StunRequests.request(Stun.BINDING).build(null, false);
      byte[] raw = f.onLoop(() -> handler.handle(new TurnRequest(link, StunCodec.decode(request), null,
          f.clock.millis(), f.ctx)));
      StunMessage r = StunCodec.decode(raw);
      assertThat(r.type()).isEqualTo(Stun.type(Stun.BINDING, Stun.SUCCESS));
      assertThat(r.transactionId()).isEqualTo(StunCodec.decode(request).transactionId());
      assertThat(address(r, Stun.XOR_MAPPED_ADDRESS)).isEqualTo(source);
      assertThat(r.integrityOffset()).isEqualTo(-1);
      assertThat(r.has(Stun.SOFTWARE)).isFalse();
    }
  }

  @Test
  void addsSoftwareOnlyWhenConfigured() throws Exception {
    TurnConfig base = TurnFixture.config(23000, 23999, TurnConfig.Quotas.defaults(), true);
    TurnConfig withSoftware = new TurnConfig(base.realm(), base.listeners(), base.relay(), base.lifetimes(),
        base.quotas(), base.peers(), "switchboard");
    try (TurnFixture sw = new TurnFixture(withSoftware)) {
      RecordingLink link = sw.newLink();
      byte[] request = StunRequests.request(Stun.BINDING).build(null, false);
      StunMessage r = StunCodec.decode(sw.onLoop(() -> handler.handle(new TurnRequest(link,
          StunCodec.decode(request), null, sw.clock.millis(), sw.ctx))));
      assertThat(r.text(Stun.SOFTWARE)).isEqualTo("switchboard");
    }
  }
}
