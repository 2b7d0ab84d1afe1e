package dev.engram.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Globs against their specification: the JDK's default file system on Unix, asked the same
 * question. Every comparison passes a path through {@code Path.of}, as a path matcher's caller
 * would, and matches our regex against the path's normalized string ({@code "a//b/"} is {@code
 * "a/b"}).
 */
@DisabledOnOs(value = OS.WINDOWS,
    disabledReason = "the default file system there reads globs the Windows way")
class GlobsTest {
  /** Globs for the cross-product with {@link #PATHS}: each rule, its edges, and the JDK's quirks. */
  private static final List<String> GLOBS = List.of(
      "", "a", "a/b", "/a", "*", "*.txt", "*/*", "a*b", "**", "**/x", "a/**", "***", "*/**",
      "?", "??", "a?b", "?/?", "[ab]", "[!ab]", "[a-c]", "[!a-c]", "[-a]", "[a-]", "[!-]",
      "[!-a]", "[^a]", "[^]", "[.-/]", "[ -.]", "[*]", "[?]", "[{]", "[}]", "[,]", "[\\]",
      "[[]", "[a[]", "[&]", "[&&]", "[a&&b]", "[!!]", "[a!]", "{a,b}", "{a,b}/c", "{,a}", "{}",
      "{a}", "{*.txt,b?}", "{[ab],x}", "}", ",", "a,b", "a}", "\\*", "\\?", "\\[a]", "\\{a,b}",
      "\\\\", "\\a", "\\,", "\\}", "\\/", "{a\\,b,c}", ".", "..", "*.", "a.b", "(a)", "a+",
      "$a", "^a", "a|b", "a$", "[]", "[!]", "[]a]", "[A-\\]", "[a-z]*", "x/*/y", "*/", "a/");

  /** Paths with each character a glob treats specially, as literal names. */
  private static final List<String> PATHS = List.of(
      "", "a", "b", "c", "x", "ab", "aab", "a.b", "a/b", "/a", "/", "a/b/c", "a/x/b", "x/a/y",
      "x/ab/y", ".", "..", "a.", "a.txt", "b.txt", "d/a.txt", "-", "!", "^", "*", "?", "[", "]",
      "{", "}", ",", "\\", "&", "$a", "^a", "a|b", "a$", "(a)", "a+", "aa", "a,b", "a}", "a]",
      "[a]", "{a,b}", "{a,b}/c", "a,b/c", "b/c", " ", "a b", "a//b", "a/", "a/b/", "b?", "bx",
      "ä", "日本/語.txt");

  private static final String GLOB_ALPHABET = "ab./*?[]!{},-\\^x&";

  /** Mostly letters and separators, so that globs match often; the rest as literal names. */
  private static final String PATH_ALPHABET = "aaabbbxx..///*?[]!{},-\\^&";

  private static final long SEED = 0x6c0b5L;

  @Test
  void starMatchesWithinOneName() {
    assertVerdict(true, "*.txt", "a.txt");
    assertVerdict(true, "*.txt", ".txt");
    assertVerdict(false, "*.txt", "d/a.txt");
    assertVerdict(true, "*/*", "d/a.txt");
    assertVerdict(false, "*", "/");
  }

  @Test
  void doubleStarCrossesNames() {
    assertVerdict(true, "**", "a/b/c");
    assertVerdict(true, "**/x", "a/b/x");
    assertVerdict(false, "**/x", "x");
    assertVerdict(true, "a/**", "a/b");
    assertVerdict(true, "**", "");
  }

  @Test
  void questionMarkMatchesOneCharacterButNotASeparator() {
    assertVerdict(true, "a?b", "axb");
    assertVerdict(false, "a?b", "ab");
    assertVerdict(false, "a?b", "a/b");
    assertVerdict(true, "?", "\uD83D\uDE00"); // one code point, two chars
  }

  @Test
  void bracketsMatchOneMemberNegatedByBangNotCaret() {
    assertVerdict(true, "[a-c]", "b");
    assertVerdict(false, "[!a-c]", "b");
    assertVerdict(true, "[!a-c]", "x");
    assertVerdict(true, "[^a]", "^");
    assertVerdict(false, "[^a]", "b");
    assertVerdict(true, "[-a]", "-");
    assertVerdict(true, "[a-]", "-");
    assertVerdict(true, "[*?{]", "?");
    assertVerdict(true, "[[]", "[");
    assertVerdict(true, "[a&&b]", "&");
    assertVerdict(true, "[\\]", "\\");
  }

