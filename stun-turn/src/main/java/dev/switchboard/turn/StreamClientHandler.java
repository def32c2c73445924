package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP or TLS client connection: dispatches its frames and deletes its allocation the moment the
 * connection closes (RFC 8656 §3.1: a TCP/TLS allocation lives no longer than its connection).
 * Confined to the connection's loop.
 */
final class StreamClientHandler extends SimpleChannelInboundHandler<ByteBuf> {

  private static final Logger log = LoggerFactory.getLogger(StreamClientHandler.class);

  private final Dispatcher dispatcher;
  private final String protocol;
  private StreamClientLink link;

  StreamClientHandler(Dispatcher dispatcher, String protocol) {
    this.dispatcher = dispatcher;
    this.protocol = protocol;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    link = new StreamClientLink(ctx.channel(), protocol);
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    dispatcher.onFrame(link, frame);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (link != null && link.allocation() != null) {
      link.allocation().close("connection closed");
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{} {}: {}", protocol, ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
