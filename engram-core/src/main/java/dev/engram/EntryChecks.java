package dev.engram;

import dev.engram.format.DirectoryEntries;
import java.util.AbstractList;
import java.util.HexFormat;
import java.util.RandomAccess;

/**
 * The checks of every entry of a verification ({@link VerificationReport#entries()}), held
 * compactly: the paths and sizes stay in the archive's directory, which the reader already
 * holds, and each entry adds its SHA-256 (32 bytes) and a reference to its problem, where an
 * {@link VerificationReport.EntryCheck} with its hexadecimal digest takes some 140 bytes. A check
 * is made when asked for.
 *
 * <p>Filled by the verifier's threads, each entry by one ({@link #record}), and immutable once
 * they have finished (their completion publishes it); thread-safe then.
 */
final class EntryChecks extends AbstractList<VerificationReport.EntryCheck>
    implements RandomAccess {
  private static final int SHA256_BYTES = 32;
  /** Entries whose digests share an array: no array grows past 128 KiB, however many entries. */
  private static final int PAGE_SHIFT = 12;
  private static final int PAGE = 1 << PAGE_SHIFT;

  private final DirectoryEntries directory;
  /** The digests, page by page, each page made up front (threads record without a lock). */
  private final byte[][] sha256;
  /** Whether each entry was read to its end, so that {@link #sha256} holds its digest. */
  private final boolean[] hashed;
  private final String[] problems;

  EntryChecks(DirectoryEntries directory) {
    this.directory = directory;
    int count = directory.size();
    sha256 = new byte[(count + PAGE - 1) >>> PAGE_SHIFT][];
    for (int page = 0; page < sha256.length; page++) {
      sha256[page] = new byte[Math.min(PAGE, count - (page << PAGE_SHIFT)) * SHA256_BYTES];
    }
    hashed = new boolean[count];
    problems = new String[count];
  }

  /**
   * Records what reading entry {@code index} found.
   *
   * @param digest its SHA-256 (32 bytes), or null when it could not be read to its end
   * @param problem what is wrong with it, or null when it is intact
   */
  void record(int index, byte[] digest, String problem) {
    if (digest != null) {
      System.arraycopy(digest, 0, sha256[index >>> PAGE_SHIFT],
          (index & (PAGE - 1)) * SHA256_BYTES, SHA256_BYTES);
      hashed[index] = true;
    }
    problems[index] = problem;
  }

  /** Whether entry {@code index} read back intact, without making its check. */
  boolean isIntact(int index) {
    return problems[index] == null;
  }

  @Override
  public VerificationReport.EntryCheck get(int index) {
    int at = (index & (PAGE - 1)) * SHA256_BYTES;
    String hash = hashed[index] ? HexFormat.of().formatHex(sha256[index >>> PAGE_SHIFT], at,
        at + SHA256_BYTES) : null;
    return new VerificationReport.EntryCheck(directory.path(index),
        directory.uncompressedSize(index), hash, problems[index]);
  }

  @Override
  public int size() {
    return problems.length;
  }
}
