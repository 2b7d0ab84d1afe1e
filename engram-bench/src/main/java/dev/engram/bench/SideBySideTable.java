package dev.engram.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The one table the file-system benchmark prints, in Markdown: a line per row of work, with the
 * median time of each contender side by side, the ratios of the one under test to the two it is
 * compared with, and the targets with pass or miss.
 */
final class SideBySideTable {
  private final String[] headings;
  private final List<String[]> lines = new ArrayList<>();

  /**
   * Makes an empty table.
   *
   * @param headings the columns' headings
   */
  SideBySideTable(String... headings) {
    this.headings = headings.clone();
  }

  /**
   * Adds a line, one cell per heading; shows it on standard error too.
   *
   * @param cells the cells
   */
  void add(String... cells) {
    if (cells.length != headings.length) {
      throw new IllegalArgumentException(cells.length + " cells for " + headings.length
          + " columns");
    }
    lines.add(cells.clone());
    System.err.println("  " + String.join(" | ", cells));
  }

  void print(PrintStream out) {
    out.println("| " + String.join(" | ", headings) + " |");
    out.println("|---".repeat(headings.length) + "|");
    for (String[] line : lines) {
      out.println("| " + String.join(" | ", line) + " |");
    }
  }

  /** A target's cell for the result column: {@code pass}, or {@code **miss**} in bold. */
  static String result(boolean met) {
    return met ? "pass" : "**miss**";
  }
}
