package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.PlatformDependent;

/**
 * Appends bytes of one buffer to another with a plain memory copy. Netty 4.2's pooled buffers
 * ({@code AdaptiveByteBuf}) implement {@code writeBytes(ByteBuf, int, int)} through NIO views, which
 * allocates one or two {@code DirectByteBuffer} objects per copy; the relay path copies every packet
 * once, so that was its largest allocation. Stateless.
 */
final class ByteBufCopy {

  private ByteBufCopy() {
  }

  /**
   * As {@code dst.writeBytes(src, srcIndex, length)}: {@code src}'s indices do not move, {@code dst}'s
   * writer index advances, and it grows when needed. Without an allocation when {@code dst} has a memory
   * address and {@code src} has one or a heap array; otherwise it is that call.
   */
  static ByteBuf append(ByteBuf dst, ByteBuf src, int srcIndex, int length) {
    if (!PlatformDependent.hasUnsafe() || !dst.hasMemoryAddress() || length <= 0
        || !(src.hasMemoryAddress() || src.hasArray())) {
      return dst.writeBytes(src, srcIndex, length);
    }
    if (src.refCnt() == 0) {
      // As writeBytes would; before the bounds, which a released buffer may have lost.
      throw new IllegalReferenceCountException(0);
    }
    if (srcIndex < 0 || srcIndex > src.capacity() - length) {
      throw new IndexOutOfBoundsException("index " + srcIndex + ", length " + length + ", capacity " + src.capacity());
    }
    dst.ensureWritable(length); // may move dst's memory: its address is read after
    int at = dst.writerIndex();
    long to = dst.memoryAddress() + at;
    if (src.hasMemoryAddress()) {
      PlatformDependent.copyMemory(src.memoryAddress() + srcIndex, to, length);
    } else {
      PlatformDependent.copyMemory(src.array(), src.arrayOffset() + srcIndex, to, length);
    }
    return dst.writerIndex(at + length);
  }
}
