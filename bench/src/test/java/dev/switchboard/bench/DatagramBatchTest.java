package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generator's GSO batches on a real epoll socket: a plain receiver gets every datagram, in order,
 * of its own size, while the socket was handed one packet per run of equal sizes (at most
 * {@link DatagramBatch#MAX_SEGMENTS}).
 */
class DatagramBatchTest {

  @Test
  void aTicksDatagramsArriveOneByOneFromAFewGsoSends() throws Exception {
    assumeTrue(Epoll.isAvailable(), "epoll (Linux): elsewhere the generator sends datagram by datagram");
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      receiver.setSoTimeout(2000);
      receiver.setReceiveBufferSize(1 << 20);
      DatagramChannel channel = bindSender(group);
      assumeTrue(DatagramBatch.supported(channel), "UDP GSO (Linux 4.18+)");
      List<byte[]> sent = new ArrayList<>();
      for (int i = 0; i < DatagramBatch.MAX_SEGMENTS + 6; i++) {
        sent.add(message(20, i));
      }
      for (int i = 0; i < 3; i++) {
        sent.add(message(28, 200 + i));
      }
      DatagramBatch batch = new DatagramBatch(channel, (InetSocketAddress) receiver.getLocalSocketAddress(), true);
      channel.eventLoop().submit(() -> {
        sent.forEach(batch::add);
        batch.flush();
      }).sync();

      for (byte[] expected : sent) {
        DatagramPacket p = new DatagramPacket(new byte[100], 100);
        receiver.receive(p);
        assertThat(p.getLength()).isEqualTo(expected.length);
        assertThat(java.util.Arrays.copyOf(p.getData(), p.getLength())).isEqualTo(expected);
      }
      // 64 + 6 of 20 bytes, then 3 of 28: three sends.
      assertThat(channel.eventLoop().submit(batch::sends).get()).isEqualTo(3);
      channel.close().sync();
    } finally {
      group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void withoutGsoEachDatagramIsItsOwnSend() throws Exception {
    assumeTrue(Epoll.isAvailable(), "epoll (Linux)");
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      receiver.setSoTimeout(2000);
      DatagramChannel channel = bindSender(group);
      DatagramBatch batch = new DatagramBatch(channel, (InetSocketAddress) receiver.getLocalSocketAddress(), false);
      channel.eventLoop().submit(() -> {
        for (int i = 0; i < 5; i++) {
          batch.add(message(20, i));
        }
        batch.flush();
      }).sync();

      for (int i = 0; i < 5; i++) {
        DatagramPacket p = new DatagramPacket(new byte[100], 100);
        receiver.receive(p);
        assertThat(java.util.Arrays.copyOf(p.getData(), p.getLength())).isEqualTo(message(20, i));
      }
      assertThat(channel.eventLoop().submit(batch::sends).get()).isEqualTo(5);
      channel.close().sync();
    } finally {
      group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }

  /** An epoll datagram socket on loopback that only sends. */
  private static DatagramChannel bindSender(MultiThreadIoEventLoopGroup group) throws InterruptedException {
    return (DatagramChannel) new Bootstrap().group(group).channel(EpollDatagramChannel.class)
        .handler(new ChannelInboundHandlerAdapter())
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  /** {@code length} bytes that say which message this is. */
  private static byte[] message(int length, int index) {
    byte[] m = new byte[length];
    for (int i = 0; i < length; i++) {
      m[i] = (byte) (index + i);
    }
    return m;
  }
}
