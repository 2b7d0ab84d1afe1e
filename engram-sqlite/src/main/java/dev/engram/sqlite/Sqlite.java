package dev.engram.sqlite;

/** The SQLite C constants the virtual file system uses (from {@code sqlite3.h}). */
final class Sqlite {
  static final int OK = 0;
  static final int ERROR = 1;
  static final int READONLY = 8;
  static final int IOERR = 10;
  static final int NOTFOUND = 12;
  static final int CANTOPEN = 14;
  static final int IOERR_READ = IOERR | 1 << 8;
  static final int IOERR_SHORT_READ = IOERR | 2 << 8;
  static final int IOERR_WRITE = IOERR | 3 << 8;
  static final int IOERR_NOMEM = IOERR | 12 << 8;

  static final int OPEN_READONLY = 0x1;
  static final int OPEN_READWRITE = 0x2;
  static final int OPEN_CREATE = 0x4;
  static final int OPEN_MAIN_DB = 0x100;
  static final int OPEN_TEMP_DB = 0x200;
  static final int OPEN_TRANSIENT_DB = 0x400;
  static final int OPEN_TEMP_JOURNAL = 0x1000;
  static final int OPEN_SUBJOURNAL = 0x2000;

  static final int ACCESS_READWRITE = 1;

  static final int IOCAP_IMMUTABLE = 0x2000;

  /** The first 16 bytes of every SQLite database file. */
  static final byte[] HEADER_MAGIC = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Sqlite() {}
}
