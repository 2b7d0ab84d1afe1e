package dev.engram.nio;

import java.util.regex.PatternSyntaxException;

/**
 * Translates the glob of {@code getPathMatcher("glob:...")} into a {@link java.util.regex.Pattern}
 * regex over a path's string form, as the JDK's default file system does on Unix (see {@link
 * java.nio.file.FileSystem#getPathMatcher}). A glob must select the same entries in an archive as
 * on disk, so this follows the JDK to the letter, quirks included, and emits the regex the JDK
 * emits: a glob the JDK leaves to {@code Pattern} to reject ({@code "[]"}, {@code "[!]"}) fails
 * here too, with the same message, when the regex is compiled. Stateless.
 */
final class Globs {
  /** Characters a regex reads specially (where a glob does not): escaped to stay literal. */
  private static final String REGEX_META = ".^$+{[]|()";

  /** Characters a glob escapes that would be special in the regex if left bare. */
  private static final String GLOB_META = "\\*?[{";

  /**
   * What {@link #at} reads past the glob's end. The JDK reads a NUL character in the glob as the
   * end too, which shows only where a range's end is expected: {@code "[a-\0]"} is missing its
   * {@code ']'}.
   */
  private static final char END = '\0';

  private Globs() {}

  /**
   * Returns the regex a path (as its {@code toString()}) must match, entirely, to match the glob.
   *
   * @param glob the glob, without the {@code "glob:"} prefix
   * @return the regex, anchored with {@code ^} and {@code $}
   * @throws PatternSyntaxException if the glob ends in a lone {@code \}, a bracket expression or
   *     group is not closed, a group is nested, a range is reversed or has no start, or a bracket
   *     expression names {@code /}; the index is where the JDK puts it
   */
  static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder(glob.length() * 2 + 2).append('^');
    boolean inGroup = false;
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      switch (c) {
        case '\\' -> i = escaped(glob, i, regex);
        case '[' -> i = bracketExpression(glob, i, regex);
        case '{' -> {
          if (inGroup) {
            throw error("Cannot nest groups", glob, i);
          }
          regex.append("(?:(?:");
          inGroup = true;
          i++;
        }
        // outside a group, '}' and ',' are ordinary characters (and literal in a regex as they are)
        case '}' -> {
          regex.append(inGroup ? "))" : "}");
          inGroup = false;
          i++;
        }
        case ',' -> {
          regex.append(inGroup ? ")|(?:" : ",");
          i++;
        }
        case '*' -> {
          boolean crossesNames = at(glob, i + 1) == '*';
          regex.append(crossesNames ? ".*" : "[^/]*");
          i += crossesNames ? 2 : 1;
        }
        case '?' -> {
          regex.append("[^/]");
          i++;
        }
        default -> {
          literal(c, regex);
          i++;
        }
      }
    }
    if (inGroup) {
      throw error("Missing '}", glob, glob.length() - 1);
    }
    return regex.append('$').toString();
  }

  /** Appends the character after the backslash at {@code backslash}; returns the index after. */
  private static int escaped(String glob, int backslash, StringBuilder regex) {
    if (backslash + 1 == glob.length()) {
      throw error("No character to escape", glob, backslash);
    }
    char c = glob.charAt(backslash + 1);
    // others go in bare: in a regex, "\d" is a digit and "\a" a BEL; ',' and '}' are literal
    if (GLOB_META.indexOf(c) >= 0 || REGEX_META.indexOf(c) >= 0) {
      regex.append('\\');
    }
    regex.append(c);
    return backslash + 2;
  }

  /**
   * Appends the bracket expression opening at {@code open} as a regex class; returns the index
   * after its {@code ']'}. The class is intersected with {@code [^/]}: a bracket expression matches
   * one character within a name, even through a range such as {@code [.-/]}.
   */
  private static int bracketExpression(String glob, int open, StringBuilder regex) {
    regex.append("[[^/]&&[");
    int i = open + 1;
    // '!' negates; a leading '^' is a member (escaped, or the regex would negate)
    if (at(glob, i) == '^') {
      regex.append("\\^");
      i++;
    } else {
      if (at(glob, i) == '!') {
        regex.append('^');
        i++;
      }
      if (at(glob, i) == '-') {
        regex.append('-');
        i++;
      }
    }
    // the character a following '-' ranges from; none at the start (after a '^' too), or just
    // after a range
    int rangeStart = -1;
    // a ']' always closes, even first ("[]" is then an empty class, which Pattern rejects)
    while (i < glob.length()) {
      char c = glob.charAt(i);
      if (c == ']') {
        regex.append("]]");
        return i + 1;
      }
      if (c == '/') {
        throw error("Explicit 'name separator' in class", glob, i);
      }
      if (c != '-') {
        // escapes what the regex class would read as nested class, escape or intersection
        if (c == '\\' || c == '[' || c == '&' && at(glob, i + 1) == '&') {
          regex.append('\\');
        }
        regex.append(c);
        rangeStart = c;
        i++;
        continue;
      }
      if (rangeStart < 0) {
        throw error("Invalid range", glob, i);
      }
      regex.append('-');
      char end = at(glob, i + 1);
      if (end == END) {
        throw error("Missing ']", glob, i + 1);
      }
      if (end == ']') {
        // a trailing '-' is a member
        regex.append("]]");
        return i + 2;
      }
      if (end < rangeStart) {
        throw error("Invalid range", glob, i - 1);
      }
      // the JDK neither checks nor escapes a range's end: "[.-/]" is allowed, "[A-\]" makes a
      // regex Pattern rejects
      regex.append(end);
      rangeStart = -1;
      i += 2;
    }
    throw error("Missing ']", glob, glob.length() - 1);
  }

  private static void literal(char c, StringBuilder regex) {
    if (REGEX_META.indexOf(c) >= 0) {
      regex.append('\\');
    }
    regex.append(c);
  }

  private static char at(String glob, int i) {
    return i < glob.length() ? glob.charAt(i) : END;
  }

  // The JDK's descriptions, typos included: callers may show them, and tests compare them.
  private static PatternSyntaxException error(String description, String glob, int index) {
    return new PatternSyntaxException(description, glob, index);
  }
}
