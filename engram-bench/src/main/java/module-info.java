/**
 * The benchmarks of scripts/bench, scripts/bench-fs, scripts/bench-frame-index,
 * scripts/bench-remote and scripts/bench-update (docs/BENCHMARKS.md); run on the class path. scripts/bench-hadoop's
 * HadoopBench (src/hadoop/java) is not part of this module: it uses Spark, whose jars cannot be
 * modules, and is compiled apart on the class path (see the pom).
 */
// requires-automatic: lz4-java has only an Automatic-Module-Name (org.lz4.java), no descriptor.
@SuppressWarnings("requires-automatic")
module dev.engram.bench {
  requires dev.engram;
  requires dev.engram.sqlite;
  requires com.github.luben.zstd_jni;
  requires java.management;
  requires java.net.http;
  requires java.sql;
  requires jdk.management;
  requires org.lz4.java;
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.io;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.util;
  requires org.xerial.sqlitejdbc;
}
