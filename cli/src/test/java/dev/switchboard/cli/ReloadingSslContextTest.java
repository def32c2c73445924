package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.config.DataDir;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server TLS context: BoringSSL where it loads, with a small per-connection buffer, and it works. */
class ReloadingSslContextTest {

  @TempDir
  Path dataDir;

  private final MutableClock clock = new MutableClock();

  private SslContext serverContext() throws Exception {
    new DataDirSetup(dataDir, clock).prepareTls(List.of());
    return new ReloadingSslContext(DataDir.cert(dataDir), DataDir.key(dataDir), clock).get();
  }

  @Test
  void usesBoringSslOnLinuxX8664WithASmallNonApplicationBuffer() throws Exception {
    SslContext context = serverContext();
    if (!"amd64".equals(System.getProperty("os.arch")) || !"Linux".equals(System.getProperty("os.name"))) {
      return; // dist/switchboard ships the BoringSSL native for linux-x86_64 only; elsewhere the JDK's engine
    }
    assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads: %s", OpenSsl.unavailabilityCause()).isTrue();
    assertThat(context).isInstanceOf(OpenSslContext.class);
    assertThat(((OpenSslContext) context).getBioNonApplicationBufferSize())
        .isEqualTo(ServerTls.OPENSSL_NON_APPLICATION_BUFFER);
  }

  @Test
  void aJdkClientCompletesTheHandshakeAndExchangesData() throws Exception {
    // Through the small non-application buffer: the server's flight and session tickets leave in pieces.
    SslContext server = serverContext();
    SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
    SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443);
    try {
      ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
      ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
      ByteBuffer serverIn = ByteBuffer.allocate(64 * 1024);
      ByteBuffer clientIn = ByteBuffer.allocate(64 * 1024);
      c.beginHandshake();
      s.beginHandshake();
      byte[] hello = "hello over BoringSSL".getBytes(StandardCharsets.UTF_8);
      ByteBuffer clientOut = ByteBuffer.wrap(hello);
      ByteBuffer serverOut = ByteBuffer.wrap("and back".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 200 && (serverIn.position() < hello.length || clientIn.position() < 8); i++) {
        step(c, clientOut, toServer);
        toServer.flip();
        unwrapAll(s, toServer, serverIn);
        toServer.compact();
        step(s, serverOut, toClient);
        toClient.flip();
        unwrapAll(c, toClient, clientIn);
        toClient.compact();
      }
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(new String(serverIn.array(), 0, serverIn.position(), StandardCharsets.UTF_8))
          .isEqualTo("hello over BoringSSL");
      assertThat(new String(clientIn.array(), 0, clientIn.position(), StandardCharsets.UTF_8)).isEqualTo("and back");
    } finally {
      ReferenceCountUtil.release(s);
    }
  }

  private static void step(SSLEngine engine, ByteBuffer src, ByteBuffer dst) throws Exception {
    runTasks(engine);
    engine.wrap(src, dst);
    runTasks(engine);
  }

  private static void unwrapAll(SSLEngine engine, ByteBuffer src, ByteBuffer dst) throws Exception {
    while (src.hasRemaining()) {
      SSLEngineResult r = engine.unwrap(src, dst);
      runTasks(engine);
      if (r.bytesConsumed() == 0) {
        return;
      }
    }
  }

  private static void runTasks(SSLEngine engine) {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }
}
