package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open WebSocket: text frames go to the hub as the session's messages, binary frames close with
 * 1003, frames over the limit with 1009. Confined to the connection's event loop.
 */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

  private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

  private final Hub hub;
  private final WebSocketServerHandshaker handshaker;

  WebSocketFrameHandler(Hub hub, WebSocketServerHandshaker handshaker) {
    this.hub = hub;
    this.handshaker = handshaker;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (hub.draining()) {
      ObjectNode error = Json.message("error", null);
      error.put("code", "server_draining");
      error.put("message", "the server is shutting down: reconnect later");
      ctx.writeAndFlush(new TextWebSocketFrame(error.toString()));
      ctx.writeAndFlush(new CloseWebSocketFrame(1001, "server_draining")).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.channel().attr(SessionMessages.SESSION).set(hub.connect(ctx.channel()));
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    Session session = ctx.channel().attr(SessionMessages.SESSION).get();
    if (session == null) {
      return;
    }
    if (frame instanceof TextWebSocketFrame text) {
      hub.onText(session, ByteBufUtil.getBytes(text.content()));
    } else if (frame instanceof PingWebSocketFrame) {
      hub.touch(session);
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof PongWebSocketFrame) {
      hub.touch(session);
    } else if (frame instanceof CloseWebSocketFrame) {
      handshaker.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
    } else if (frame instanceof BinaryWebSocketFrame) {
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "binary frames are not supported"))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Session session = ctx.channel().attr(SessionMessages.SESSION).get();
    if (session != null) {
      hub.disconnected(session, ctx.channel(), "disconnect");
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException
        || (cause instanceof CorruptedWebSocketFrameException c && c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG)) {
      ObjectNode error = Json.message("error", null);
      error.put("code", "message_too_large");
      error.put("message", "messages are limited to " + hub.config.maxMessageBytes() + " bytes");
      ctx.write(new TextWebSocketFrame(error.toString()));
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message_too_large"))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!(cause instanceof CorruptedFrameException)) {
      Session session = ctx.channel().attr(SessionMessages.SESSION).get();
      log.debug("session {}: connection failed: {}", session == null ? "-" : session.id, cause.toString());
    }
    ctx.close();
  }
}
