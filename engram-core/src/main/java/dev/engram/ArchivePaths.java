package dev.engram;

import dev.engram.format.DirectoryEntry;
import java.util.Optional;

/**
 * The one policy for entry paths. A writer stores only paths that are safe to extract anywhere:
 * relative, {@code /}-separated, without {@code .} or {@code ..} components, empty components or
 * control characters, and at most 255 bytes of UTF-8. ({@code \} is turned into {@code /} first,
 * so Windows-style input works.)
 *
 * <p>Archives written elsewhere may hold paths that break these rules; readers still list them and
 * read them by their exact name, and extraction refuses them with an {@link
 * UnsafeEntryPathException} instead of writing outside its destination.
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
    String p = slashed(path);
    String reason = violationOf(p);
    if (reason != null) {
      throw new IllegalArgumentException(describe(path, reason));
    }
    return p;
  }

  /**
   * Turns a stored entry path into the relative path extraction writes, refusing any that could
   * leave the destination or that the writer's policy forbids.
   *
   * @param path an entry path as stored, possibly written by another tool
   * @return the path with {@code \} as {@code /}
   * @throws UnsafeEntryPathException naming the path and the rule it breaks
   */
  static String forExtraction(String path) throws UnsafeEntryPathException {
    return forExtraction(path, java.io.File.separatorChar == '\\');
  }

  /**
   * Says why a stored entry path breaks the policy, reading {@code \} as {@code /} as extraction
   * does. (Windows' extra rules for file names are not applied: they concern files written on
   * Windows, not names.) The {@code engram:} file system hides the entries this refuses.
   *
   * @param path an entry path as stored, possibly written by another tool
   * @return the rule it breaks, or empty if the path is safe
   */
  public static Optional<String> violation(String path) {
    return Optional.ofNullable(violationOf(slashed(path)));
  }

  /** {@link #forExtraction(String)}, with Windows' extra rules when {@code windows} is set. */
  static String forExtraction(String path, boolean windows) throws UnsafeEntryPathException {
    String p = slashed(path);
    String reason = violationOf(p);
    if (reason == null && windows) {
      reason = windowsViolation(p);
    }
    if (reason != null) {
      throw new UnsafeEntryPathException(path,
          "entry \"" + printable(path) + "\" is not extracted: " + reason);
    }
    return p;
  }

  /** The path with {@code \\} as {@code /}; the vectorised indexOf finds most have none. */
  private static String slashed(String path) {
    return path.indexOf('\\') < 0 ? path : path.replace('\\', '/');
  }

  /** Returns why a {@code /}-separated path breaks the policy, or null if it does not. */
  private static String violationOf(String p) {
    if (isPlainlySafe(p)) {
      return null;
    }
    if (p.isEmpty()) {
      return "it is empty";
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (Character.isISOControl(c)) {
        return String.format("it contains the control character U+%04X", (int) c);
      }
    }
    if (p.startsWith("/")) {
      return "it is absolute";
    }
    if (p.length() >= 2 && p.charAt(1) == ':' && isAsciiLetter(p.charAt(0))) {
      return "it starts with a drive letter";
    }
    // components scanned in place: a file system built over a million names checks them all
    for (int start = 0; start <= p.length(); ) {
      int end = p.indexOf('/', start);
      if (end < 0) {
        end = p.length();
      }
      int length = end - start;
      if (length == 0) {
        return "it has an empty component";
      }
      if (p.charAt(start) == '.' && (length == 1 || (length == 2 && p.charAt(start + 1) == '.'))) {
        return "it has a '" + p.substring(start, end) + "' component";
      }
      start = end + 1;
    }
    int bytes = utf8Length(p);
    if (bytes < 0) {
      return "it is not valid Unicode (unpaired surrogate)";
    }
    if (bytes > DirectoryEntry.MAX_PATH_BYTES) {
      return "it is " + bytes + " bytes in UTF-8, more than the format's "
          + DirectoryEntry.MAX_PATH_BYTES;
    }
    return null;
  }

  /**
   * One pass that accepts the usual path (printable characters without surrogates, names that are
   * neither empty nor {@code .} nor {@code ..}, no drive letter, short enough) at a few
   * nanoseconds a character; anything else takes the checks that say what is wrong. A file
   * system opened over a million entries checks them all.
   */
  private static boolean isPlainlySafe(String p) {
    int n = p.length();
    if (n == 0 || n > DirectoryEntry.MAX_PATH_BYTES || (n >= 2 && p.charAt(1) == ':')) {
      return false; // (a path of more than 255 chars has more than 255 UTF-8 bytes)
    }
    int bytes = 0;
    int nameStart = 0;
    for (int i = 0; i <= n; i++) {
      char c = i < n ? p.charAt(i) : '/';
      if (c == '/') {
        int length = i - nameStart;
        if (length == 0 || (p.charAt(nameStart) == '.'
            && (length == 1 || (length == 2 && p.charAt(nameStart + 1) == '.')))) {
          return false;
        }
        nameStart = i + 1;
      } else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.isSurrogate(c)) {
        return false;
      }
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    return bytes - 1 <= DirectoryEntry.MAX_PATH_BYTES; // the loop counted one '/' past the end
  }

  /**
   * Names that are harmless elsewhere but not on Windows: a {@code :} selects an NTFS alternate
   * data stream, device names open devices whatever their extension, and trailing dots and
   * spaces are silently dropped, so two entries could land on one file.
   */
  private static String windowsViolation(String p) {
    for (String component : p.split("/")) {
      for (int i = 0; i < component.length(); i++) {
        if ("<>:\"|?*".indexOf(component.charAt(i)) >= 0) {
          return "on Windows, '" + component.charAt(i) + "' is not allowed in a file name";
        }
      }
      char last = component.charAt(component.length() - 1);
      if (last == '.' || last == ' ') {
        return "on Windows, a file name cannot end with a dot or a space";
      }
      int dot = component.indexOf('.');
      String stem = (dot < 0 ? component : component.substring(0, dot)).trim()
          .toUpperCase(java.util.Locale.ROOT);
      if (WINDOWS_DEVICES.contains(stem)) {
        return "on Windows, '" + component + "' names the device " + stem;
      }
    }
    return null;
  }

  private static final java.util.Set<String> WINDOWS_DEVICES = java.util.Set.of("CON", "PRN",
      "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
      "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "CONIN$",
      "CONOUT$");

  /** UTF-8 length, or -1 if the string holds an unpaired surrogate. */
  private static int utf8Length(String p) {
    int bytes = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (!Character.isSurrogate(c)) {
        bytes += 3;
      } else if (Character.isHighSurrogate(c) && i + 1 < p.length()
          && Character.isLowSurrogate(p.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        return -1;
      }
    }
    return bytes;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static String describe(String path, String reason) {
    return "invalid entry path \"" + printable(path) + "\": " + reason;
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
