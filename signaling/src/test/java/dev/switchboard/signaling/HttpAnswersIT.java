package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the HTTP side answers to requests a browser, a proxy or a careless client sends: status codes
 * and the headers that go with them (Allow, WWW-Authenticate, CORS, Date, the pages' policies), on bare sockets.
 */
class HttpAnswersIT {

  /** Sends {@code request} and reads one response head (and the body it announces); the socket stays open. */
  private static String exchange(Socket socket, String request) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    String head = RawWsClient.readHead(in);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    boolean noBody = request.startsWith("HEAD ") || head.startsWith("HTTP/1.1 204");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < (noBody ? 0 : length); i++) {
      body.write(in.read());
    }
    return head + body.toString(StandardCharsets.UTF_8);
  }

  private static String get(int port, String request) throws Exception {
    try (Socket socket = RawWsClient.tcp(port)) {
      return exchange(socket, request);
    }
  }

  private static boolean closedSoon(Socket socket) throws Exception {
    socket.setSoTimeout(2000);
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Test
  void statusCodesSayWhatIsWrong() throws Exception {
    try (TestServer server = new TestServer()) {
      int port = server.port();
      String badEscape = get(port, "GET /r/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(badEscape).startsWith("HTTP/1.1 400").contains("bad request");
      assertThat(get(port, "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
          .startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET, HEAD\r\n");
      assertThat(get(port, "OPTIONS /api/v1/ice-servers HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n"))
          .startsWith("HTTP/1.1 204").containsIgnoringCase("access-control-allow-headers: Authorization");
      assertThat(get(port, "POST /nonexistent HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")).startsWith("HTTP/1.1 404");
      assertThat(get(port, "GET /healthz HTTP/1.1\r\n\r\n")).as("no Host").startsWith("HTTP/1.1 400");
      assertThat(get(port, "GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).as("absolute form")
          .startsWith("HTTP/1.1 200").containsIgnoringCase("\r\ndate: ").endsWith("ok\n");
      try (Socket socket = RawWsClient.tcp(port)) {
        String big = exchange(socket, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
        assertThat(big).startsWith("HTTP/1.1 431").containsIgnoringCase("connection: close");
        assertThat(closedSoon(socket)).as("the decoder reads no more: closed, not left hanging").isTrue();
      }
      assertThat(get(port, "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 414");
    }
  }

  @Test
  void theIceServersChallengeABearerToken() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(SignalingConfig.Auth.TOKEN, List.of("*"), Duration.ofSeconds(30), 50))) {
      assertThat(get(server.port(), "GET /api/v1/ice-servers HTTP/1.1\r\nHost: x\r\n\r\n"))
          .startsWith("HTTP/1.1 401").containsIgnoringCase("www-authenticate: Bearer realm=\"switchboard\"");
      assertThat(get(server.port(), "GET /api/v1/ice-servers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n\r\n"))
          .startsWith("HTTP/1.1 401").contains("error=\"invalid_token\"");
    }
  }

  @Test
  void allowedOriginsMayImportTheSdkAndFetchIceServersButNotReadTheMetrics() throws Exception {
    try (TestServer open = new TestServer()) {
      assertThat(get(open.port(), "GET /switchboard.js HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n"))
          .startsWith("HTTP/1.1 200").containsIgnoringCase("access-control-allow-origin: *\r\n");
      for (String path : List.of("/metrics", "/healthz", "/readyz")) {
        assertThat(get(open.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n"))
            .as(path).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("access-control-allow-origin");
      }
    }
    try (TestServer strict = new TestServer(TestServer.config(SignalingConfig.Auth.NONE, List.of("https://app.example"),
        Duration.ofSeconds(30), 50))) {
      int port = strict.port();
      assertThat(get(port, "GET /api/v1/ice-servers HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n"))
          .startsWith("HTTP/1.1 200").containsIgnoringCase("access-control-allow-origin: https://app.example\r\n")
          .containsIgnoringCase("vary: origin");
      assertThat(get(port, "GET /api/v1/ice-servers HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n\r\n"))
          .doesNotContainIgnoringCase("access-control-allow-origin");
      String preflight = get(port, "OPTIONS /api/v1/ice-servers HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n");
      assertThat(preflight).startsWith("HTTP/1.1 204").doesNotContainIgnoringCase("content-length");
      // An Origin naming the Host it was sent to is what a DNS-rebinding page sends: not let through.
      String host = "127.0.0.1:" + port;
      try (Socket rebinding = RawWsClient.tcp(port)) {
        rebinding.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://" + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(RawWsClient.readHead(rebinding.getInputStream())).startsWith("HTTP/1.1 403");
      }
    }
  }

  @Test
  void pagesMayNotBeFramedNorLoadFromOtherOriginsNorLeakTheRoomInAReferrer() throws Exception {
    try (TestServer server = new TestServer()) {
      for (String path : List.of("/", "/r/standup", "/trickle-ice")) {
        String page = get(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(page).as(path).startsWith("HTTP/1.1 200")
            .containsIgnoringCase("content-security-policy: " + HttpRequestHandler.PAGE_POLICY + "\r\n")
            .containsIgnoringCase("x-frame-options: DENY\r\n").containsIgnoringCase("referrer-policy: no-referrer\r\n");
      }
      assertThat(HttpRequestHandler.PAGE_POLICY).contains("default-src 'self'").contains("frame-ancestors 'none'")
          .doesNotContain("unsafe");
      // A script imported by an app on another site is no page of ours: no policy of ours applies to it.
      assertThat(get(server.port(), "GET /switchboard.js HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200")
          .doesNotContainIgnoringCase("content-security-policy");
    }
  }

  @Test
  void filesCarryATagAndABrowsersCopyWithItGetsA304() throws Exception {
    try (TestServer server = new TestServer(); Socket socket = RawWsClient.tcp(server.port())) {
      String first = exchange(socket, "GET /switchboard.js HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(first).startsWith("HTTP/1.1 200").containsIgnoringCase("cache-control: no-cache\r\n");
      String etag = header(first, "etag");
      assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
      // On the same connection, as a browser revalidates: no body, the same tag, the connection kept.
      String again = exchange(socket, "GET /switchboard.js HTTP/1.1\r\nHost: x\r\nIf-None-Match: W/\"x\", " + etag + "\r\n\r\n");
      assertThat(again).startsWith("HTTP/1.1 304").doesNotContainIgnoringCase("content-length")
          .containsIgnoringCase("etag: " + etag + "\r\n").endsWith("\r\n\r\n");
      assertThat(exchange(socket, "GET /switchboard.js HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"other\"\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
      assertThat(header(exchange(socket, "GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n"), "etag")).isNotEqualTo(etag);
      // The API's answers change from one request to the next: never kept.
      assertThat(exchange(socket, "GET /api/v1/ice-servers HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n"))
          .startsWith("HTTP/1.1 200").containsIgnoringCase("cache-control: no-store\r\n").doesNotContainIgnoringCase("etag");
    }
  }

  private static String header(String response, String name) {
    for (String line : response.split("\r\n")) {
      if (line.toLowerCase().startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    throw new AssertionError("no " + name + " in " + response);
  }
}
