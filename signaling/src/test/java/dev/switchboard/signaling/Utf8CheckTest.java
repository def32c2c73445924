package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8CheckTest {

  @Test
  void asciiAndWellFormedSequencesPassBrokenOnesDoNot() {
    assertThat(WebSocketFrameHandler.isUtf8("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(WebSocketFrameHandler.isUtf8("{\"text\":\"héllo ✓ 😀\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(WebSocketFrameHandler.isUtf8(new byte[0])).isTrue();
    assertThat(WebSocketFrameHandler.isUtf8(new byte[] {'a', (byte) 0xC3, 0x28})).as("a lead byte, then ASCII").isFalse();
    assertThat(WebSocketFrameHandler.isUtf8(new byte[] {'a', (byte) 0xE2, (byte) 0x82})).as("cut short").isFalse();
    assertThat(WebSocketFrameHandler.isUtf8(new byte[] {(byte) 0xC0, (byte) 0x80})).as("overlong").isFalse();
    assertThat(WebSocketFrameHandler.isUtf8(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).as("a surrogate").isFalse();
  }
}
