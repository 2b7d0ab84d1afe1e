package dev.engram.cli;

import java.time.Instant;
import java.util.Optional;

/**
 * The fixed time of a reproducible run: {@code SOURCE_DATE_EPOCH} (seconds since 1970, the
 * reproducible-builds convention) when set, else the Unix epoch under {@code --reproducible}.
 */
final class SourceDate {
  static final String VARIABLE = "SOURCE_DATE_EPOCH";

  private SourceDate() {}

  /**
   * Returns the time to cap recorded times at, or empty for none.
   *
   * @throws CliException (usage) if {@code SOURCE_DATE_EPOCH} is not a number of seconds
   */
  static Optional<Instant> of(Io io, boolean reproducible) {
    String value = io.env().get(VARIABLE);
    if (value != null && !value.isBlank()) {
      try {
        long seconds = Long.parseLong(value.strip());
        if (seconds >= 0 && seconds <= Instant.MAX.getEpochSecond()) {
          return Optional.of(Instant.ofEpochSecond(seconds));
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new CliException(ExitCodes.USAGE, VARIABLE + " must be a number of seconds since"
          + " 1970, not '" + value + "'");
    }
    return reproducible ? Optional.of(Instant.EPOCH) : Optional.empty();
  }

  /** The time to record now: the fixed time if any, else the clock's. */
  static Instant now(Io io, boolean reproducible) {
    return of(io, reproducible).orElseGet(Instant::now);
  }
}
