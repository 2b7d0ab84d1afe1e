package dev.engram.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one table a run prints, in Markdown: one line per contender (or per comparison between
 * contenders), with its speed or latency, output size, ratio against a baseline measured in the
 * same run, and the target with pass or miss where there is one.
 */
final class ResultTable {
  private static final String[] HEADINGS =
      {"row", "contender", "speed / latency", "size", "ratio", "target", "result"};

  private final List<Line> lines = new ArrayList<>();

  /**
   * Adds a line.
   *
   * @param row the row label, e.g. {@code 1 pack}
   * @param contender what was measured
   * @param measure the speed or latency, formatted (see {@link #mbPerSecond} and friends)
   * @return the line, for its optional columns
   */
  Line add(String row, String contender, String measure) {
    Line line = new Line(row, contender, measure);
    lines.add(line);
    System.err.println("  " + line);
    return line;
  }

  void print(PrintStream out) {
    out.println("| " + String.join(" | ", HEADINGS) + " |");
    out.println("|---".repeat(HEADINGS.length) + "|");
    for (Line line : lines) {
      out.println("| " + String.join(" | ", line.cells()) + " |");
    }
  }

  static String mbPerSecond(long bytes, double seconds) {
    return String.format(Locale.ROOT, "%,.0f MB/s", bytes / seconds / 1e6);
  }

  static String millis(double seconds) {
    return String.format(Locale.ROOT, "%,.2f ms", seconds * 1e3);
  }

  static String micros(double seconds) {
    return String.format(Locale.ROOT, "%,.1f us", seconds * 1e6);
  }

  static String ratio(double value) {
    return String.format(Locale.ROOT, value < 0.01 ? "%.5fx" : "%.2fx", value);
  }

  /** One line of the table; the columns after the measure are optional. */
  static final class Line {
    private final String row;
    private final String contender;
    private final String measure;
    private String size = "";
    private String ratio = "";
    private String target = "";
    private String result = "";

    private Line(String row, String contender, String measure) {
      this.row = row;
      this.contender = contender;
      this.measure = measure;
    }

    /** Sets the size column to a byte count in MB (10^6 bytes). */
    Line size(long bytes) {
      this.size = String.format(Locale.ROOT, "%,.1f MB", bytes / 1e6);
      return this;
    }

    /** Sets the size column to free text (e.g. bytes per entry). */
    Line size(String text) {
      this.size = text;
      return this;
    }

    /** Sets the ratio column: {@code value} times {@code against}. */
    Line ratio(double value, String against) {
      this.ratio = ResultTable.ratio(value) + " " + against;
      return this;
    }

    /** Sets the target column and whether this run met it. */
    Line target(String text, boolean met) {
      this.target = text;
      this.result = met ? "pass" : "**miss**";
      return this;
    }

    private String[] cells() {
      return new String[] {row, contender, measure, size, ratio, target, result};
    }

    @Override
    public String toString() {
      return String.join(" | ", cells());
    }
  }
}
