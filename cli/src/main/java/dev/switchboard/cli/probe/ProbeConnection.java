package dev.switchboard.cli.probe;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One client connection (or UDP socket) to a STUN/TURN server, carrying STUN messages and ChannelData
 * (RFC 8656 §12.4). Blocking; confined to the probe's thread.
 */
abstract class ProbeConnection implements Closeable {

  /** What arrived: a STUN message or the payload of a ChannelData message. */
  record Received(StunMessage stun, int channel, byte[] data) {}

  /** Whether lost requests must be retransmitted (UDP) or the transport is reliable. */
  abstract boolean reliable();

  abstract InetSocketAddress localAddress();

  abstract void send(byte[] message) throws IOException;

  /** The next message, or null when nothing arrived within {@code timeoutMillis}. */
  abstract Received receive(int timeoutMillis) throws IOException;

  /** Sends {@code data} on a bound channel; over TCP/TLS padded to 4 bytes (RFC 8656 §12.5). */
  void sendChannelData(int channel, byte[] data) throws IOException {
    int padded = reliable() ? (data.length + 3) & ~3 : data.length;
    ByteBuffer b = ByteBuffer.allocate(4 + padded);
    b.putShort((short) channel).putShort((short) data.length).put(data);
    send(b.array());
  }

  /** Decodes one datagram or stream frame. */
  static Received decode(byte[] frame, int length) {
    if (length >= 4 && (frame[0] & 0xC0) == 0x40) {
      int channel = ((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF);
      int dataLength = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
      if (4 + dataLength > length) {
        return null;
      }
      byte[] data = new byte[dataLength];
      System.arraycopy(frame, 4, data, 0, dataLength);
      return new Received(null, channel, data);
    }
    StunMessage stun = StunMessage.decode(frame, length);
    return stun == null ? null : new Received(stun, 0, null);
  }
}
