package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open WebSocket, its framing included ({@link WebSocketFrames}): text messages go to the hub as
 * the session's messages, binary frames close with 1003, messages over the limit with 1009, text that
 * is not UTF-8 with 1007, a frame RFC 6455 forbids with 1002. A close goes out after the replies to
 * the messages before it (they wait in the session's outbox), and nothing read after it is acted on.
 * Netty's frame decoder, encoder and aggregator are not used: their handlers and pipeline contexts
 * cost every idle connection 344 bytes of heap (bench memory-wss), for work that fits here.
 * Confined to the connection's event loop.
 */
final class WebSocketFrameHandler extends ChannelDuplexHandler {

  private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

  private final Hub hub;
  /**
   * The session this connection speaks for; replaced when it resumes another ({@link #resumed}). Null
   * when the server refused it (draining). A field, not a channel attribute: 48 bytes less per connection.
   */
  private Session session;
  /** Bytes read and not yet a whole frame; null when there are none, as on an idle connection. */
  private ByteBuf received;
  /** The fragments of a text message so far; null between messages. */
  private ByteArrayOutputStream fragments;
  /** Set once this end decided to close: frames that came in the same read are not acted on. */
  private boolean closing;

  WebSocketFrameHandler(Hub hub) {
    this.hub = hub;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // The hub decides, not a check of its draining flag here: a drain starting between the check and
    // the connect would miss this session (PROTOCOL.md "Shutdown": new connections get server_draining).
    Session connected = hub.connect(ctx.channel());
    if (connected == null) {
      ObjectNode error = Json.message("error", null);
      error.put("code", "server_draining");
      error.put("message", "the server is shutting down: reconnect later");
      Session.closeNow(ctx.channel(), error, new CloseWebSocketFrame(1001, "server_draining"));
      return;
    }
    session = connected;
  }

  /** The connection now speaks for {@code resumed}: on the connection's loop, as its hello was read there. */
  static void resumed(Channel channel, Session resumed) {
    WebSocketFrameHandler handler = channel.pipeline().get(WebSocketFrameHandler.class);
    if (handler != null) { // else a channel the hub is driven on without one (its unit tests)
      handler.session = resumed;
    }
  }

  /** Close code of a connection whose session another connection resumed (an addition to PROTOCOL.md). */
  static final int RESUMED_ELSEWHERE = 4009;
  /** How long the close frame of a replaced connection may take to go out: a half-open one never sends it. */
  static final Duration REPLACED_CLOSE_GRACE = Duration.ofSeconds(2);

  /**
   * A resume took this connection's session to another one. Mostly a half-open connection the client
   * gave up on, but it may still be read: another tab with the same stored ticket (a duplicated tab
   * copies it), say. Its frames no longer act for the session ({@link #onFrame} checks each against the
   * session's connection). The close frame tells such a client not to resume in turn, which would take
   * the session back and forth; the connection closes once the frame is written, or after
   * {@link #REPLACED_CLOSE_GRACE} when it is not.
   */
  static void replaced(Channel channel) {
    // A task on the connection's loop, also when that is the resume's own: the close comes after the read in progress.
    channel.eventLoop().execute(() -> {
      channel.writeAndFlush(new CloseWebSocketFrame(RESUMED_ELSEWHERE, "the session resumed on another connection"))
          .addListener(ChannelFutureListener.CLOSE);
      channel.eventLoop().schedule(() -> channel.close(), REPLACED_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (session == null || closing) {
      bytes.release();
      return;
    }
    received = received == null ? bytes : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), received, bytes);
    try {
      WebSocketFrames.ClientFrame frame;
      while (!closing && (frame = WebSocketFrames.decode(received, hub.config.maxMessageBytes())) != null) {
        onFrame(ctx, frame);
      }
    } catch (CorruptedWebSocketFrameException e) {
      if (e.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG) {
        tooLarge(ctx, session);
      } else {
        closeAfterReplies(ctx, session, null, new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, e.getMessage()));
      }
    } finally {
      if (received != null && (closing || !received.isReadable())) {
        releaseReceived();
      } else if (received != null) {
        // A partial frame stays: what was read before it goes, or a client that always ends its
        // writes a byte into the next frame would have every byte it ever sent kept here.
        received.discardSomeReadBytes();
      }
    }
  }

  /** Bytes held for a partial frame, as buffer capacity (0 with none): for tests. */
  int heldCapacity() {
    return received == null ? 0 : received.capacity();
  }

  /**
   * Frees what this handler holds outside the Java heap; from handlerRemoved, or for a connection
   * that closed while off every event loop, which is never torn down ({@link LoopAffinity}).
   */
  void releaseBuffers() {
    fragments = null;
    releaseReceived();
  }

  private void releaseReceived() {
    if (received != null) {
      received.release();
      received = null;
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    ctx.write(msg instanceof WebSocketFrame frame ? WebSocketFrames.encode(ctx.alloc(), frame) : msg, promise);
  }

  private void onFrame(ChannelHandlerContext ctx, WebSocketFrames.ClientFrame frame) {
    if (session.channel() != ctx.channel()) {
      // A resume on another connection took the session (or it ended) while this one's frames were
      // on their way: they must not act for it. replaced() closes this connection behind them.
      return;
    }
    boolean startsAMessage = frame.opcode() == WebSocketFrames.TEXT || frame.opcode() == WebSocketFrames.BINARY;
    if (startsAMessage && fragments != null) {
      throw WebSocketFrames.violation("a new message began before the fragments of the last one ended");
    }
    switch (frame.opcode()) {
      case WebSocketFrames.TEXT -> {
        if (frame.fin()) {
          onMessage(ctx, frame.payload());
        } else {
          fragments = new ByteArrayOutputStream(2 * frame.payload().length);
          fragments.writeBytes(frame.payload());
        }
      }
      case WebSocketFrames.CONTINUATION -> {
        if (fragments == null) {
          throw WebSocketFrames.violation("a continuation frame with no fragmented message to continue");
        }
        if (fragments.size() + frame.payload().length > hub.config.maxMessageBytes()) {
          tooLarge(ctx, session);
          return;
        }
        fragments.writeBytes(frame.payload());
        if (frame.fin()) {
          byte[] message = fragments.toByteArray();
          fragments = null;
          onMessage(ctx, message);
        }
      }
      case WebSocketFrames.PING -> {
        hub.touch(session);
        if (hub.router().admitPing(session)) {
          ctx.writeAndFlush(WebSocketFrames.encode(ctx.alloc(), new PongWebSocketFrame(Unpooled.wrappedBuffer(frame.payload()))));
        }
      }
      case WebSocketFrames.PONG -> hub.touch(session);
      // The closing handshake: the client's close frame goes back, then the connection closes (what
      // Netty's handshaker does; not kept per connection for this alone).
      case WebSocketFrames.CLOSE -> closeAfterReplies(ctx, session, null,
          new CloseWebSocketFrame(true, 0, Unpooled.wrappedBuffer(frame.payload())));
      case WebSocketFrames.BINARY -> closeAfterReplies(ctx, session, null,
          new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "binary frames are not supported"));
      default -> throw new IllegalStateException("opcode " + frame.opcode() + " passed the decoder");
    }
  }

  /**
   * A whole text message: to the hub, or a close with 1007 when it is not UTF-8 (RFC 6455 §8.1; Netty's
   * validator would be one more handler and context on every idle connection).
   */
  private void onMessage(ChannelHandlerContext ctx, byte[] message) {
    if (!isUtf8(message)) {
      closeAfterReplies(ctx, session, null,
          new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "text frames must be UTF-8"));
      return;
    }
    hub.onText(session, message);
  }

  /**
   * Checked on the copy the hub gets anyway, ASCII first (SDP, candidates and JSON's own syntax are
   * ASCII): one pass over an array, where Netty's check reads the buffer a byte at a time through its
   * bounds checks. From the first other byte, which starts a sequence, Netty's full check.
   */
  static boolean isUtf8(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && bytes[i] >= 0) {
      i++;
    }
    return i == bytes.length || ByteBufUtil.isText(Unpooled.wrappedBuffer(bytes, i, bytes.length - i), StandardCharsets.UTF_8);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseBuffers();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session != null) {
      hub.disconnected(session, ctx.channel(), "disconnect");
    }
  }

  /** The message_too_large error, then a close with 1009. */
  private void tooLarge(ChannelHandlerContext ctx, Session session) {
    ObjectNode error = Json.message("error", null);
    error.put("code", "message_too_large");
    error.put("message", "messages are limited to " + hub.config.maxMessageBytes() + " bytes");
    closeAfterReplies(ctx, session, error, new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message_too_large"));
  }

  /** {@code reply} if any, then {@code close}, after what is queued for the session; then the connection ends. */
  private void closeAfterReplies(ChannelHandlerContext ctx, Session session, ObjectNode reply, CloseWebSocketFrame close) {
    if (closing) {
      close.release();
      return;
    }
    closing = true;
    fragments = null;
    if (session != null) {
      session.close(ctx.channel(), reply, close);
    } else {
      Session.closeNow(ctx.channel(), reply, close);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("session {}: connection failed: {}", session == null ? "-" : session.id, cause.toString());
    ctx.close();
  }
}
