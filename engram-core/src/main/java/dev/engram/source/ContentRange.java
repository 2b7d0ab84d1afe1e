package dev.engram.source;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a resource that an answer to a range request carries, as its {@code Content-Range}
 * says: bytes {@code first} to {@code last} (inclusive) of a resource of {@code total} bytes. The
 * one parser of that header for the sources that read over HTTP ({@code http:}, {@code https:})
 * and through the S3 API ({@code s3:}, module {@code engram-s3}). Immutable and thread-safe.
 *
 * @param first the first byte's position, from 0
 * @param last the last byte's position, at least {@code first}
 * @param total the resource's size, more than {@code last}
 */
public record ContentRange(long first, long last, long total) {
  private static final Pattern SATISFIED =
      Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})");

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException unless {@code 0 <= first <= last < total}
   */
  public ContentRange {
    if (first < 0 || first > last || last >= total) {
      throw new IllegalArgumentException("not a range of a resource: bytes " + first + "-" + last
          + "/" + total);
    }
  }

  /**
   * Reads a {@code Content-Range} value of the form {@code bytes FIRST-LAST/SIZE} (surrounding
   * white space ignored). A value of any other form, such as one without a known size ({@code
   * bytes 0-99/*}), one for an unsatisfiable range ({@code bytes * /SIZE}) or one whose numbers
   * do not make a range of the resource, gives nothing.
   *
   * @param value the header's value
   * @return the range, or empty when the value is not one
   */
  public static Optional<ContentRange> parse(String value) {
    Matcher m = SATISFIED.matcher(value.trim());
    if (m.matches()) {
      long first = Long.parseLong(m.group(1));
      long last = Long.parseLong(m.group(2));
      long total = Long.parseLong(m.group(3));
      if (first <= last && last < total) {
        return Optional.of(new ContentRange(first, last, total));
      }
    }
    return Optional.empty();
  }

  /**
   * Returns how many bytes the range holds.
   *
   * @return {@code last - first + 1}
   */
  public long length() {
    return last - first + 1;
  }

  /**
   * Returns the range as the header writes it.
   *
   * @return {@code bytes FIRST-LAST/TOTAL}
   */
  @Override
  public String toString() {
    return "bytes " + first + "-" + last + "/" + total;
  }
}
