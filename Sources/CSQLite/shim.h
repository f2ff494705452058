#ifndef FRONTDESK_CSQLITE_SHIM_H
#define FRONTDESK_CSQLITE_SHIM_H
#include <stddef.h>
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a destructor; Swift cannot import it.
static inline int fd_sqlite3_bind_text_transient(sqlite3_stmt *stmt, int index, const char *text, int length) {
    return sqlite3_bind_text(stmt, index, text, length, SQLITE_TRANSIENT);
}
/// Text given as bytes and a length (no terminating NUL needed); SQLite copies them.
static inline int fd_sqlite3_bind_text_bytes_transient(sqlite3_stmt *stmt, int index, const unsigned char *bytes,
                                                        int length) {
    /* A NULL pointer binds NULL: an empty string still needs a non-NULL one. */
    return sqlite3_bind_text(stmt, index, bytes != NULL ? (const char *) bytes : "", length, SQLITE_TRANSIENT);
}
static inline int fd_sqlite3_bind_blob_transient(sqlite3_stmt *stmt, int index, const void *data, int length) {
    return sqlite3_bind_blob(stmt, index, data, length, SQLITE_TRANSIENT);
}
#endif
