package dev.switchboard.turn;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands peer datagrams arriving on a relay socket to its allocation. Confined to the allocation's loop. */
final class RelayPeerHandler extends SimpleChannelInboundHandler<DatagramPacket> {

  private static final Logger log = LoggerFactory.getLogger(RelayPeerHandler.class);

  private final Allocation allocation;

  RelayPeerHandler(Allocation allocation) {
    this.allocation = allocation;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    allocation.onPeerDatagram(packet.sender(), packet.content());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A UDP handler never closes its channel on error (ICMP errors surface here, for instance).
    log.debug("relay {}: {}", allocation.relayAddress(), cause.toString());
  }
}
