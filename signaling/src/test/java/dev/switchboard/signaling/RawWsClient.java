package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare socket, for what the JDK's client cannot do: several frames in one
 * TCP write, never answering the server's pings, counting them. Also opens bare TCP connections for
 * the HTTP phase. Not thread-safe: one test thread drives it.
 */
final class RawWsClient implements AutoCloseable {

  static final int CONTINUATION = 0;
  static final int TEXT = 1;
  static final int BINARY = 2;
  static final int CLOSE = 8;
  static final int PING = 9;

  /** A frame from the server: its opcode and payload. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  final Socket socket;
  private final DataInputStream in;
  /** WebSocket pings received so far (never answered). */
  int pings;
  JsonNode welcome;

  private RawWsClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** A bare TCP connection to the server, nothing sent; reads time out after 10 s. */
  static Socket tcp(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Opens /ws with the handshake and reads the welcome. */
  static RawWsClient connect(int port) throws Exception {
    RawWsClient client = new RawWsClient(tcp(port));
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    client.socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    String head = readHead(client.in);
    if (!head.startsWith("HTTP/1.1 101")) {
      fail("no upgrade: " + head);
    }
    client.welcome = client.next("welcome");
    return client;
  }

  /** The response head up to its blank line. */
  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed after " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** True when the server closes {@code socket} within {@code millis} (what it sent before is skipped). */
  static boolean closedWithin(Socket socket, int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // skip
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  String peerId() {
    return welcome.path("peerId").asText();
  }

  /** Sends every message as a text frame, all in one TCP write. */
  void send(String... messages) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String message : messages) {
      frame(out, TEXT, message.getBytes(StandardCharsets.UTF_8));
    }
    socket.getOutputStream().write(out.toByteArray());
  }

  /** Sends frames made by {@link #frame(boolean, int, byte[])}, all in one TCP write. */
  void sendFrames(byte[]... frames) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] frame : frames) {
      out.writeBytes(frame);
    }
    socket.getOutputStream().write(out.toByteArray());
  }

  /** A masked client frame, final or not. */
  static byte[] frame(boolean fin, int opcode, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    frame(out, fin, opcode, payload);
    return out.toByteArray();
  }

  /** A final masked text frame. */
  static byte[] textFrame(String message) {
    return frame(true, TEXT, message.getBytes(StandardCharsets.UTF_8));
  }

  /** A masked client frame (RFC 6455 §5.2). */
  static void frame(ByteArrayOutputStream out, int opcode, byte[] payload) {
    frame(out, true, opcode, payload);
  }

  private static void frame(ByteArrayOutputStream out, boolean fin, int opcode, byte[] payload) {
    out.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else {
      out.write(0x80 | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xFF);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    out.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
  }

  /** The next frame from the server (unmasked; this client never needs 64-bit lengths). */
  Frame frame() throws IOException {
    int first = in.readUnsignedByte();
    int length = in.readUnsignedByte() & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = (int) in.readLong();
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    Frame frame = new Frame(first & 0x0F, payload);
    if (frame.opcode() == PING) {
      pings++;
    }
    return frame;
  }

  /** The next text message of {@code type}, skipping other frames and messages; fails on a close. */
  JsonNode next(String type) throws IOException {
    while (true) {
      Frame frame = frame();
      if (frame.opcode() == CLOSE) {
        fail("closed while waiting for " + type);
      }
      if (frame.opcode() == TEXT) {
        JsonNode message = Json.MAPPER.readTree(frame.payload());
        if (message.path("type").asText().equals(type)) {
          return message;
        }
      }
    }
  }

  /** The status of the server's close frame, skipping what comes before it; -1 when the socket ends without one. */
  int awaitClose() throws IOException {
    try {
      while (true) {
        Frame frame = frame();
        if (frame.opcode() == CLOSE) {
          return frame.payload().length >= 2 ? ((frame.payload()[0] & 0xFF) << 8) | (frame.payload()[1] & 0xFF) : 1005;
        }
      }
    } catch (EOFException e) {
      return -1;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
