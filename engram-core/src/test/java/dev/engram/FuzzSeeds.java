package dev.engram;

import dev.engram.manifest.Author;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SigningKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes the seed inputs of {@link ArchiveFuzzTest}, deterministically (fixed times, fixed
 * generator seeds). The files are checked in; run this only to regenerate them, then commit the
 * result:
 *
 * <pre>
 *   scripts/fuzz seeds
 * </pre>
 *
 * <p>(which runs {@code java dev.engram.FuzzSeeds engram-core/src/test/resources/dev/engram/
 * ArchiveFuzzTestInputs} on the test class path). Existing {@code seed-*} files in the two target
 * directories are replaced; other files there (crashing inputs saved by fuzzing campaigns) are
 * left alone. Every seed stays under 64 KiB.
 */
public final class FuzzSeeds {
  private static final Instant TIME = Instant.ofEpochSecond(1_700_000_000L);
  private static final int MAX_SEED = 64 * 1024;
  private static final int HEADER_FLAGS = 40;

  /** Seed of the Ed25519 key that signs the manifest seed (and that ArchiveFuzzTest trusts). */
  private static final byte[] SIGNING_SEED = new byte[32];

  static {
    Arrays.fill(SIGNING_SEED, (byte) 0x5E);
  }

  private FuzzSeeds() {}

