package dev.engram.hadoop;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.BlockLocation;

/**
 * Maps the underlying file system's blocks of an archive onto one entry's content: the blocks
 * that hold the entry's stored bytes, with offsets and lengths moved into the content's range in
 * proportion, so that a split of the entry is scheduled where its bytes are.
 */
final class EntryBlocks {
  private EntryBlocks() {}

  /**
   * @param blocks the underlying blocks of the archive (those outside the stored range are
   *     skipped)
   * @param first where the stored bytes start in the archive
   * @param stored how many stored bytes (at least 1)
   * @param size the entry's content size (at least 1)
   * @param start the first content byte asked about
   * @param len how many content bytes are asked about
   */
  static BlockLocation[] map(BlockLocation[] blocks, long first, long stored, long size,
      long start, long len) {
    if (blocks == null) {
      return new BlockLocation[0];
    }
    long end = len > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + len;
    List<BlockLocation> out = new ArrayList<>();
    for (BlockLocation block : blocks) {
      long from = Math.max(block.getOffset(), first) - first;
      long to = Math.min(block.getOffset() + block.getLength(), first + stored) - first;
      if (to <= from) {
        continue;
      }
      long contentFrom = scale(from, stored, size);
      long contentTo = scale(to, stored, size);
      if (contentTo <= contentFrom || contentTo <= start || contentFrom >= end) {
        continue;
      }
      BlockLocation mapped = new BlockLocation(block);
      mapped.setOffset(contentFrom);
      mapped.setLength(contentTo - contentFrom);
      out.add(mapped);
    }
    return out.toArray(new BlockLocation[0]);
  }

  /** A stored offset in {@code [0, stored]} as a content offset in {@code [0, size]}. */
  static long scale(long storedOffset, long stored, long size) {
    if (storedOffset >= stored) {
      return size;
    }
    return (long) Math.floor((double) storedOffset * size / stored);
  }
}
