package dev.engram.nio;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The one place that writes and reads {@code engram:} URIs: {@code engram:} + the archive's own
 * URI + {@code !} + the absolute entry path, percent-encoded, for example {@code
 * engram:file:///data/my%20docs.eng!/guide/read%20me%21.txt}.
 *
 * <p>The entry path is encoded byte by byte in UTF-8, keeping only characters that mean nothing
 * special in a URI path, so an entry's {@code !}, {@code #}, {@code %}, {@code ?}, spaces and
 * non-ASCII letters survive the trip. An archive's URI is kept as its provider wrote it (which may
 * itself contain {@code !/}, as {@code jar:} URIs do); the separator is therefore the
 * <em>last</em> {@code !/}, which no encoded entry path contains. A URI that names only an archive
 * may leave out {@code !/} unless the archive's URI contains one.
 *
 * <p>Thread-safe (stateless).
 */
final class ArchiveUris {
  static final String SCHEME = "engram";
  private static final String SEPARATOR = "!/";
  private static final String HEX = "0123456789ABCDEF";

  private ArchiveUris() {}

  /** An {@code engram:} URI taken apart: the archive's URI and the entry path, if any. */
  record Parsed(URI archive, String entryPath) {}

  /** The URI of an absolute path (starting with {@code /}) in the archive at {@code archive}. */
  static URI entryUri(URI archive, String absolutePath) {
    StringBuilder sb = new StringBuilder(SCHEME).append(':').append(archive.toString()).append('!');
    for (byte b : absolutePath.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isKept(c)) {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
      }
    }
    try {
      return new URI(sb.toString());
    } catch (URISyntaxException e) {
      // the archive's URI was valid, and everything added is encoded
      throw new IllegalStateException("cannot form the URI of " + absolutePath, e);
    }
  }

  private static boolean isKept(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~/$&'()*+,;=:@".indexOf(c) >= 0;
  }

  /**
   * Takes an {@code engram:} URI apart.
   *
   * @throws IllegalArgumentException if the scheme is not {@code engram}, the URI has a fragment
   *     or query of its own, the archive part is not a URI, or the entry path is badly encoded
   */
  static Parsed parse(URI uri) {
    if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals(SCHEME)) {
      throw new IllegalArgumentException("not an engram: URI: " + uri);
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("an engram: URI has no fragment; encode '#' in names as"
          + " %23: " + uri);
    }
    String rest = uri.getRawSchemeSpecificPart();
    int separator = rest.lastIndexOf(SEPARATOR);
    String archivePart = separator < 0 ? rest : rest.substring(0, separator);
    String entryPart = separator < 0 ? null : rest.substring(separator + 1);
    if (archivePart.isEmpty()) {
      throw new IllegalArgumentException("the engram: URI names no archive: " + uri);
    }
    URI archive;
    try {
      archive = new URI(archivePart);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the archive part of " + uri + " is not a URI: "
          + e.getMessage(), e);
    }
    if (archive.getScheme() == null) {
      throw new IllegalArgumentException("the archive part of " + uri + " has no scheme; write"
          + " for example engram:file:///data/docs.eng");
    }
    return new Parsed(archive, entryPart == null ? null : decode(entryPart, uri));
  }

  private static String decode(String encoded, URI uri) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
        if (low < 0) {
          throw new IllegalArgumentException("bad percent escape at index " + i + " of the entry"
              + " path in " + uri);
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < encoded.length()) {
          utf8 = encoded.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.write(utf8, 0, utf8.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the entry path in " + uri + " is not UTF-8 once"
          + " decoded", e);
    }
  }
}
