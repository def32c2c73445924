package dev.switchboard.cli.pki;

import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/**
 * What may go into a certificate's SANs: a DNS name of RFC 1123 labels (a leftmost {@code *} for a
 * wildcard) or an IPv4/IPv6 literal. Checked before a key is made, so that a typo is a usage error
 * naming the value rather than BouncyCastle's "IP Address is invalid" or a SAN no client matches.
 * Stateless.
 */
public final class HostNames {

  // RFC 1123 §2.1: letters, digits and hyphens, 1-63 per label, no hyphen at either end.
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern HOST_AND_PORT = Pattern.compile("[^:\\[\\]]+:\\d*|\\[[^\\]]*\\]:\\d*");

  private HostNames() {}

  /** True for an IPv4 or IPv6 literal (IPv6 optionally in brackets): an iPAddress SAN. */
  public static boolean isIpLiteral(String host) {
    return IPAddress.isValid(stripBrackets(host));
  }

  /** Why {@code host} cannot be a SAN, phrased to follow it ("example.org:443 has a port: ..."), or null. */
  public static String problem(String host) {
    if (host.isEmpty()) {
      return "is empty: give a DNS name or an IP address";
    }
    if (host.chars().anyMatch(Character::isWhitespace)) {
      return "contains a space: give one name per --host";
    }
    if (isIpLiteral(host)) {
      return null;
    }
    if (host.contains("://")) {
      return "is a URL: give the host name alone, e.g. call.example.org";
    }
    if (HOST_AND_PORT.matcher(host).matches()) {
      return "has a port: give the host name or address alone, without :PORT";
    }
    if (host.contains(":")) {
      return "is not a valid IPv6 address";
    }
    if (host.matches("[0-9.]+")) {
      // RFC 1123 §2.1: a name never looks like dotted decimal, so this was meant as an address.
      return "is not a valid IPv4 address (four numbers 0-255)";
    }
    if (host.length() > 253) {
      return "is longer than a DNS name may be (253 characters)";
    }
    String[] labels = host.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (i == 0 && label.equals("*") && labels.length > 2) {
        continue; // a wildcard for one level below a registered name
      }
      if (label.isEmpty()) {
        return "has an empty label (two dots, or a dot at either end)";
      }
      if (!LABEL.matcher(label).matches()) {
        return "is not a DNS name: each dot-separated label has 1-63 letters, digits or inner hyphens"
            + (label.chars().anyMatch(c -> c > 127) ? " (give an internationalised name in its xn-- form)" : "");
      }
    }
    return null;
  }

  static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
