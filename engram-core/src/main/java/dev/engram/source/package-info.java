/**
 * Where an archive's bytes come from: {@link dev.engram.source.ArchiveSource}, the positional
 * reads every reader goes through, and {@link dev.engram.source.SourceIdentity}, which version of
 * the bytes a source serves.
 */
package dev.engram.source;