  @Test
  void bracketsNeverMatchTheSeparatorEvenThroughARange() {
    assertVerdict(true, "[.-/]", ".");
    assertVerdict(false, "[.-/]", "/");
    assertVerdict(false, "[!a]", "/");
    assertVerdict(false, "a[!b]c", "a/c");
  }

  @Test
  void groupsMatchAnyAlternativeAndAreOrdinaryCharactersOutside() {
    assertVerdict(true, "{a,b}/c", "b/c");
    assertVerdict(true, "{*.txt,b?}", "bx");
    assertVerdict(true, "{,a}", "");
    assertVerdict(true, "{}", "");
    assertVerdict(true, "a,b", "a,b");
    assertVerdict(true, "a}", "a}");
    assertVerdict(true, "{a\\,b,c}", "a,b");
  }

  @Test
  void backslashMakesTheNextCharacterLiteral() {
    assertVerdict(true, "\\*", "*");
    assertVerdict(false, "\\*", "a");
    assertVerdict(true, "\\[a]", "[a]");
    assertVerdict(true, "\\{a,b}", "{a,b}");
    assertVerdict(true, "\\\\", "\\");
    assertVerdict(true, "\\a\\d", "ad");
  }

  @Test
  void regexMetacharactersAreLiteral() {
    assertVerdict(true, "a.b(c)+$^|d", "a.b(c)+$^|d");
    assertVerdict(false, "a.b", "axb");
    assertVerdict(false, "(a)", "a");
    assertVerdict(false, "a+", "aa");
    assertVerdict(false, "a|b", "a");
    assertVerdict(false, "^a", "a");
    assertVerdict(true, "$", "$");
    assertVerdict(false, "a$", "a");
    assertVerdict(true, "[.(+$|)]", "|");
    assertVerdict(false, "[.]", "a");
  }

  @Test
  void unicodeIsLiteral() {
    // not through assertVerdict: Path.of rejects these where the platform charset cannot encode
    // them, but our regex must hold everywhere
    assertTrue(ourVerdict("日本/*.txt", "日本/語.txt"));
    assertTrue(ourVerdict("é?", "éa"));
    assertTrue(ourVerdict("[äö]", "ö"));
    assertTrue(ourVerdict("[α-ω]", "λ"));
    assertTrue(ourVerdict("\\ü", "ü"));
    assertTrue(ourVerdict("[\uD83D\uDE00]", "\uD83D\uDE00"));
    assertFalse(ourVerdict("é", "e"));
    assertFalse(ourVerdict("é", "e\u0301")); // no normalization: a decomposed é is another name
    Tally tally = new Tally();
    for (String glob : List.of("日本/*.txt", "é?", "[äö]", "[α-ω]", "\\ü", "[\uD83D\uDE00]", "é")) {
      tally.compare(glob, List.of("日本/語.txt", "éa", "ö", "λ", "ü", "\uD83D\uDE00", "e", "é"));
    }
    tally.assertNoMismatch();
  }

  @Test
  void badGlobsFailWhereTheJdkSays() {
    assertRejected("\\", "No character to escape", 0);
    assertRejected("a\\", "No character to escape", 1);
    assertRejected("[", "Missing ']", 0);
    assertRejected("[ab", "Missing ']", 2);
    assertRejected("[!", "Missing ']", 1);
    assertRejected("[a-", "Missing ']", 3); // past the end
    assertRejected("[a-\0]", "Missing ']", 3); // the JDK reads a NUL as the end
    assertRejected("{a", "Missing '}", 1);
    assertRejected("{a,{b}}", "Cannot nest groups", 3);
    assertRejected("[a/b]", "Explicit 'name separator' in class", 2);
    assertRejected("[b-a]", "Invalid range", 1);
    assertRejected("[a-c-e]", "Invalid range", 4);
    assertRejected("[--]", "Invalid range", 2);
    assertRejected("[^-a]", "Invalid range", 2); // '^' first is a member, but starts no range
  }

  @Test
  void globsTheJdkLeavesToPatternFailTheSameWayThere() {
    for (String glob : List.of("[]", "[!]", "[]a]", "[A-\\]")) {
      String regex = Globs.toRegex(glob);
      PatternSyntaxException jdk = assertThrows(PatternSyntaxException.class,
          () -> FileSystems.getDefault().getPathMatcher("glob:" + glob));
      PatternSyntaxException ours = assertThrows(PatternSyntaxException.class,
          () -> Pattern.compile(regex));
      assertEquals(jdk.getMessage(), ours.getMessage(), glob);
    }
  }

  @Test
  void handPickedGlobsMatchHandPickedPathsAsTheJdkDoes() {
    Tally tally = new Tally();
    for (String glob : GLOBS) {
      tally.compare(glob, PATHS);
    }
    tally.assertNoMismatch();
    assertTrue(tally.matches > 100 && tally.invalidGlobs >= 4, tally.toString());
  }

