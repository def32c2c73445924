package dev.switchboard.cli.config;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * CIDR strings: their syntax check, so a typo is reported with its line before the server starts, and
 * the blocks that cover an address range (coturn's "A-B" peer ranges). Stateless.
 */
public final class Cidrs {

  private Cidrs() {}

  /** An address, or one with a prefix length such as 10.0.0.0/8, as the config's peer lists take. */
  public static boolean isValid(String cidr) {
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

  /** The smallest list of CIDR blocks covering exactly [from, to]. */
  public static List<String> covering(InetAddress from, InetAddress to) {
    int bits = from.getAddress().length * 8;
    BigInteger start = new BigInteger(1, from.getAddress());
    BigInteger end = new BigInteger(1, to.getAddress());
    List<String> out = new ArrayList<>();
    while (start.compareTo(end) <= 0) {
      int size = start.signum() == 0 ? bits : start.getLowestSetBit();
      while (size > 0 && start.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(end) > 0) {
        size--;
      }
      out.add(address(start, bits).getHostAddress() + "/" + (bits - size));
      start = start.add(BigInteger.ONE.shiftLeft(size));
    }
    return out;
  }

  private static InetAddress address(BigInteger value, int bits) {
    byte[] raw = value.toByteArray();
    byte[] fixed = new byte[bits / 8];
    int copy = Math.min(raw.length, fixed.length);
    System.arraycopy(raw, raw.length - copy, fixed, fixed.length - copy, copy);
    try {
      return InetAddress.getByAddress(fixed);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
