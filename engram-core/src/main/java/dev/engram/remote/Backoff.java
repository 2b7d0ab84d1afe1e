package dev.engram.remote;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The pause before a retry: doubling from an initial pause up to a maximum, with jitter so that
 * many clients failing together do not retry together, or what the server's {@code Retry-After}
 * asks, never above the maximum. Immutable and thread-safe.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /**
   * Returns the pause before retry number {@code retry} (0 for the first).
   *
   * @param retry how many retries came before this one
   * @param retryAfter the failed answer's {@code Retry-After}, if any
   * @param now the current time, for an HTTP date
   * @param random a number in [0, 1): the jitter
   */
  Duration delay(int retry, Optional<String> retryAfter, Instant now, double random) {
    Optional<Duration> asked = retryAfter.flatMap(value -> parseRetryAfter(value, now));
    if (asked.isPresent()) {
      return asked.get().compareTo(max) > 0 ? max : asked.get();
    }
    long maxNanos = max.toNanos();
    long pause = initial.toNanos();
    for (int i = 0; i < retry && pause > 0 && pause < maxNanos; i++) {
      pause *= 2;
    }
    pause = Math.min(pause, maxNanos);
    // "equal jitter": at least half the pause, so that backing off still backs off
    return Duration.ofNanos(pause / 2 + (long) (random * (pause - pause / 2)));
  }

  /**
   * Reads a {@code Retry-After} value: a number of seconds, or an HTTP date (a date in the past
   * means no pause). Empty when it is neither.
   */
  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String trimmed = value.trim();
    if (!trimmed.isEmpty() && trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(trimmed)));
      } catch (NumberFormatException e) {
        return Optional.empty(); // more digits than a long holds
      }
    }
    try {
      Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
