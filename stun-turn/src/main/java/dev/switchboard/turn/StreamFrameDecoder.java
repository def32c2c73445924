package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a TCP/TLS byte stream into STUN and ChannelData frames with {@link StunFraming} (frames may
 * arrive split across reads or several in one read). A stream that cannot be framed cannot be
 * resynchronised, so it is closed without an answer. Confined to the connection's loop.
 */
final class StreamFrameDecoder extends ByteToMessageDecoder {

  private static final Logger log = LoggerFactory.getLogger(StreamFrameDecoder.class);
  /** How long a plain TCP peer has to read our FIN before the socket is closed for good. */
  private static final long LINGER_SECONDS = 2;

  private boolean discarding;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      if (discarding) {
        in.skipBytes(in.readableBytes());
        return;
      }
      int length = StunFraming.frameLength(in, true);
      if (length == StunFraming.NEED_MORE) {
        return;
      }
      if (length == StunFraming.INVALID) {
        log.debug("closing {}: stream is not STUN/ChannelData", ctx.channel().remoteAddress());
        in.skipBytes(in.readableBytes());
        discarding = true;
        closeGracefully(ctx);
        return;
      }
      out.add(in.readRetainedSlice(length));
    }
  }

  /**
   * Plain TCP: send FIN first and close a little later, so a client that already sent more bytes
   * sees an orderly end of stream rather than a reset. TLS: SslHandler's close sends close_notify.
   */
  private static void closeGracefully(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(false);
    if (ctx.channel() instanceof DuplexChannel duplex && ctx.pipeline().get(SslHandler.class) == null) {
      duplex.shutdownOutput().addListener(f -> ctx.executor().schedule(() -> {
        ctx.close();
      }, LINGER_SECONDS, TimeUnit.SECONDS));
    } else {
      ctx.close();
    }
  }
}
