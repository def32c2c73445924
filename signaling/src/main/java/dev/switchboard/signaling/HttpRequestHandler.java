package dev.switchboard.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DateFormatter;
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
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
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
  private final Origins origins;

  HttpRequestHandler(Hub hub, StaticFiles files, MetricsSource extraMetrics, WebSocketUpgrade upgrade, Origins origins) {
    this.hub = hub;
    this.files = files;
    this.extraMetrics = extraMetrics;
    this.upgrade = upgrade;
    this.origins = origins;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    hub.connections.requestArrived(ctx.channel());
    if (!request.decoderResult().isSuccess()) {
      refuseUnreadable(ctx, request, request.decoderResult().cause());
      return;
    }
    if (request.protocolVersion().equals(HttpVersion.HTTP_1_1) && !request.headers().contains(HttpHeaderNames.HOST)) {
      text(ctx, request, HttpResponseStatus.BAD_REQUEST, "an HTTP/1.1 request needs a Host header\n"); // RFC 9112 §3.2
      return;
    }
    String path;
    try {
      path = new QueryStringDecoder(originForm(request.uri())).path();
    } catch (IllegalArgumentException e) { // a bad %-escape
      text(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad request: " + e.getMessage() + "\n");
      return;
    }
    if (path.equals("/ws")) {
      upgrade.upgrade(ctx, request);
      return;
    }
    boolean ice = path.equals("/api/v1/ice-servers");
    Optional<StaticFiles.File> file = files.forPath(path);
    boolean known = ice || path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics") || file.isPresent();
    if (!known) {
      text(ctx, request, HttpResponseStatus.NOT_FOUND, "not found\n");
      return;
    }
    if (ice && request.method() == HttpMethod.OPTIONS) {
      preflight(ctx, request);
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      FullHttpResponse response = response(request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
          "GET only\n".getBytes(StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.ALLOW, ice ? "GET, HEAD, OPTIONS" : "GET, HEAD"); // RFC 9110 §15.5.6
      send(ctx, request, response);
      return;
    }
    switch (path) {
      case "/healthz" -> text(ctx, request, HttpResponseStatus.OK, "ok\n");
      case "/readyz" -> text(ctx, request, hub.draining() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
          hub.draining() ? "draining\n" : "ready\n");
      case "/metrics" -> metrics(ctx, request);
      case "/api/v1/ice-servers" -> iceServers(ctx, request);
      default -> sendCrossOrigin(ctx, request, page(file(request, file.get())));
    }
  }

  /**
   * A file, or 304 when the browser's copy has its tag. Revalidated on each use (no-cache) rather than
   * kept for a while: a new build's pages and scripts then reach every browser at once, and never a
   * page of one build with a script of another.
   */
  private static FullHttpResponse file(FullHttpRequest request, StaticFiles.File file) {
    FullHttpResponse response;
    List<String> ifNoneMatch = request.headers().getAll(HttpHeaderNames.IF_NONE_MATCH); // a list, maybe over several lines
    if (!ifNoneMatch.isEmpty() && file.matches(String.join(",", ifNoneMatch))) {
      response = response(request, HttpResponseStatus.NOT_MODIFIED, file.contentType(), new byte[0]);
      response.headers().remove(HttpHeaderNames.CONTENT_LENGTH); // RFC 9110 §15.4.5: not the 0 of this empty body
    } else {
      response = response(request, HttpResponseStatus.OK, file.contentType(), file.content());
    }
    response.headers().set(HttpHeaderNames.ETAG, file.etag());
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    return response;
  }

  /**
   * What the browser may do with one of our HTML pages, which use the camera, the microphone and the
   * screen: load scripts, styles and connections from this origin only ({@code 'self'} covers its
   * wss:// in CSP 3), no plugins, no {@code <base>} rewrite, and no framing by another site that could
   * dress the page up and trick a click on its buttons. No referrer either: the path names the room.
   */
  static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:;"
      + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private static FullHttpResponse page(FullHttpResponse response) {
    if (response.headers().get(HttpHeaderNames.CONTENT_TYPE).startsWith("text/html")) {
      response.headers().set("Content-Security-Policy", PAGE_POLICY);
      response.headers().set("X-Frame-Options", "DENY"); // frame-ancestors for browsers before CSP 2
      response.headers().set("Referrer-Policy", "no-referrer");
    }
    return response;
  }

  /**
   * A request the decoder could not read: 431 for headers over the limit, 414 for a request line over
   * it, else 400. The decoder reads nothing more on this connection, so it closes after the answer.
   */
  private static void refuseUnreadable(ChannelHandlerContext ctx, FullHttpRequest request, Throwable cause) {
    HttpResponseStatus status = cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
        : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG : HttpResponseStatus.BAD_REQUEST;
    FullHttpResponse response = response(request, status, "text/plain; charset=utf-8",
        (status.reasonPhrase().toLowerCase(java.util.Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** The path and query of an absolute-form request target ({@code http://host/path}), which RFC 9112 §3.2.2 has servers accept. */
  private static String originForm(String uri) {
    if (!uri.regionMatches(true, 0, "http://", 0, 7) && !uri.regionMatches(true, 0, "https://", 0, 8)) {
      return uri;
    }
    int path = uri.indexOf('/', uri.indexOf("//") + 2);
    return path < 0 ? "/" : uri.substring(path);
  }

  /**
   * The CORS preflight of a cross-origin fetch of the ICE servers with a bearer token (a request with
   * an Authorization header is not a simple one): allowed Origins may send GET with Authorization.
   */
  private void preflight(ChannelHandlerContext ctx, FullHttpRequest request) {
    FullHttpResponse response = response(request, HttpResponseStatus.NO_CONTENT, "text/plain; charset=utf-8", new byte[0]);
    response.headers().remove(HttpHeaderNames.CONTENT_TYPE);
    response.headers().remove(HttpHeaderNames.CONTENT_LENGTH); // RFC 9110 §8.6: none on a 204
    response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD");
    response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization");
    response.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
    sendCrossOrigin(ctx, request, response);
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
        unauthorized(ctx, request, "Bearer realm=\"switchboard\"", error("unauthorized", "send Authorization: Bearer <token>"));
        return;
      }
      try {
        peerId = hub.tokens.verify(authorization.substring(7).trim()).userId();
      } catch (Tokens.InvalidTokenException e) {
        unauthorized(ctx, request, "Bearer realm=\"switchboard\", error=\"invalid_token\"",
            error(e.expired() ? "token_expired" : "unauthorized", e.getMessage()));
        return;
      }
    }
    IceServersProvider.IceConfig ice = hub.ice.iceServers(peerId);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("iceServers", Json.iceServers(ice));
    body.put("iceTtl", ice.ttl().toSeconds());
    sendCrossOrigin(ctx, request, response(request, HttpResponseStatus.OK, "application/json", bytes(body)));
  }

  /** 401 with the challenge RFC 9110 §15.5.2 requires (RFC 6750's Bearer scheme). */
  private void unauthorized(ChannelHandlerContext ctx, FullHttpRequest request, String challenge, ObjectNode body) {
    FullHttpResponse response = response(request, HttpResponseStatus.UNAUTHORIZED, "application/json", bytes(body));
    response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
    sendCrossOrigin(ctx, request, response); // so that the app on another site can read why
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode error = Json.MAPPER.createObjectNode();
    error.put("code", code);
    error.put("message", message);
    return error;
  }

  private static byte[] bytes(ObjectNode body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void text(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String body) {
    respond(ctx, request, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends {@code response} with the CORS header a cross-origin request from an allowed Origin needs:
   * an app on another site that imports the SDK (a module script is fetched in CORS mode) or fetches
   * its ICE servers. Only those: the metrics, health and readiness are not for other sites' pages.
   */
  private void sendCrossOrigin(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
    String allow = origins.allowOriginHeader(request.headers().get(HttpHeaderNames.ORIGIN));
    if (allow != null) {
      response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allow);
    }
    if (!origins.any()) {
      response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN); // the header depends on it
    }
    send(ctx, request, response);
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
    response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date())); // RFC 9110 §6.6.1
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
