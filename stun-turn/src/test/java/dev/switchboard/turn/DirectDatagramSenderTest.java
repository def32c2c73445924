package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.LinuxSocket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DirectDatagramSenderTest {

  private final TurnMetrics metrics = new TurnMetrics(() -> 0);
  private LinuxSocket socket;
  private DatagramSocket receiver;

  @BeforeEach
  void open() throws Exception {
    assumeTrue(Epoll.isAvailable(), "epoll is not available here");
    socket = LinuxSocket.newSocketDgram(false);
    socket.bind(new InetSocketAddress("127.0.0.1", 0));
    receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    receiver.setSoTimeout(3000);
  }

  @AfterEach
  void close() throws Exception {
    if (socket != null) {
      socket.close();
      receiver.close();
    }
  }

  private byte[] receive() throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[64], 64);
    receiver.receive(p);
    return Arrays.copyOf(p.getData(), p.getLength());
  }

  @Test
  void sendsTheReadableBytesOfADirectOrAHeapBufferAndReleasesThem() throws Exception {
    DirectDatagramSender sender = new DirectDatagramSender(socket, metrics);
    ByteBuf direct = Unpooled.directBuffer(8).writeBytes(new byte[] {0, 1, 2, 3});
    direct.readerIndex(1);
    ByteBuf heap = Unpooled.wrappedBuffer(new byte[] {9, 8});
    assertThat(sender.send(direct, (InetSocketAddress) receiver.getLocalSocketAddress())).isTrue();
    assertThat(sender.send(heap, (InetSocketAddress) receiver.getLocalSocketAddress())).isTrue();
    assertThat(receive()).containsExactly(1, 2, 3);
    assertThat(receive()).containsExactly(9, 8);
    assertThat(direct.refCnt()).isZero();
    assertThat(heap.refCnt()).isZero();
    assertThat(metrics.droppedPackets.sum()).isZero();
  }

  @Test
  void aFailedSendIsCountedAsDroppedNotThrown() throws Exception {
    DirectDatagramSender sender = new DirectDatagramSender(socket, metrics);
    ByteBuf datagram = Unpooled.directBuffer(4).writeInt(7);
    // An IPv4 socket cannot send to an IPv6 address: sendto fails.
    assertThat(sender.send(datagram, new InetSocketAddress(InetAddress.getByName("::1"), 9))).isFalse();
    assertThat(datagram.refCnt()).isZero();
    assertThat(metrics.droppedPackets.sum()).isEqualTo(1);
  }

  @Test
  void aClosedSocketDropsWithoutASystemCall() throws Exception {
    DirectDatagramSender sender = new DirectDatagramSender(socket, metrics);
    socket.close();
    ByteBuf datagram = Unpooled.directBuffer(4).writeInt(7);
    assertThat(sender.send(datagram, (InetSocketAddress) receiver.getLocalSocketAddress())).isFalse();
    assertThat(datagram.refCnt()).isZero();
    assertThat(metrics.droppedPackets.sum()).isEqualTo(1);
  }
}
