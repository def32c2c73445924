package dev.switchboard.cli;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager holding one key and its chain, offered whenever the handshake asks for that
 * key's algorithm. Stands in for a key store, which would encrypt the key only to decrypt it again.
 * Immutable.
 */
final class SingleKeyManager extends X509ExtendedKeyManager {

  private static final String ALIAS = "server";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  SingleKeyManager(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = chain.toArray(new X509Certificate[0]);
  }

  /** keyType is the key algorithm, for TLS 1.2 followed by "_" and the certificate's signer ("EC_EC"). */
  private String aliasFor(String keyType) {
    if (keyType == null) {
      return null;
    }
    int underscore = keyType.indexOf('_');
    String algorithm = underscore < 0 ? keyType : keyType.substring(0, underscore);
    return algorithm.equals(key.getAlgorithm()) ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return null;
  }
}
