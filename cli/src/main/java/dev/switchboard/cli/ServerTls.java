package dev.switchboard.cli;

import dev.switchboard.cli.pki.KeyMatch;
import dev.switchboard.cli.pki.Pem;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * A server {@link SslContext} from a PEM certificate chain and key: BoringSSL (netty-tcnative) where
 * it loads, the JDK's SSLEngine elsewhere. BoringSSL sets a WSS session up (handshake, upgrade,
 * welcome) for about half the server CPU of the JDK engine (3.0-3.7 against 6.5-7.4 ms over 1500
 * sessions), and the RSS per further idle WSS session in bench memory-wss read 8.6-12.3 KB against
 * the JDK engine's 19.1-23.8 KB (2026-12-02): the JDK handshakes' garbage grows the heap, which
 * stays. One server opening sessions alone, at a slower pace, read about even (10.9-17.6 against
 * 10.0-10.5 KB). BoringSSL's share is ~7 KB of native state per connection (heaptrack: two AEAD
 * contexts 2.2 KB, the SSL and its TLS state 2 KB, the session 0.8 KB, Netty's BIO 0.9 KB with the
 * 512-byte buffer of then (see below), key material set per handshake 0.8 KB). The files are read
 * here, with the JDK, rather than by {@code SslContextBuilder.forServer(File, File)}, which parses
 * them with Bouncy Castle and, for the JDK engine, puts the key into a PKCS#12 key store (a
 * password-based encryption of the key, twice, with a throwaway key in a static initialiser):
 * together about a third of the server's start-up.
 * Netty's defaults for protocols and cipher suites are kept (a test compares).
 */
final class ServerTls {

  /**
   * BoringSSL's per-connection buffer for what it writes outside a wrap (the server's handshake flight
   * in answer to the ClientHello it reads during an unwrap, alerts), held for the connection's life:
   * Netty's 2048 bytes by default, paid by every idle WSS session. Inside a wrap BoringSSL writes
   * straight into the outgoing buffer, so a smaller one only means that what did not fit waits in
   * BoringSSL for the next wrap, which SslHandler runs at once. 256 then 64 bytes: the RSS per
   * further idle WSS session went from 8.2-8.3 to 8.0 KB (one server, 6000 -> 15000 sessions), with
   * no change in the server's CPU per session opened.
   */
  static final int OPENSSL_NON_APPLICATION_BUFFER = 64;

  private ServerTls() {}

  /**
   * Loads BoringSSL on another thread: its native library and static checks take a fifth of a
   * second, which then overlaps the config, the data dir and the listeners on the main thread
   * instead of adding to them. {@link #fromPem} waits for it, if it must, through the class's
   * initialisation.
   */
  static void loadInBackground() {
    Thread loader = new Thread(OpenSsl::isAvailable, "boringssl-loader");
    loader.setDaemon(true);
    loader.start();
  }

  /** @throws IOException naming the files when they cannot be read or do not belong together */
  static SslContext fromPem(Path cert, Path key) throws IOException {
    return fromPem(cert, key, OpenSsl.isAvailable());
  }

  static SslContext fromPem(Path cert, Path key, boolean boringSsl) throws IOException {
    List<X509Certificate> chain = Pem.readCertificates(cert);
    PrivateKey privateKey = Pem.readPrivateKey(key);
    checkPair(chain.get(0), privateKey, cert, key);
    try {
      return boringSsl ? boringSsl(privateKey, chain) : jdk(privateKey, chain);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("cannot use " + cert + " with " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Our key manager rather than Netty's key store (which encrypts the key with PBKDF2 to decrypt it
   * again), cached by BoringSSL as Netty's own would be, and no trust store: clients are not asked
   * for certificates, and loading the system's CA certificates only cost start-up time.
   */
  private static SslContext boringSsl(PrivateKey key, List<X509Certificate> chain) throws SSLException {
    KeyManagerFactory keys = new OpenSslCachingX509KeyManagerFactory(new OneKeyManagerFactory(new SingleKeyManager(key, chain)));
    // Reference-counted rather than finalised: SslHandler frees each engine's native state when its
    // connection closes either way, but OPENSSL's engines are also finalizable, which costs every idle
    // connection a Finalizer object (40 bytes) and every closed one a second collection before its heap
    // objects go. Our caller releases a replaced context (ReloadingSslContext).
    SslContext context = SslContextBuilder.forServer(keys).trustManager(new X509Certificate[0])
        .sslProvider(SslProvider.OPENSSL_REFCNT).build();
    ((ReferenceCountedOpenSslContext) context).setBioNonApplicationBufferSize(OPENSSL_NON_APPLICATION_BUFFER);
    return context;
  }

  private static SslContext jdk(PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {new SingleKeyManager(key, chain)}, null, null);
    return new JdkSslContext(context, false, null, IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.NONE,
        null, false);
  }

  /** Hands Netty one ready key manager. */
  private static final class OneKeyManagerFactory extends SimpleKeyManagerFactory {

    private final KeyManager[] managers;

    OneKeyManagerFactory(KeyManager manager) {
      this.managers = new KeyManager[] {manager};
    }

    @Override
    protected void engineInit(KeyStore keyStore, char[] password) {
      // ready from the start
    }

    @Override
    protected void engineInit(ManagerFactoryParameters parameters) {
      // ready from the start
    }

    @Override
    protected KeyManager[] engineGetKeyManagers() {
      return managers.clone();
    }
  }

  /** A key that does not match the certificate would fail every handshake; say so at start instead. */
  private static void checkPair(X509Certificate leaf, PrivateKey key, Path cert, Path keyFile) throws IOException {
    boolean matches;
    try {
      matches = KeyMatch.belongsTo(key, leaf);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IOException("the key in " + keyFile + " does not belong to the first certificate in " + cert
          + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }
  }
}
