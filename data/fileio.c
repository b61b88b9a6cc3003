/* Whole-file reading and atomic writing: see fileio.h. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

#define MIB         ((size_t)1024 * 1024)
#define FIRST_CHUNK ((size_t)64 * 1024) /* first buffer for a stream of unknown size */

/* Returns an owned "NAME: reason" message for errno value e from opening or reading. */
static char *read_error(const char *name, int e)
{
    switch (e) {
    case ENOENT: return xasprintf("%s: no such file", name);
    case EISDIR: return xasprintf("%s: is a directory, expected a file", name);
    case EACCES:
    case EPERM: return xasprintf("%s: permission denied", name);
    default: return xasprintf("%s: cannot read: %s", name, strerror(e));
    }
}

static char *too_large(const char *name, size_t max_bytes)
{
    if (max_bytes >= MIB && max_bytes % MIB == 0)
        return xasprintf("%s: larger than the %zu MB limit", name, max_bytes / MIB);
    return xasprintf("%s: larger than the %zu byte limit", name, max_bytes);
}

/* Opens path for reading ("-": standard input) and sets *name to what messages call it;
 * -1 with *err set when it cannot. */
static int open_input(const char *path, const char **name, char **err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    *name = is_stdin ? "<stdin>" : path;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) *err = read_error(*name, errno);
    return fd;
}

/* file_read_all of the open fd (closed after, unless it is standard input). */
static bool read_fd_all(int fd, bool is_stdin, const char *name, size_t max_bytes, char **data,
                        size_t *len, char **err)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *err = read_error(name, errno);
        goto fail_fd;
    }
    if (S_ISDIR(st.st_mode)) {
        *err = read_error(name, EISDIR);
        goto fail_fd;
    }
    if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max_bytes) {
        *err = too_large(name, max_bytes);
        goto fail_fd;
    }

    /* Room for max_bytes + 1 bytes (to notice a file that grew past the limit) and a NUL. */
    size_t limit = max_bytes < SIZE_MAX - 2 ? max_bytes + 2 : SIZE_MAX;
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : FIRST_CHUNK;
    if (cap > limit) cap = limit;
    char *buf = xmalloc(cap);
    size_t n = 0;
    for (;;) {
        if (n + 1 >= cap) {
            if (cap >= limit) {
                *err = too_large(name, max_bytes);
                free(buf);
                goto fail_fd;
            }
            cap = cap > limit / 2 ? limit : cap * 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            *err = read_error(name, errno);
            free(buf);
            goto fail_fd;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    if (n > max_bytes) {
        *err = too_large(name, max_bytes);
        free(buf);
        goto fail_fd;
    }
    if (!is_stdin) close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return true;

fail_fd:
    if (!is_stdin) close(fd);
    return false;
}

bool file_read_all(const char *path, size_t max_bytes, char **data, size_t *len, char **err)
{
    const char *name;
    int fd = open_input(path, &name, err);
    return fd >= 0 && read_fd_all(fd, strcmp(path, "-") == 0, name, max_bytes, data, len, err);
}

bool file_text_read(const char *path, size_t max_bytes, FileText *t, char **err)
{
    *t = (FileText){0};
    const char *name;
    int fd = open_input(path, &name, err);
    if (fd < 0) return false;
    bool is_stdin = strcmp(path, "-") == 0;
    long page = sysconf(_SC_PAGESIZE);
    struct stat st;
    if (!is_stdin && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && page > 0 &&
        (uintmax_t)st.st_size >= FILE_MAP_MIN && (uintmax_t)st.st_size <= max_bytes &&
        st.st_size % page != 0) {
        size_t len = (size_t)st.st_size;
        char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (p != MAP_FAILED) {
            /* the NUL after the text, in the rest of the last page: written into a private copy
             * of that page, so that what another program appends meanwhile cannot show there */
            char *last = (char *)((uintptr_t)(p + len) & ~((uintptr_t)page - 1));
            if (mprotect(last, (size_t)page, PROT_READ | PROT_WRITE) == 0) {
                p[len] = '\0';
                (void)mprotect(last, (size_t)page, PROT_READ);
                close(fd);
                t->data = p;
                t->len = len;
                t->mapped = true;
                return true;
            }
            munmap(p, len);
        }
    }
    /* read from the descriptor open already: a pipe opened twice loses what was written */
    char *data;
    if (!read_fd_all(fd, is_stdin, name, max_bytes, &data, &t->len, err)) return false;
    t->data = data;
    return true;
}

void file_text_done(FileText *t)
{
    if (t->mapped)
        munmap((void *)t->data, t->len);
    else
        free((void *)t->data);
    *t = (FileText){0};
}

/* Writes all n bytes at p to fd; false with errno set on failure. */
static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = write(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

static bool write_stdout(const char *data, size_t len, char **err)
{
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
        *err = xasprintf("<stdout>: cannot write: %s", strerror(errno));
        return false;
    }
    return true;
}

/* The mode a new file gets from open(..., 0666): the process umask applied. Reading the
 * umask means setting it, briefly; breakout writes files from one thread only. */
static mode_t new_file_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

struct AtomicFile {
    char *path; /* as given, for messages */
    char *real; /* the file replaced: path, or the target of the link at path */
    char *dir;  /* its directory */
    char *tmp;  /* the temporary file beside it; NULL when writing straight to real */
    FILE *stream;
};

static void atomic_free(AtomicFile *af)
{
    free(af->path);
    free(af->real);
    free(af->dir);
    free(af->tmp);
    free(af);
}

static char *cannot_write(const char *path, int e)
{
    if (e == ENOENT || e == ENOTDIR) return xasprintf("%s: no such directory", path);
    if (e == EACCES || e == EPERM) return xasprintf("%s: permission denied", path);
    return xasprintf("%s: cannot write: %s", path, strerror(e));
}

/* Output to something that is not a regular file (a device, a named pipe), written as it is
 * (a named pipe waits for its reader, as the shell's > does). NULL with *err unset when path
 * turned out to be a regular file after all (replaced meanwhile): written the usual way. */
static AtomicFile *open_direct(const char *path, char **err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        close(fd);
        return NULL;
    }
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        *err = cannot_write(path, errno);
        if (fd >= 0) close(fd);
        return NULL;
    }
    AtomicFile *af = xcalloc(1, sizeof *af);
    af->path = xstrdup(path);
    af->stream = f;
    return af;
}

