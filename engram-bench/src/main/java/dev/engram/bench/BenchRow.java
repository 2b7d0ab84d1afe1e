package dev.engram.bench;

/** One row of the benchmark (issue 8): measures its contenders and adds their lines. */
interface BenchRow {
  void run(ResultTable table) throws Exception;
}
