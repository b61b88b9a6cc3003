/* The core of the streaming JSON writer, inline: jsonw.c builds its functions on it, and a
 * writer of millions of values (analysis_json.c) calls it directly, which saves a call and
 * lets the compiler fold the length of a literal key. jsonw_fast_X does exactly what
 * jsonw_X does (jsonw.h). Private to data/. */
#ifndef BREAKOUT_JSONW_INT_H
#define BREAKOUT_JSONW_INT_H

#include <assert.h>
#include <string.h>

#include "jsonw.h"

/* The slow path of jsonw_room: with a FILE, writes the buffer out; grows it when still too
 * small. */
void jsonw_make_room(JsonW *w, size_t n);
/* A line break and the indentation of w's depth. */
void jsonw_newline(JsonW *w);

/* Makes room for n more bytes after w->len and returns where they go. */
static inline char *jsonw_room(JsonW *w, size_t n)
{
    if (w->cap - w->len <= n) jsonw_make_room(w, n);
    return w->buf + w->len;
}

/* memcpy, without a call for the short strings that are most of what is written: two
 * copies of a fixed size that overlap. */
static inline void jsonw_copy(char *d, const char *s, size_t n)
{
    if (n > 16) {
        memcpy(d, s, n);
    } else if (n >= 8) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

static inline void jsonw_put(JsonW *w, const char *s, size_t n)
{
    jsonw_copy(jsonw_room(w, n), s, n);
    w->len += n;
}

static inline void jsonw_put_char(JsonW *w, char c)
{
    *jsonw_room(w, 1) = c;
    w->len++;
}

/* The separator between two elements of the current container, without the line break. */
static inline void jsonw_comma(JsonW *w)
{
    char *p = jsonw_room(w, 2);
    p[0] = ',';
    p[1] = ' ';
    w->len += w->pretty && w->inline_[w->depth] ? 2 : 1;
}

/* Writes what comes before a value: a comma and a line break, unless after a key. */
static inline void jsonw_before_value(JsonW *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    int d = w->depth;
    if (d == 0) return;
    if (!w->first[d]) jsonw_comma(w);
    w->first[d] = false;
    if (w->pretty && !w->inline_[d]) jsonw_newline(w);
}

/* Opens an object ('{') or array ('['), on one line when inl or inside one. */
static inline void jsonw_fast_open(JsonW *w, char c, bool inl)
{
    jsonw_before_value(w);
    jsonw_put_char(w, c);
    assert(w->depth + 1 < JSONW_MAX_DEPTH);
    w->depth++;
    w->first[w->depth] = true;
    w->close[w->depth] = c == '{' ? '}' : ']';
    w->inline_[w->depth] = inl || (w->depth > 1 && w->inline_[w->depth - 1]);
}

static inline void jsonw_fast_object(JsonW *w)
{
    jsonw_fast_open(w, '{', false);
}
static inline void jsonw_fast_object_inline(JsonW *w)
{
    jsonw_fast_open(w, '{', true);
}
static inline void jsonw_fast_array(JsonW *w)
{
    jsonw_fast_open(w, '[', false);
}

static inline void jsonw_fast_end(JsonW *w)
{
    assert(w->depth > 0);
    bool empty = w->first[w->depth];
    bool inl = w->inline_[w->depth];
    char close = w->close[w->depth];
    w->depth--;
    if (w->pretty && !empty && !inl) jsonw_newline(w);
    jsonw_put_char(w, close);
}

static inline void jsonw_fast_key_raw(JsonW *w, const char *json, size_t n)
{
    jsonw_before_value(w);
    char *p = jsonw_room(w, n + 2);
    jsonw_copy(p, json, n);
    p[n] = ':';
    p[n + 1] = ' ';
    w->len += n + (w->pretty ? 2 : 1);
    w->after_key = true;
}

static inline void jsonw_fast_raw(JsonW *w, const char *json, size_t n)
{
    jsonw_before_value(w);
    jsonw_put(w, json, n);
}

static inline void jsonw_fast_null(JsonW *w)
{
    jsonw_fast_raw(w, "null", 4);
}

static inline void jsonw_fast_bool(JsonW *w, bool v)
{
    if (v)
        jsonw_fast_raw(w, "true", 4);
    else
        jsonw_fast_raw(w, "false", 5);
}

#define jsonw_fast_key_lit(w, lit)    jsonw_fast_key_raw((w), "\"" lit "\"", sizeof(lit) + 1)
#define jsonw_fast_string_lit(w, lit) jsonw_fast_raw((w), "\"" lit "\"", sizeof(lit) + 1)

#endif
