package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The connection a resume took the session from: told with 4009, then closed, even when the frame never goes out. */
class ReplacedConnectionTest {

  @Test
  void closesOnceTheCloseFrameIsWritten() {
    EmbeddedChannel channel = new EmbeddedChannel();
    WebSocketFrameHandler.replaced(channel);
    channel.runPendingTasks();
    CloseWebSocketFrame close = channel.readOutbound();
    assertThat(close.statusCode()).isEqualTo(WebSocketFrameHandler.RESUMED_ELSEWHERE);
    close.release();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aHalfOpenConnectionWhoseFrameNeverGoesOutIsClosedAfterTheGrace() {
    List<Object> stuck = new ArrayList<>();
    // A full send buffer: the write is taken and never completes.
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        stuck.add(msg);
      }
    });
    channel.freezeTime();
    WebSocketFrameHandler.replaced(channel);
    channel.runPendingTasks();
    assertThat(stuck).hasSize(1);
    channel.advanceTimeBy(WebSocketFrameHandler.REPLACED_CLOSE_GRACE.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).as("still within the grace").isTrue();
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    ((CloseWebSocketFrame) stuck.get(0)).release();
  }
}
