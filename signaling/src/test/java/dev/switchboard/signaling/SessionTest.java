package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The replay buffer kept as the wire's UTF-8 frames: sends, resumes and overflow, on embedded channels. */
class SessionTest {

  private static Session session(EmbeddedChannel channel) {
    return new Session("s_1", "p_1", "token", new RateLimiter(50, 0), channel, 0);
  }

  private static ObjectNode event(String text) {
    ObjectNode m = Json.message("chat", null);
    m.put("text", text);
    return m;
  }

  private static List<String> written(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<String> out = new ArrayList<>();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      TextWebSocketFrame frame = (TextWebSocketFrame) o;
      out.add(frame.text());
      frame.release();
    }
    return out;
  }

  @Test
  void writesEachEventAsUtf8JsonWithItsSeq() {
    EmbeddedChannel channel = new EmbeddedChannel();
    Session session = session(channel);
    session.send(event("héllo ☎"));
    session.send(event("two"));
    assertThat(written(channel)).containsExactly(
        "{\"type\":\"chat\",\"text\":\"héllo ☎\",\"seq\":1}", "{\"type\":\"chat\",\"text\":\"two\",\"seq\":2}");
  }

  @Test
  void framesThatPileUpBeforeTheLoopRunsGoOutInOrderWithOneFlush() {
    AtomicInteger flushes = new AtomicInteger();
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        flushes.incrementAndGet();
        ctx.flush();
      }
    });
    Session session = session(channel);
    session.send(event("one"));
    session.reply(Json.message("pong", "7"));
    session.send(event("two"));

    assertThat(written(channel)).containsExactly("{\"type\":\"chat\",\"text\":\"one\",\"seq\":1}",
        "{\"type\":\"pong\",\"re\":\"7\"}", "{\"type\":\"chat\",\"text\":\"two\",\"seq\":2}");
    assertThat(flushes).hasValue(1); // one send system call for the three, not three

    session.send(event("three"));
    assertThat(written(channel)).containsExactly("{\"type\":\"chat\",\"text\":\"three\",\"seq\":3}");
    assertThat(flushes).hasValue(2);
  }

  @Test
  void framesQueuedForAConnectionThatWentAwayAreNotWrittenToTheNextOne() {
    EmbeddedChannel first = new EmbeddedChannel();
    Session session = session(first);
    session.send(event("e1"));
    session.detach(0, "disconnect"); // before first's loop ran the drain
    EmbeddedChannel second = new EmbeddedChannel();
    assertThat(session.resume(second, 0, Json.message("resumed", null), 0, List.of())).isTrue();

    assertThat(written(first)).isEmpty();
    assertThat(written(second)).containsExactly("{\"type\":\"resumed\"}", "{\"type\":\"chat\",\"text\":\"e1\",\"seq\":1}");
  }

  @Test
  void resumeReplaysTheSameFramesAfterLastSeqInOrder() {
    EmbeddedChannel first = new EmbeddedChannel();
    Session session = session(first);
    for (int i = 1; i <= 4; i++) {
      session.send(event("e" + i));
    }
    List<String> sent = written(first);
    session.detach(0, "disconnect");
    EmbeddedChannel second = new EmbeddedChannel();

    assertThat(session.resume(second, 2, Json.message("resumed", "h"), 0, List.of())).isTrue();

    assertThat(written(second)).containsExactly("{\"type\":\"resumed\",\"re\":\"h\"}", sent.get(2), sent.get(3));
  }

  @Test
  void resumeFailsOnceEventsAfterLastSeqWereDropped() {
    Session session = session(new EmbeddedChannel());
    session.detach(0, "disconnect"); // events pile up while the client is away
    for (int i = 1; i <= Session.REPLAY_BUFFER + 2; i++) {
      session.send(event("e" + i));
    }
    // The oldest events are gone (by count or by bytes): a client that has seen the one before the
    // last dropped misses it; one that has seen the last dropped misses nothing kept.
    long oldest = session.oldestKeptSeq();
    assertThat(oldest).isGreaterThan(2);
    assertThat(session.resume(new EmbeddedChannel(), oldest - 2, Json.message("resumed", null), 0, List.of())).isFalse();
    // (the replayed writes stay queued: EmbeddedChannel would run thousands of them recursively)
    assertThat(session.resume(new EmbeddedChannel(), oldest - 1, Json.message("resumed", null), 0, List.of())).isTrue();
  }

  @Test
  void theWelcomeIsNumberedOneAndWrittenButNotKeptForAResume() {
    EmbeddedChannel first = new EmbeddedChannel();
    Session session = session(first);
    session.sendWelcome(Json.message("welcome", null));
    assertThat(written(first)).containsExactly("{\"type\":\"welcome\",\"seq\":1}");
    assertThat(session.replayCapacity()).as("an idle session holds no ring").isZero();

    session.send(event("e2"));
    session.detach(0, "disconnect");
    // A client that resumes holds the token only the welcome brought: whether it counts the welcome
    // (lastSeq 1) or not (0), it gets every event after it.
    for (long lastSeq : new long[] {0, 1}) {
      EmbeddedChannel again = new EmbeddedChannel();
      assertThat(session.resume(again, lastSeq, Json.message("resumed", null), 0, List.of())).isTrue();
      assertThat(written(again)).containsExactly("{\"type\":\"resumed\"}", "{\"type\":\"chat\",\"text\":\"e2\",\"seq\":2}");
      session.detach(0, "disconnect");
    }
  }

  @Test
  void theDrainingNoticeGoesOutOnceAndNeverBeforeTheWelcome() {
    EmbeddedChannel channel = new EmbeddedChannel();
    Session session = session(channel);
    ObjectNode notice = Json.message("server.draining", null);
    assertThat(session.tellDraining(notice.deepCopy())).as("listed, not welcomed yet: its connect tells it").isFalse();
    session.sendWelcome(Json.message("welcome", null));
    assertThat(session.tellDraining(notice.deepCopy())).isTrue();
    assertThat(session.tellDraining(notice.deepCopy())).as("the connect's check and the drain's walk both came").isFalse();
    assertThat(written(channel)).containsExactly("{\"type\":\"welcome\",\"seq\":1}", "{\"type\":\"server.draining\",\"seq\":2}");
  }

  @Test
  void resumeFailsForASeqNeverSent() {
    EmbeddedChannel first = new EmbeddedChannel();
    Session session = session(first);
    session.send(event("e1"));
    session.detach(0, "disconnect");
    assertThat(session.resume(new EmbeddedChannel(), 5, Json.message("resumed", null), 0, List.of())).isFalse();
  }
}