  @Test
  void randomGlobsMatchRandomPathsAsTheJdkDoes() {
    Random random = new Random(SEED);
    Tally tally = new Tally();
    for (int n = 0; n < 20_000; n++) {
      String glob = randomString(random, GLOB_ALPHABET, 8);
      // random paths rarely match, so also the glob itself and variants of it, which often do
      Set<String> paths = new LinkedHashSet<>();
      paths.add(glob);
      for (int k = 0; k < 4; k++) {
        paths.add(mutated(random, glob));
      }
      for (int k = 0; k < 8; k++) {
        paths.add(randomString(random, PATH_ALPHABET, 7));
      }
      tally.compare(glob, paths);
    }
    tally.assertNoMismatch();
    // the generator must keep exercising both verdicts and the failures
    assertTrue(tally.matches > tally.pairs / 20 && tally.invalidGlobs > 1_000, tally.toString());
  }

  private static String randomString(Random random, String alphabet, int maxLength) {
    StringBuilder s = new StringBuilder();
    for (int length = random.nextInt(maxLength + 1); s.length() < length; ) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  /** The string with about a third of its characters replaced, removed or doubled. */
  private static String mutated(Random random, String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (random.nextInt(9)) {
        case 0 -> out.append(PATH_ALPHABET.charAt(random.nextInt(PATH_ALPHABET.length())));
        case 1 -> { }
        case 2 -> out.append(c).append(c);
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Asserts the JDK's verdict (so that the expectation is right) and ours. */
  private static void assertVerdict(boolean expected, String glob, String path) {
    assertEquals(expected, jdkMatcher(glob).matches(Path.of(path)),
        () -> "JDK: " + glob + " " + path);
    assertEquals(expected, ourVerdict(glob, Path.of(path).toString()), () -> glob + " " + path);
  }

  private static boolean ourVerdict(String glob, String path) {
    return Pattern.compile(Globs.toRegex(glob)).matcher(path).matches();
  }

  private static void assertRejected(String glob, String description, int index) {
    PatternSyntaxException jdk = assertThrows(PatternSyntaxException.class, () -> jdkMatcher(glob));
    PatternSyntaxException ours = assertThrows(PatternSyntaxException.class,
        () -> Globs.toRegex(glob));
    assertEquals(description, jdk.getDescription(), "JDK");
    assertEquals(index, jdk.getIndex(), "JDK");
    assertEquals(jdk.getMessage(), ours.getMessage());
  }

  private static PathMatcher jdkMatcher(String glob) {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  /** Comparisons with the JDK so far: how many, with what verdicts, and what differed. */
  private static final class Tally {
    int pairs;
    int matches;
    int invalidGlobs;
    int skippedPaths;
    final List<String> mismatches = new ArrayList<>();

    /**
     * Compares each path's verdict, or, when either side rejects the glob, the failure: the same
     * message (description, glob or regex, index) whether the translation or the regex failed.
     */
    void compare(String glob, Iterable<String> paths) {
      PathMatcher jdk;
      Pattern ours;
      String jdkFailure = null;
      String ourFailure = null;
      try {
        jdk = jdkMatcher(glob);
      } catch (PatternSyntaxException e) {
        jdk = null;
        jdkFailure = e.getMessage();
      }
      try {
        ours = Pattern.compile(Globs.toRegex(glob));
      } catch (PatternSyntaxException e) {
        ours = null;
        ourFailure = e.getMessage();
      }
      if (jdk == null || ours == null) {
        invalidGlobs++;
        if (jdkFailure == null || !jdkFailure.equals(ourFailure)) {
          mismatches.add(show(glob) + ": JDK " + jdkFailure + ", ours " + ourFailure);
        }
        return;
      }
      for (String p : paths) {
        Path path;
        try {
          path = Path.of(p);
        } catch (InvalidPathException e) {
          skippedPaths++;
          continue;
        }
        boolean expected = jdk.matches(path);
        pairs++;
        matches += expected ? 1 : 0;
        if (ours.matcher(path.toString()).matches() != expected) {
          mismatches.add(show(glob) + " on " + show(path.toString()) + ": JDK " + expected);
        }
      }
    }

    void assertNoMismatch() {
      assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())),
          mismatches.size() + " mismatches in " + this);
    }

    private static String show(String s) {
      return "\"" + s.replace("\0", "\\0") + "\"";
    }

    @Override
    public String toString() {
      return pairs + " pairs (" + matches + " matching), " + invalidGlobs + " invalid globs, "
          + skippedPaths + " paths Path.of rejects";
    }
  }
}
