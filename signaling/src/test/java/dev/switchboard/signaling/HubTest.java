package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hub's lifecycle rules on an embedded channel, where a test decides what the wire does. */
class HubTest {

  private final MutableClock clock = new MutableClock();

  private Hub hub() throws Exception {
    Hub hub = new Hub(TestServer.config(SignalingConfig.Auth.NONE, List.of("*"), Duration.ofSeconds(30), 50), clock,
        peerId -> new IceServersProvider.IceConfig(List.of(), Duration.ofHours(1)), new Tokens(TestServer.TOKEN_KEY, clock),
        null);
    hub.router(new Router(hub));
    return hub;
  }

  /** A connection whose client never reads: no write to it ever completes. */
  private static EmbeddedChannel neverReads() {
    return new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ReferenceCountUtil.release(msg);
      }
    });
  }

  @Test
  void aSessionClosedForCauseThatKeepsSendingIsDroppedByTheHeartbeatAnyway() throws Exception {
    Hub hub = hub();
    EmbeddedChannel channel = neverReads();
    Session session = hub.connect(channel);
    byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 50 + Router.ABUSE_LIMIT; i++) {
      hub.onText(session, garbage);
    }
    channel.runPendingTasks();
    assertThat(session.ended).as("closed with 4029").isTrue();
    assertThat(channel.isOpen()).as("its close frame is never written, so the close never comes").isTrue();

    for (int s = 0; s < 46; s++) {
      clock.advance(Duration.ofSeconds(1));
      hub.onText(session, garbage); // a frame a second, every one ignored now
      hub.tick();
    }
    channel.runPendingTasks();
    assertThat(channel.isOpen()).as("silent for the heartbeat timeout, as far as the hub is concerned").isFalse();
    assertThat(hub.sessions()).isEmpty();
  }
}
