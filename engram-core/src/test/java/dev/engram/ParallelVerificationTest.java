package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify() reads entries on several threads and reports exactly what one thread reports. */
class ParallelVerificationTest {
  private static final int FILES = 200;
  private static final Set<String> DAMAGED = Set.of("d3/f10.bin", "d1/f99.bin", "d3/f199.bin");

  @TempDir Path dir;

  private Path damagedArchive() throws IOException {
    Path archive = dir.resolve("many.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("framed/huge.bin", TestData.patternStream(60L << 20), CompressionMethod.ZSTD);
      for (int i = 0; i < FILES; i++) {
        CompressionMethod method = CompressionMethod.values()[i % 3];
        writer.addFile("d" + (i % 7) + "/f" + i + ".bin", TestData.text(5_000 + i * 97, i), method);
      }
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive);
        FileChannel file = FileChannel.open(archive, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      for (String path : DAMAGED) {
        EntryInfo entry = reader.entry(path).orElseThrow();
        long offset = entry.directoryEntry().payloadOffset() + entry.storedSize() / 2;
        ByteBuffer one = ByteBuffer.allocate(1);
        file.read(one, offset);
        file.write(ByteBuffer.wrap(new byte[] {(byte) ~one.get(0)}), offset);
      }
    }
    return archive;
  }

  private static VerificationReport verify(Path archive, int threads, AtomicLong progress,
      Set<String> progressThreads) throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().threads(threads).build())) {
      return reader.verify(VerifyOptions.builder().progress(bytes -> {
        progress.addAndGet(bytes);
        progressThreads.add(Thread.currentThread().getName());
      }).build());
    }
  }

  @Test
  void severalThreadsReportExactlyWhatOneThreadReports() throws Exception {
    Path archive = damagedArchive();
    AtomicLong oneProgress = new AtomicLong();
    AtomicLong fourProgress = new AtomicLong();
    Set<String> fourThreads = ConcurrentHashMap.newKeySet();
    VerificationReport one = verify(archive, 1, oneProgress, ConcurrentHashMap.newKeySet());
    VerificationReport four = verify(archive, 4, fourProgress, fourThreads);

    List<VerificationReport.EntryCheck> checks = four.entries();
    assertEquals(one.entries(), checks);
    assertEquals(FILES + 1, checks.size());
    for (VerificationReport.EntryCheck check : checks) {
      if (DAMAGED.contains(check.path())) {
        assertFalse(check.isIntact(), check.path());
        assertNull(check.sha256(), check.path());
      } else {
        assertTrue(check.isIntact(), check.path() + ": " + check.problem());
      }
    }
    assertEquals("framed/huge.bin", checks.get(0).path()); // the report keeps directory order
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (int i = 1; i < checks.size(); i += 13) { // the framed one is 60 MiB: not read again
        VerificationReport.EntryCheck check = checks.get(i);
        assertEquals(reader.entries().get(i).uncompressedSize(), check.size(), check.path());
        if (check.isIntact()) {
          assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
              .digest(reader.read(check.path()))), check.sha256(), check.path());
        }
      }
    }
    assertEquals(oneProgress.get(), fourProgress.get());
    assertTrue(fourThreads.stream().anyMatch(name -> name.startsWith("engram-reader-")),
        "no entry was read on the reader's threads: " + fourThreads);
  }
}
