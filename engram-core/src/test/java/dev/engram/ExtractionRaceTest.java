package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Extraction while someone else swaps a directory of the destination for a symbolic link to
 * another directory, again and again: nothing is ever written there. (Where the platform offers
 * no {@link java.nio.file.SecureDirectoryStream}, a window remains: see {@link Extractor}.) And
 * files are their owner's alone until complete.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ExtractionRaceTest {
  private static final int FILES = 60;
  private static final int ROUNDS = 12;

  @TempDir Path work;

  private Path archive() throws IOException {
    Path archive = work.resolve("race.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (int i = 0; i < FILES; i++) {
        // a/sub/... makes a directory inside the swapped one; a/raw... is copied by the system
        String name = i % 3 == 0 ? "a/sub/g" + i : i % 3 == 1 ? "a/f" + i : "a/raw" + i;
        writer.addFile(name, content(i),
            i % 3 == 2 ? CompressionMethod.NONE : CompressionMethod.ZSTD);
      }
      writer.finish();
    }
    return archive;
  }

  private static byte[] content(int i) {
    return TestData.text(200 + i, i);
  }

  /** Every path under a directory, links included, not following them. */
  private static List<Path> tree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> !p.equals(root)).toList();
    }
  }

  /** Whether a directory holds a file (a temporary one counts), not following links. */
  private static boolean hasFile(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.anyMatch(Files::isRegularFile);
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aDirectorySwappedForALinkNeverRedirectsAWrite() throws Exception {
    Path archive = archive();
    Path outside = Files.createDirectories(work.resolve("outside"));
    Set<String> seenOutside = ConcurrentHashMap.newKeySet();
    int succeeded = 0;
    int refused = 0;
    int swaps = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Path out = work.resolve("out" + round);
      Path a = out.resolve("a");
      Files.createDirectories(a);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger swapped = new AtomicInteger();
      Thread attacker = new Thread(() -> {
        // once files are being written: the directories are checked by then
        while (!stop.get() && !hasFile(a)) {
          Thread.yield();
        }
        Path link = out.resolve("a.link");
        for (int n = 0; !stop.get(); n++) {
          // two renames back to back: a is missing for as short a time as possible
          Path away = out.resolve("a.away" + n);
          try {
            Files.createSymbolicLink(link, outside);
            Files.move(a, away);
          } catch (IOException e) {
            Thread.yield();
            continue; // a is not there just now
          }
          try {
            Files.move(link, a);
            swapped.incrementAndGet();
            for (int spin = 0; spin < 50; spin++) {
              Thread.yield();
            }
            try (Stream<Path> there = Files.list(outside)) {
              there.forEach(p -> seenOutside.add(p.getFileName().toString()));
            }
            Files.move(a, link);
            Files.delete(link);
          } catch (IOException e) {
            // the extraction made a new directory a meanwhile: leave it
          }
          try {
            Files.move(away, a);
          } catch (IOException e) {
            // a exists again: the real directory stays aside
          }
        }
      }, "attacker");
      try (ArchiveReader reader = ArchiveReader.open(archive,
          ReaderOptions.builder().threads(2).build())) {
        attacker.start();
        try {
          reader.extractAll(out);
          succeeded++;
        } catch (UnsafeEntryPathException e) {
          refused++;
          assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        } catch (FileSystemException e) {
          refused++;
          assertNotNull(e.getFile(), e.toString());
          assertTrue(e.getFile().contains(out.toString()) || e.getFile().startsWith("a"),
              e.toString());
        } finally {
          stop.set(true);
          attacker.join();
        }
      }
      swaps += swapped.get();
      assertEquals(Set.of(), seenOutside, "written through the link while it was in place");
      assertEquals(List.of(), tree(outside), "written through the link");
      // every file written is in a real directory of this round, complete
      for (Path file : tree(out)) {
        assertTrue(file.startsWith(out) && !Files.isSymbolicLink(file), file.toString());
        String name = file.getFileName().toString();
        if (Files.isRegularFile(file) && name.matches("(g|f|raw)[0-9]+")) {
          assertArrayEquals(content(Integer.parseInt(name.replaceAll("[^0-9]", ""))),
              Files.readAllBytes(file), file.toString());
        }
      }
    }
    assertTrue(swaps > 0, "the attacker never swapped the directory");
    assertEquals(ROUNDS, succeeded + refused);
  }

  /** Holds up the first read at or after an offset until the test lets it go on. */
  private static final class Gate implements CountingSource.BeforeRead {
    private final long offset;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    Gate(long offset) {
      this.offset = offset;
    }

    @Override
    public void before(long position) throws IOException {
      if (position >= offset && reached.getCount() > 0) {
        reached.countDown();
        try {
          release.await(60, TimeUnit.SECONDS); // a bound in case the test fails first
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException();
        }
      }
    }
  }

  /**
   * A file is its owner's alone while it is written under its temporary name, and gets the
   * permissions of a plain new file once complete: relative to open directories, and by path (as
   * on Windows, though with POSIX permissions here).
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aFileIsOwnerOnlyUntilItIsComplete(boolean relative) throws Exception {
    Path archive = work.resolve("private.eng");
    byte[] content = TestData.random(4 << 20, 7); // not read with the archive's directory
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("dir/secret.txt", content, CompressionMethod.ZSTD);
      writer.finish();
    }
    Set<PosixFilePermission> plain =
        Files.getPosixFilePermissions(Files.createFile(work.resolve("plain")));
    Path out = work.resolve("out");
    CountingSource source = new CountingSource(ArchiveSource.open(archive));
    try (ArchiveReader reader = ArchiveReader.open(source,
        ReaderOptions.builder().threads(1).build())) {
      Gate gate = new Gate(reader.entry("dir/secret.txt").orElseThrow().directoryEntry()
          .payloadOffset());
      source.beforeEachRead(gate);
      FutureTask<List<Path>> extraction = new FutureTask<>(
          () -> new Extractor(reader, out, bytes -> { }, relative).extractAll(path -> true));
      Thread extracting = new Thread(extraction, "extracting");
      extracting.start();
      try {
        while (!gate.reached.await(10, TimeUnit.MILLISECONDS) && !extraction.isDone()) {
          Thread.onSpinWait();
        }
        assertEquals(0, gate.reached.getCount(), "the content was read before the file was made");
        List<Path> temporary;
        try (Stream<Path> files = Files.list(out.resolve("dir"))) {
          temporary = files.toList();
        }
        assertEquals(1, temporary.size(), temporary.toString());
        assertTrue(temporary.get(0).getFileName().toString().startsWith(".secret.txt."),
            temporary.toString());
        assertEquals(PosixFilePermissions.fromString("rw-------"),
            Files.getPosixFilePermissions(temporary.get(0), LinkOption.NOFOLLOW_LINKS));
      } finally {
        gate.release.countDown();
        extracting.join();
      }
      assertEquals(List.of(out.toAbsolutePath().resolve("dir/secret.txt")), extraction.get());
    }
    Path file = out.resolve("dir/secret.txt");
    assertArrayEquals(content, Files.readAllBytes(file));
    assertEquals(plain, Files.getPosixFilePermissions(file));
    try (Stream<Path> files = Files.list(out.resolve("dir"))) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left");
    }
  }
}
