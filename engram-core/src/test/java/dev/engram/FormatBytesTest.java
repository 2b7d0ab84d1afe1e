package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Byte-level compatibility without the engram-rs fixtures: expected archives are built here by
 * hand from FORMAT.md (never with the production {@code dev.engram.format} classes, which are
 * what is under test), and archives our writer produces are parsed here by hand.
 */
class FormatBytesTest {
  private static final byte[] MAGIC = {(byte) 0x89, 'E', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final int HEADER = 64;
  private static final int END = 64;
  private static final int CENT = 320;
  private static final int LOCA_FIXED = 40;
  private static final int FRAME = 65_536;
  private static final int THRESHOLD = 52_428_800;
  /** Framed, with a last frame shorter than the others. */
  private static final int BIG = THRESHOLD + 1000;
  private static final long MTIME = 1_700_000_000L;
  /** The last 8 bytes of a framed payload that ends with a frame index. */
  private static final byte[] INDEX_MARKER = {'E', 'N', 'G', 'F', 'I', 'D', 'X', 1};

  @TempDir
  Path dir;

  // ---------------------------------------------------------------------------------------------
  // Our writer's bytes against bytes built from FORMAT.md

  @Test
  void emptyArchiveIsExactly128BytesAsFormatSpecifies() throws IOException {
    Path file = dir.resolve("empty.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(file)) {
      writer.finish();
    }
    byte[] expected = archive(List.of(), true);
    assertEquals(128, expected.length);
    assertArrayEquals(expected, Files.readAllBytes(file));
  }

  @Test
  void twoStoredEntriesAreWrittenByteForByteAsFormatSpecifies() throws IOException {
    byte[] hello = "Hello, Engram!\n".getBytes(StandardCharsets.UTF_8);
    byte[] data = TestData.random(5000, 7);
    Instant modified = Instant.parse("2024-05-06T07:08:09.750Z");
    Path file = dir.resolve("stored.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(file,
        WriterOptions.builder().modifiedTime(modified).build())) {
      writer.addFile("hello.txt", hello); // automatic: under 4096 bytes is stored
      writer.addFile("dir\\ünï data.bin", data, CompressionMethod.NONE);
      writer.finish();
    }
    long seconds = modified.getEpochSecond(); // the format keeps whole seconds
    byte[] expected = archive(List.of(
        HandEntry.stored("hello.txt", hello, seconds),
        HandEntry.stored("dir/ünï data.bin", data, seconds)), true);
    assertArrayEquals(expected, Files.readAllBytes(file));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading an archive built by hand the way engram-rs writes it

  @Test
  void handBuiltArchiveWithLz4ZstdAndFramedEntriesReadsBackExactly() throws IOException {
    byte[] text = TestData.text(20_000, 1);
    byte[] code = TestData.text(30_000, 2);
    byte[] big = TestData.pattern(BIG);
    byte[] zstdBlock = zstdWithoutContentSize(text);
    assertEquals(-1, Zstd.getFrameContentSize(zstdBlock), "frame must not record its size");
    List<HandEntry> entries = List.of(
        HandEntry.stored("hello.txt", "hi\n".getBytes(StandardCharsets.UTF_8), MTIME),
        new HandEntry("notes.txt", text, zstdBlock, 2, MTIME),
        new HandEntry("code.bin", code, lz4Block(code), 1, MTIME),
        new HandEntry("big-zstd.bin", big, framed(big, FormatBytesTest::zstdWithoutContentSize),
            2, MTIME),
        new HandEntry("big-lz4.bin", big, framed(big, FormatBytesTest::lz4Block), 1, MTIME));
    Path file = dir.resolve("engram-rs-like.eng");
    Files.write(file, archive(entries, false)); // engram-rs writes header CRC 0

    try (ArchiveReader reader = ArchiveReader.open(file)) {
      assertEquals(List.of("hello.txt", "notes.txt", "code.bin", "big-zstd.bin", "big-lz4.bin"),
          reader.list());
      for (HandEntry entry : entries) {
        EntryInfo info = reader.entry(entry.path).orElseThrow();
        assertEquals(entry.content.length, info.uncompressedSize(), entry.path);
        assertEquals(entry.payload.length, info.storedSize(), entry.path);
        assertEquals(entry.method, info.compression().id(), entry.path);
        assertEquals(TestData.crc(entry.content), info.crc32(), entry.path);
        assertEquals(Instant.ofEpochSecond(MTIME), info.modifiedTime(), entry.path);
        assertEquals(entry.content.length >= THRESHOLD, info.isFramed(), entry.path);
        assertArrayEquals(entry.content, reader.read(entry.path), entry.path);
      }
      for (String framed : List.of("big-zstd.bin", "big-lz4.bin")) {
        try (SeekableByteChannel channel = reader.openChannel(framed)) {
          assertEquals(BIG, channel.size());
          long[] positions = {0, FRAME - 10, 400L * FRAME + 123, THRESHOLD - 5, BIG - 1500,
              BIG - 1, 7L * FRAME};
          for (long position : positions) {
            int length = (int) Math.min(100_000, BIG - position);
            assertArrayEquals(Arrays.copyOfRange(big, (int) position, (int) position + length),
                readAt(channel, position, length), framed + " at " + position);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing our writer's framed entries by hand

  @ParameterizedTest(name = "frameIndex({0})")
  @ValueSource(booleans = {true, false})
  void framedEntriesFromOurWriterParseByHandIntoIndependentlyDecodable64KiBFrames(
      boolean frameIndex) throws IOException {
    byte[] small = TestData.text(10_000, 3);
    byte[] big = TestData.pattern(BIG);
    Path file = dir.resolve("framed.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(file, WriterOptions.builder()
        .modifiedTime(Instant.ofEpochSecond(MTIME)).frameIndex(frameIndex).build())) {
      writer.addFile("small.txt", small);
      writer.addFile("big-lz4.bin", big, CompressionMethod.LZ4);
      writer.addFile("big-zstd.bin", TestData.patternStream(BIG), CompressionMethod.ZSTD);
      writer.finish();
    }
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);

    // header
    assertArrayEquals(MAGIC, Arrays.copyOfRange(bytes, 0, 8));
    assertEquals(1, b.getShort(8));
    assertEquals(0, b.getShort(10));
    assertEquals(crc(bytes, 0, 12), b.getInt(12));
    long directoryOffset = b.getLong(16);
    long directorySize = b.getLong(24);
    int count = b.getInt(32);
    assertEquals(0, b.getInt(36), "content version");
    assertEquals(0, b.getInt(40), "flags");
    assertAllZero(bytes, 44, 20, "header reserved");
    assertEquals(3, count);
    assertEquals((long) count * CENT, directorySize);
    assertEquals(bytes.length, directoryOffset + directorySize + END);

    // end record
    int end = bytes.length - END;
    assertArrayEquals("ENDR".getBytes(StandardCharsets.US_ASCII),
        Arrays.copyOfRange(bytes, end, end + 4));
    assertEquals(1, b.getShort(end + 4));
    assertEquals(0, b.getShort(end + 6));
    assertEquals(directoryOffset, b.getLong(end + 8));
    assertEquals(directorySize, b.getLong(end + 16));
    assertEquals(count, b.getInt(end + 24));
    assertEquals(crc(bytes, 0, HEADER), b.getInt(end + 28),
        "archive CRC: engram-rs writes 0, engram-java the CRC32 of the header");
    assertArrayEquals(Arrays.copyOfRange(bytes, 36, 64), Arrays.copyOfRange(bytes, end + 32,
        end + 60), "end record: the copy of the header's last 28 bytes");
    assertArrayEquals(Arrays.copyOfRange(bytes, 12, 16), Arrays.copyOfRange(bytes, end + 60,
        end + 64), "end record: the copy of the header CRC");

    String[] paths = {"small.txt", "big-lz4.bin", "big-zstd.bin"};
    byte[][] contents = {small, big, big};
    int[] methods = {2, 1, 2};
    long expectedDataOffset = HEADER;
    for (int i = 0; i < count; i++) {
      int c = (int) directoryOffset + i * CENT;
      String where = "entry " + i + " '" + paths[i] + "'";
      assertArrayEquals("CENT".getBytes(StandardCharsets.US_ASCII),
          Arrays.copyOfRange(bytes, c, c + 4), where);
      long dataOffset = b.getLong(c + 4);
      long size = b.getLong(c + 12);
      long stored = b.getLong(c + 20);
      int crc = b.getInt(c + 28);
      long mtime = b.getLong(c + 32);
      int method = bytes[c + 40];
      int flags = bytes[c + 41];
      int pathLength = Short.toUnsignedInt(b.getShort(c + 42));
      byte[] path = paths[i].getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(path, Arrays.copyOfRange(bytes, c + 44, c + 44 + pathLength), where);
      assertAllZero(bytes, c + 44 + pathLength, 256 - pathLength + 20, where + " padding");
      assertEquals(expectedDataOffset, dataOffset, where + ": entries are contiguous");
      assertEquals(contents[i].length, size, where);
      assertEquals(TestData.crc(contents[i]), crc, where);
      assertEquals(MTIME, mtime, where);
      assertEquals(methods[i], method, where);
      assertEquals(0, flags, where);

      // local header repeats the directory entry
      int l = (int) dataOffset;
      assertArrayEquals("LOCA".getBytes(StandardCharsets.US_ASCII),
          Arrays.copyOfRange(bytes, l, l + 4), where);
      assertEquals(size, b.getLong(l + 4), where + ": LOCA size");
      assertEquals(stored, b.getLong(l + 12), where + ": LOCA stored size");
      assertEquals(crc, b.getInt(l + 20), where + ": LOCA crc");
      assertEquals(mtime, b.getLong(l + 24), where + ": LOCA modified time");
      assertEquals(method, bytes[l + 32], where + ": LOCA method");
      assertEquals(flags, bytes[l + 33], where + ": LOCA flags");
      assertEquals(pathLength, Short.toUnsignedInt(b.getShort(l + 34)), where + ": LOCA path");
      assertEquals(0, b.getInt(l + 36), where + ": LOCA reserved");
      assertArrayEquals(path, Arrays.copyOfRange(bytes, l + 40, l + 40 + pathLength), where);
      assertEquals(0, bytes[l + 40 + pathLength], where + ": path terminator");
      int payload = l + LOCA_FIXED + pathLength + 1;
      expectedDataOffset = payload + stored;

      if (size < THRESHOLD) {
        assertArrayEquals(contents[i], decode(method, bytes, payload, (int) stored, (int) size),
            where);
        continue;
      }
      // framed: [u32 count][u32 size][frame]...
      int frames = b.getInt(payload);
      assertEquals((size + FRAME - 1) / FRAME, frames, where + ": frame count");
      int at = payload + 4;
      int[] sizes = new int[frames];
      for (int k = 0; k < frames; k++) {
        int frameLength = (int) Math.min(FRAME, size - (long) k * FRAME);
        int encoded = b.getInt(at);
        assertTrue(encoded > 0 && at + 4 + encoded <= payload + stored, where + " frame " + k);
        byte[] decoded = decode(method, bytes, at + 4, encoded, frameLength);
        assertEquals(frameLength, decoded.length, where + " frame " + k + " length");
        assertArrayEquals(Arrays.copyOfRange(contents[i], k * FRAME, k * FRAME + frameLength),
            decoded, where + " frame " + k);
        sizes[k] = encoded;
        at += 4 + encoded;
      }
      if (frameIndex) {
        // FORMAT.md, "Frame index": each frame's size again, the frame count, the CRC32 of both,
        // then the marker, ending the stored size exactly
        for (int k = 0; k < frames; k++) {
          assertEquals(sizes[k], b.getInt(at + 4 * k), where + ": index, frame " + k);
        }
        int trailer = at + 4 * frames;
        assertEquals(frames, b.getInt(trailer), where + ": index frame count");
        assertEquals(crc(bytes, at, 4 * frames + 4), b.getInt(trailer + 4), where + ": index CRC");
        assertArrayEquals(INDEX_MARKER, Arrays.copyOfRange(bytes, trailer + 8, trailer + 16),
            where + ": index marker");
        at = trailer + 16;
      }
      assertEquals(payload + stored, at, where + ": frames (and index) fill the stored size");
    }
    assertEquals(directoryOffset, expectedDataOffset, "directory follows the last payload");
  }

  /**
   * Reads a framed entry as engram-rs 1.1.1's {@code decompress_frames} does (shared/FORMAT.md):
   * the frame count, then exactly that many {@code [size][frame]} pairs from the payload's start,
   * each decoded and appended (here: counted and fed to a CRC32); then only the decoded length
   * and the CRC32 are checked. Nothing after the last frame is looked at.
   */
  private static void decompressFramesAsEngramRs(byte[] bytes, int payload, int method,
      long size, int crc) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    CRC32 content = new CRC32();
    long length = 0;
    int count = b.getInt(payload);
    int at = payload + 4;
    for (int k = 0; k < count; k++) {
      int encoded = b.getInt(at);
      byte[] frame = decode(method, bytes, at + 4, encoded,
          (int) Math.min(FRAME, size - (long) k * FRAME));
      content.update(frame);
      length += frame.length;
      at += 4 + encoded;
    }
    assertEquals(size, length, "decoded length");
    assertEquals(crc, (int) content.getValue(), "CRC32");
  }

  @ParameterizedTest
  @EnumSource(value = CompressionMethod.class, names = {"LZ4", "ZSTD"})
  void engramRsReadsFramedEntriesThatEndWithAFrameIndex(CompressionMethod method)
      throws IOException {
    Path file = dir.resolve("indexed.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(file)) {
      writer.addFile("big.bin", TestData.patternStream(BIG), method);
      writer.finish();
    }
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int c = (int) b.getLong(16); // the only directory entry
    int payload = (int) b.getLong(c + 4) + LOCA_FIXED + b.getShort(c + 42) + 1;
    long stored = b.getLong(c + 20);
    assertEquals(BIG / FRAME + 1, b.getInt(payload), "frame count");
    assertArrayEquals(INDEX_MARKER, Arrays.copyOfRange(bytes, (int) (payload + stored - 8),
        (int) (payload + stored)), "the payload carries an index");
    assertEquals(TestData.patternCrc(BIG), b.getInt(c + 28), "the directory's CRC32");
    decompressFramesAsEngramRs(bytes, payload, bytes[c + 40], b.getLong(c + 12),
        b.getInt(c + 28));
  }

  // ---------------------------------------------------------------------------------------------
  // Header CRC

  @Test
  void writerRecordsCrc32OfHeaderBytes0To11AtOffset12() throws IOException {
    byte[] bytes = Files.readAllBytes(writeSmallArchive("crc.eng"));
    int recorded = ByteBuffer.wrap(bytes, 12, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    assertEquals(crc(bytes, 0, 12), recorded);
    assertNotEquals(0, recorded);
  }

  @Test
  void flippedVersionByteFailsOpenWithCorruptArchiveNamingTheHeaderCrc() throws IOException {
    Path file = writeSmallArchive("flipped.eng");
    byte[] bytes = Files.readAllBytes(file);
    bytes[10] ^= 1; // minor version 0 -> 1: without the CRC this would be a readable 1.1 archive
    Files.write(file, bytes);
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> ArchiveReader.open(file));
    assertSame(CorruptArchiveException.class, e.getClass());
    assertTrue(e.getMessage().contains("flipped.eng"), e.getMessage());
    assertTrue(e.getMessage().contains("header CRC"), e.getMessage());
  }

  @Test
  void headerCrcOfZeroMeansNotRecordedAndOpensAsEngramRsArchivesDo() throws IOException {
    Path file = writeSmallArchive("zero-crc.eng");
    byte[] bytes = Files.readAllBytes(file);
    Arrays.fill(bytes, 12, 16, (byte) 0);
    Arrays.fill(bytes, bytes.length - 36, bytes.length, (byte) 0); // and no copy, as engram-rs
    Files.write(file, bytes);
    try (ArchiveReader reader = ArchiveReader.open(file)) {
      assertArrayEquals(TestData.text(6000, 9), reader.read("a.txt"));
    }
  }

  // ---------------------------------------------------------------------------------------------

  private Path writeSmallArchive(String name) throws IOException {
    Path file = dir.resolve(name);
    try (ArchiveWriter writer = ArchiveWriter.create(file)) {
      writer.addFile("a.txt", TestData.text(6000, 9));
      writer.finish();
    }
    return file;
  }

  /** One entry of a hand-built archive: content, the payload as stored, and the method id. */
  private record HandEntry(String path, byte[] content, byte[] payload, int method, long mtime) {
    static HandEntry stored(String path, byte[] content, long mtime) {
      return new HandEntry(path, content, content, 0, mtime);
    }
  }

  /** A whole archive, laid out as FORMAT.md describes. */
  private static byte[] archive(List<HandEntry> entries, boolean recordHeaderCrc) {
    Le body = new Le();
    List<Long> offsets = new ArrayList<>();
    for (HandEntry e : entries) {
      offsets.add((long) HEADER + body.size());
      byte[] path = e.path.getBytes(StandardCharsets.UTF_8);
      body.ascii("LOCA").u64(e.content.length).u64(e.payload.length).u32(TestData.crc(e.content))
          .u64(e.mtime).u8(e.method).u8(0).u16(path.length).u32(0).bytes(path).u8(0)
          .bytes(e.payload);
    }
    long directoryOffset = HEADER + body.size();
    for (int i = 0; i < entries.size(); i++) {
      HandEntry e = entries.get(i);
      byte[] path = e.path.getBytes(StandardCharsets.UTF_8);
      body.ascii("CENT").u64(offsets.get(i)).u64(e.content.length).u64(e.payload.length)
          .u32(TestData.crc(e.content)).u64(e.mtime).u8(e.method).u8(0).u16(path.length)
          .bytes(path).zeros(256 - path.length).zeros(20);
    }
    long directorySize = (long) entries.size() * CENT;
    Le header = new Le().bytes(MAGIC).u16(1).u16(0);
    int headerCrc = recordHeaderCrc ? crc(header.toArray(), 0, 12) : 0;
    header.u32(headerCrc).u64(directoryOffset).u64(directorySize).u32(entries.size()).u32(0)
        .u32(0).zeros(20);
    Le end = new Le().ascii("ENDR").u16(1).u16(0).u64(directoryOffset).u64(directorySize)
        .u32(entries.size());
    byte[] headerBytes = header.toArray();
    if (recordHeaderCrc) {
      // engram-java's extension: the CRC32 of the whole header, and the header bytes the end
      // record does not repeat (36 to 63, then the header CRC at 12 to 15)
      end.u32(crc(headerBytes, 0, HEADER)).bytes(Arrays.copyOfRange(headerBytes, 36, 64))
          .bytes(Arrays.copyOfRange(headerBytes, 12, 16));
    } else {
      end.u32(0).zeros(32); // as engram-rs writes it
    }
    assertEquals(HEADER, header.size());
    assertEquals(END, end.size());
    return new Le().bytes(header.toArray()).bytes(body.toArray()).bytes(end.toArray()).toArray();
  }

  /** A framed payload: [u32 frame count][u32 size][frame]..., each 64 KiB encoded alone. */
  private static byte[] framed(byte[] content, UnaryOperator<byte[]> encoder) {
    int frames = (content.length + FRAME - 1) / FRAME;
    Le out = new Le().u32(frames);
    for (int k = 0; k < frames; k++) {
      byte[] frame = encoder.apply(
          Arrays.copyOfRange(content, k * FRAME, Math.min(content.length, (k + 1) * FRAME)));
      out.u32(frame.length).bytes(frame);
    }
    return out.toArray();
  }

  /** Method 1: 4-byte little-endian length, then one raw LZ4 block. */
  private static byte[] lz4Block(byte[] content) {
    byte[] block = LZ4Factory.fastestInstance().fastCompressor().compress(content);
    return new Le().u32(content.length).bytes(block).toArray();
  }

  /** Method 2 as engram-rs writes it: a Zstandard frame without the content size. */
  private static byte[] zstdWithoutContentSize(byte[] content) {
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(6);
      ctx.setContentSize(false);
      return ctx.compress(content);
    }
  }

  /** Decodes one block (a whole unframed payload or one frame) with the raw codec libraries. */
  private static byte[] decode(int method, byte[] src, int offset, int length, int size) {
    byte[] out = new byte[size];
    switch (method) {
      case 0:
        assertEquals(size, length, "stored block length");
        System.arraycopy(src, offset, out, 0, size);
        return out;
      case 1: {
        int prefix = ByteBuffer.wrap(src, offset, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getInt();
        assertEquals(size, prefix, "LZ4 length prefix");
        LZ4SafeDecompressor lz4 = LZ4Factory.fastestInstance().safeDecompressor();
        assertEquals(size, lz4.decompress(src, offset + 4, length - 4, out, 0, size));
        return out;
      }
      case 2:
        try (ZstdDecompressCtx zstd = new ZstdDecompressCtx()) {
          assertEquals(size, zstd.decompressByteArray(out, 0, size, src, offset, length));
        }
        return out;
      default:
        throw new AssertionError("unknown method " + method);
    }
  }

  private static byte[] readAt(SeekableByteChannel channel, long position, int length)
      throws IOException {
    channel.position(position);
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        break;
      }
    }
    assertEquals(length, buffer.position(), "bytes read at " + position);
    return buffer.array();
  }

  private static int crc(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  private static void assertAllZero(byte[] bytes, int offset, int length, String what) {
    for (int i = offset; i < offset + length; i++) {
      assertEquals(0, bytes[i], what + ": byte at offset " + i);
    }
  }

  /** Little-endian byte builder. */
  private static final class Le {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Le u8(int v) {
      out.write(v);
      return this;
    }

    Le u16(int v) {
      return u8(v).u8(v >>> 8);
    }

    Le u32(long v) {
      return u16((int) v).u16((int) (v >>> 16));
    }

    Le u64(long v) {
      return u32(v).u32(v >>> 32);
    }

    Le bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Le ascii(String s) {
      return bytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    Le zeros(int n) {
      return bytes(new byte[n]);
    }

    int size() {
      return out.size();
    }

    byte[] toArray() {
      return out.toByteArray();
    }
  }
}
