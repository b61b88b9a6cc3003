/* Whole-file reading with size limits and atomic whole-file writing, with one-line
 * errors a user can act on. Used by every reader and writer of files in data/. */
#ifndef BREAKOUT_FILEIO_H
#define BREAKOUT_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Reads the whole file at path ("-" reads standard input, named "<stdin>" in messages).
 * On success sets *data to an owned, NUL-terminated copy (the NUL is not counted in *len)
 * and returns true. On failure returns false and sets *err to an owned one-line message:
 *   PATH: no such file
 *   PATH: is a directory, expected a file
 *   PATH: permission denied
 *   PATH: cannot read: REASON
 *   PATH: larger than the N MB limit        (N in bytes when max_bytes is under 1 MiB)
 * max_bytes > 0. A file of exactly max_bytes bytes is accepted. */
bool file_read_all(const char *path, size_t max_bytes, char **data, size_t *len, char **err);

/* A file's whole text, NUL-terminated (the NUL not counted in len). */
typedef struct {
    const char *data;
    size_t len;
    bool mapped; /* mapped from the page cache, not copied */
} FileText;

/* Large regular files (FILE_MAP_MIN bytes or more) are mapped rather than read. */
#define FILE_MAP_MIN ((size_t)1 << 20)

/* As file_read_all, into t: a large regular file is mapped rather than copied (reading 40 MB
 * into new memory took 24 ms to 150 ms, mapping it 2 ms). While it is mapped, a file that
 * another program cuts short raises SIGBUS when the cut part is read: ui/ says so and exits.
 * Release t with file_text_done. */
bool file_text_read(const char *path, size_t max_bytes, FileText *t, char **err);
void file_text_done(FileText *t);

/* Replaces the file at path with the len bytes at data, atomically: the bytes go to a
 * temporary file in the same directory, which is flushed to disk (fsync) and renamed over
 * path, so readers see the old or the new content, never a part. A new file gets mode 0666
 * minus the umask; an existing file keeps its mode. "-" writes to standard output.
 * Returns false and sets *err to an owned one-line message ("PATH: is a directory,
 * expected a file", "PATH: no such directory", "PATH: cannot write: REASON") on failure,
 * leaving any existing file untouched and no temporary file behind. */
bool file_write_atomic(const char *path, const char *data, size_t len, char **err);

/* The same, for output written as it is made (a report larger than memory should hold):
 * file_atomic_open makes the temporary file (NULL and *err, as above, when it cannot),
 * file_atomic_stream gives a stream on it, and file_atomic_commit flushes, syncs and renames
 * it over path (false and *err when any of it fails, the temporary file removed), or
 * file_atomic_abort removes it. Either frees the AtomicFile. path is not "-". */
typedef struct AtomicFile AtomicFile;
AtomicFile *file_atomic_open(const char *path, char **err);
FILE *file_atomic_stream(AtomicFile *af);
bool file_atomic_commit(AtomicFile *af, char **err);
void file_atomic_abort(AtomicFile *af);
/* The temporary file's name, for a signal handler to remove it; NULL when path is not a
 * regular file (a device such as /dev/null, a named pipe): that is written to as it is, never
 * replaced. */
const char *file_atomic_temp(const AtomicFile *af);

#endif
