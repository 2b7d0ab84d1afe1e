package dev.engram;

/**
 * A snapshot of the counters of a reader's frame cache ({@link ArchiveReader#frameCache()}): the
 * cache that {@link RandomAccessEntry} views of framed entries share.
 *
 * @param capacity the most decoded bytes the cache keeps ({@link ReaderOptions#frameCacheSize()})
 * @param size the decoded bytes held when the snapshot was taken
 * @param hits lookups that found their frame, since the reader opened
 * @param misses lookups that did not (each one decoded a frame), since the reader opened
 */
public record FrameCacheStatistics(long capacity, long size, long hits, long misses) {
}
