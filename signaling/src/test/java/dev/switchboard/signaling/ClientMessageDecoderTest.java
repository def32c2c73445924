package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClientMessageDecoderTest {

  private final ClientMessageDecoder decoder = new ClientMessageDecoder(10);

  private ClientMessage decode(String json) throws SignalingException {
    return decoder.decode(ClientMessageDecoder.parse(json));
  }

  private void refused(String json, String code, String messagePart) {
    assertThatThrownBy(() -> decode(json)).isInstanceOfSatisfying(SignalingException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.getMessage()).contains(messagePart);
    });
  }

  @Test
  void decodesEveryRequestIntoItsRecordIgnoringUnknownFields() throws Exception {
    assertThat(decode("{\"type\":\"join\",\"id\":\"7\",\"room\":\"a.b-c_1\",\"mode\":\"create\",\"capacity\":2,"
        + "\"password\":\"pw\",\"name\":\"Al\",\"extra\":true}"))
        .isEqualTo(new ClientMessage.Join("7", "a.b-c_1", RoomRegistry.Mode.CREATE, 2, "pw", "Al", null));
    ClientMessage.Signal signal = (ClientMessage.Signal) decode(
        "{\"type\":\"signal\",\"room\":\"r\",\"to\":\"p_1\",\"kind\":\"offer\",\"payload\":{\"sdp\":\"v=0\"}}");
    assertThat(signal.payload()).hasToString("{\"sdp\":\"v=0\"}");
    assertThat(decode("{\"type\":\"chat\",\"room\":\"r\",\"text\":\"hi\"}"))
        .isEqualTo(new ClientMessage.Chat(null, "r", null, "hi"));
    assertThat(decode("{\"type\":\"hello\",\"resume\":{\"sessionId\":\"s\",\"resumeToken\":\"t\",\"lastSeq\":4}}"))
        .isEqualTo(new ClientMessage.Hello(null, null, new ClientMessage.Resume("s", "t", 4)));
    assertThat(decode("{\"type\":\"leave\",\"room\":\"r\"}")).isEqualTo(new ClientMessage.Leave(null, "r"));
    assertThat(decode("{\"type\":\"bye\"}")).isInstanceOf(ClientMessage.Bye.class);
    assertThat(decode("{\"type\":\"ice.refresh\",\"id\":\"x\"}")).isEqualTo(new ClientMessage.IceRefresh("x"));
  }

  @Test
  void refusesWhatTheProtocolDoesNotAllow() {
    refused("[1]", "bad_request", "JSON object");
    refused("{\"id\":\"1\"}", "bad_request", "type is missing");
    refused("{\"type\":\"x\",\"id\":\"" + "i".repeat(65) + "\"}", "bad_request", "id must be");
    refused("{\"type\":\"teleport\"}", "unsupported_type", "teleport");
    refused("{\"type\":\"join\",\"room\":\"" + "r".repeat(65) + "\"}", "bad_request", "room must match");
    refused("{\"type\":\"join\",\"room\":\"r\",\"mode\":\"maybe\"}", "bad_request", "mode");
    refused("{\"type\":\"join\",\"room\":\"r\",\"capacity\":11}", "bad_request", "from 1 to 10");
    refused("{\"type\":\"join\",\"room\":\"r\",\"capacity\":1.5}", "bad_request", "capacity");
    refused("{\"type\":\"join\",\"room\":\"r\",\"meta\":[1]}", "bad_request", "meta");
    refused("{\"type\":\"signal\",\"room\":\"r\",\"to\":\"p\",\"kind\":\"shout\"}", "bad_request", "kind");
    refused("{\"type\":\"signal\",\"room\":\"r\",\"kind\":\"offer\"}", "bad_request", "to is missing");
    refused("{\"type\":\"chat\",\"room\":\"r\",\"text\":\"" + "t".repeat(4097) + "\"}", "bad_request", "4096");
    refused("{\"type\":\"hello\"}", "bad_request", "token or a resume");
  }

  @Test
  void aFrameIsOneObjectWithNothingAfterIt() throws Exception {
    refused("{\"type\":\"ping\",\"id\":\"t1\"} trailing", "bad_request", "");
    refused("{\"type\":\"ping\",\"id\":\"t1\"}{\"type\":\"bye\"}", "bad_request", "nothing after it");
    refused("{\"type\":\"ping\"} 7", "bad_request", "nothing after it");
    refused("{\"type\":\"ping\"", "bad_request", "not JSON");
    assertThat(decode(" {\"type\":\"ping\",\"id\":\"t1\"} \r\n\t")).isEqualTo(new ClientMessage.Ping("t1", null));
  }

  @Test
  void lengthsCountCharactersNotUtf16Units() throws Exception {
    String smile = "\uD83D\uDE00"; // one character, two UTF-16 units
    assertThat(decode("{\"type\":\"chat\",\"room\":\"r\",\"text\":\"" + smile.repeat(4096) + "\"}"))
        .isEqualTo(new ClientMessage.Chat(null, "r", null, smile.repeat(4096)));
    refused("{\"type\":\"chat\",\"room\":\"r\",\"text\":\"" + smile.repeat(4097) + "\"}", "bad_request", "4096");
    assertThat(decode("{\"type\":\"ping\",\"id\":\"" + smile.repeat(64) + "\"}").id()).isEqualTo(smile.repeat(64));
    refused("{\"type\":\"ping\",\"id\":\"" + smile.repeat(65) + "\"}", "bad_request", "id must be");
    assertThat(((ClientMessage.Join) decode("{\"type\":\"join\",\"room\":\"r\",\"name\":\"" + smile.repeat(64) + "\"}"))
        .name()).isEqualTo(smile.repeat(64));
    refused("{\"type\":\"join\",\"room\":\"r\",\"name\":\"" + smile.repeat(65) + "\"}", "bad_request", "name");
  }

  @Test
  void keepsTheSignalPayloadAsTheBytesItCameAs() throws Exception {
    for (String payload : new String[] {"{\"sdp\":\"v=0\\r\\na=x \\u00e9 \u260e\",\"n\":[1,2.5,{}]}", "[]", "\"a\\\"b\"",
        "-12.5e3", "7", "true", "null", "{ \"spaced\" : [ 1 , 2 ] }"}) {
      for (String json : new String[] {
          "{\"type\":\"signal\",\"room\":\"r\",\"to\":\"p\",\"kind\":\"offer\",\"payload\":" + payload + "}",
          "{\"payload\": " + payload + " ,\"type\":\"signal\",\"room\":\"r\",\"to\":\"p\",\"kind\":\"offer\"}",
          "{\"payload\":" + payload + ",\"type\":\"signal\",\"room\":\"r\",\"to\":\"p\",\"kind\":\"offer\"}"}) {
        ClientMessage.Signal signal = (ClientMessage.Signal) decode(json);
        assertThat(signal.payload().toString().strip()).as(json).isEqualTo(payload);
        assertThat(Json.MAPPER.readTree(signal.payload().toString())).as(json).isEqualTo(Json.MAPPER.readTree(payload));
      }
    }
    assertThat(((ClientMessage.Signal) decode("{\"type\":\"signal\",\"room\":\"r\",\"to\":\"p\",\"kind\":\"offer\"}"))
        .payload()).hasToString("null");
    refused("{\"type\":\"signal\",\"room\":\"r\",\"to\":\"p\",\"kind\":\"offer\",\"payload\":{\"a\":}}", "bad_request", "not JSON");
    refused("{\"type\":\"signal\",\"room\":\"r\",\"to\":\"p\",\"kind\":\"offer\",\"payload\":[1,2}", "bad_request", "not JSON");
    refused("{\"type\":\"signal\",\"room\":\"r\",\"to\":\"p\",\"kind\":\"offer\",\"payload\":\"open", "bad_request", "not JSON");
  }

  @Test
  void roomIdsAreCheckedWithoutARegex() {
    assertThat(ClientMessageDecoder.isRoomId("a.b-c_1Z")).isTrue();
    assertThat(ClientMessageDecoder.isRoomId("r".repeat(64))).isTrue();
    assertThat(ClientMessageDecoder.isRoomId("r".repeat(65))).isFalse();
    assertThat(ClientMessageDecoder.isRoomId("")).isFalse();
    for (String bad : new String[] {"a b", "a/b", "ä", "a:b", "a\u0000"}) {
      assertThat(ClientMessageDecoder.isRoomId(bad)).as(bad).isFalse();
    }
  }

  @Test
  void parsesAFramesUtf8BytesAndRefusesBrokenOnes() throws Exception {
    byte[] utf8 = "{\"type\":\"chat\",\"room\":\"r\",\"text\":\"h\u00e9 \u260e\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(decoder.decode(ClientMessageDecoder.parse(utf8))).isEqualTo(new ClientMessage.Chat(null, "r", null, "h\u00e9 \u260e"));
    byte[] broken = {'{', '"', 't', '"', ':', '"', (byte) 0xC3, '"', '}'};
    assertThatThrownBy(() -> ClientMessageDecoder.parse(broken)).isInstanceOfSatisfying(SignalingException.class,
        e -> assertThat(e.code()).isEqualTo("bad_request"));
  }
}
