package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The relay path on NIO, where relay sockets are Netty channels ({@link ChannelRelaySocket}). */
class NioRelayPathTest extends RelayPathTest {

  @Override
  TurnFixture fixture() {
    return TurnFixture.nio();
  }

  @Test
  void relaySocketsAreNettyChannels() throws Exception {
    TurnFixture f = fixture();
    try (f) {
      RecordingLink link = f.newLink();
      f.handle(new AllocateHandler(), link, StunRequests.allocate().build(null, false));
      assertThat(link.allocation().relaySocket()).isInstanceOf(ChannelRelaySocket.class);
    }
  }
}
