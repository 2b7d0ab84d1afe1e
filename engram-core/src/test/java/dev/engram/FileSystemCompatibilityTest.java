package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.engram.nio.EngramFileAttributes;
import dev.engram.nio.EngramFileSystem;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Archives written by engram-rs ({@code ../shared/compat}) walked and read through the {@code
 * engram:} file system: the walk finds exactly the listed files, and each reads with the listed
 * size, CRC32 and SHA-256.
 */
class FileSystemCompatibilityTest {
  @BeforeAll
  static void requireFixtures() {
    CompatFixtures.require();
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureWalksAndReadsThroughTheFileSystem() throws IOException {
    List<String> names = CompatibilityTest.archivesWithExpectedListing();
    assertFalse(names.isEmpty(), "no NAME.eng with NAME.expected in " + CompatFixtures.dir());
    return names.stream().map(name -> dynamicTest(name + ".eng", () -> check(name)));
  }

  private static void check(String name) throws IOException {
    Map<String, ?> env = switch (name) {
      case "perfile-enc" -> Map.of("key", CompatibilityTest.key(0x00));
      case "archive-enc" -> Map.of("key", CompatibilityTest.key(0x20));
      default -> Map.of();
    };
    List<CompatibilityTest.Expected> expected = CompatibilityTest.expectedListing(name);
    try (FileSystem fs = FileSystems.newFileSystem(CompatibilityTest.compat(name + ".eng"),
        env)) {
      assertEquals(List.of(), ((EngramFileSystem) fs).hiddenEntries(), name);
      Set<String> walked;
      try (Stream<Path> walk = Files.walk(fs.getPath("/"))) {
        walked = walk.filter(Files::isRegularFile).map(p -> p.toString().substring(1))
            .collect(Collectors.toCollection(TreeSet::new));
      }
      assertEquals(expected.stream().map(CompatibilityTest.Expected::path)
          .collect(Collectors.toCollection(TreeSet::new)), walked, name);
      for (CompatibilityTest.Expected line : expected) {
        Path file = fs.getPath("/" + line.path());
        String where = name + " '" + line.path() + "'";
        EngramFileAttributes attributes = Files.readAttributes(file, EngramFileAttributes.class);
        assertEquals(line.size(), attributes.size(), where);
        assertEquals(line.storedSize(), attributes.storedSize(), where);
        assertEquals(line.method(), attributes.compression().id(), where);
        assertEquals(line.crc32(), String.format("%08x", attributes.crc32()), where);
        assertEquals(CompatibilityTest.ENCRYPTED.contains(name), attributes.isEncrypted(), where);
        assertEquals(line.sha256(), TestData.sha256(Files.readAllBytes(file)), where);
        try (var in = Files.newInputStream(file)) {
          assertEquals(line.sha256(), TestData.sha256(in.readAllBytes()), where + " (stream)");
        }
      }
    }
  }
}
