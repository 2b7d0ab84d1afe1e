package dev.engram;

import dev.engram.format.DirectoryEntry;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one policy for entry paths. A writer stores only paths that are safe to extract anywhere:
 * relative, {@code /}-separated, without {@code .} or {@code ..} components, empty components or
 * control characters, and at most 255 bytes of UTF-8. ({@code \} is turned into {@code /} first,
 * so Windows-style input works.)
 *
 * <p>Archives written elsewhere may hold paths that break these rules; readers still list them and
 * read them by their exact name.
 *
 * <p>Thread-safe (stateless).
 */
public final class ArchivePaths {
  private ArchivePaths() {}

  /**
   * Normalizes a path for writing and checks it against the policy.
   *
   * @param path the path as given
   * @return the path as it will be stored
   * @throws IllegalArgumentException naming the path and the rule it breaks
   */
  public static String normalize(String path) {
    if (path == null) {
      throw new NullPointerException("path");
    }
    String p = path.replace('\\', '/');
    if (p.isEmpty()) {
      throw invalid(path, "it is empty");
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (Character.isISOControl(c)) {
        throw invalid(path, String.format("it contains the control character U+%04X", (int) c));
      }
    }
    if (p.startsWith("/")) {
      throw invalid(path, "it is absolute");
    }
    if (p.length() >= 2 && p.charAt(1) == ':' && isAsciiLetter(p.charAt(0))) {
      throw invalid(path, "it starts with a drive letter");
    }
    for (String component : p.split("/", -1)) {
      if (component.isEmpty()) {
        throw invalid(path, "it has an empty component");
      }
      if (component.equals(".") || component.equals("..")) {
        throw invalid(path, "it has a '" + component + "' component");
      }
    }
    int bytes = utf8Length(path, p);
    if (bytes > DirectoryEntry.MAX_PATH_BYTES) {
      throw invalid(path, "it is " + bytes + " bytes in UTF-8, more than the format's "
          + DirectoryEntry.MAX_PATH_BYTES);
    }
    return p;
  }

  private static int utf8Length(String original, String p) {
    try {
      return StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(p))
          .remaining();
    } catch (CharacterCodingException e) {
      throw invalid(original, "it is not valid Unicode (unpaired surrogate)");
    }
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static IllegalArgumentException invalid(String path, String reason) {
    return new IllegalArgumentException("invalid entry path \"" + printable(path) + "\": " + reason);
  }

  private static String printable(String path) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
