/**
 * Queries SQLite databases inside Engram archives in place, through JDBC: {@code
 * dev.engram.sqlite}.
 *
 * <p>The in-place reader calls native code through the foreign-function API: on the module path,
 * run with {@code --enable-native-access=dev.engram.sqlite}.
 */
module dev.engram.sqlite {
  // VfsReader's API takes and returns dev.engram types (ArchiveReader, ReaderOptions, ...) and
  // JDBC ones (Connection, DataSource, SQLException)
  requires transitive dev.engram;
  requires transitive java.sql;
  requires org.xerial.sqlitejdbc;

  exports dev.engram.sqlite;
}
