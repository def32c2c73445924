package dev.switchboard.turn;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;

/**
 * Pipeline of a TCP or TLS client connection: [tls] → frames → client. The TLS context is fetched per
 * connection so a renewed certificate applies without a restart. Thread-safe.
 */
final class StreamChannelInitializer extends ChannelInitializer<SocketChannel> {

  private final Dispatcher dispatcher;
  private final Supplier<SslContext> tls;

  private final ChannelGroup connections;

  /**
   * @param tls         null for plain TCP
   * @param connections where open connections are tracked so the server can close them
   */
  StreamChannelInitializer(Dispatcher dispatcher, Supplier<SslContext> tls, ChannelGroup connections) {
    this.dispatcher = dispatcher;
    this.tls = tls;
    this.connections = connections;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    connections.add(ch);
    // Responses and relayed data are written with writeAndFlush; consolidate them into one flush per
    // read batch (or loop pass, for data arriving on relay sockets).
    ch.pipeline().addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    if (tls != null) {
      ch.pipeline().addLast("tls", tls.get().newHandler(ch.alloc()));
    }
    ch.pipeline().addLast("frames", new StreamFrameDecoder());
    ch.pipeline().addLast("client", new StreamClientHandler(dispatcher, tls == null ? "TCP" : "TLS"));
  }
}
