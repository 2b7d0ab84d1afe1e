package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.engram.manifest.SigningKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Fuzz targets for the reader: whatever bytes an archive file holds, {@link ArchiveReader} either
 * works or fails with an {@link IOException} (format errors are {@link EngramException}s, a
 * missing entry is a {@link java.nio.file.NoSuchFileException}). Any other exception, an {@link
 * OutOfMemoryError} or a hang is a finding.
 *
 * <p>{@code openArbitraryBytes} opens its input as it is, starting from short byte strings.
 * {@code readMutatedArchives} starts from small valid archives (stored, LZ4 and Zstandard entries,
 * a framed Zstandard entry, an empty archive, Unicode and deep paths, duplicate paths, the per-file
 * encryption flag) and runs each input twice: as it is,
 * and {@linkplain #resynchronized resynchronized} so that mutated directory fields get past the
 * local-header and end-record cross-checks. The seeds live in {@code
 * src/test/resources/dev/engram/ArchiveFuzzTestInputs/<method>/} (Jazzer's convention; regenerate
 * the archives with {@link FuzzSeeds}). Under plain {@code mvn test} each target only replays those
 * files (its seeds plus every crashing input saved there). {@code scripts/fuzz <target> <duration>}
 * runs a fuzzing campaign; crashing inputs found by it land in the same directory.
 *
 * <p>Each execution opens the archive, lists it, reads every entry with {@code read}, {@code
 * openStream} and {@code openChannel}, parses the manifest and runs {@code verify}. Besides "no
 * unexpected exception", it checks that the three ways to read an entry agree with each other and
 * with the directory: they return the same bytes, of the recorded size.
 */
class ArchiveFuzzTest {
  /**
   * The options every execution opens archives with: the defaults, limits included, plus the key
   * of the encrypted seeds (unencrypted archives ignore it). This is the one
   * place to tighten them (for example {@code ReaderOptions.builder().maxEntrySize(MAX_READ_SIZE)
   * .build()}, with {@code maxTotalBytes}, {@code maxCompressionRatio} and {@code maxEntryCount}
   * alongside), so that no execution can be made to allocate or decode much more than {@link
   * #MAX_READ_SIZE}; with such a limit in force, the size check in {@code readEntry} could go and
   * {@code read} be tried on every entry.
   */
  static final ReaderOptions OPTIONS =
      ReaderOptions.builder().key(FuzzSeeds.encryptionKey()).build();

  /**
   * Entries claiming more content than this are listed and probed through {@code openChannel}
   * (which decodes at most a few 64 KiB frames and walks a frame index bounded by the input's
   * size), but never read whole: that keeps each execution fast and its memory bounded.
   */
  static final long MAX_READ_SIZE = 64L << 20;

  /** Verification trusts the key that signs the manifest of the seed archives. */
  static final VerifyOptions VERIFY =
      VerifyOptions.builder().trust(SigningKeys.publicKeyOf(FuzzSeeds.signingKey())).build();

  /** A read through {@code openChannel} at one position takes at most this many bytes. */
  private static final int PROBE = 4096;

  /** One scratch file per thread, in memory when {@code /dev/shm} exists. */
  private static final ThreadLocal<Path> SCRATCH = ThreadLocal.withInitial(() -> {
    try {
      Path shm = Path.of("/dev/shm");
      Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
          ? shm
          : Path.of(System.getProperty("java.io.tmpdir"));
      Path file = Files.createTempFile(dir, "engram-fuzz-", ".eng");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  });

  // maxDuration applies only when fuzzing (JAZZER_FUZZ=1): without it, each target just replays its
  // inputs directory, in a few seconds. scripts/fuzz overrides it (JAZZER_MAX_DURATION).
  // The dictionary (libFuzzer syntax) gives the fuzzer the format's signatures and magic numbers.
  // (Not @DictionaryEntries: jazzer-junit 0.30.0 writes control characters in those unescaped.)

  @DictionaryFile(resourcePath = "/dev/engram/ArchiveFuzzTest.dict")
  @FuzzTest(maxDuration = "10m")
  void openArbitraryBytes(byte[] data) throws IOException {
    openAndReadEverything(data);
  }

  @DictionaryFile(resourcePath = "/dev/engram/ArchiveFuzzTest.dict")
  @FuzzTest(maxDuration = "10m")
  void readMutatedArchives(byte[] data) throws IOException {
    openAndReadEverything(data);
    byte[] resynchronized = resynchronized(data);
    if (resynchronized != null) {
      openAndReadEverything(resynchronized);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Writes the input to the scratch file, opens it and reads every entry every way. */
  static void openAndReadEverything(byte[] data) throws IOException {
    Path file = SCRATCH.get();
    Files.write(file, data);
    ArchiveReader reader;
    try {
      reader = ArchiveReader.open(file, OPTIONS);
    } catch (IOException expected) {
      return;
    }
    try (reader) {
      List<EntryInfo> entries = reader.entries();
      List<String> paths = reader.list();
      assertEquals(entries.size(), reader.entryCount());
      assertEquals(entries.size(), paths.size());
      reader.contentVersion();
      Set<String> distinct = new LinkedHashSet<>();
      for (int i = 0; i < entries.size(); i++) {
        EntryInfo entry = entries.get(i);
        assertEquals(entry.path(), paths.get(i));
        entry.modifiedTime();
        entry.isFramed();
        entry.toString();
        assertTrue(reader.contains(entry.path()), entry.path());
        distinct.add(entry.path());
      }
      reader.list("");
      reader.contains("\u0000 no such entry \u0000");
      for (String path : distinct) {
        // lookups by path find the last entry with that path
        Optional<EntryInfo> found = reader.entry(path);
        assertTrue(found.isPresent(), path);
        readEntry(reader, path, found.get());
      }
      try {
        reader.manifest().ifPresent(Object::toString);
      } catch (IOException expected) {
        // damaged, unparsable or too large manifest.json
      }
      try {
        VerificationReport report = reader.verify(VERIFY);
        assertEquals(entries.size(), report.entries().size());
        report.isIntact();
        report.isAuthentic();
        report.summary();
      } catch (IOException expected) {
        // verification reports damage in its result; an exception is still allowed to be an
        // IOException
      }
    }
  }

  /**
   * Returns a copy of an archive whose redundant structures are made to agree with its central
   * directory, or null if that changes nothing or the input is too short. Each local header that
   * lies in the data region gets its directory entry's signature, sizes, CRC, time, method and path;
   * an entry stored uncompressed (method 0) gets the CRC32 of its payload; the header's directory
   * size becomes entry count x 320; the end record gets the header's version and directory fields;
   * a wrong header CRC is cleared (0 means "not recorded").
   *
   * <p>Without this, a mutation of a size, method or offset in the directory is nearly always
   * caught by a cross-check (local header, end record) before any payload is decoded, and a
   * mutation of stored content (manifest.json, say) by its CRC before anything parses it; with it,
   * those mutations reach the decoders, the framing code and the manifest parser. The copy is
   * derived from the input deterministically, so a crashing input still reproduces as it is.
   */
  static byte[] resynchronized(byte[] data) {
    long length = data.length;
    if (length < 128) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(data.clone()).order(ByteOrder.LITTLE_ENDIAN);
    long directoryOffset = b.getLong(16);
    long count = Integer.toUnsignedLong(b.getInt(32));
    long directorySize = count * 320;
    CRC32 headerCrc = new CRC32();
    headerCrc.update(data, 0, 12);
    if (b.getInt(12) != (int) headerCrc.getValue()) {
      b.putInt(12, 0);
    }
    b.putLong(24, directorySize);
    int end = data.length - 64;
    b.put(end, new byte[] {'E', 'N', 'D', 'R'});
    b.putShort(end + 4, b.getShort(8));
    b.putShort(end + 6, b.getShort(10));
    b.putLong(end + 8, directoryOffset);
    b.putLong(end + 16, directorySize);
    b.putInt(end + 24, (int) count);
    if (directoryOffset >= 64 && directoryOffset <= end) {
      // read every directory entry first: a local header may be written over another one's bytes
      List<byte[]> locals = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      for (long e = directoryOffset; count-- > 0 && e + 320 <= end; e += 320) {
        int at = (int) e;
        int pathLength = Math.min(255, Short.toUnsignedInt(b.getShort(at + 42)));
        long dataOffset = b.getLong(at + 4);
        if (b.getInt(at) != CENT || dataOffset < 64
            || dataOffset > directoryOffset - 41 - pathLength) {
          continue;
        }
        long stored = b.getLong(at + 20);
        long payload = dataOffset + 41 + pathLength;
        if (b.get(at + 40) == 0 && stored >= 0 && stored <= directoryOffset - payload) {
          // stored uncompressed: give it the CRC of its bytes, so mutated content gets read
          CRC32 crc = new CRC32();
          crc.update(data, (int) payload, (int) stored);
          b.putInt(at + 28, (int) crc.getValue());
        }
        ByteBuffer local = ByteBuffer.allocate(41 + pathLength).order(ByteOrder.LITTLE_ENDIAN);
        local.put(new byte[] {'L', 'O', 'C', 'A'});
        local.putLong(b.getLong(at + 12)); // uncompressed size
        local.putLong(b.getLong(at + 20)); // stored size
        local.putInt(b.getInt(at + 28)); // CRC32
        local.putLong(b.getLong(at + 32)); // modified time
        local.put(b.get(at + 40)); // method
        local.put((byte) 0); // flags
        local.putShort((short) pathLength);
        local.putInt(0);
        local.put(data, at + 44, pathLength);
        local.put((byte) 0);
        locals.add(local.array());
        offsets.add(dataOffset);
      }
      for (int i = 0; i < locals.size(); i++) {
        b.put((int) (long) offsets.get(i), locals.get(i));
      }
    }
    byte[] out = b.array();
    return Arrays.equals(out, data) ? null : out;
  }

  /** 'CENT' read as a little-endian int. */
  private static final int CENT = 'C' | 'E' << 8 | 'N' << 16 | 'T' << 24;

  /** Reads one entry with read, openStream and openChannel; each may fail with an IOException. */
  private static void readEntry(ArchiveReader reader, String path, EntryInfo entry) {
    long size = entry.uncompressedSize();
    byte[] whole = null;
    if (size <= MAX_READ_SIZE) {
      try {
        whole = reader.read(path);
        assertEquals(size, whole.length, "read() length of " + entry);
      } catch (IOException expected) {
        // damaged entry
      }
      try (InputStream in = reader.openStream(path)) {
        streamToEnd(in, entry, whole);
      } catch (IOException expected) {
        // damaged entry
      }
    }
    try (SeekableByteChannel channel = reader.openChannel(path)) {
      assertEquals(size, channel.size(), "channel size of " + entry);
      long[] positions = {0, size / 2, Math.max(0, size - 1), 65_536 - PROBE / 2, size};
      for (long position : positions) {
        if (position < 0 || position > size) {
          continue;
        }
        probe(channel, position, entry, whole);
      }
    } catch (IOException expected) {
      // damaged entry
    }
  }

  private static void streamToEnd(InputStream in, EntryInfo entry, byte[] whole)
      throws IOException {
    byte[] buffer = new byte[64 * 1024];
    CRC32 crc = new CRC32();
    long total = 0;
    for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
      assertTrue(n > 0, "stream read 0 bytes of " + entry);
      crc.update(buffer, 0, n);
      total += n;
      assertTrue(total <= entry.uncompressedSize(), "stream longer than " + entry);
    }
    assertEquals(entry.uncompressedSize(), total, "stream length of " + entry);
    if (whole != null) {
      CRC32 expected = new CRC32();
      expected.update(whole);
      assertEquals(expected.getValue(), crc.getValue(), "stream differs from read() for " + entry);
    }
  }

  private static void probe(SeekableByteChannel channel, long position, EntryInfo entry,
      byte[] whole) throws IOException {
    long size = entry.uncompressedSize();
    channel.position(position);
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(PROBE, size - position));
    int first = channel.read(buffer);
    if (position == size) {
      assertEquals(-1, first, "channel read at its end, " + entry);
      return;
    }
    if (first >= 0) {
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // fill
      }
    }
    assertEquals(buffer.capacity(), buffer.position(),
        "channel read at " + position + " came up short, " + entry);
    assertEquals(position + buffer.capacity(), channel.position(), "channel position, " + entry);
    if (whole != null) {
      int from = (int) position;
      assertArrayEquals(Arrays.copyOfRange(whole, from, from + buffer.capacity()), buffer.array(),
          "channel bytes at " + position + " differ from read(), " + entry);
    }
  }
}
