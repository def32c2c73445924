package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.config.DataDir;
import dev.switchboard.cli.pki.Pem;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard cert}: openssl accepts its output, Netty serves it, and a running server picks up a new one. */
class CertCommandIT {

  @TempDir
  Path dir;

  @Test
  void opensslVerifiesTheIssuedChainAndShowsTheSans() throws Exception {
    Path openssl = ExternalTools.require("openssl");
    issue(dir.resolve("ca"), dir.resolve("leaf"), "--host", "call.example.org", "--host", "127.0.0.1", "--host", "::1");
    for (String f : List.of("ca/ca-key.pem", "leaf/key.pem", "leaf/cert.pem")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).as(f).isEqualTo("rw-------");
    }
    assertThat(Files.readString(dir.resolve("leaf/key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Pem.readCertificates(dir.resolve("leaf/cert.pem"))).hasSize(2);
    ExternalTools.Result verify = ExternalTools.run(List.of(openssl.toString(), "verify", "-CAfile",
        dir.resolve("ca/ca.pem").toString(), dir.resolve("leaf/cert.pem").toString()), 20);
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).contains(": OK");
    ExternalTools.Result text = ExternalTools.run(List.of(openssl.toString(), "x509", "-noout", "-text", "-in",
        dir.resolve("leaf/cert.pem").toString()), 20);
    assertThat(text.output()).contains("DNS:call.example.org", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1",
        "TLS Web Server Authentication", "ecdsa-with-SHA256");
  }

  @Test
  void rsaAndSelfSignedWork() throws Exception {
    Path openssl = ExternalTools.require("openssl");
    Cli cli = Cli.run("cert", "self-signed", "--host", "localhost", "--rsa", "2048", "--out", dir.toString());
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    ExternalTools.Result text = ExternalTools.run(List.of(openssl.toString(), "x509", "-noout", "-text", "-in",
        dir.resolve("cert.pem").toString()), 20);
    assertThat(text.output()).contains("DNS:localhost", "Public-Key: (2048 bit)", "sha256WithRSAEncryption");
    assertThat(Cli.run("cert", "self-signed", "--host", "x", "--rsa", "1024", "--out", dir.toString()).exitCode()).isEqualTo(2);
  }

  @Test
  void nettyServesTheIssuedCertificateToAClientTrustingTheCa() throws Exception {
    issue(dir.resolve("ca"), dir.resolve("leaf"), "--host", "localhost", "--host", "127.0.0.1");
    SslContext context = SslContextBuilder.forServer(dir.resolve("leaf/cert.pem").toFile(),
        dir.resolve("leaf/key.pem").toFile()).build();
    EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.nio.NioIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap().group(group).channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(context.newHandler(ch.alloc()));
            }
          }).bind("127.0.0.1", 0).sync().channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      X509Certificate leaf = Pem.readCertificates(dir.resolve("leaf/cert.pem")).get(0);
      assertThat(handshake(dir.resolve("ca/ca.pem"), "localhost", port)).isEqualTo(leaf.getSerialNumber());
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void runningServerPicksUpReplacedCertificateFiles() throws Exception {
    Path dataDir = dir.resolve("data");
    try (LoopbackTurn turn = LoopbackTurn.start(dataDir, Map.of("turn.relay.ports", ProbeIT.relayRange(4)))) {
      Path tls = DataDir.tlsDir(dataDir);
      BigInteger before = handshake(DataDir.caCert(dataDir), "127.0.0.1", turn.server.tlsPort());
      // A renewal: new files from the same CA, written over the old ones (the CA files sit in tls/ too).
      Cli cli = Cli.run("cert", "issue", "--ca", tls.toString(), "--host", "localhost", "--host", "127.0.0.1",
          "--out", tls.toString());
      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      BigInteger expected = Pem.readCertificates(DataDir.cert(dataDir)).get(0).getSerialNumber();
      assertThat(expected).isNotEqualTo(before);
      BigInteger seen = before;
      for (int i = 0; i < 60 && !seen.equals(expected); i++) {
        TimeUnit.MILLISECONDS.sleep(100); // poll: the server checks the files every 2 s
        seen = handshake(DataDir.caCert(dataDir), "127.0.0.1", turn.server.tlsPort());
      }
      assertThat(seen).isEqualTo(expected);
    }
  }

  @Test
  void showPrintsDetailsAndWarns() throws Exception {
    issue(dir.resolve("ca"), dir.resolve("leaf"), "--host", "localhost", "--days", "10");
    Cli show = Cli.run("cert", "show", dir.resolve("leaf/cert.pem").toString());
    assertThat(show.exitCode()).as(show.toString()).isZero();
    assertThat(show.out()).contains("CN=localhost", "DNS:localhost", "SHA-256", "expires within 30 days")
        .doesNotContain("does not match");
    Cli mismatch = Cli.run("cert", "show", dir.resolve("leaf/cert.pem").toString(), "--key",
        dir.resolve("ca/ca-key.pem").toString(), "--json");
    assertThat(mismatch.out()).contains("\"sans\" : [ \"DNS:localhost\" ]", "does not match the certificate");
    assertThat(Cli.run("cert", "show", dir.resolve("nope.pem").toString()).exitCode()).isEqualTo(2);
  }

  @Test
  void caIsNotOverwrittenAndIssueNamesAMissingCa() {
    assertThat(Cli.run("cert", "ca", "--out", dir.toString()).exitCode()).isZero();
    Cli again = Cli.run("cert", "ca", "--out", dir.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("ca.pem exists");
    Cli missing = Cli.run("cert", "issue", "--ca", dir.resolve("none").toString(), "--host", "x", "--out", dir.toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("switchboard cert ca --out");
  }

  private void issue(Path ca, Path out, String... hosts) {
    Cli cli = Cli.run("cert", "ca", "--out", ca.toString());
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    List<String> args = new java.util.ArrayList<>(List.of("cert", "issue", "--ca", ca.toString(), "--out", out.toString()));
    args.addAll(List.of(hosts));
    cli = Cli.run(args.toArray(String[]::new));
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
  }

  /** A JDK TLS handshake trusting only {@code ca} with host name checks; the server certificate's serial. */
  static BigInteger handshake(Path ca, String host, int port) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("ca", Pem.readCertificates(ca).get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port)) {
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(params);
      socket.setSoTimeout(5000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
