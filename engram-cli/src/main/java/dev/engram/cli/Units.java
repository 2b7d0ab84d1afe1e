package dev.engram.cli;

import java.util.Locale;

/** Sizes and ratios as people read them. */
final class Units {
  private Units() {}

  /** "512 B", "1.5 KiB", "20.0 MiB", ... */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = n;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** Stored size as a share of the content size: "37.5%", or "-" for empty content. */
  static String ratio(long stored, long size) {
    return size == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * stored / size);
  }
}