AtomicFile *file_atomic_open(const char *path, char **err)
{
    /* Write through a symbolic link to its target, rather than replacing the link. */
    char *target = NULL;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) target = realpath(path, NULL);
    const char *real = target ? target : path;

    mode_t mode;
    if (stat(real, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            *err = xasprintf("%s: is a directory, expected a file", path);
            free(target);
            return NULL;
        }
        if (!S_ISREG(st.st_mode)) { /* /dev/null, a named pipe: written to, never replaced */
            *err = NULL;
            AtomicFile *af = open_direct(path, err);
            if (af || *err) {
                free(target);
                return af;
            }
        }
        mode = st.st_mode & 07777;
    } else {
        mode = new_file_mode();
    }
    size_t rl = strlen(real);
    if (rl == 0 || real[rl - 1] == '/') {
        *err = xasprintf("%s: is a directory, expected a file", path);
        free(target);
        return NULL;
    }

    AtomicFile *af = xcalloc(1, sizeof *af);
    af->path = xstrdup(path);
    af->real = target ? target : xstrdup(path);
    const char *slash = strrchr(af->real, '/');
    af->dir = slash ? xstrndup(af->real, slash == af->real ? 1 : (size_t)(slash - af->real))
                    : xstrdup(".");
    af->tmp = xasprintf("%s/.%s.tmp-XXXXXX", af->dir, slash ? slash + 1 : af->real);
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        *err = cannot_write(path, errno);
        atomic_free(af);
        return NULL;
    }
    if (fchmod(fd, mode) != 0 || !(af->stream = fdopen(fd, "w"))) {
        *err = xasprintf("%s: cannot write: %s", path, strerror(errno));
        close(fd);
        unlink(af->tmp);
        atomic_free(af);
        return NULL;
    }
    return af;
}

const char *file_atomic_temp(const AtomicFile *af)
{
    return af->tmp;
}

FILE *file_atomic_stream(AtomicFile *af)
{
    return af->stream;
}

void file_atomic_abort(AtomicFile *af)
{
    if (!af) return;
    fclose(af->stream);
    if (af->tmp) unlink(af->tmp);
    atomic_free(af);
}

bool file_atomic_commit(AtomicFile *af, char **err)
{
    int e = 0;
    errno = 0;
    if (fflush(af->stream) != 0 || ferror(af->stream)) e = errno ? errno : EIO;
    if (e == 0 && af->tmp && fsync(fileno(af->stream)) != 0) e = errno;
    if (fclose(af->stream) != 0 && e == 0) e = errno;
    if (!af->tmp) { /* written straight to it */
        if (e != 0) *err = xasprintf("%s: cannot write: %s", af->path, strerror(e));
        atomic_free(af);
        return e == 0;
    }
    if (e == 0 && rename(af->tmp, af->real) != 0) e = errno;
    if (e != 0) {
        unlink(af->tmp);
        *err = xasprintf("%s: cannot write: %s", af->path, strerror(e));
        atomic_free(af);
        return false;
    }
    /* Make the rename itself durable; a failure here loses nothing already visible. */
    int dfd = open(af->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    atomic_free(af);
    return true;
}

bool file_write_atomic(const char *path, const char *data, size_t len, char **err)
{
    if (strcmp(path, "-") == 0) return write_stdout(data, len, err);
    AtomicFile *af = file_atomic_open(path, err);
    if (!af) return false;
    if (fflush(af->stream) != 0 || !write_all(fileno(af->stream), data, len)) {
        *err = xasprintf("%s: cannot write: %s", path, strerror(errno));
        file_atomic_abort(af);
        return false;
    }
    return file_atomic_commit(af, err);
}
