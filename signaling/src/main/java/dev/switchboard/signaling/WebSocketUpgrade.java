package dev.switchboard.signaling;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The WebSocket upgrade on {@code /ws}: Origin check (403), connections per IP (429), the handshake
 * with the frame limit, and the hand-over to {@link WebSocketFrameHandler}. Thread-safe.
 */
final class WebSocketUpgrade {

  static final String SUBPROTOCOL = "switchboard.v1";

  private final Hub hub;
  private final boolean tls;
  /** One for every connection: each connection's frame decoder keeps the config it was given. */
  private final WebSocketDecoderConfig decoder;
  /**
   * Gives a closed connection's place back to its IP. One listener for all: a listener per
   * connection kept the IP's string and a lambda alive for as long as the connection.
   */
  private final ChannelFutureListener releaseIp;

  WebSocketUpgrade(Hub hub, boolean tls) {
    this.hub = hub;
    this.tls = tls;
    this.decoder = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(hub.config.maxMessageBytes())
        .allowExtensions(false)
        .closeOnProtocolViolation(false) // WebSocketFrameHandler answers with message_too_large, then closes
        .build();
    this.releaseIp = closed -> hub.release(ip(closed.channel()));
  }

  /** The client's IP: Netty keeps the remote address once asked, so it is there after the close too. */
  private static String ip(Channel channel) {
    return ((InetSocketAddress) channel.remoteAddress()).getAddress().getHostAddress();
  }

  void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!originAllowed(request.headers().get(HttpHeaderNames.ORIGIN))) {
      HttpRequestHandler.respond(ctx, request, HttpResponseStatus.FORBIDDEN, "text/plain; charset=utf-8",
          "origin not allowed\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    String ip = ip(ctx.channel());
    if (!hub.admit(ip)) {
      HttpRequestHandler.respond(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, "text/plain; charset=utf-8",
          ("more than " + hub.config.connectionsPerIp() + " connections from " + ip + "\n").getBytes(StandardCharsets.UTF_8));
      return;
    }
    String url = (tls || ctx.pipeline().get(SslHandler.class) != null ? "wss://" : "ws://")
        + request.headers().get(HttpHeaderNames.HOST, "localhost") + "/ws";
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, SUBPROTOCOL, decoder)
        .newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      hub.release(ip);
      return;
    }
    Channel channel = ctx.channel();
    channel.closeFuture().addListener(releaseIp);
    handshaker.handshake(channel, request).addListener(done -> {
      if (!done.isSuccess()) {
        channel.close();
        return;
      }
      ctx.pipeline().addLast("ws-session", new WebSocketFrameHandler(hub));
      ctx.pipeline().remove(HttpRequestHandler.class);
    });
  }

  private boolean originAllowed(String origin) {
    if (hub.config.allowedOrigins().contains("*") || origin == null) {
      return true; // non-browser clients send no Origin; the check protects browsers from other sites
    }
    String normalized = origin.toLowerCase(Locale.ROOT);
    return hub.config.allowedOrigins().stream().anyMatch(allowed -> allowed.toLowerCase(Locale.ROOT).equals(normalized));
  }
}
