package dev.switchboard.turn;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The relay ports not in use, drawn at random (RFC 8656 §7.2 recommends unpredictable relay ports).
 * Thread-safe; only the Allocate and expiry paths touch it, never the relay fast path.
 */
final class RelayPortPool {

  private final int minPort;
  private final int[] free;
  private final int[] indexOf; // port - minPort -> index in free, or -1 when taken
  private int freeCount;

  RelayPortPool(int minPort, int maxPort) {
    this.minPort = minPort;
    int size = maxPort - minPort + 1;
    free = new int[size];
    indexOf = new int[size];
    for (int i = 0; i < size; i++) {
      free[i] = minPort + i;
      indexOf[i] = i;
    }
    freeCount = size;
  }

  /** A random free port, now taken, or -1 when none is left. */
  synchronized int acquire() {
    if (freeCount == 0) {
      return -1;
    }
    int port = free[ThreadLocalRandom.current().nextInt(freeCount)];
    take(port);
    return port;
  }

  /** A random free even port whose successor is also free; both are taken. -1 when none found. */
  synchronized int acquireEvenPair() {
    for (int attempt = 0; attempt < 64 && freeCount > 1; attempt++) {
      int port = free[ThreadLocalRandom.current().nextInt(freeCount)] & ~1;
      if (isFree(port) && isFree(port + 1)) {
        take(port);
        take(port + 1);
        return port;
      }
    }
    for (int i = 0; i < freeCount; i++) {
      int port = free[i];
      if ((port & 1) == 0 && isFree(port + 1)) {
        take(port);
        take(port + 1);
        return port;
      }
    }
    return -1;
  }

  synchronized void release(int port) {
    int slot = port - minPort;
    if (slot < 0 || slot >= indexOf.length || indexOf[slot] >= 0) {
      return;
    }
    free[freeCount] = port;
    indexOf[slot] = freeCount;
    freeCount++;
  }

  synchronized int freeCount() {
    return freeCount;
  }

  int size() {
    return free.length;
  }

  synchronized boolean isFree(int port) {
    int slot = port - minPort;
    return slot >= 0 && slot < indexOf.length && indexOf[slot] >= 0;
  }

  private void take(int port) {
    int slot = port - minPort;
    int index = indexOf[slot];
    int last = free[freeCount - 1];
    free[index] = last;
    indexOf[last - minPort] = index;
    indexOf[slot] = -1;
    freeCount--;
  }
}
