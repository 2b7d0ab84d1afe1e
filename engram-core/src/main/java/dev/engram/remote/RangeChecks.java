package dev.engram.remote;

import dev.engram.source.ContentRange;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where answers to range requests are checked: {@code Content-Range}, {@code
 * Content-Length}, {@code Content-Encoding}, unexpected statuses, and the message that says the
 * archive changed. Stateless and thread-safe.
 */
final class RangeChecks {
  private static final Pattern UNSATISFIED = Pattern.compile("bytes \\*/(\\d{1,18})");

  private RangeChecks() {}

  /** An answer that is wrong in itself (not a failure that a retry could get past). */
  static final class BadAnswer extends IOException {
    BadAnswer(String message) {
      super(message);
    }
  }

  /** Reads the {@code Content-Range} of a 206 answer. */
  static ContentRange contentRange(String where, HttpHeaders headers) throws BadAnswer {
    String value = headers.firstValue("Content-Range").orElseThrow(
        () -> new BadAnswer(where + ": the server's 206 answer has no Content-Range"));
    return ContentRange.parse(value).orElseThrow(() -> new BadAnswer(where
        + ": the server sent a malformed Content-Range '" + value
        + "' (a known size is needed: bytes FIRST-LAST/SIZE)"));
  }

  /**
   * Reads the size a 416 answer gives ({@code Content-Range: bytes * /SIZE}), or empty when it
   * gives none.
   */
  static OptionalLong unsatisfiedSize(HttpHeaders headers) {
    Matcher m = UNSATISFIED.matcher(headers.firstValue("Content-Range").orElse("").trim());
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  /**
   * Checks what a body will be: not content-coded (a compressed body's ranges would not be the
   * archive's), and, when {@code Content-Length} is given, exactly the expected length.
   */
  static void checkBody(String where, HttpHeaders headers, long expectedLength)
      throws BadAnswer {
    String coding = headers.firstValue("Content-Encoding").orElse("identity").trim();
    if (!coding.isEmpty() && !coding.toLowerCase(Locale.ROOT).equals("identity")) {
      throw new BadAnswer(where + ": the server sent its answer with Content-Encoding " + coding
          + ", so its bytes are not the archive's");
    }
    OptionalLong length = headers.firstValueAsLong("Content-Length");
    if (length.isPresent() && length.getAsLong() != expectedLength) {
      throw new BadAnswer(where + ": the server announced a body of " + length.getAsLong()
          + " bytes for a range of " + expectedLength);
    }
  }

  /** The failure of an answer whose status this request does not expect. */
  static BadAnswer unexpectedStatus(String where, int status, String request) {
    return new BadAnswer(where + ": unexpected answer HTTP " + status + " to a request for "
        + request);
  }

  /** The failure of a read from an archive that was changed (replaced) at its URL. */
  static IOException changed(String where, String evidence) {
    return new IOException(where + ": the archive changed at this URL since it was opened ("
        + evidence + "); reopen it to read the new version");
  }

  /** The failure of a server that answers a range request with the whole resource. */
  static BadAnswer ignoresRanges(String where, String request, String body) {
    return new BadAnswer(where + ": the server ignores Range requests: it answered 200 with the"
        + " whole resource (" + body + ") to a request for " + request + "; reading an archive"
        + " over HTTP needs a server that serves byte ranges (or download it first)");
  }
}
