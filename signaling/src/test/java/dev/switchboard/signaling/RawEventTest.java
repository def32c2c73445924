package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The signal event written as bytes is the event the ObjectNode path wrote, to the byte. */
class RawEventTest {

  private static String viaTree(String room, String from, String kind, String payload, long seq) throws Exception {
    ObjectNode relayed = Json.message("signal", null);
    relayed.put("room", room);
    relayed.put("from", from);
    relayed.put("kind", kind);
    relayed.set("payload", Json.MAPPER.readTree(payload));
    relayed.put("seq", seq);
    return new String(Json.MAPPER.writeValueAsBytes(relayed), StandardCharsets.UTF_8);
  }

  private static String raw(String room, String from, String kind, String payload, long seq) {
    return new String(RawEvent.signal(room, from, kind, RawJson.of(payload)).withSeq(seq), StandardCharsets.UTF_8);
  }

  @Test
  void signalMatchesTheTreeBuiltEventByteForByte() throws Exception {
    String candidate = "{\"candidate\":\"candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\",\"sdpMid\":\"0\","
        + "\"sdpMLineIndex\":0}";
    String offer = "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=\u00e9\u260e\\r\\n\"}";
    for (String payload : new String[] {candidate, offer, "null", "[1,2.5,true]", "\"x\""}) {
      assertThat(raw("room.1_A-z", "p_AbC-d_9", "candidate", payload, 42))
          .isEqualTo(viaTree("room.1_A-z", "p_AbC-d_9", "candidate", payload, 42));
    }
    assertThat(raw("r", "p", "end-of-candidates", "null", Long.MAX_VALUE))
        .isEqualTo(viaTree("r", "p", "end-of-candidates", "null", Long.MAX_VALUE));
  }

  @Test
  void quotesWhatWouldNeedEscaping() throws Exception {
    // Room ids, peer ids and kinds are checked before they get here; the writer does not rely on it.
    assertThat(raw("a\"b\\c\u0001", "p\u00e9", "offer", "{}", 1)).isEqualTo(viaTree("a\"b\\c\u0001", "p\u00e9", "offer", "{}", 1));
  }

  @Test
  void aSessionNumbersARawEventLikeAnyOther() {
    EmbeddedChannel channel = new EmbeddedChannel();
    Session session = new Session("s_1", "p_1", "token", new RateLimiter(50, 0), channel, 0);
    session.send(Json.message("welcome", null));
    session.send(RawEvent.signal("r", "p_2", "offer", RawJson.of("{\"sdp\":\"v=0\"}")));
    channel.runPendingTasks();
    channel.readOutbound();
    TextWebSocketFrame frame = channel.readOutbound();
    assertThat(frame.text()).isEqualTo("{\"type\":\"signal\",\"room\":\"r\",\"from\":\"p_2\",\"kind\":\"offer\","
        + "\"payload\":{\"sdp\":\"v=0\"},\"seq\":2}");
    frame.release();
  }
}
