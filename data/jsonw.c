/* Streaming JSON writer: see jsonw.h. */
#include "jsonw.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

/* Output goes through w->buf in both modes; with a FILE it is flushed in large chunks, which
 * is much cheaper than one stdio call per token. */
#define JSONW_FLUSH_AT 65536

static void flush(JsonW *w)
{
    if (w->file && w->len) {
        fwrite(w->buf, 1, w->len, w->file);
        w->len = 0;
    }
}

static void put(JsonW *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) xgrow((void **)&w->buf, &w->cap, w->len + n + 1, 1);
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
    if (w->file && w->len >= JSONW_FLUSH_AT) flush(w);
}

static void puts_(JsonW *w, const char *s)
{
    put(w, s, strlen(s));
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
    if (w->pretty) put(w, "\n", 1);
    if (w->file) {
        flush(w);
        free(w->buf);
        w->buf = NULL;
        return NULL;
    }
    if (!w->buf) w->buf = xstrdup("");
    char *b = w->buf;
    w->buf = NULL;
    return b;
}

static void newline(JsonW *w)
{
    put(w, "\n", 1);
    for (int i = 0; i < w->depth; i++)
        put(w, "  ", 2);
}

/* Writes what comes before a value: a comma and a line break, unless after a key. */
static void before_value(JsonW *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0) return;
    if (!w->first[w->depth]) put(w, ",", 1);
    if (w->pretty && !w->inline_[w->depth])
        newline(w);
    else if (!w->first[w->depth] && w->pretty)
        put(w, " ", 1);
    w->first[w->depth] = false;
}

static void open(JsonW *w, char c, bool inl)
{
    before_value(w);
    put(w, &c, 1);
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
    put(w, &close, 1);
}

void jsonw_key(JsonW *w, const char *key)
{
    before_value(w);
    put(w, "\"", 1);
    jsonw_escape(w, key);
    puts_(w, w->pretty ? "\": " : "\":");
    w->after_key = true;
}

void jsonw_escape(JsonW *w, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const unsigned char *run = p;
        while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
            p++;
        if (p > run) put(w, (const char *)run, (size_t)(p - run));
        if (!*p) break;
        char esc[8];
        switch (*p) {
        case '"':
            puts_(w, "\\\"");
            p++;
            continue;
        case '\\':
            puts_(w, "\\\\");
            p++;
            continue;
        case '\n':
            puts_(w, "\\n");
            p++;
            continue;
        case '\t':
            puts_(w, "\\t");
            p++;
            continue;
        case '\r':
            puts_(w, "\\r");
            p++;
            continue;
        default: break;
        }
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            puts_(w, esc);
            p++;
            continue;
        }
        size_t n = utf8_valid_prefix((const char *)p);
        if (n == 0) {
            puts_(w, "\xef\xbf\xbd"); /* U+FFFD for a byte that starts no valid sequence */
            p++;
        } else {
            put(w, (const char *)p, n);
            p += n;
        }
    }
}

void jsonw_string(JsonW *w, const char *s)
{
    if (!s) {
        jsonw_null(w);
        return;
    }
    before_value(w);
    put(w, "\"", 1);
    jsonw_escape(w, s);
    put(w, "\"", 1);
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
    puts_(w, v ? "true" : "false");
}

void jsonw_null(JsonW *w)
{
    before_value(w);
    puts_(w, "null");
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
