/*
 * The native half of engram-sqlite's virtual file system: a SQLite loadable extension that keeps
 * the API table SQLite hands it, so that Java can register a VFS with the SQLite library inside
 * sqlite-jdbc (whose sqlite3_* symbols are hidden). Everything else, the VFS itself included, is
 * Java (dev.engram.sqlite.NativeVfs).
 *
 * Build: gcc -O2 -fPIC -shared -o libengramvfs.so engramvfs.c   (needs sqlite3ext.h)
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

/* Called by SQLite's load_extension(); the table stays valid for the life of the process. */
#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_engramvfs_init(sqlite3 *db, char **error, const sqlite3_api_routines *api) {
  (void) db;
  (void) error;
  SQLITE_EXTENSION_INIT2(api);
  /* stay loaded when the connection that loaded us closes: Java calls the functions below */
  return SQLITE_OK_LOAD_PERMANENTLY;
}

/* 1 once sqlite3_engramvfs_init has run, so Java can tell the table is there. */
int engramvfs_ready(void) {
  return sqlite3_api != 0;
}

sqlite3_vfs *engramvfs_find(const char *name) {
  return sqlite3_vfs_find(name);
}

int engramvfs_register(sqlite3_vfs *vfs, int make_default) {
  return sqlite3_vfs_register(vfs, make_default);
}

/* The SQLite version sqlite-jdbc carries, for diagnostics. */
const char *engramvfs_sqlite_version(void) {
  return sqlite3_libversion();
}
