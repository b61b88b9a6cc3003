/* A streaming JSON writer: pretty-printed (two-space indent) or compact, into a growing
 * buffer or a FILE. Large outputs (an analysis of 150k workloads) are written as a stream
 * instead of building a cJSON tree. Strings are escaped; invalid UTF-8 becomes U+FFFD. */
#ifndef BREAKOUT_JSONW_H
#define BREAKOUT_JSONW_H

#include <stdbool.h>
#include <stdio.h>

#define JSONW_MAX_DEPTH 64

typedef struct {
    FILE *file; /* output, or NULL to write into buf */
    char *buf;  /* owned when writing into memory */
    size_t len, cap;
    bool pretty;
    int depth;
    bool first[JSONW_MAX_DEPTH];   /* no element written yet at this level */
    bool inline_[JSONW_MAX_DEPTH]; /* this container is written on one line */
    char close[JSONW_MAX_DEPTH];   /* the bracket that ends this container */
    bool after_key;
} JsonW;

void jsonw_init_file(JsonW *w, FILE *f, bool pretty);
void jsonw_init_buf(JsonW *w, bool pretty);
/* Ends the document (a newline when pretty) and hands out the buffer (owned by the caller;
 * NULL when writing to a FILE). */
char *jsonw_finish(JsonW *w);

void jsonw_object(JsonW *w);
void jsonw_array(JsonW *w);
/* On one line; every container opened inside an inline one is inline too. */
void jsonw_array_inline(JsonW *w);  /* ["a", "b"] */
void jsonw_object_inline(JsonW *w); /* {"a": 1, "b": 2} */
void jsonw_end(JsonW *w);
void jsonw_key(JsonW *w, const char *key);
/* A key given as JSON text of n bytes: quoted and escaped. */
void jsonw_key_raw(JsonW *w, const char *json, size_t n);
/* A key that is a string literal with nothing to escape, quoted as the program is compiled:
 * jsonw_key_lit(w, "workload"). Faster than jsonw_key where keys are written millions of
 * times. */
#define jsonw_key_lit(w, lit) jsonw_key_raw((w), "\"" lit "\"", sizeof(lit) + 1)
/* The same for a string value. */
#define jsonw_string_lit(w, lit) jsonw_raw((w), "\"" lit "\"", sizeof(lit) + 1)
void jsonw_string(JsonW *w, const char *s); /* NULL writes null */
void jsonw_int(JsonW *w, long long v);
void jsonw_bool(JsonW *w, bool v);
void jsonw_null(JsonW *w);
/* Writes a value given as JSON text of n bytes, written as is: a string already quoted and
 * escaped (as jsonw_string writes it, e.g. into a buffer once for a value written often). */
void jsonw_raw(JsonW *w, const char *json, size_t n);

/* Shorthands for a key and its value. */
void jsonw_kstring(JsonW *w, const char *key, const char *s);
void jsonw_kint(JsonW *w, const char *key, long long v);
void jsonw_kbool(JsonW *w, const char *key, bool v);

/* Parts: elements of one container written apart (on other threads, say), then appended to
 * it in order; the result is what writing them in place would have given.
 * jsonw_part_init starts part (writing into memory) where w is now: inside a container,
 * not after a key. w may go on writing before each append. */
void jsonw_part_init(JsonW *part, const JsonW *w);
/* Appends to w what part wrote since it started or since the last append, and empties part
 * for more elements of the same container; part must be back at the depth it started at. */
void jsonw_part_append(JsonW *w, JsonW *part);
/* Frees part's buffer. */
void jsonw_part_done(JsonW *part);

/* Parts written straight into w's file, each at its place, by several threads at once (the
 * copy into the file is then not all on one thread). jsonw_parts_begin writes out what w holds
 * and returns where the next part goes, or -1 when w's output cannot be written at places
 * (memory, a pipe, a terminal, a file opened to append). Each part, started by
 * jsonw_part_init in a container written one element per line, is emptied for its next
 * elements by jsonw_part_restart. Whether a comma goes before its first element is known only
 * when its place is (follows: some element comes before it): jsonw_part_bytes tells how many
 * bytes it takes then, and jsonw_part_write_at writes them (false on an error). jsonw_parts_end
 * has w go on at end, after the parts (wrote: they held some element); false, w as it was,
 * when it cannot. */
long long jsonw_parts_begin(JsonW *w);
void jsonw_part_restart(JsonW *part);
size_t jsonw_part_bytes(const JsonW *part, bool follows);
bool jsonw_part_write_at(const JsonW *w, const JsonW *part, bool follows, long long at);
bool jsonw_parts_end(JsonW *w, long long end, bool wrote);

/* Appends s to buf escaped as the inside of a JSON string. Exposed for other writers. */
void jsonw_escape(JsonW *w, const char *s);

#endif
