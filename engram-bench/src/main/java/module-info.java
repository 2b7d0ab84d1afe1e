/**
 * The benchmarks of scripts/bench and scripts/bench-fs (docs/BENCHMARKS.md); run on the class path.
 */
// requires-automatic: lz4-java has only an Automatic-Module-Name (org.lz4.java), no descriptor.
@SuppressWarnings("requires-automatic")
module dev.engram.bench {
  requires dev.engram;
  requires com.github.luben.zstd_jni;
  requires java.management;
  requires java.sql;
  requires org.lz4.java;
  requires org.xerial.sqlitejdbc;
}
