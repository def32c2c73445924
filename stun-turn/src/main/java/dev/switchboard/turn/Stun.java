package dev.switchboard.turn;

/**
 * STUN/TURN wire constants (RFC 8489 §5, §18; RFC 8656 §18). Stateless.
 */
final class Stun {

  static final int MAGIC_COOKIE = 0x2112A442;
  static final int HEADER_LENGTH = 20;

  // Methods (RFC 8489 §18.2, RFC 8656 §17).
  static final int BINDING = 0x001;
  static final int ALLOCATE = 0x003;
  static final int REFRESH = 0x004;
  static final int SEND = 0x006;
  static final int DATA = 0x007;
  static final int CREATE_PERMISSION = 0x008;
  static final int CHANNEL_BIND = 0x009;

  // Classes, already shifted into the C1/C0 bit positions of the message type.
  static final int REQUEST = 0x0000;
  static final int INDICATION = 0x0010;
  static final int SUCCESS = 0x0100;
  static final int ERROR = 0x0110;

  // Attributes.
  static final int USERNAME = 0x0006;
  static final int MESSAGE_INTEGRITY = 0x0008;
  static final int ERROR_CODE = 0x0009;
  static final int UNKNOWN_ATTRIBUTES = 0x000A;
  static final int CHANNEL_NUMBER = 0x000C;
  static final int LIFETIME = 0x000D;
  static final int XOR_PEER_ADDRESS = 0x0012;
  static final int DATA_ATTR = 0x0013;
  static final int REALM = 0x0014;
  static final int NONCE = 0x0015;
  static final int XOR_RELAYED_ADDRESS = 0x0016;
  static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
  static final int EVEN_PORT = 0x0018;
  static final int REQUESTED_TRANSPORT = 0x0019;
  static final int DONT_FRAGMENT = 0x001A;
  static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
  static final int PASSWORD_ALGORITHM = 0x001D;
  static final int USERHASH = 0x001E;
  static final int XOR_MAPPED_ADDRESS = 0x0020;
  static final int RESERVATION_TOKEN = 0x0022;
  static final int PRIORITY = 0x0024;
  static final int USE_CANDIDATE = 0x0025;
  static final int SOFTWARE = 0x8022;
  static final int FINGERPRINT = 0x8028;

  static final int FAMILY_IPV4 = 0x01;
  static final int FAMILY_IPV6 = 0x02;
  static final int TRANSPORT_UDP = 17;

  /**
   * Channel numbers: RFC 8656 §12 narrowed them to 0x4000-0x4FFF, but RFC 5766 allowed 0x4000-0x7FFF
   * and coturn (server and its turnutils_uclient, which picks numbers up to 0x7FFF) still uses that
   * range. Users replace coturn with this server, so we accept the RFC 5766 range too.
   */
  static final int MIN_CHANNEL = 0x4000;
  static final int MAX_CHANNEL = 0x7FFF;

  /** True when {@code firstByte} starts a ChannelData message (0x40-0x7F, see {@link #MAX_CHANNEL}). */
  static boolean isChannelData(int firstByte) {
    return (firstByte & 0xC0) == 0x40;
  }

  private Stun() {
  }

  static int type(int method, int cls) {
    return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | cls;
  }

  static int method(int type) {
    return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
  }

  static int cls(int type) {
    return type & 0x0110;
  }

  /** Comprehension-required attributes this server understands (RFC 8489 §15: 0x0000–0x7FFF). */
  static boolean isKnownRequired(int attr) {
    switch (attr) {
      case USERNAME, MESSAGE_INTEGRITY, ERROR_CODE, UNKNOWN_ATTRIBUTES, CHANNEL_NUMBER, LIFETIME,
          XOR_PEER_ADDRESS, DATA_ATTR, REALM, NONCE, XOR_RELAYED_ADDRESS, REQUESTED_ADDRESS_FAMILY,
          EVEN_PORT, REQUESTED_TRANSPORT, DONT_FRAGMENT, XOR_MAPPED_ADDRESS, RESERVATION_TOKEN,
          PRIORITY, USE_CANDIDATE:
        return true;
      default:
        return false;
    }
  }

  static String reason(int code) {
    return switch (code) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 420 -> "Unknown Attribute";
      case 437 -> "Allocation Mismatch";
      case 438 -> "Stale Nonce";
      case 440 -> "Address Family not Supported";
      case 441 -> "Wrong Credentials";
      case 442 -> "Unsupported Transport Protocol";
      case 443 -> "Peer Address Family Mismatch";
      case 486 -> "Allocation Quota Reached";
      case 500 -> "Server Error";
      case 508 -> "Insufficient Capacity";
      default -> "Error";
    };
  }
}
