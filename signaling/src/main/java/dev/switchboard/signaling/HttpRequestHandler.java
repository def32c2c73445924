package dev.switchboard.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The HTTP side of the port: health, readiness, metrics, ICE servers and the web pages; upgrades on
 * {@code /ws} go to {@link WebSocketUpgrade}. One instance per connection, confined to its loop.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private final Hub hub;
  private final StaticFiles files;
  private final MetricsSource extraMetrics;
  private final WebSocketUpgrade upgrade;

  HttpRequestHandler(Hub hub, StaticFiles files, MetricsSource extraMetrics, WebSocketUpgrade upgrade) {
    this.hub = hub;
    this.files = files;
    this.extraMetrics = extraMetrics;
    this.upgrade = upgrade;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    hub.connections.requestArrived(ctx.channel());
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "bad request\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    if (path.equals("/ws")) {
      upgrade.upgrade(ctx, request);
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    switch (path) {
      case "/healthz" -> text(ctx, request, HttpResponseStatus.OK, "ok\n");
      case "/readyz" -> text(ctx, request, hub.draining() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
          hub.draining() ? "draining\n" : "ready\n");
      case "/metrics" -> metrics(ctx, request);
      case "/api/v1/ice-servers" -> iceServers(ctx, request);
      default -> staticFile(ctx, request, path);
    }
  }

  private void metrics(ChannelHandlerContext ctx, FullHttpRequest request) {
    StringBuilder out = new StringBuilder(4096);
    hub.appendMetrics(out);
    extraMetrics.appendPrometheus(out);
    respond(ctx, request, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
        out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void iceServers(ChannelHandlerContext ctx, FullHttpRequest request) {
    String peerId = "h_" + hub.randomId();
    if (hub.config.auth() == SignalingConfig.Auth.TOKEN) {
      String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        json(ctx, request, HttpResponseStatus.UNAUTHORIZED, error("unauthorized", "send Authorization: Bearer <token>"));
        return;
      }
      try {
        peerId = hub.tokens.verify(authorization.substring(7).trim()).userId();
      } catch (Tokens.InvalidTokenException e) {
        json(ctx, request, HttpResponseStatus.UNAUTHORIZED,
            error(e.expired() ? "token_expired" : "unauthorized", e.getMessage()));
        return;
      }
    }
    IceServersProvider.IceConfig ice = hub.ice.iceServers(peerId);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("iceServers", Json.iceServers(ice));
    body.put("iceTtl", ice.ttl().toSeconds());
    json(ctx, request, HttpResponseStatus.OK, body);
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode error = Json.MAPPER.createObjectNode();
    error.put("code", code);
    error.put("message", message);
    return error;
  }

  private void staticFile(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    Optional<StaticFiles.File> file = files.forPath(path);
    if (file.isEmpty()) {
      text(ctx, request, HttpResponseStatus.NOT_FOUND, "not found\n");
      return;
    }
    respond(ctx, request, HttpResponseStatus.OK, file.get().contentType(), file.get().content());
  }

  private static void json(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, ObjectNode body) {
    try {
      respond(ctx, request, status, "application/json", Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void text(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String body) {
    respond(ctx, request, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                      String contentType, byte[] body) {
    send(ctx, request, response(request, status, contentType, body));
  }

  /** A response to {@code request} (no body for HEAD), for headers to be added before {@link #send}. */
  static FullHttpResponse response(FullHttpRequest request, HttpResponseStatus status, String contentType, byte[] body) {
    boolean head = request.method() == HttpMethod.HEAD;
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    response.headers().set("X-Content-Type-Options", "nosniff");
    return response;
  }

  /** Writes {@code response}, then closes the connection unless the request keeps it alive. */
  static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
