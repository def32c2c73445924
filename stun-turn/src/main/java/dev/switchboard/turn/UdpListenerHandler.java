package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP listener socket: frames each datagram with {@link StunFraming} and hands it to the
 * {@link Dispatcher}. Knows the clients of this socket that own an allocation. Confined to the
 * socket's event loop; never closes its channel on error.
 */
final class UdpListenerHandler extends SimpleChannelInboundHandler<DatagramPacket> {

  private static final Logger log = LoggerFactory.getLogger(UdpListenerHandler.class);

  private final Dispatcher dispatcher;
  private final Map<InetSocketAddress, UdpClientLink> clients = new HashMap<>();

  UdpListenerHandler(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    int frame = StunFraming.frameLength(content, false);
    if (frame < 0) {
      return; // not STUN or ChannelData, or lengths that do not fit: dropped, never answered
    }
    InetSocketAddress sender = packet.sender();
    UdpClientLink link = clients.get(sender);
    if (link == null) {
      if ((content.getUnsignedByte(content.readerIndex()) & 0xC0) != 0) {
        return; // ChannelData from a client without an allocation
      }
      link = new UdpClientLink(ctx.channel(), sender, clients);
    }
    // A datagram is one frame but for trailing bytes, which are rare: only then a slice (an object per
    // datagram) to cut them off. The dispatcher may move the frame's indices; nothing reads them after.
    dispatcher.onFrame(link, frame == content.readableBytes() ? content : content.slice(content.readerIndex(), frame));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("UDP listener {}: {}", ctx.channel().localAddress(), cause.toString());
  }

  /** Clients with an allocation on this socket (for tests). */
  int clientCount() {
    return clients.size();
  }
}
