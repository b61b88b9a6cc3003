/* Streaming JSON writer: see jsonw.h. */
#include "jsonw.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

/* Output goes through w->buf in both modes; with a FILE it is written out whenever this much
 * is buffered, which is much cheaper than one stdio call per token. */
#define JSONW_FILE_BUF (1u << 20)

static void flush(JsonW *w)
{
    if (w->file && w->len) {
        fwrite(w->buf, 1, w->len, w->file);
        w->len = 0;
    }
}

/* Slow path of room(): with a FILE, writes the buffer out; grows it when still too small. */
static void make_room(JsonW *w, size_t n)
{
    flush(w);
    size_t need = w->len + n + 1; /* + 1: jsonw_finish's NUL */
    if (w->file && need < JSONW_FILE_BUF) need = JSONW_FILE_BUF;
    xgrow((void **)&w->buf, &w->cap, need, 1);
}

/* Makes room for n more bytes after w->len and returns where they go. */
static inline char *room(JsonW *w, size_t n)
{
    if (w->cap - w->len <= n) make_room(w, n);
    return w->buf + w->len;
}

static inline void put(JsonW *w, const char *s, size_t n)
{
    memcpy(room(w, n), s, n);
    w->len += n;
}

static inline void put_char(JsonW *w, char c)
{
    *room(w, 1) = c;
    w->len++;
}

void jsonw_init_file(JsonW *w, FILE *f, bool pretty)
{
    memset(w, 0, sizeof *w);
    w->file = f;
    w->pretty = pretty;
    w->first[0] = true;
}

void jsonw_init_buf(JsonW *w, bool pretty)
{
    jsonw_init_file(w, NULL, pretty);
}

char *jsonw_finish(JsonW *w)
{
    assert(w->depth == 0);
    if (w->pretty) put_char(w, '\n');
    if (w->file) {
        flush(w);
        free(w->buf);
        w->buf = NULL;
        return NULL;
    }
    *room(w, 0) = '\0';
    char *b = w->buf;
    w->buf = NULL;
    return b;
}

static void newline(JsonW *w)
{
    size_t n = 1 + 2 * (size_t)w->depth;
    char *p = room(w, n);
    p[0] = '\n';
    memset(p + 1, ' ', n - 1);
    w->len += n;
}

/* Writes what comes before a value: a comma and a line break, unless after a key. */
static inline void before_value(JsonW *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    int d = w->depth;
    if (d == 0) return;
    bool first = w->first[d];
    w->first[d] = false;
    if (w->pretty && !w->inline_[d]) {
        if (!first) put_char(w, ',');
        newline(w);
    } else if (!first) {
        put(w, ", ", w->pretty ? 2 : 1);
    }
}

static void open(JsonW *w, char c, bool inl)
{
    before_value(w);
    put_char(w, c);
    assert(w->depth + 1 < JSONW_MAX_DEPTH);
    w->depth++;
    w->first[w->depth] = true;
    w->close[w->depth] = c == '{' ? '}' : ']';
    w->inline_[w->depth] = inl || (w->depth > 1 && w->inline_[w->depth - 1]);
}

void jsonw_object(JsonW *w)
{
    open(w, '{', false);
}
void jsonw_array(JsonW *w)
{
    open(w, '[', false);
}
void jsonw_array_inline(JsonW *w)
{
    open(w, '[', true);
}
void jsonw_object_inline(JsonW *w)
{
    open(w, '{', true);
}

void jsonw_end(JsonW *w)
{
    assert(w->depth > 0);
    bool empty = w->first[w->depth];
    bool inl = w->inline_[w->depth];
    char close = w->close[w->depth];
    w->depth--;
    if (w->pretty && !empty && !inl) newline(w);
    put_char(w, close);
}

void jsonw_key(JsonW *w, const char *key)
{
    before_value(w);
    put_char(w, '"');
    jsonw_escape(w, key);
    if (w->pretty)
        put(w, "\": ", 3);
    else
        put(w, "\":", 2);
    w->after_key = true;
}

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Whether any of the 8 bytes in x needs escaping or checking: below 0x20, '"', '\\', or
 * 0x7f and above (DEL and UTF-8). Bit tricks that are exact about whether one exists. */
static inline bool special8(uint64_t x)
{
    uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
    uint64_t below = (x - ONES * 0x20) & ~x;
    uint64_t quote = (q - ONES) & ~q, bslash = (b - ONES) & ~b;
    uint64_t high = (x + ONES) | x; /* 0x7f + 1 and bytes from 0x80 set the top bit */
    return ((below | quote | bslash | high) & HIGHS) != 0;
}

/* The length of the prefix of the n bytes at p that is written as is. */
static size_t plain_span(const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        if (special8(x)) break;
    }
    while (i < n && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
        i++;
    return i;
}

void jsonw_escape(JsonW *w, const char *s)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    while (p < end) {
        size_t run = plain_span(p, (size_t)(end - p));
        put(w, (const char *)p, run);
        p += run;
        if (p == end) break;
        switch (*p) {
        case '"': put(w, "\\\"", 2); break;
        case '\\': put(w, "\\\\", 2); break;
        case '\n': put(w, "\\n", 2); break;
        case '\t': put(w, "\\t", 2); break;
        case '\r': put(w, "\\r", 2); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                static const char hex[] = "0123456789abcdef";
                char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
                put(w, esc, sizeof esc);
                break;
            }
            size_t n = utf8_valid_prefix((const char *)p);
            if (n == 0) {
                put(w, "\xef\xbf\xbd", 3); /* U+FFFD for a byte that starts no valid sequence */
                break;
            }
            put(w, (const char *)p, n);
            p += n;
            continue;
        }
        p++;
    }
}

void jsonw_string(JsonW *w, const char *s)
{
    if (!s) {
        jsonw_null(w);
        return;
    }
    before_value(w);
    put_char(w, '"');
    jsonw_escape(w, s);
    put_char(w, '"');
}

void jsonw_raw(JsonW *w, const char *json, size_t n)
{
    before_value(w);
    put(w, json, n);
}

void jsonw_int(JsonW *w, long long v)
{
    char b[24], *p = b + sizeof b;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0) *--p = '-';
    before_value(w);
    put(w, p, (size_t)(b + sizeof b - p));
}

void jsonw_bool(JsonW *w, bool v)
{
    before_value(w);
    if (v)
        put(w, "true", 4);
    else
        put(w, "false", 5);
}

void jsonw_null(JsonW *w)
{
    before_value(w);
    put(w, "null", 4);
}

void jsonw_kstring(JsonW *w, const char *key, const char *s)
{
    jsonw_key(w, key);
    jsonw_string(w, s);
}

void jsonw_kint(JsonW *w, const char *key, long long v)
{
    jsonw_key(w, key);
    jsonw_int(w, v);
}

void jsonw_kbool(JsonW *w, const char *key, bool v)
{
    jsonw_key(w, key);
    jsonw_bool(w, v);
}
