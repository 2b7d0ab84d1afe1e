package dev.engram.cli;

import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar with rate and ETA on standard error, shown only when standard error is a
 * terminal and {@code --quiet} is not given; otherwise it prints nothing. Thread-safe.
 */
final class Progress implements LongConsumer, AutoCloseable {
  private static final Progress SILENT = new Progress(null);

  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress start(Io io, boolean quiet, String task, long totalBytes) {
    if (quiet || !io.stderrIsTerminal()) {
      return SILENT;
    }
    return new Progress(new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(Math.max(1, totalBytes))
        .setUnit(" MiB", 1 << 20)
        .showSpeed()
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(200)
        .setConsumer(new ConsoleProgressBarConsumer(io.err()))
        .build());
  }

  /** Adds bytes done. */
  @Override
  public void accept(long bytes) {
    if (bar != null) {
      bar.stepBy(bytes);
    }
  }

  /** Draws the final state and stops redrawing. */
  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
