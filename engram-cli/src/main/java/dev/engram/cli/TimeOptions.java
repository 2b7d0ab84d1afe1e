package dev.engram.cli;

import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --reproducible}, for every command that records times: with {@link SourceDate}. */
final class TimeOptions {
  @Option(names = "--reproducible",
      description = "Record no time later than SOURCE_DATE_EPOCH, or 1970 when it is unset.")
  boolean reproducible;

  /** The time no recorded time may pass, or empty for none. */
  Optional<Instant> fixedTime(Io io) {
    return SourceDate.of(io, reproducible);
  }
}
