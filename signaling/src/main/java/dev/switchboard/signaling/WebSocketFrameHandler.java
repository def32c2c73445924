package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open WebSocket: text messages go to the hub as the session's messages, binary frames close
 * with 1003, messages over the limit with 1009. A close goes out after the replies to the messages
 * before it (they wait in the session's outbox), and nothing read after it is acted on. A message
 * sent in fragments is put together here rather than by Netty's WebSocketFrameAggregator, whose
 * handler and pipeline context every idle connection carried (112 bytes of heap each) for the rare
 * client that fragments. Confined to the connection's event loop.
 */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

  private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

  private final Hub hub;
  /** The fragments of a text message so far; null between messages. */
  private CompositeByteBuf fragments;
  /** Set once this end decided to close: frames that came in the same read are not acted on. */
  private boolean closing;

  WebSocketFrameHandler(Hub hub) {
    this.hub = hub;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // The hub decides, not a check of its draining flag here: a drain starting between the check and
    // the connect would miss this session (PROTOCOL.md "Shutdown": new connections get server_draining).
    Session session = hub.connect(ctx.channel());
    if (session == null) {
      ObjectNode error = Json.message("error", null);
      error.put("code", "server_draining");
      error.put("message", "the server is shutting down: reconnect later");
      Session.closeNow(ctx.channel(), error, new CloseWebSocketFrame(1001, "server_draining"));
      return;
    }
    ctx.channel().attr(SessionMessages.SESSION).set(session);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    Session session = ctx.channel().attr(SessionMessages.SESSION).get();
    if (session == null || closing) {
      return;
    }
    if (frame instanceof TextWebSocketFrame text) {
      if (text.isFinalFragment()) {
        onMessage(ctx, session, text.content());
      } else {
        dropFragments();
        fragments = ctx.alloc().compositeBuffer();
        addFragment(ctx, session, text);
      }
    } else if (frame instanceof ContinuationWebSocketFrame part) {
      if (fragments != null) { // else the continuation of a binary message, which is being refused
        addFragment(ctx, session, part);
      }
    } else if (frame instanceof PingWebSocketFrame) {
      hub.touch(session);
      if (hub.router().admitPing(session)) {
        ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      }
    } else if (frame instanceof PongWebSocketFrame) {
      hub.touch(session);
    } else if (frame instanceof CloseWebSocketFrame) {
      // The closing handshake: the client's close frame goes back, then the connection closes (what
      // Netty's handshaker does; not kept per connection for this alone).
      closeAfterReplies(ctx, session, null, (CloseWebSocketFrame) frame.retain());
    } else if (frame instanceof BinaryWebSocketFrame) {
      closeAfterReplies(ctx, session, null,
          new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "binary frames are not supported"));
    }
  }

  private void addFragment(ChannelHandlerContext ctx, Session session, WebSocketFrame part) {
    if (fragments.readableBytes() + part.content().readableBytes() > hub.config.maxMessageBytes()) {
      dropFragments();
      tooLarge(ctx, session);
      return;
    }
    fragments.addComponent(true, part.content().retain());
    if (part.isFinalFragment()) {
      CompositeByteBuf message = fragments;
      fragments = null;
      try {
        onMessage(ctx, session, message);
      } finally {
        message.release();
      }
    }
  }

  /**
   * A whole text message: to the hub, or a close with 1007 when it is not UTF-8 (RFC 6455 §8.1; Netty's
   * validator would be one more handler and context on every idle connection).
   */
  private void onMessage(ChannelHandlerContext ctx, Session session, ByteBuf message) {
    byte[] bytes = ByteBufUtil.getBytes(message);
    if (!isUtf8(bytes)) {
      closeAfterReplies(ctx, session, null,
          new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "text frames must be UTF-8"));
      return;
    }
    hub.onText(session, bytes);
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

  private void dropFragments() {
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    dropFragments();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Session session = ctx.channel().attr(SessionMessages.SESSION).get();
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
    dropFragments();
    if (session != null) {
      session.close(ctx.channel(), reply, close);
    } else {
      Session.closeNow(ctx.channel(), reply, close);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException
        || (cause instanceof CorruptedWebSocketFrameException c && c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG)) {
      tooLarge(ctx, ctx.channel().attr(SessionMessages.SESSION).get());
      return;
    }
    if (!(cause instanceof CorruptedFrameException)) {
      Session session = ctx.channel().attr(SessionMessages.SESSION).get();
      log.debug("session {}: connection failed: {}", session == null ? "-" : session.id, cause.toString());
    }
    ctx.close();
  }
}
