/* Streaming JSON writer: see jsonw.h; its core is inline in jsonw_int.h. */
#include "jsonw.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "jsonw_int.h"
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

void jsonw_make_room(JsonW *w, size_t n)
{
    flush(w);
    size_t need = w->len + n + 1; /* + 1: jsonw_finish's NUL */
    if (w->file && need < JSONW_FILE_BUF) need = JSONW_FILE_BUF;
    xgrow((void **)&w->buf, &w->cap, need, 1);
}

void jsonw_newline(JsonW *w)
{
    size_t n = 1 + 2 * (size_t)w->depth;
    char *p = jsonw_room(w, n);
    p[0] = '\n';
    memset(p + 1, ' ', n - 1);
    w->len += n;
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
    if (w->pretty) jsonw_put_char(w, '\n');
    if (w->file) {
        flush(w);
        free(w->buf);
        w->buf = NULL;
        return NULL;
    }
    *jsonw_room(w, 0) = '\0';
    char *b = w->buf;
    w->buf = NULL;
    return b;
}

void jsonw_object(JsonW *w)
{
    jsonw_fast_open(w, '{', false);
}
void jsonw_array(JsonW *w)
{
    jsonw_fast_open(w, '[', false);
}
void jsonw_array_inline(JsonW *w)
{
    jsonw_fast_open(w, '[', true);
}
void jsonw_object_inline(JsonW *w)
{
    jsonw_fast_open(w, '{', true);
}

void jsonw_end(JsonW *w)
{
    jsonw_fast_end(w);
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

static inline bool plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

#ifdef __SSE2__
/* The bits of the bytes of 16 at p that are not plain. */
static inline unsigned special16(const unsigned char *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i below = _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)); /* signed: 0x80 and up too */
    __m128i quote = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
    __m128i bslash = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
    __m128i del = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f));
    return (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(below, quote), _mm_or_si128(bslash, del)));
}
#endif

/* The length of the prefix of the n bytes at p that is written as is. */
static inline size_t plain_span(const unsigned char *p, size_t n)
{
    size_t i = 0;
    uint64_t x;
#ifdef __SSE2__
    if (n >= 16) {
        unsigned m;
        for (; i + 16 <= n; i += 16)
            if ((m = special16(p + i)) != 0) return i + (size_t)__builtin_ctz(m);
        if (i == n) return n;
        /* the 16 that end the string, of which the first were checked already */
        m = special16(p + n - 16) >> (16 - (n - i));
        return m ? i + (size_t)__builtin_ctz(m) : n;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, p + i, 8);
        if (special8(x)) goto bytes;
    }
    if (i == n) return n;
    /* the last bytes at once: the 8 that end the string, or for a shorter one two 4-byte
     * words that overlap, or its first, middle and last bytes padded with spaces */
    if (n >= 8) {
        memcpy(&x, p + n - 8, 8);
    } else if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + n - 4, 4);
        x = lo | (uint64_t)hi << 32;
    } else {
        x = (ONES * ' ') << 24 | p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
    }
    if (!special8(x)) return n;
bytes:
    while (i < n && plain(p[i]))
        i++;
    return i;
}

/* Writes the n bytes at p escaped, from the first one that is not plain (p[0]). */
static void escape_rest(JsonW *w, const unsigned char *p, size_t n)
{
    const unsigned char *end = p + n;
    while (p < end) {
        switch (*p) {
        case '"': jsonw_put(w, "\\\"", 2); break;
        case '\\': jsonw_put(w, "\\\\", 2); break;
        case '\n': jsonw_put(w, "\\n", 2); break;
        case '\t': jsonw_put(w, "\\t", 2); break;
        case '\r': jsonw_put(w, "\\r", 2); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                static const char hex[] = "0123456789abcdef";
                char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
                jsonw_put(w, esc, sizeof esc);
                break;
            }
            size_t k = utf8_valid_prefix((const char *)p);
            if (k == 0) { /* a byte that starts no valid sequence: U+FFFD */
                jsonw_put(w, "\xef\xbf\xbd", 3);
                break;
            }
            jsonw_put(w, (const char *)p, k);
            p += k;
            goto run;
        }
        p++;
    run:;
        size_t r = plain_span(p, (size_t)(end - p));
        jsonw_put(w, (const char *)p, r);
        p += r;
    }
}

