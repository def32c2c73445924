package dev.switchboard.signaling;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket upgrade on {@code /ws}: Origin check (403), a request that is no upgrade or not of
 * WebSocket version 13 (426), connections per IP (429), a handshake that fails (400), and the
 * hand-over to {@link WebSocketFrameHandler}. Thread-safe.
 */
final class WebSocketUpgrade {

  private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);
  static final String SUBPROTOCOL = "switchboard.v1";

  private final Hub hub;
  private final Origins origins;
  private final boolean tls;
  /**
   * For the frame decoder Netty's handshaker puts in the pipeline, which WebSocketFrameHandler replaces
   * once the handshake is done; one for every connection, as each decoder keeps the config it was given.
   */
  private final WebSocketDecoderConfig decoder;

  WebSocketUpgrade(Hub hub, Origins origins, boolean tls) {
    this.hub = hub;
    this.origins = origins;
    this.tls = tls;
    this.decoder = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(hub.config.maxMessageBytes())
        .allowExtensions(false)
        .closeOnProtocolViolation(false) // the answers to a bad frame are WebSocketFrameHandler's
        .build();
  }

  void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!origins.allowed(request.headers().get(HttpHeaderNames.ORIGIN))) {
      HttpRequestHandler.respond(ctx, request, HttpResponseStatus.FORBIDDEN, "text/plain; charset=utf-8",
          "origin not allowed\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        || !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      // RFC 9110 §15.5.22: 426 names the protocol to upgrade to.
      FullHttpResponse response = HttpRequestHandler.response(request, HttpResponseStatus.UPGRADE_REQUIRED,
          "text/plain; charset=utf-8", "/ws is a WebSocket endpoint: send Upgrade: websocket\n".getBytes(StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
      HttpRequestHandler.send(ctx, request, response);
      return;
    }
    String url = (tls || ctx.pipeline().get(SslHandler.class) != null ? "wss://" : "ws://")
        + request.headers().get(HttpHeaderNames.HOST, "localhost") + "/ws";
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, SUBPROTOCOL, decoder)
        .newHandshaker(request);
    if (handshaker == null || handshaker.version() != WebSocketVersion.V13) {
      // RFC 6455 §4.4: 426 with the version we speak. Not the drafts before it (a request without a
      // version would get a Hixie-76 handshake), which no browser has sent since 2012.
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    Channel channel = ctx.channel();
    InetAddress client = hub.clients.client(ClientAddresses.peer(channel), request.headers());
    if (!hub.connections.upgrading(channel, client)) {
      HttpRequestHandler.respond(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, "text/plain; charset=utf-8",
          ("more than " + hub.config.connectionsPerIp() + " connections from " + client.getHostAddress() + "\n")
              .getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (log.isDebugEnabled() && !client.equals(ClientAddresses.peer(channel))) {
      log.debug("WebSocket for {} through proxy {}", client.getHostAddress(), ConnectionRegistry.peerIp(channel));
    }
    // From here the connection counts as a WebSocket of its IP until it closes: a failed handshake closes it.
    ChannelFuture handshake;
    try {
      handshake = handshaker.handshake(channel, request);
    } catch (WebSocketHandshakeException e) {
      // Thrown before the pipeline is touched (e.g. no Sec-WebSocket-Key): say what was wrong.
      FullHttpResponse response = HttpRequestHandler.response(request, HttpResponseStatus.BAD_REQUEST,
          "text/plain; charset=utf-8", ("not a WebSocket handshake: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    handshake.addListener(done -> {
      if (!done.isSuccess()) {
        channel.close();
        return;
      }
      ctx.pipeline().addLast("ws-session", new WebSocketFrameHandler(hub));
      ctx.pipeline().remove(HttpRequestHandler.class);
      // WebSocketFrameHandler does the framing; the decoder hands it any bytes it holds as it goes.
      ctx.pipeline().remove(WebSocket13FrameDecoder.class);
      ctx.pipeline().remove(WebSocket13FrameEncoder.class);
    });
  }
}
