package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryTasksTest {
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  /** 4 folders of 25 small files, and one framed entry. */
  private List<EntryInfo> entries() throws IOException {
    Path archive = dir.resolve("folders.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("framed.bin", TestData.patternStream(60L << 20), CompressionMethod.LZ4);
      for (char folder = 'a'; folder <= 'd'; folder++) {
        for (int i = 0; i < 25; i++) {
          writer.addFile(folder + "/f" + i, TestData.text(1_000 + i, i));
        }
      }
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      return reader.entries();
    }
  }

  @Test
  void everyEntryRunsOnceAndAFolderOnOneThreadWhenTakenByFolder() throws IOException {
    List<EntryInfo> entries = entries();
    Map<Integer, String> threadOf = new ConcurrentHashMap<>();
    AtomicInteger runs = new AtomicInteger();
    EntryTasks.runAll(entries, pool, 3, true, () -> i -> {
      runs.incrementAndGet();
      threadOf.put(i, Thread.currentThread().getName());
    });
    assertEquals(entries.size(), runs.get());
    assertEquals(entries.size(), threadOf.size());
    for (char folder = 'a'; folder <= 'd'; folder++) {
      Set<String> threads = new HashSet<>();
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).path().startsWith(folder + "/")) {
          threads.add(threadOf.get(i));
        }
      }
      assertEquals(1, threads.size(), "folder " + folder + " ran on " + threads);
    }
    int framed = 0;
    assertTrue(entries.get(framed).isFramed());
    assertEquals(Thread.currentThread().getName(), threadOf.get(framed),
        "a framed entry runs on the caller's thread");
  }

  @Test
  void eachThreadMakesItsOwnTaskOnce() throws IOException {
    List<EntryInfo> entries = entries();
    Map<String, Integer> made = new ConcurrentHashMap<>();
    AtomicInteger runs = new AtomicInteger();
    EntryTasks.runAll(entries, pool, 3, false, () -> {
      made.merge(Thread.currentThread().getName(), 1, Integer::sum);
      return i -> runs.incrementAndGet();
    });
    assertEquals(entries.size(), runs.get());
    made.values().forEach(count -> assertEquals(1, count));
  }

  @Test
  void theFirstFailureIsThrownAndStopsTheEntriesNotStarted() throws IOException {
    List<EntryInfo> entries = entries();
    IOException broken = new IOException("entry 10 is broken");
    AtomicInteger runs = new AtomicInteger();
    IOException thrown = assertThrows(IOException.class,
        () -> EntryTasks.runAll(entries, null, 0, false, () -> i -> {
          runs.incrementAndGet();
          if (i == 10) {
            throw broken;
          }
        }));
    assertSame(broken, thrown);
    assertEquals(11, runs.get(), "on one thread, nothing runs after the failure");
  }
}
