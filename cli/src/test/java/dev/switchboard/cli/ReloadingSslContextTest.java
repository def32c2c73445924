package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.config.DataDir;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.OpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
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
    assertThat(context).isInstanceOf(ReferenceCountedOpenSslContext.class);
    assertThat(((ReferenceCountedOpenSslContext) context).getBioNonApplicationBufferSize())
        .isEqualTo(ServerTls.OPENSSL_NON_APPLICATION_BUFFER);
  }

  @Test
  void enginesAreReferenceCountedNotFinalizable() throws Exception {
    SslContext context = serverContext();
    if (!(context instanceof ReferenceCountedOpenSslContext)) {
      return; // the JDK's engine (no BoringSSL for this platform)
    }
    SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
    try {
      // OpenSslEngine is the finalizable kind: a Finalizer per idle connection, a second GC per closed one.
      assertThat(engine).isInstanceOf(ReferenceCounted.class).isNotInstanceOf(OpenSslEngine.class);
    } finally {
      ReferenceCountUtil.release(engine);
    }
  }

  @Test
  void aReplacedContextIsReleasedAMinuteLaterAndFreedWithItsLastEngine() throws Exception {
    new DataDirSetup(dataDir, clock).prepareTls(List.of());
    ReloadingSslContext reloading = new ReloadingSslContext(DataDir.cert(dataDir), DataDir.key(dataDir), clock);
    SslContext first = reloading.get();
    if (!(first instanceof ReferenceCounted counted)) {
      return; // the JDK's engine: nothing native to free
    }
    SSLEngine engine = first.newEngine(ByteBufAllocator.DEFAULT); // a connection made just before the renewal
    Files.setLastModifiedTime(DataDir.cert(dataDir), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    clock.advance(ReloadingSslContext.CHECK_INTERVAL);
    SslContext second = reloading.get();
    assertThat(second).isNotSameAs(first);
    assertThat(counted.refCnt()).as("still ours, and the engine's").isEqualTo(2);
    clock.advance(ReloadingSslContext.RELEASE_AFTER.minus(ReloadingSslContext.CHECK_INTERVAL));
    assertThat(reloading.get()).isSameAs(second);
    assertThat(counted.refCnt()).as("a check before the minute is up").isEqualTo(2);
    clock.advance(ReloadingSslContext.CHECK_INTERVAL);
    assertThat(reloading.get()).isSameAs(second);
    assertThat(counted.refCnt()).as("the engine's only").isEqualTo(1);
    ReferenceCountUtil.release(engine);
    assertThat(counted.refCnt()).isZero();
    assertThat(((ReferenceCounted) second).refCnt()).isEqualTo(1);
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
