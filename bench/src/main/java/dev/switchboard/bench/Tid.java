package dev.switchboard.bench;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** A 96-bit STUN transaction id as a value: the key responses are matched by. */
record Tid(long high, int low) {

  static Tid random(SplittableRandom random) {
    return new Tid(random.nextLong(), random.nextInt());
  }

  /** The transaction id of the STUN message in {@code buf} (at least 20 readable bytes). */
  static Tid of(ByteBuf buf) {
    int r = buf.readerIndex();
    return new Tid(buf.getLong(r + 8), buf.getInt(r + 16));
  }

  void write(ByteBuffer b) {
    b.putLong(high).putInt(low);
  }
}
