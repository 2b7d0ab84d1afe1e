package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The path policy's extraction rules, including Windows' own, testable on any system. */
class ArchivePathsTest {
  @ParameterizedTest
  @ValueSource(strings = {"docs/readme.md", "2024-01-01T10:00.log", "a b/c", "CONFIG/con.d/x",
      "ünïcödé/日本語.txt", "dir\\file.txt"})
  void everyDaySafeNamesExtractOnLinux(String name) throws UnsafeEntryPathException {
    assertEquals(name.replace('\\', '/'), ArchivePaths.forExtraction(name, false));
  }

  static Stream<Arguments> namesWindowsWouldMisreadAreRefusedThere() {
    return Stream.of(
        Arguments.of("data/stream.txt:hidden", "':' is not allowed"),
        Arguments.of("2024-01-01T10:00.log", "':' is not allowed"),
        Arguments.of("dir/CON", "names the device CON"),
        Arguments.of("dir/nul.txt", "names the device NUL"),
        Arguments.of("CONFIG/con.d/x", "names the device CON"),
        Arguments.of("Com1.log", "names the device COM1"),
        Arguments.of("trailing./x", "cannot end with a dot or a space"),
        Arguments.of("space ", "cannot end with a dot or a space"),
        Arguments.of("what?.txt", "'?' is not allowed"));
  }

  @ParameterizedTest
  @MethodSource
  void namesWindowsWouldMisreadAreRefusedThere(String name, String reason) {
    assertEquals(name.replace('\\', '/'), assertDoesNotThrowOnLinux(name));
    UnsafeEntryPathException e = assertThrows(UnsafeEntryPathException.class,
        () -> ArchivePaths.forExtraction(name, true));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertEquals(name, e.entry());
  }

  @ParameterizedTest
  @ValueSource(strings = {"configure/x", "docs/readme.md", "console.log", "COM10.txt"})
  void ordinaryNamesStillExtractOnWindows(String name) throws UnsafeEntryPathException {
    assertEquals(name, ArchivePaths.forExtraction(name, true));
  }

  private static String assertDoesNotThrowOnLinux(String name) {
    try {
      return ArchivePaths.forExtraction(name, false);
    } catch (UnsafeEntryPathException e) {
      throw new AssertionError("refused on Linux: " + e.getMessage(), e);
    }
  }
}