void jsonw_escape(JsonW *w, const char *s)
{
    size_t n = strlen(s), r = plain_span((const unsigned char *)s, n);
    jsonw_put(w, s, r);
    if (r < n) escape_rest(w, (const unsigned char *)s + r, n - r);
}

/* Writes s quoted and escaped, then the first n_after (at most 2) bytes of after: what
 * follows a key, or nothing. */
static inline void quote(JsonW *w, const char *s, const char *after, size_t n_after)
{
    size_t n = strlen(s), r = plain_span((const unsigned char *)s, n);
    char *p = jsonw_room(w, r + 1);
    *p = '"';
    jsonw_copy(p + 1, s, r);
    w->len += r + 1;
    if (r < n) escape_rest(w, (const unsigned char *)s + r, n - r);
    p = jsonw_room(w, 3);
    p[0] = '"';
    p[1] = after[0];
    p[2] = after[1];
    w->len += 1 + n_after;
}

void jsonw_key(JsonW *w, const char *key)
{
    jsonw_before_value(w);
    quote(w, key, ": ", w->pretty ? 2 : 1);
    w->after_key = true;
}

void jsonw_key_raw(JsonW *w, const char *json, size_t n)
{
    jsonw_fast_key_raw(w, json, n);
}

void jsonw_string(JsonW *w, const char *s)
{
    if (!s) {
        jsonw_null(w);
        return;
    }
    jsonw_before_value(w);
    quote(w, s, "\0\0", 0);
}

void jsonw_raw(JsonW *w, const char *json, size_t n)
{
    jsonw_fast_raw(w, json, n);
}

void jsonw_int(JsonW *w, long long v)
{
    char b[24], *p = b + sizeof b;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0) *--p = '-';
    jsonw_before_value(w);
    jsonw_put(w, p, (size_t)(b + sizeof b - p));
}

void jsonw_bool(JsonW *w, bool v)
{
    jsonw_fast_bool(w, v);
}

void jsonw_null(JsonW *w)
{
    jsonw_fast_null(w);
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

void jsonw_part_init(JsonW *part, const JsonW *w)
{
    assert(w->depth > 0 && !w->after_key);
    *part = *w;
    part->file = NULL;
    part->buf = NULL;
    part->len = part->cap = 0;
    part->first[part->depth] = true; /* the comma before its first element: jsonw_part_append's */
}

void jsonw_part_append(JsonW *w, JsonW *part)
{
    assert(part->depth == w->depth && !part->after_key);
    if (part->len) {
        if (!w->first[w->depth]) jsonw_comma(w);
        w->first[w->depth] = false;
        if (w->file) { /* as it is: no copy into w's buffer */
            flush(w);
            fwrite(part->buf, 1, part->len, w->file);
        } else {
            jsonw_put(w, part->buf, part->len);
        }
    }
    part->len = 0;
    part->first[part->depth] = true;
}

void jsonw_part_done(JsonW *part)
{
    free(part->buf);
    part->buf = NULL;
    part->len = part->cap = 0;
}

long long jsonw_parts_begin(JsonW *w)
{
    if (!w->file) return -1;
    int fd = fileno(w->file);
    struct stat st;
    int flags = fd < 0 ? -1 : fcntl(fd, F_GETFL);
    if (flags < 0 || (flags & O_APPEND) || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    flush(w);
    if (fflush(w->file) != 0) return -1;
    off_t at = ftello(w->file);
    return at < 0 ? -1 : (long long)at;
}

void jsonw_part_restart(JsonW *part)
{
    assert(!part->inline_[part->depth]); /* the comma is one byte */
    *jsonw_room(part, 1) = ',';
    part->len = 1;
    part->first[part->depth] = true;
}

size_t jsonw_part_bytes(const JsonW *part, bool follows)
{
    return part->len <= 1 ? 0 : part->len - !follows;
}

bool jsonw_part_write_at(const JsonW *w, const JsonW *part, bool follows, long long at)
{
    int fd = fileno(w->file);
    const char *p = part->buf + !follows;
    size_t n = jsonw_part_bytes(part, follows);
    for (size_t done = 0; done < n;) {
        ssize_t k = pwrite(fd, p + done, n - done, (off_t)at + (off_t)done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        done += (size_t)k;
    }
    return true;
}

bool jsonw_parts_end(JsonW *w, long long end, bool wrote)
{
    if (fseeko(w->file, (off_t)end, SEEK_SET) != 0) return false; /* w as it was */
    if (wrote) w->first[w->depth] = false;
    return true;
}
