package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.cli.pki.Certificates;
import dev.switchboard.cli.pki.KeyKind;
import dev.switchboard.cli.pki.Pem;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {

  @TempDir
  Path dir;

  private final Certificates certificates = new Certificates(Clock.systemUTC());

  @Test
  void offersWhatNettysBuilderOffers() throws Exception {
    Certificates.Issued ca = certificates.newCa("test CA", KeyKind.EC_P256, Duration.ofDays(30));
    Path[] files = leaf(ca, KeyKind.EC_P256);
    for (SslProvider provider : providers()) {
      SSLEngine ours = ServerTls.fromPem(files[0], files[1], provider == SslProvider.OPENSSL)
          .newEngine(UnpooledByteBufAllocator.DEFAULT);
      SSLEngine netty = SslContextBuilder.forServer(files[0].toFile(), files[1].toFile()).sslProvider(provider).build()
          .newEngine(UnpooledByteBufAllocator.DEFAULT);
      assertThat(ours.getEnabledProtocols()).as(provider.name()).containsExactly(netty.getEnabledProtocols());
      assertThat(ours.getEnabledCipherSuites()).as(provider.name()).containsExactly(netty.getEnabledCipherSuites());
      assertThat(ours.getUseClientMode()).isFalse();
      assertThat(ours.getNeedClientAuth()).isFalse();
    }
  }

  @Test
  void handshakesWithEcAndRsaCertificatesOverTls12And13() throws Exception {
    Certificates.Issued ca = certificates.newCa("test CA", KeyKind.EC_P256, Duration.ofDays(30));
    for (KeyKind kind : List.of(KeyKind.EC_P256, KeyKind.rsa(2048))) {
      Path[] files = leaf(ca, kind);
      for (SslProvider provider : providers()) {
        SslContext server = ServerTls.fromPem(files[0], files[1], provider == SslProvider.OPENSSL);
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
          SSLEngine client = clientTrusting(ca).createSSLEngine("localhost", 443);
          client.setUseClientMode(true);
          client.setEnabledProtocols(new String[] {protocol});
          SSLEngine engine = server.newEngine(UnpooledByteBufAllocator.DEFAULT);
          handshake(client, engine);
          String what = kind.algorithm() + " " + protocol + " " + provider;
          assertThat(client.getSession().getProtocol()).as(what).isEqualTo(protocol);
          assertThat(client.getSession().getPeerCertificates()[0].getPublicKey().getAlgorithm()).as(what)
              .isEqualTo(kind.algorithm());
        }
      }
    }
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() throws Exception {
    Certificates.Issued ca = certificates.newCa("test CA", KeyKind.EC_P256, Duration.ofDays(30));
    Path[] first = leaf(ca, KeyKind.EC_P256);
    Path[] second = leaf(ca, KeyKind.EC_P256);
    assertThatThrownBy(() -> ServerTls.fromPem(first[0], second[1])).isInstanceOf(IOException.class)
        .hasMessageContaining(first[0].toString()).hasMessageContaining(second[1].toString())
        .hasMessageContaining("does not belong");
  }

  /** The JDK's engine always; BoringSSL where netty-tcnative loads (dist/switchboard ships it for linux-x86_64). */
  private static List<SslProvider> providers() {
    return OpenSsl.isAvailable() ? List.of(SslProvider.JDK, SslProvider.OPENSSL) : List.of(SslProvider.JDK);
  }

  private Path[] leaf(Certificates.Issued ca, KeyKind kind) throws IOException {
    Certificates.Issued leaf = certificates.issueLeaf(ca, List.of("localhost"), kind, Duration.ofDays(3));
    Path cert = Files.createTempFile(dir, "cert", ".pem");
    Path key = Files.createTempFile(dir, "key", ".pem");
    Files.writeString(cert, Pem.encode(List.of(leaf.certificate(), ca.certificate())));
    Files.writeString(key, Pem.encode(leaf.key()));
    return new Path[] {cert, key};
  }

  private static SSLContext clientTrusting(Certificates.Issued ca) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** Runs both engines against each other in memory until both finish or one fails. */
  private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
    int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(size * 4);
    ByteBuffer toClient = ByteBuffer.allocate(size * 4);
    ByteBuffer app = ByteBuffer.allocate(size * 4);
    ByteBuffer empty = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int step = 0; step < 200; step++) {
      step(client, empty, toServer, toClient, app);
      step(server, empty, toClient, toServer, app);
      if (done(client) && done(server)) {
        return;
      }
    }
    throw new AssertionError("handshake did not finish: " + client.getHandshakeStatus() + " / " + server.getHandshakeStatus());
  }

  private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
      throws Exception {
    HandshakeStatus status = engine.getHandshakeStatus();
    if (status == HandshakeStatus.NEED_TASK) {
      Runnable task;
      while ((task = engine.getDelegatedTask()) != null) {
        task.run();
      }
    } else if (status == HandshakeStatus.NEED_WRAP) {
      engine.wrap(empty, out);
    } else if (status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN) {
      in.flip();
      app.clear();
      engine.unwrap(in, app);
      in.compact();
    }
  }

  private static boolean done(SSLEngine engine) {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
  }
}