  /**
   * Returns the AES-256 key of the encrypted seed archives.
   *
   * @return a fixed key (a test key: never use it for anything else)
   */
  static byte[] encryptionKey() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0xE7);
    return key;
  }

  /**
   * Returns the private key that signs the manifest of the seed archives.
   *
   * @return a fixed Ed25519 key (a test key: never trust it for anything else)
   */
  static PrivateKey signingKey() {
    return SigningKeys.privateKeyFromSeed(SIGNING_SEED.clone());
  }

  /**
   * Writes the seeds.
   *
   * @param args the {@code ArchiveFuzzTestInputs} directory
   * @throws IOException if writing fails
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: FuzzSeeds <.../ArchiveFuzzTestInputs directory>");
      System.exit(2);
    }
    Path base = Path.of(args[0]);
    Path work = Files.createTempDirectory("engram-fuzz-seeds");
    try {
      writeSeeds(base, work);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void writeSeeds(Path base, Path work) throws IOException {
    Path mutated = clean(base.resolve("readMutatedArchives"));
    Path arbitrary = clean(base.resolve("openArbitraryBytes"));

    // --- readMutatedArchives: small valid archives covering each layout ---
    byte[] empty = archive(work, WriterOptions.builder().modifiedTime(TIME).build(), w -> { });
    save(mutated, "seed-empty.eng", empty);

    byte[] stored = archive(work, options(), w -> {
      w.addFile("hello.txt", "Hello, Engram!\n".getBytes(StandardCharsets.UTF_8),
          CompressionMethod.NONE);
      w.addFile("empty.bin", new byte[0], CompressionMethod.NONE);
      w.addFile("data/random.bin", TestData.random(700, 1), CompressionMethod.NONE);
    });
    save(mutated, "seed-stored.eng", stored);

    save(mutated, "seed-lz4.eng", archive(work, options(), w -> {
      w.addFile("lz4/text.log", TestData.text(3000, 2), CompressionMethod.LZ4);
      w.addFile("lz4/pattern.bin", TestData.pattern(600), CompressionMethod.LZ4);
      w.addFile("lz4/zeros.bin", new byte[300], CompressionMethod.LZ4);
    }));

    save(mutated, "seed-zstd.eng", archive(work, options(), w -> {
      w.addFile("zstd/text.txt", TestData.text(5000, 3), CompressionMethod.ZSTD);
      w.addFile("zstd/pattern.bin", TestData.pattern(2000), CompressionMethod.ZSTD);
      w.addFile("zstd/zeros.bin", new byte[100_000], CompressionMethod.ZSTD);
    }));

    byte[] mixed = archive(work, WriterOptions.builder().modifiedTime(TIME).contentVersion(7)
        .build(), w -> {
          w.addFile("README.md", TestData.text(4500, 4)); // automatic: Zstandard
          w.addFile("lib/code.bin", TestData.text(4200, 5)); // automatic: LZ4
          w.addFile("img/photo.jpg", TestData.random(500, 6)); // automatic: none
          w.addFile("tiny.txt", "tiny".getBytes(StandardCharsets.UTF_8)); // under 4 KiB: none
          w.addFile("s/n.dat", TestData.text(1000, 7), CompressionMethod.NONE);
          w.addFile("s/l.dat", TestData.text(1000, 8), CompressionMethod.LZ4);
          w.addFile("s/z.dat", TestData.text(1000, 9), CompressionMethod.ZSTD);
        });
    save(mutated, "seed-mixed.eng", mixed);

    // explicit frame sizes: two small "databases" in 1 KiB frames, one of each codec
    save(mutated, "seed-explicit-frames.eng", archive(work, options().toBuilder()
        .databaseFrameSize(1024).build(), w -> {
          byte[] db = TestData.text(3000, 12);
          System.arraycopy("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), 0, db, 0, 16);
          w.addFile("lz4.db", db, CompressionMethod.LZ4);
          w.addFile("zstd.db", db, CompressionMethod.ZSTD);
        }));

    save(mutated, "seed-paths.eng", archive(work, options(), w -> {
      w.addFile("ünïcødé/日本語/ファイル.txt", "unicode".getBytes(StandardCharsets.UTF_8));
      w.addFile("emoji/\uD83D\uDE00 smile.md", TestData.text(200, 10), CompressionMethod.ZSTD);
      w.addFile("back\\slash\\path.txt", "was a backslash".getBytes(StandardCharsets.UTF_8));
      StringBuilder deep = new StringBuilder();
      while (deep.length() < 240) {
        deep.append("d").append(deep.length() % 10).append('/');
      }
      w.addFile(deep + "leaf.bin", TestData.pattern(100), CompressionMethod.LZ4);
      w.addFile("x".repeat(200) + "/" + "é".repeat(27), new byte[] {1, 2, 3}); // 255 bytes
      w.addFile("dir.with.dots/release.v2/changelog", TestData.text(50, 11));
    }));

    // Two entries with one path (engram-rs can write that; this writer refuses): patch the second
    // entry's path in its local header and its directory entry.
    byte[] pair = archive(work, options(), w -> {
      w.addFile("dup/a.txt", "first".getBytes(StandardCharsets.UTF_8));
      w.addFile("dup/b.txt", "second!".getBytes(StandardCharsets.UTF_8), CompressionMethod.LZ4);
    });
    save(mutated, "seed-duplicate-paths.eng", replaceAll(pair, "dup/b.txt", "dup/a.txt"));

    // Per-file encryption announced in the header flags (mode 2) of a plain archive: the stored
    // sizes lack the 28 bytes of nonce and tag, so it fails at open.
    byte[] encrypted = mixed.clone();
    encrypted[HEADER_FLAGS] = 2;
    save(mutated, "seed-per-file-encrypted.eng", encrypted);

    // Really encrypted, with the key the harness reads with: per file (blocks, a stored entry,
    // an empty one) and the whole archive.
    save(mutated, "seed-per-file-sealed.eng", archive(work,
        WriterOptions.builder().modifiedTime(TIME).perFileEncryption(encryptionKey()).build(),
        w -> {
          w.addFile("notes.txt", TestData.text(6000, 13));
          w.addFile("raw.bin", TestData.pattern(3000), CompressionMethod.NONE);
          w.addFile("lz4.bin", TestData.pattern(9000), CompressionMethod.LZ4);
          w.addFile("empty", new byte[0]);
        }));
    save(mutated, "seed-per-file-segmented.eng", archive(work, WriterOptions.builder()
        .modifiedTime(TIME).perFileEncryption(encryptionKey()).segmentedEncryption(true).build(),
        w -> {
          w.addFile("notes.txt", TestData.text(6000, 15));
          w.addFile("raw.bin", TestData.pattern(40_000), CompressionMethod.LZ4);
          w.addFile("stored.bin", TestData.random(1000, 17), CompressionMethod.NONE);
          w.addFile("empty", new byte[0]);
        }));
    save(mutated, "seed-archive-segmented.eng", archive(work, WriterOptions.builder()
        .modifiedTime(TIME).archiveEncryption(encryptionKey()).segmentedEncryption(true).build(),
        w -> {
          w.addFile("notes.txt", TestData.text(3000, 16));
          w.addFile("raw.bin", TestData.pattern(2000), CompressionMethod.NONE);
        }));
    save(mutated, "seed-archive-sealed.eng", archive(work,
        WriterOptions.builder().modifiedTime(TIME).archiveEncryption(encryptionKey()).build(),
        w -> {
          w.addFile("notes.txt", TestData.text(6000, 14));
          w.addFile("raw.bin", TestData.pattern(2000), CompressionMethod.NONE);
        }));

    // A generated, signed manifest.json (stored uncompressed) describing two files.
    Manifest template = Manifest.builder("dev.engram.fuzz", "Fuzz seed",
            Author.of("Engram Fuzz", "fuzz@example.org", "https://example.org/fuzz"), "1.2.3")
        .description("A signed archive for the fuzzer \u2603")
        .created(TIME)
        .modified(TIME)
        .license("MIT")
        .tags(List.of("seed", "fuzz"))
        .capabilities(List.of("read"))
        .build();
    save(mutated, "seed-manifest-signed.eng", archive(work, WriterOptions.builder()
        .modifiedTime(TIME).manifest(template).signWith(signingKey(), "fuzz-seed").build(), w -> {
          w.addFile("docs/readme.txt", TestData.text(300, 12));
          w.addFile("data/table.bin", TestData.pattern(5000), CompressionMethod.LZ4);
        }));

    // A framed entry: 50 MiB of zeros with Zstandard is ~800 frames of a few bytes each. (A framed
    // LZ4 entry cannot be this small: LZ4 compresses at most 255:1, so 50 MiB stays over 200 KB.)
    save(mutated, "seed-framed-zstd.eng", archive(work, options(), w ->
        w.addFile("big/zeros.bin", TestData.repeated((byte) 0, 52_428_800L),
            CompressionMethod.ZSTD)));

    // --- openArbitraryBytes: short byte strings around the format's edges ---
    save(arbitrary, "seed-empty", new byte[0]);
    save(arbitrary, "seed-magic", Arrays.copyOf(empty, 8));
    save(arbitrary, "seed-header-only", Arrays.copyOf(empty, 64));
    save(arbitrary, "seed-empty-archive.eng", empty);
    save(arbitrary, "seed-trailing-byte.eng", Arrays.copyOf(empty, empty.length + 1));
    save(arbitrary, "seed-truncated-end.eng", Arrays.copyOf(stored, stored.length - 1));
    save(arbitrary, "seed-truncated-middle.eng", Arrays.copyOf(stored, stored.length / 2));
  }

  private static WriterOptions options() {
    return WriterOptions.builder().modifiedTime(TIME).build();
  }

  private interface Content {
    void add(ArchiveWriter writer) throws IOException;
  }

  private static byte[] archive(Path work, WriterOptions options, Content content)
      throws IOException {
    Path target = work.resolve("seed.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(target, options)) {
      content.add(writer);
      writer.finish();
    }
    byte[] bytes = Files.readAllBytes(target);
    Files.delete(target);
    return bytes;
  }

  private static byte[] replaceAll(byte[] bytes, String from, String to) {
    byte[] a = from.getBytes(StandardCharsets.UTF_8);
    byte[] b = to.getBytes(StandardCharsets.UTF_8);
    if (a.length != b.length) {
      throw new IllegalArgumentException("replacement must keep the length");
    }
    byte[] out = bytes.clone();
    int replaced = 0;
    for (int i = 0; i + a.length <= out.length; i++) {
      if (Arrays.equals(out, i, i + a.length, a, 0, a.length)) {
        System.arraycopy(b, 0, out, i, b.length);
        replaced++;
      }
    }
    if (replaced != 2) {
      throw new IllegalStateException("expected the path twice (local header, directory), found "
          + replaced);
    }
    return out;
  }

  private static Path clean(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().startsWith("seed-")) {
          Files.delete(p);
        }
      }
    }
    return dir;
  }

  private static void save(Path dir, String name, byte[] bytes) throws IOException {
    if (bytes.length >= MAX_SEED) {
      throw new IllegalStateException(name + " is " + bytes.length + " bytes, over " + MAX_SEED);
    }
    Files.write(dir.resolve(name), bytes);
    System.out.printf("%8d  %s%n", bytes.length, dir.resolve(name));
  }
}
