/**
 * Reads Engram archives in Amazon S3 and S3-compatible stores: {@code dev.engram.s3}.
 *
 * <p>{@link dev.engram.s3.S3Archives} opens an archive through a caller's {@code S3Client}; the
 * {@code s3} scheme of {@link dev.engram.ArchiveReader#open(java.net.URI)} ({@code
 * s3://bucket/key}) is provided here, with a client built from the AWS SDK's default chains.
 */
// requires-automatic, requires-transitive-automatic: the AWS SDK's jars have no module
// descriptor, only an Automatic-Module-Name each (the names below).
// module: javac advises against a name ending in digits (s3); the name follows the package.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic", "module"})
module dev.engram.s3 {
  // S3Archives takes and returns dev.engram types (ArchiveReader, ReaderOptions, ArchiveSource)
  // and the SDK's S3Client
  requires transitive dev.engram;
  requires transitive software.amazon.awssdk.services.s3;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.endpoints;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.retries;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.utils;
  // The SDK logs through SLF4J, whose API is an explicit module: on the module path it is
  // resolved only if a module requires it, which the SDK's automatic modules cannot say.
  requires org.slf4j;

  exports dev.engram.s3;

  // the s3: scheme of ArchiveSource.open(URI) and ArchiveReader.open(URI) (also listed in
  // META-INF/services for the class path)
  provides dev.engram.source.ArchiveSourceProvider with dev.engram.s3.S3SourceProvider;
}
