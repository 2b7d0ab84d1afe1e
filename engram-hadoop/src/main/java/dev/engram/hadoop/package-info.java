/**
 * The files inside Engram archives as a read-only Hadoop {@link org.apache.hadoop.fs.FileSystem}
 * ({@link dev.engram.hadoop.EngramFileSystem}, scheme {@code engram}), so that Spark, Hive, Flink,
 * Trino and MapReduce read them in place; and {@link dev.engram.hadoop.HadoopSource}, an archive
 * on any Hadoop file system as an {@link dev.engram.source.ArchiveSource} for engram-core's
 * reader.
 */
package dev.engram.hadoop;
