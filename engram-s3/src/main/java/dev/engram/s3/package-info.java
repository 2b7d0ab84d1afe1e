/**
 * Engram archives in Amazon S3 and S3-compatible stores, read in place with ranged {@code
 * GetObject} requests: {@link dev.engram.s3.S3Archives} with a caller's client, and the {@code
 * s3://bucket/key} scheme of {@link dev.engram.ArchiveReader#open(java.net.URI)} ({@link
 * dev.engram.s3.S3SourceProvider}).
 */
package dev.engram.s3;
