/* A main() for the fuzz targets that gcc builds (libFuzzer needs clang): runs the target's
 * LLVMFuzzerTestOneInput once on every input file given, so that ctest replays the seed
 * corpora and the crash regressions in the normal and the sanitizer builds.
 * Usage: replay_TARGET [--ext json,yaml] [--min N] PATH...
 * A directory is walked recursively (files ending in one of --ext only, when given); a file
 * named on the command line is always run. A PATH written ?PATH is optional: when it is
 * missing the replay says so and goes on, except with CI=true, where it fails (TESTING.md).
 * Fails when fewer than N inputs were run (a seed folder that moved must not pass quietly). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const char *ext; /* comma-separated endings, or NULL for every file */
    size_t runs;
    int failed;
} Replay;

static int wanted(const Replay *r, const char *name)
{
    if (!r->ext) return 1;
    const char *dot = strrchr(name, '.');
    if (!dot) return 0;
    size_t n = strlen(dot + 1);
    for (const char *e = r->ext; *e;) {
        size_t k = strcspn(e, ",");
        if (k == n && strncmp(e, dot + 1, n) == 0) return 1;
        e += k + (e[k] == ',');
    }
    return 0;
}

static void run_file(Replay *r, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        r->failed = 1;
        return;
    }
    uint8_t *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 65536;
            data = realloc(data, cap);
            if (!data) abort();
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    r->runs++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(Replay *r, const char *path, int top)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        r->failed = 1;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (top || wanted(r, path)) run_file(r, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        r->failed = 1;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names) abort();
        }
        if (asprintf(&names[n++], "%s/%s", path, e->d_name) < 0) abort();
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name); /* the same order every time */
    for (size_t i = 0; i < n; i++) {
        walk(r, names[i], 0);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    Replay r = {0};
    size_t min = 1;
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--ext") == 0) {
            r.ext = argv[i + 1];
        } else if (strcmp(argv[i], "--min") == 0) {
            min = strtoul(argv[i + 1], NULL, 10);
        } else {
            fprintf(stderr, "replay: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    const char *ci = getenv("CI");
    for (; i < argc; i++) {
        const char *path = argv[i];
        if (path[0] == '?') {
            path++;
            struct stat st;
            if (stat(path, &st) != 0) {
                printf("SKIP: %s is absent: its inputs were not replayed\n", path);
                if (ci && strcmp(ci, "true") == 0) {
                    printf("FAIL: CI=true, and a skip is a failure\n");
                    r.failed = 1;
                }
                continue;
            }
        }
        size_t before = r.runs;
        walk(&r, path, 1);
        printf("replayed %zu inputs from %s\n", r.runs - before, path);
    }
    if (r.runs < min) {
        printf("FAIL: replayed %zu inputs, expected at least %zu\n", r.runs, min);
        r.failed = 1;
    }
    if (!r.failed) printf("PASS: %zu inputs, no failure\n", r.runs);
    return r.failed;
}
