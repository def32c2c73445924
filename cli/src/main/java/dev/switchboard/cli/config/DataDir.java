package dev.switchboard.cli.config;

import java.nio.file.Path;

/** The names of the files in the data dir: a contract with users and other tools. Stateless. */
public final class DataDir {

  private DataDir() {}

  public static Path tlsDir(Path dataDir) {
    return dataDir.resolve("tls");
  }

  public static Path caCert(Path dataDir) {
    return tlsDir(dataDir).resolve("ca.pem");
  }

  /** The CA's private key, kept so the leaf can be renewed; never served. */
  public static Path caKey(Path dataDir) {
    return tlsDir(dataDir).resolve("ca-key.pem");
  }

  public static Path cert(Path dataDir) {
    return tlsDir(dataDir).resolve("cert.pem");
  }

  public static Path key(Path dataDir) {
    return tlsDir(dataDir).resolve("key.pem");
  }

  public static Path turnSecret(Path dataDir) {
    return dataDir.resolve("turn-secret");
  }

  public static Path tokenKey(Path dataDir) {
    return dataDir.resolve("token-key");
  }

  public static Path users(Path dataDir) {
    return dataDir.resolve("users");
  }
}
