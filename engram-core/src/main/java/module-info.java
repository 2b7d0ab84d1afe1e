/**
 * Reads and writes Engram archives.
 *
 * <p>The API is {@code dev.engram} (readers, writers, options, exceptions), {@code
 * dev.engram.manifest} (manifests and signatures), {@code dev.engram.source} (where an
 * archive's bytes come from) and {@code dev.engram.nio} (archives as {@code java.nio.file} file
 * systems, for the {@code engram} URI scheme). The other packages ({@code format}, {@code
 * codec}, {@code frame}, {@code crypto}, {@code io}, {@code remote}) are the implementation: not
 * exported.
 */
// requires-automatic: lz4-java has only an Automatic-Module-Name (org.lz4.java), no descriptor.
// module: the qualified export below names dev.engram.bench, which is not observable when this
// module is compiled (it is compiled later, in its own Maven module).
@SuppressWarnings({"requires-automatic", "module"})
module dev.engram {
  requires com.fasterxml.jackson.databind;
  requires com.github.luben.zstd_jni;
  requires java.net.http;
  requires org.bouncycastle.provider;
  requires org.lz4.java;

  exports dev.engram;
  exports dev.engram.manifest;
  exports dev.engram.nio;
  exports dev.engram.source;
  // Every export is API: it shows in api/engram-core.api, which ApiListingTest regenerates from
  // this descriptor and compares; ModuleBoundaryTest checks the exact set of exports.

  provides java.nio.file.spi.FileSystemProvider with dev.engram.nio.EngramFileSystemProvider;
  // URI schemes other than file, http and https (engram-s3's s3:), for ArchiveSource.open(URI)
  uses dev.engram.source.ArchiveSourceProvider;

  // Only the benchmark's row 4 (FramedReadRow) counts the frames a channel decodes
  // (FramedEntryChannel.framesDecoded), which no public API offers.
  exports dev.engram.frame to dev.engram.bench;
}
