package dev.switchboard.bench;

/** An interval of System.nanoTime, both ends included. */
record Span(long from, long to) {

  boolean contains(long nanoTime) {
    return nanoTime >= from && nanoTime <= to;
  }
}
