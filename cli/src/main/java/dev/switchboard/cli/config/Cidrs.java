package dev.switchboard.cli.config;

import java.net.Inet4Address;
import java.net.InetAddress;

/** Syntax check of CIDR strings, so a typo is reported with its line before the server starts. Stateless. */
final class Cidrs {

  private Cidrs() {}

  static boolean isValid(String cidr) {
    String[] parts = cidr.split("/", -1);
    if (parts.length > 2) {
      return false;
    }
    InetAddress address = ConfigSyntax.ip(parts[0]);
    if (address == null) {
      return false;
    }
    if (parts.length == 1) {
      return true;
    }
    int max = address instanceof Inet4Address ? 32 : 128;
    try {
      int prefix = Integer.parseInt(parts[1]);
      return prefix >= 0 && prefix <= max;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
