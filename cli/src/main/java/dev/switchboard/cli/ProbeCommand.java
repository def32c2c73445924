package dev.switchboard.cli;

import dev.switchboard.cli.config.FileErrors;
import dev.switchboard.cli.pki.Pem;
import dev.switchboard.cli.probe.Credentials;
import dev.switchboard.cli.probe.Probe;
import dev.switchboard.cli.probe.ProbeReport;
import dev.switchboard.cli.probe.StunUrl;
import dev.switchboard.turn.TurnRestCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard probe}: a NAT traversal check for any STUN/TURN server, from a shell. One instance
 * per invocation, confined to the calling thread.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Check that STUN/TURN servers work, like the Trickle ICE page.",
        "Reports reachability, the reflexive address (NAT or not), authentication, the relay address",
        "and a relayed round trip through two allocations. Exit 0 when every URL works."},
    footer = {"", "Examples:",
        "  switchboard probe stun:stun.example.org",
        "  switchboard probe turn:turn.example.org:3478?transport=udp turns:turn.example.org:5349 --user alice --password s3cret",
        "  switchboard probe turn:127.0.0.1:3478 --secret \"$(head -1 switchboard-data/turn-secret)\" --count 20 --json"})
final class ProbeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "URL", description = "stun:, stuns:, turn: or turns: URLs (RFC 7064/7065).")
  List<String> urls;

  @Option(names = "--user", paramLabel = "U", description = "TURN user name (with --password), or the REST user with --secret.")
  String user;

  @Option(names = "--password", paramLabel = "P", description = "TURN password (long-term credentials).")
  String password;

  @Option(names = "--secret", paramLabel = "S", description = "TURN REST shared secret: mint time-limited credentials locally.")
  String secret;

  @Option(names = "--realm", paramLabel = "R", description = "Expected realm: fail naming the server's realm when it differs.")
  String realm;

  @Option(names = "--timeout", paramLabel = "D", defaultValue = "5s", description = "Per request timeout (default ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--count", paramLabel = "N", defaultValue = "10", description = "Datagrams in the relayed round trip (default ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--ca", paramLabel = "FILE", description = "Trust this PEM CA for turns:/stuns: (e.g. switchboard-data/tls/ca.pem).")
  Path ca;

  @Option(names = "--insecure", description = "Do not verify the TLS certificate of turns:/stuns: servers.")
  boolean insecure;

  @Option(names = "--send-indications", description = "Relay with Send/Data indications instead of ChannelBind + ChannelData.")
  boolean sendIndications;

  @Option(names = "--json", description = "Print a JSON array, one object per URL.")
  boolean json;

  @Override
  public Integer call() {
    Duration perRequest = Flags.duration("--timeout", timeout);
    if (count < 1 || count > 10_000) {
      throw new UserError(UserError.USAGE, "--count " + count + ": expected 1-10000");
    }
    List<StunUrl> parsed = new ArrayList<>();
    for (String url : urls) {
      try {
        parsed.add(StunUrl.parse(url));
      } catch (IllegalArgumentException e) {
        throw new UserError(UserError.USAGE, e.getMessage());
      }
    }
    Clock clock = Clock.systemUTC();
    Probe probe = new Probe(credentials(clock), perRequest, count, sslContext(), !insecure, sendIndications, clock);
    List<ProbeReport> reports = new ArrayList<>();
    PrintWriter out = spec.commandLine().getOut();
    for (StunUrl url : parsed) {
      ProbeReport report = probe.run(url);
      reports.add(report);
      if (!json) {
        report.lines().forEach(out::println);
        out.flush();
      }
    }
    if (json) {
      List<Map<String, Object>> maps = reports.stream().map(ProbeReport::toMap).toList();
      out.println(Flags.json(maps));
      out.flush();
    }
    long failed = reports.stream().filter(r -> !r.ok()).count();
    if (failed > 0) {
      PrintWriter err = spec.commandLine().getErr();
      for (ProbeReport r : reports) {
        if (!r.ok()) {
          err.println("switchboard probe: " + r.toMap().get("url") + ": " + r.failure());
        }
      }
      err.flush();
      return UserError.RUNTIME;
    }
    return 0;
  }

  private Credentials credentials(Clock clock) {
    String expectedRealm = realm == null ? "" : realm;
    if (secret != null) {
      if (password != null) {
        throw new UserError(UserError.USAGE, "give either --password or --secret, not both");
      }
      TurnRestCredentials rest = new TurnRestCredentials(() -> List.of(secret), clock);
      TurnRestCredentials.Credential minted = rest.mint(user == null ? "probe" : user, Duration.ofHours(1));
      return new Credentials(minted.username(), minted.password(), expectedRealm);
    }
    if ((user == null) != (password == null)) {
      throw new UserError(UserError.USAGE, "--user and --password go together (or use --secret)");
    }
    return user == null ? new Credentials("", "", expectedRealm) : new Credentials(user, password, expectedRealm);
  }

  private SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (insecure) {
        context.init(null, new TrustManager[] {new TrustEverything()}, null);
      } else if (ca != null) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (X509Certificate cert : Pem.readCertificates(ca)) {
          store.setCertificateEntry("ca" + i++, cert);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        context.init(null, factory.getTrustManagers(), null);
      } else {
        context.init(null, null, null);
      }
      return context;
    } catch (IOException e) {
      throw new UserError(UserError.USAGE, "--ca: " + FileErrors.describe(ca, e));
    } catch (GeneralSecurityException e) {
      throw new UserError(UserError.RUNTIME, "cannot set up TLS: " + e.getMessage());
    }
  }

  /** For --insecure only: accepts any server certificate. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // not a server
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // --insecure: the user asked not to verify
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
