package dev.switchboard.signaling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Ahead of TLS on the HTTPS port: a connection whose first bytes are no TLS record (http:// typed
 * for https://) gets a plain-text 400 saying so, as nginx answers, instead of a connection closed
 * without a word. Once TLS is seen it takes itself out of the pipeline, handing on what it read, so
 * an open connection carries nothing of it.
 */
final class PlainHttpOnTlsPort extends ByteToMessageDecoder {

  private static final String BODY = "This port speaks HTTPS: use https:// and wss://.\n";
  private static final byte[] ANSWER = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
      + "Connection: close\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 5) { // a TLS record header
      return;
    }
    if (SslHandler.isEncrypted(in, false)) {
      ctx.pipeline().remove(this); // hands the bytes read so far on to the TLS handler
      return;
    }
    in.skipBytes(in.readableBytes());
    ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
  }
}
