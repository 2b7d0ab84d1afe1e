package dev.engram.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.engram.ArchiveWriter;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same {@code Files} operations applied to a writable engram file system and to the JDK's
 * ZIP file system give, once both are closed and read again, the same regular files with the
 * same contents: for new archives, for existing ones, and for random sequences.
 */
class WritableZipFsComparisonTest {
  private static final Map<String, String> CREATE = Map.of("create", "true");

  @TempDir Path dir;

  /** One operation, applied to both file systems. */
  private interface Step {
    void apply(FileSystem fs) throws IOException;
  }

  private FileSystem newEngram(String name) throws IOException {
    return FileSystems.newFileSystem(URI.create("engram:" + dir.resolve(name).toUri()), CREATE);
  }

  private FileSystem newZip(String name) throws IOException {
    return FileSystems.newFileSystem(dir.resolve(name), CREATE);
  }

  /** The regular files of a closed archive or ZIP, read through its own file system. */
  private static Map<String, byte[]> regularFiles(Path archive) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    Map<String, ?> env = archive.toString().endsWith(".zip")
        ? Map.of("accessMode", "readOnly") : Map.of("readOnly", true);
    try (FileSystem fs = FileSystems.newFileSystem(archive, env);
        Stream<Path> walk = Files.walk(fs.getPath("/"))) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p)) {
          files.put(p.toString(), Files.readAllBytes(p));
        }
      }
    }
    return files;
  }

  private void assertSameFiles(Path engram, Path zip, String message) throws IOException {
    Map<String, byte[]> expected = regularFiles(zip);
    Map<String, byte[]> actual = regularFiles(engram);
    assertEquals(expected.keySet(), actual.keySet(), message);
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name), actual.get(name), message + ": " + name);
    }
  }

  private static void applyAll(List<Step> steps, FileSystem... systems) throws IOException {
    for (FileSystem fs : systems) {
      for (Step step : steps) {
        step.apply(fs);
      }
    }
  }

  private List<Step> script() throws IOException {
    Path external = Files.write(dir.resolve("external.bin"), random(150_000, 9));
    List<Step> steps = new ArrayList<>();
    steps.add(fs -> Files.writeString(fs.getPath("/a.txt"), "alpha"));
    steps.add(fs -> Files.writeString(fs.getPath("/a.txt"), "ALPHA, overwritten"));
    steps.add(fs -> Files.writeString(fs.getPath("/a.txt"), "+appended",
        StandardOpenOption.APPEND));
    steps.add(fs -> Files.createDirectories(fs.getPath("/d/e/f")));
    steps.add(fs -> Files.write(fs.getPath("/d/e/x.bin"), random(100_000, 1)));
    steps.add(fs -> Files.copy(fs.getPath("/a.txt"), fs.getPath("/d/copy.txt")));
    steps.add(fs -> Files.move(fs.getPath("/d/e/x.bin"), fs.getPath("/d/x-moved.bin")));
    steps.add(fs -> {
      try (SeekableByteChannel channel = Files.newByteChannel(fs.getPath("/d/e/f/seek.bin"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        // zipfs's writing channels ignore position(n): seeks are compared with the default
        // file system (writeWithoutTruncateKeepsTheContentAsTheDefaultFileSystemDoes)
        channel.write(ByteBuffer.wrap("0123456789".getBytes(UTF_8)));
        channel.write(ByteBuffer.wrap("end".getBytes(UTF_8)));
      }
    });
    steps.add(fs -> {
      // zipfs starts WRITE without TRUNCATE_EXISTING empty (the default file system keeps the
      // content, as the engram one does: see writeWithoutTruncateKeepsTheContent)
      try (SeekableByteChannel channel = Files.newByteChannel(fs.getPath("/a.txt"),
          StandardOpenOption.READ, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(ByteBuffer.wrap("abcdefgh".getBytes(UTF_8)));
        channel.write(ByteBuffer.wrap("ijk".getBytes(UTF_8)));
      }
    });
    steps.add(fs -> Files.copy(external, fs.getPath("/d/external.bin")));
    steps.add(fs -> Files.copy(fs.getPath("/d/copy.txt"), fs.getPath("/b.txt")));
    steps.add(fs -> Files.copy(fs.getPath("/d/x-moved.bin"), fs.getPath("/b.txt"),
        StandardCopyOption.REPLACE_EXISTING));
    steps.add(fs -> Files.delete(fs.getPath("/d/copy.txt")));
    steps.add(fs -> Files.move(fs.getPath("/b.txt"), fs.getPath("/d/e/b.txt"),
        StandardCopyOption.ATOMIC_MOVE));
    steps.add(fs -> {
      try (OutputStream out = Files.newOutputStream(fs.getPath("/d/e/f/stream.txt"),
          StandardOpenOption.CREATE_NEW)) {
        for (int i = 0; i < 1000; i++) {
          out.write(("line " + i + "\n").getBytes(UTF_8));
        }
      }
    });
    return steps;
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void aScriptOnNewArchivesGivesTheSameFilesAsZipfs() throws IOException {
    List<Step> steps = script();
    try (FileSystem engram = newEngram("new.eng"); FileSystem zip = newZip("new.zip")) {
      applyAll(steps, engram, zip);
    }
    assertSameFiles(dir.resolve("new.eng"), dir.resolve("new.zip"), "new archives");
  }

  @Test
  void aScriptOnExistingArchivesGivesTheSameFilesAsZipfs() throws IOException {
    Map<String, byte[]> start = new LinkedHashMap<>();
    start.put("a.txt", "existing a".getBytes(UTF_8));
    start.put("d/old.txt", "old".getBytes(UTF_8));
    start.put("d/e/kept.bin", random(80_000, 3));
    start.put("z/last.txt", "last".getBytes(UTF_8));
    Path engramPath = dir.resolve("existing.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(engramPath, WriterOptions.defaults())) {
      for (Map.Entry<String, byte[]> file : start.entrySet()) {
        writer.addFile(file.getKey(), file.getValue());
      }
      writer.finish();
    }
    Path zipPath = dir.resolve("existing.zip");
    try (FileSystem zip = newZip("existing.zip")) {
      for (Map.Entry<String, byte[]> file : start.entrySet()) {
        Path p = zip.getPath("/" + file.getKey());
        Files.createDirectories(p.getParent());
        Files.write(p, file.getValue());
      }
    }
    assertSameFiles(engramPath, zipPath, "before");
    List<Step> steps = new ArrayList<>(script());
    steps.add(fs -> Files.delete(fs.getPath("/z/last.txt")));
    steps.add(fs -> Files.delete(fs.getPath("/z")));
    steps.add(fs -> Files.move(fs.getPath("/d/old.txt"), fs.getPath("/new-name.txt")));
    try (FileSystem engram = FileSystems.newFileSystem(engramPath);
        FileSystem zip = FileSystems.newFileSystem(zipPath)) {
      applyAll(steps, engram, zip);
    }
    assertSameFiles(engramPath, zipPath, "existing archives");
  }

  @Test
  void writeWithoutTruncateKeepsTheContentAsTheDefaultFileSystemDoes() throws IOException {
    Path plain = Files.createDirectories(dir.resolve("plain"));
    try (FileSystem engram = newEngram("keep.eng")) {
      for (Path root : List.of(plain, engram.getPath("/"))) {
        Path file = root.resolve("f.txt");
        Files.writeString(file, "0123456789");
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
          ByteBuffer first = ByteBuffer.allocate(3);
          channel.read(first);
          channel.position(12).write(first.flip());
          channel.position(1).write(ByteBuffer.wrap("ab".getBytes(UTF_8)));
        }
        Files.writeString(file, "+", StandardOpenOption.APPEND);
      }
      assertArrayEquals(Files.readAllBytes(plain.resolve("f.txt")),
          Files.readAllBytes(engram.getPath("/f.txt")));
    }
    assertArrayEquals(Files.readAllBytes(plain.resolve("f.txt")),
        regularFiles(dir.resolve("keep.eng")).get("/f.txt"));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 2024})
  void randomSequencesGiveTheSameFilesAsZipfs(long seed) throws IOException {
    Random random = new Random(seed);
    List<String> dirs = List.of("", "p/", "p/q/", "r/");
    TreeSet<String> files = new TreeSet<>();
    List<Step> steps = new ArrayList<>();
    List<String> log = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String target = "/" + dirs.get(random.nextInt(dirs.size())) + "f" + random.nextInt(8);
      String existing = files.isEmpty() ? null
          : files.stream().skip(random.nextInt(files.size())).findFirst().orElseThrow();
      byte[] content = random(random.nextInt(3) == 0 ? 70_000 : random.nextInt(200), seed * 100 + i);
      int op = existing == null ? 0 : random.nextInt(6);
      Path parentOfTarget = Path.of(target).getParent();
      String parent = parentOfTarget == null ? "/" : parentOfTarget.toString();
      switch (op) {
        case 0 -> {
          log.add("write " + target);
          steps.add(fs -> {
            Files.createDirectories(fs.getPath(parent));
            Files.write(fs.getPath(target), content);
          });
          files.add(target);
        }
        case 1 -> {
          log.add("append " + existing);
          steps.add(fs -> Files.write(fs.getPath(existing), content, StandardOpenOption.APPEND));
        }
        case 2 -> {
          log.add("delete " + existing);
          steps.add(fs -> Files.delete(fs.getPath(existing)));
          files.remove(existing);
        }
        case 3, 4 -> {
          boolean move = op == 3;
          if (existing.equals(target)) {
            continue;
          }
          log.add((move ? "move " : "copy ") + existing + " " + target);
          steps.add(fs -> {
            Files.createDirectories(fs.getPath(parent));
            if (move) {
              Files.move(fs.getPath(existing), fs.getPath(target),
                  StandardCopyOption.REPLACE_EXISTING);
            } else {
              Files.copy(fs.getPath(existing), fs.getPath(target),
                  StandardCopyOption.REPLACE_EXISTING);
            }
          });
          if (move) {
            files.remove(existing);
          }
          files.add(target);
        }
        default -> {
          long at = random.nextInt(300);
          log.add("channel " + existing + " of " + at);
          steps.add(fs -> {
            try (SeekableByteChannel channel = Files.newByteChannel(fs.getPath(existing),
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
              channel.write(ByteBuffer.wrap(content, 0, (int) Math.min(at, content.length)));
            }
          });
        }
      }
    }
    String name = "random-" + seed;
    try (FileSystem engram = newEngram(name + ".eng"); FileSystem zip = newZip(name + ".zip")) {
      applyAll(steps, engram, zip);
    }
    assertSameFiles(dir.resolve(name + ".eng"), dir.resolve(name + ".zip"),
        "seed " + seed + ", steps " + log);
  }
}
