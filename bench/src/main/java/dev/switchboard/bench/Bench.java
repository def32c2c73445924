package dev.switchboard.bench;

/** One benchmark: runs its rounds against Switchboard and its reference, adds rows to the report. */
interface Bench {

  /** The name used with --only. */
  String name();

  /** Rough wall seconds this benchmark takes with 3 rounds (for planning, printed up front). */
  int budgetSeconds();

  void run(BenchContext ctx, Report report) throws Exception;
}
