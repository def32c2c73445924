package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a TCP/TLS byte stream into STUN and ChannelData frames with {@link StunFraming} (frames may
 * arrive split across reads or several in one read). A stream that cannot be framed cannot be
 * resynchronised, so it is closed. Confined to the connection's loop.
 */
final class StreamFrameDecoder extends ByteToMessageDecoder {

  private static final Logger log = LoggerFactory.getLogger(StreamFrameDecoder.class);

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      int length = StunFraming.frameLength(in, true);
      if (length == StunFraming.NEED_MORE) {
        return;
      }
      if (length == StunFraming.INVALID) {
        log.debug("closing {}: stream is not STUN/ChannelData", ctx.channel().remoteAddress());
        in.skipBytes(in.readableBytes());
        ctx.close();
        return;
      }
      out.add(in.readRetainedSlice(length));
    }
  }
}
