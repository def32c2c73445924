package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A protocol client over the JDK's WebSocket: sends JSON text, queues what arrives. The one test client. */
final class WsClient implements WebSocket.Listener, AutoCloseable {

  final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket ws;
  JsonNode welcome;

  static WsClient connect(int port) throws Exception {
    return connect(port, HttpClient.newHttpClient().newWebSocketBuilder());
  }

  static WsClient connect(int port, WebSocket.Builder builder) throws Exception {
    WsClient client = new WsClient();
    client.ws = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client).get(10, TimeUnit.SECONDS);
    client.welcome = client.next();
    return client;
  }

  String peerId() {
    return welcome.path("peerId").asText();
  }

  void send(String json) {
    ws.sendText(json, true).join();
  }

  /** Sends {@code parts} as one message in as many frames (a text frame, then continuations). */
  void sendFragmented(String... parts) {
    for (int i = 0; i < parts.length; i++) {
      ws.sendText(parts[i], i == parts.length - 1).join();
    }
  }

  /**
   * As {@code send}, for floods past a limit: once the server's close frame has come, the client has
   * answered it and may send no more, so a send that loses that race is not a failure.
   */
  void sendUnlessClosed(Runnable send) {
    try {
      send.run();
    } catch (java.util.concurrent.CompletionException e) {
      if (!closed.isDone()) {
        throw e;
      }
    }
  }

  /** A WebSocket ping frame (control, not a message). */
  void sendPing() {
    ws.sendPing(ByteBuffer.allocate(0)).join();
  }

  void sendBinary() {
    ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
  }

  /** The next message, failing after 10 s. */
  JsonNode next() throws InterruptedException {
    JsonNode message = received.poll(10, TimeUnit.SECONDS);
    if (message == null) {
      fail("no message within 10 s");
    }
    return message;
  }

  /** The next message of {@code type}, skipping others. */
  JsonNode next(String type) throws InterruptedException {
    while (true) {
      JsonNode message = next();
      if (message.path("type").asText().equals(type)) {
        return message;
      }
    }
  }

  /** Sends a request and returns the message replying to it ({@code re} equal to its id). */
  JsonNode request(String id, String json) throws InterruptedException {
    send(json);
    while (true) {
      JsonNode message = next();
      if (id.equals(message.path("re").asText(null))) {
        return message;
      }
    }
  }

  /** Starts the closing handshake; the server's answer arrives in {@link #awaitClose}. */
  void sendClose(int status, String reason) {
    ws.sendClose(status, reason).join();
  }

  /** Drops the TCP connection without a close frame (an unclean close). */
  void abort() {
    ws.abort();
  }

  int awaitClose() throws Exception {
    return closed.get(10, TimeUnit.SECONDS);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        received.add(Json.MAPPER.readTree(partial.toString()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }

  @Override
  public void close() {
    if (ws != null && !ws.isOutputClosed()) {
      ws.abort();
    }
  }
}
