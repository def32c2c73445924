package dev.switchboard.bench;

/** One benchmark: runs its rounds against Switchboard and its reference, adds rows to the report. */
interface Bench {

  /** The name used with --only. */
  String name();

  /**
   * Wall seconds this benchmark needs with 3 rounds: it is skipped when fewer are left. A benchmark
   * with a part that fits itself to the deadline (the TURN peak ladder) counts only what it needs
   * before that part.
   */
  int budgetSeconds();

  void run(BenchContext ctx, Report report) throws Exception;
}
