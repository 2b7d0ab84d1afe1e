package dev.engram.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.CorruptArchiveException;
import dev.engram.LimitExceededException;
import dev.engram.UnsupportedArchiveException;
import org.junit.jupiter.api.Test;

/**
 * A stored key derivation record cannot make a reader spend unbounded memory or time
 * (docs/SECURITY.md, "Key and passphrase handling"): every cost is capped before anything is
 * derived. EncryptionTest proves the same through a whole archive.
 */
class PassphraseKdfTest {
  private static byte[] record(int algorithm, int log2Memory, int iterations, int lanes) {
    byte[] record = new byte[PassphraseKdf.RECORD_BYTES];
    record[0] = (byte) algorithm;
    record[1] = (byte) log2Memory;
    record[2] = (byte) iterations;
    record[3] = (byte) lanes;
    return record;
  }

  @Test
  void aRecordWithinTheCapsDecodes() throws Exception {
    PassphraseKdf kdf = PassphraseKdf.decode(record(1, 10, PassphraseKdf.MAX_ITERATIONS,
        PassphraseKdf.MAX_PARALLELISM));
    assertEquals(10, kdf.log2MemoryKiB());
  }

  @Test
  void everyCostOverItsCapIsRefusedNamingIt() {
    LimitExceededException memory = assertThrows(LimitExceededException.class,
        () -> PassphraseKdf.decode(record(1, PassphraseKdf.MAX_LOG2_MEMORY_KIB + 1, 1, 1)));
    assertEquals("kdfMemory", memory.limit());
    assertThrows(LimitExceededException.class, () -> PassphraseKdf.decode(record(1, 255, 1, 1)));
    LimitExceededException time = assertThrows(LimitExceededException.class,
        () -> PassphraseKdf.decode(record(1, 10, PassphraseKdf.MAX_ITERATIONS + 1, 1)));
    assertEquals("kdfCost", time.limit());
    assertTrue(time.getMessage().contains("17 iterations"), time.getMessage());
    LimitExceededException lanes = assertThrows(LimitExceededException.class,
        () -> PassphraseKdf.decode(record(1, 10, 1, 255)));
    assertTrue(lanes.getMessage().contains("255 lanes"), lanes.getMessage());
  }

  @Test
  void impossibleOrUnknownRecordsAreRefused() {
    assertThrows(UnsupportedArchiveException.class,
        () -> PassphraseKdf.decode(record(2, 10, 1, 1)));
    assertThrows(CorruptArchiveException.class, () -> PassphraseKdf.decode(record(1, 10, 0, 1)));
    assertThrows(CorruptArchiveException.class, () -> PassphraseKdf.decode(record(1, 10, 1, 0)));
    assertThrows(CorruptArchiveException.class, () -> PassphraseKdf.decode(record(1, 2, 1, 1)));
    // 8 KiB of memory per lane at least
    assertThrows(CorruptArchiveException.class, () -> PassphraseKdf.decode(record(1, 4, 1, 4)));
  }
}
