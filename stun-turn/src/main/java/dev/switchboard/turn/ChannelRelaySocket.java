package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/** A relay socket that is a Netty channel: the transport where epoll is not available. */
record ChannelRelaySocket(Channel channel) implements RelaySocket {

  @Override
  public boolean send(ByteBuf payload, InetSocketAddress peer) {
    channel.writeAndFlush(new DatagramPacket(payload, peer), channel.voidPromise());
    return true;
  }

  @Override
  public void close(Runnable closed) {
    channel.close().addListener(f -> closed.run());
  }
}
