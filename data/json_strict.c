/* Strict JSON: a recursive-descent validator (depth-limited, so the recursion is bounded)
 * that runs before cJSON, and helpers to point into the text. See json_strict.h. */
#include "json_strict.h"

#include <assert.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

#define LINEAR_KEYS   16  /* objects with up to this many keys check duplicates by comparison */
#define QUOTE_CHARS   60  /* characters of user text quoted in a message */
#define SHOWN_WORD    24  /* characters of an unexpected word shown in a message */
#define SAFE_INT_DIGS 300 /* an integer with this many digits (and no exponent) fits a double */

/* A key of the object being read: the bytes as written when they hold no escape, else an
 * owned decoded copy. */
typedef struct {
    const char *p;
    size_t n;
    size_t hash;
    char *owned;
} Key;

/* The keys of the open object at one depth: compared directly while few, then hashed
 * (open addressing; slots hold an index + 1, 0 is empty). */
typedef struct {
    Key *keys;
    size_t n, cap;
    size_t *slots;
    size_t n_slots; /* a power of two, or 0 while there is no table */
} KeySet;

typedef struct {
    const char *text;
    size_t len;
    size_t start; /* after a byte order mark */
    size_t i;     /* the cursor */
    const char *file;
    char *err;         /* the first problem, owned */
    KeySet *sets;      /* one per depth, JSON_STRICT_MAX_DEPTH of them */
    size_t values;     /* values and keys scanned */
    size_t max_values; /* the limit on values */
    char desc[128];    /* describe()'s result */
} Scan;

/* ---- positions and messages ---- */

static size_t bom_length(const char *text, size_t len)
{
    return len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

void json_strict_position(const char *text, size_t len, size_t offset, size_t *line, size_t *col)
{
    assert(offset <= len);
    size_t l = 1, c = 1;
    for (size_t i = bom_length(text, len); i < offset; i++) {
        unsigned char b = (unsigned char)text[i];
        if (b == '\n') {
            l++;
            c = 1;
        } else if ((b & 0xc0) != 0x80) {
            c++; /* count the first byte of each UTF-8 sequence */
        }
    }
    *line = l;
    *col = c;
}

/* True for a code point a message must not print raw: controls, separators, bidi. */
static bool unsafe_code_point(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* A growing string for messages. */
typedef struct {
    char *p;
    size_t n, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
    xgrow((void **)&b->p, &b->cap, b->n + n + 1, 1);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

char *json_strict_quote(const char *s, size_t n)
{
    Buf b = {0};
    buf_add(&b, "\"", 1);
    size_t chars = 0;
    for (size_t i = 0; i < n;) {
        if (chars == QUOTE_CHARS) {
            buf_add(&b, "\"...", 4);
            return b.p;
        }
        chars++;
        unsigned char c = (unsigned char)s[i];
        char esc[16];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            buf_add(&b, esc, 2);
            i++;
            continue;
        }
        size_t k = c == 0 ? 1 : utf8_valid_prefix(s + i);
        if (k == 0 || i + k > n) {
            snprintf(esc, sizeof esc, "\\x%02X", c);
            buf_add(&b, esc, strlen(esc));
            i++;
            continue;
        }
        unsigned cp = utf8_decode(s + i, k);
        if (unsafe_code_point(cp)) {
            snprintf(esc, sizeof esc, "\\u%04X", cp);
            buf_add(&b, esc, strlen(esc));
        } else {
            buf_add(&b, s + i, k);
        }
        i += k;
    }
    buf_add(&b, "\"", 1);
    return b.p;
}

/* Records the first problem, at byte offset at: "FILE:LINE:COL: message". Returns false. */
__attribute__((format(printf, 3, 4))) static bool fail(Scan *s, size_t at, const char *fmt, ...)
{
    if (s->err) return false;
    size_t line, col;
    json_strict_position(s->text, s->len, at, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    s->err = xasprintf("%s:%zu:%zu: %s", s->file, line, col, msg);
    free(msg);
    return false;
}

static bool is_word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the word (letters, digits, '_') at offset at. */
static size_t word_length(const Scan *s, size_t at)
{
    size_t i = at;
    while (i < s->len && is_word_char((unsigned char)s->text[i]))
        i++;
    return i - at;
}

/* Describes what is found at offset at, for "got ..." (valid until the next call). */
static const char *describe(Scan *s, size_t at)
{
    if (at >= s->len) return "end of file";
    unsigned char c = (unsigned char)s->text[at];
    if (c == '"') return "a string";
    if (c == '-' || is_digit(c)) return "a number";
    if (c == '\'') return "a single quote (JSON strings use double quotes)";
    if (c == '/') return "'/' (comments are not allowed in JSON)";
    if (c == 0) return "a NUL byte";
    if (c < 0x20 || c == 0x7f) {
        snprintf(s->desc, sizeof s->desc, "a control character U+%04X", c);
        return s->desc;
    }
    if (c >= 0x80) {
        size_t k = utf8_valid_prefix(s->text + at);
        if (k == 0 || at + k > s->len)
            snprintf(s->desc, sizeof s->desc, "a byte that is not UTF-8 (0x%02X)", c);
        else
            snprintf(s->desc, sizeof s->desc, "the character U+%04X", utf8_decode(s->text + at, k));
        return s->desc;
    }
    if (is_word_char(c)) {
        size_t n = word_length(s, at);
        if (n > SHOWN_WORD)
            snprintf(s->desc, sizeof s->desc, "'%.*s...'", SHOWN_WORD, s->text + at);
        else
            snprintf(s->desc, sizeof s->desc, "'%.*s'", (int)n, s->text + at);
        return s->desc;
    }
    snprintf(s->desc, sizeof s->desc, "'%c'", c);
    return s->desc;
}

static void skip_ws(Scan *s)
{
    while (s->i < s->len) {
        char c = s->text[s->i];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
        s->i++;
    }
}

/* ---- keys ---- */

static size_t hash_bytes(const char *p, size_t n)
{
    size_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211u;
    return h;
}

static bool key_equal(const Key *a, const char *p, size_t n)
{
    return a->n == n && memcmp(a->p, p, n) == 0;
}

/* Rebuilds the hash table of ks with n_slots slots. */
static void keyset_rehash(KeySet *ks, size_t n_slots)
{
    free(ks->slots);
    ks->slots = xcalloc(n_slots, sizeof *ks->slots);
    ks->n_slots = n_slots;
    for (size_t k = 0; k < ks->n; k++) {
        size_t j = ks->keys[k].hash & (n_slots - 1);
        while (ks->slots[j])
            j = (j + 1) & (n_slots - 1);
        ks->slots[j] = k + 1;
    }
}

/* Adds a key; returns false (and takes nothing) if it is already there. owned, when not
 * NULL, is the decoded key at p and becomes the set's. */
static bool keyset_add(KeySet *ks, const char *p, size_t n, char *owned)
{
    size_t h = 0;
    if (ks->n < LINEAR_KEYS && !ks->n_slots) {
        for (size_t k = 0; k < ks->n; k++)
            if (key_equal(&ks->keys[k], p, n)) return false;
    } else {
        h = hash_bytes(p, n);
        if (!ks->n_slots) {
            for (size_t k = 0; k < ks->n; k++)
                ks->keys[k].hash = hash_bytes(ks->keys[k].p, ks->keys[k].n);
            keyset_rehash(ks, 64);
        } else if ((ks->n + 1) * 2 > ks->n_slots) {
            keyset_rehash(ks, ks->n_slots * 2);
        }
        size_t j = h & (ks->n_slots - 1);
        while (ks->slots[j]) {
            if (key_equal(&ks->keys[ks->slots[j] - 1], p, n)) return false;
            j = (j + 1) & (ks->n_slots - 1);
        }
        ks->slots[j] = ks->n + 1;
    }
    xgrow((void **)&ks->keys, &ks->cap, ks->n + 1, sizeof *ks->keys);
    ks->keys[ks->n++] = (Key){p, n, h, owned};
    return true;
}

/* Empties ks for the next object at its depth. The table is dropped rather than cleared, so
 * that one big object does not make every later small one pay for its size. */
static void keyset_clear(KeySet *ks)
{
    for (size_t k = 0; k < ks->n; k++)
        free(ks->keys[k].owned);
    ks->n = 0;
    free(ks->slots);
    ks->slots = NULL;
    ks->n_slots = 0;
}

static void keyset_done(KeySet *ks)
{
    keyset_clear(ks);
    free(ks->keys);
}

/* ---- strings ---- */

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The code unit of the 4 hex digits at p (which has at least 4 readable bytes before the
 * end of the text or its NUL), or -1. */
static long hex4(const char *p)
{
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int d = hex_value((unsigned char)p[k]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t json_strict_unescape(const char *p, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (p[i] != '\\') {
            out[o++] = p[i++];
            continue;
        }
        char e = p[i + 1];
        i += 2;
        switch (e) {
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            unsigned cp = (unsigned)hex4(p + i);
            i += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                unsigned lo = (unsigned)hex4(p + i + 2);
                i += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            o += put_utf8(out + o, cp); /* never longer than the escape it replaces */
            break;
        }
        default: out[o++] = e; break; /* '"', '\\', '/' */
        }
    }
    out[o] = '\0';
    return o;
}

/* Decodes the inside of a validated string (n bytes at p) into an owned, NUL-terminated
 * buffer; sets *out_n to its length. */
static char *decode_string(const char *p, size_t n, size_t *out_n)
{
    char *out = xmalloc(n + 1);
    *out_n = json_strict_unescape(p, n, out);
    return out;
}

/* Checks the escape at s->i (a backslash) inside the string that starts at start and moves
 * past it. */
static bool scan_escape(Scan *s, size_t start)
{
    size_t i = s->i;
    if (i + 1 >= s->len)
        return fail(s, start, "unterminated string, expected '\"' before the end of the file");
    unsigned char e = (unsigned char)s->text[i + 1];
    switch (e) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': s->i += 2; return true;
    case 'u': break;
    default:
        if (e > 0x20 && e < 0x7f)
            return fail(s, i, "invalid escape '\\%c' in a string (write a backslash as \\\\)", e);
        return fail(s, i, "invalid escape in a string (write a backslash as \\\\)");
    }
    long cp = i + 6 <= s->len ? hex4(s->text + i + 2) : -1;
    if (cp < 0) return fail(s, i, "invalid \\u escape in a string, expected 4 hex digits");
    if (cp == 0) return fail(s, i, "\\u0000 in a string (NUL characters are not allowed)");
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail(s, i,
                    "lone surrogate \\u%04lX in a string (a low surrogate needs a high one "
                    "before it)",
                    cp);
    if (cp >= 0xd800 && cp <= 0xdbff) {
        long lo = i + 12 <= s->len && s->text[i + 6] == '\\' && s->text[i + 7] == 'u'
                      ? hex4(s->text + i + 8)
                      : -1;
        if (lo < 0xdc00 || lo > 0xdfff)
            return fail(s, i,
                        "lone surrogate \\u%04lX in a string, expected a low surrogate "
                        "\\uDC00-\\uDFFF after it",
                        cp);
        s->i += 12;
        return true;
    }
    s->i += 6;
    return true;
}

static bool fail_control(Scan *s, size_t at, unsigned char c)
{
    switch (c) {
    case '\n':
    case '\r': return fail(s, at, "line break in a string (a missing closing quote?)");
    case '\t': return fail(s, at, "tab character in a string, write it as \\t");
    case 0: return fail(s, at, "NUL byte in a string");
    default: return fail(s, at, "control character U+%04X in a string, write it as \\u%04x", c, c);
    }
}

/* Scans the string at s->i (a '"'). When key is not NULL, adds the decoded string to it,
 * failing on a duplicate. */
static bool scan_string(Scan *s, KeySet *key)
{
    const char *t = s->text;
    size_t start = s->i;
    size_t i = start + 1;
    bool escaped = false;
    for (;;) {
        unsigned char c = 0;
        while (i < s->len && (c = (unsigned char)t[i]) >= 0x20 && c != '"' && c != '\\' && c < 0x80)
            i++;
        if (i - start - 1 > JSON_STRICT_MAX_STRING)
            return fail(s, start, "string longer than %zu bytes", JSON_STRICT_MAX_STRING);
        if (i >= s->len)
            return fail(s, start, "unterminated string, expected '\"' before the end of the file");
        if (c == '"') break;
        if (c == '\\') {
            s->i = i;
            if (!scan_escape(s, start)) return false;
            i = s->i;
            escaped = true;
        } else if (c < 0x20) {
            return fail_control(s, i, c);
        } else {
            size_t k = utf8_valid_prefix(t + i);
            if (k == 0 || i + k > s->len) return fail(s, i, "invalid UTF-8 in a string");
            i += k;
        }
    }
    s->i = i + 1;
    if (!key) return true;
    const char *p = t + start + 1;
    size_t n = i - start - 1;
    char *owned = NULL;
    if (escaped) {
        owned = decode_string(p, n, &n);
        p = owned;
    }
    if (!keyset_add(key, p, n, owned)) {
        char *q = json_strict_quote(p, n);
        fail(s, start, "duplicate key %s", q);
        free(q);
        free(owned);
        return false;
    }
    return true;
}

size_t json_strict_string_end(const char *text, size_t len, size_t at)
{
    assert(text[at] == '"' && text[len] == '\0');
    Scan s = {.text = text, .len = len, .file = "", .i = at};
    if (scan_string(&s, NULL)) return s.i;
    free(s.err);
    return 0;
}

/* ---- numbers ---- */

/* True if the number token (n bytes at p, grammatically valid) is finite as a double.
 * strtod reads the locale's decimal point, so '.' is replaced by it, as cJSON does. */
static bool number_fits(const char *p, size_t n)
{
    bool has_exp = false;
    size_t int_digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 'e' || p[i] == 'E') has_exp = true;
    }
    for (size_t i = p[0] == '-'; i < n && is_digit((unsigned char)p[i]); i++)
        int_digits++;
    if (!has_exp && int_digits <= SAFE_INT_DIGS) return true;
    const char *dp = localeconv()->decimal_point;
    size_t dl = dp && *dp ? strlen(dp) : 1;
    char *copy = xmalloc(n * dl + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '.' && dp && *dp) {
            memcpy(copy + o, dp, dl);
            o += dl;
        } else {
            copy[o++] = p[i];
        }
    }
    copy[o] = '\0';
    double v = strtod(copy, NULL);
    free(copy);
    return !isinf(v);
}

static bool scan_number(Scan *s)
{
    const char *t = s->text;
    size_t start = s->i, i = s->i;
    if (t[i] == '-') i++;
    if (i >= s->len || !is_digit((unsigned char)t[i]))
        return fail(s, i, "expected a digit after '-', got %s", describe(s, i));
    if (t[i] == '0') {
        i++;
        if (i < s->len && is_digit((unsigned char)t[i]))
            return fail(s, start, "invalid number: leading zeros are not allowed");
    } else {
        while (i < s->len && is_digit((unsigned char)t[i]))
            i++;
    }
    if (i < s->len && t[i] == '.') {
        i++;
        if (i >= s->len || !is_digit((unsigned char)t[i]))
            return fail(s, i, "expected a digit after the decimal point, got %s", describe(s, i));
        while (i < s->len && is_digit((unsigned char)t[i]))
            i++;
    }
    if (i < s->len && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < s->len && (t[i] == '+' || t[i] == '-')) i++;
        if (i >= s->len || !is_digit((unsigned char)t[i]))
            return fail(s, i, "expected a digit in the exponent, got %s", describe(s, i));
        while (i < s->len && is_digit((unsigned char)t[i]))
            i++;
    }
    if (!number_fits(t + start, i - start)) {
        size_t n = i - start;
        if (n > SHOWN_WORD)
            return fail(s, start, "number %.*s... is too large", SHOWN_WORD, t + start);
        return fail(s, start, "number %.*s is too large", (int)n, t + start);
    }
    s->i = i;
    return true;
}

/* ---- values ---- */

static bool scan_value(Scan *s, int depth, const char *expected);

/* Scans the object at s->i (a '{'); depth counts the containers around it. */
static bool scan_object(Scan *s, int depth)
{
    if (depth >= JSON_STRICT_MAX_DEPTH)
        return fail(s, s->i, "nesting deeper than %d levels", JSON_STRICT_MAX_DEPTH);
    KeySet *ks = &s->sets[depth];
    keyset_clear(ks);
    s->i++;
    skip_ws(s);
    if (s->i < s->len && s->text[s->i] == '}') {
        s->i++;
        return true;
    }
    for (bool first = true;; first = false) {
        if (s->i >= s->len || s->text[s->i] != '"') {
            unsigned char c = s->i < s->len ? (unsigned char)s->text[s->i] : 0;
            const char *hint = "";
            if (!first && c == '}')
                hint = " (a trailing comma is not allowed)";
            else if (s->i < s->len && is_word_char(c) && !is_digit(c))
                hint = " (keys are written in double quotes)";
            return fail(s, s->i, "%s, got %s%s",
                        first ? "expected a key string or '}'" : "expected a key string after ','",
                        describe(s, s->i), hint);
        }
        if (++s->values > s->max_values)
            return fail(s, s->i, "more than %zu values", s->max_values);
        if (!scan_string(s, ks)) return false;
        skip_ws(s);
        if (s->i >= s->len || s->text[s->i] != ':')
            return fail(s, s->i, "expected ':' after an object key, got %s", describe(s, s->i));
        s->i++;
        skip_ws(s);
        if (!scan_value(s, depth + 1, "expected a value after ':'")) return false;
        skip_ws(s);
        if (s->i < s->len && s->text[s->i] == ',') {
            s->i++;
            skip_ws(s);
            continue;
        }
        if (s->i < s->len && s->text[s->i] == '}') {
            s->i++;
            keyset_clear(ks);
            return true;
        }
        return fail(s, s->i, "expected ',' or '}' after an object member, got %s",
                    describe(s, s->i));
    }
}

/* Scans the array at s->i (a '['); depth counts the containers around it. */
static bool scan_array(Scan *s, int depth)
{
    if (depth >= JSON_STRICT_MAX_DEPTH)
        return fail(s, s->i, "nesting deeper than %d levels", JSON_STRICT_MAX_DEPTH);
    s->i++;
    skip_ws(s);
    if (s->i < s->len && s->text[s->i] == ']') {
        s->i++;
        return true;
    }
    for (bool first = true;; first = false) {
        if (!first && s->i < s->len && s->text[s->i] == ']')
            return fail(s, s->i,
                        "expected a value after ',', got ']' (a trailing comma is not "
                        "allowed)");
        if (!scan_value(s, depth + 1,
                        first ? "expected a value or ']'" : "expected a value after ','"))
            return false;
        skip_ws(s);
        if (s->i < s->len && s->text[s->i] == ',') {
            s->i++;
            skip_ws(s);
            continue;
        }
        if (s->i < s->len && s->text[s->i] == ']') {
            s->i++;
            return true;
        }
        return fail(s, s->i, "expected ',' or ']' after an array element, got %s",
                    describe(s, s->i));
    }
}

/* Scans the value at s->i; expected says what was wanted, for the message when there is
 * none. depth counts the containers around the value. */
static bool scan_value(Scan *s, int depth, const char *expected)
{
    if (s->i >= s->len) return fail(s, s->i, "%s, got end of file", expected);
    if (++s->values > s->max_values) return fail(s, s->i, "more than %zu values", s->max_values);
    unsigned char c = (unsigned char)s->text[s->i];
    switch (c) {
    case '{': return scan_object(s, depth);
    case '[': return scan_array(s, depth);
    case '"': return scan_string(s, NULL);
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9': return scan_number(s);
    default: break;
    }
    size_t n = word_length(s, s->i);
    const char *w = s->text + s->i;
    if ((n == 4 && memcmp(w, "true", 4) == 0) || (n == 5 && memcmp(w, "false", 5) == 0) ||
        (n == 4 && memcmp(w, "null", 4) == 0)) {
        s->i += n;
        return true;
    }
    return fail(s, s->i, "%s, got %s", expected, describe(s, s->i));
}

/* ---- entry points ---- */

/* json_strict_check with a limit on values. */
static bool check_max(const char *text, size_t len, const char *file, size_t max_values, char **err)
{
    assert(text && file && text[len] == '\0');
    Scan s = {.text = text, .len = len, .file = file, .max_values = max_values};
    s.start = bom_length(text, len);
    s.i = s.start;
    skip_ws(&s);
    if (s.i >= len) {
        *err = xasprintf(s.i == s.start ? "%s: empty file, expected a JSON object"
                                        : "%s: only whitespace, expected a JSON object",
                         file);
        return false;
    }
    s.sets = xcalloc(JSON_STRICT_MAX_DEPTH, sizeof *s.sets);
    if (scan_value(&s, 0, "expected a JSON value")) {
        skip_ws(&s);
        if (s.i < len) fail(&s, s.i, "unexpected data after the JSON value: %s", describe(&s, s.i));
    }
    for (int d = 0; d < JSON_STRICT_MAX_DEPTH; d++)
        keyset_done(&s.sets[d]);
    free(s.sets);
    if (s.err) {
        *err = s.err;
        return false;
    }
    return true;
}

bool json_strict_check(const char *text, size_t len, const char *file, char **err)
{
    return check_max(text, len, file, JSON_STRICT_MAX_VALUES, err);
}

cJSON *json_parse_strict(const char *text, size_t len, const char *file, char **err)
{
    return json_parse_strict_max(text, len, file, JSON_STRICT_MAX_VALUES, err);
}

cJSON *json_parse_strict_max(const char *text, size_t len, const char *file, size_t max_values,
                             char **err)
{
    if (!check_max(text, len, file, max_values ? max_values : JSON_STRICT_MAX_VALUES, err))
        return NULL;
    size_t bom = bom_length(text, len);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text + bom, len - bom + 1, &end, 1);
    if (!root) {
        /* The validator accepts only what cJSON reads, so this is running out of memory. */
        size_t off = end && end >= text + bom && end <= text + len ? (size_t)(end - text) : 0;
        size_t line, col;
        json_strict_position(text, len, off, &line, &col);
        *err =
            xasprintf("%s:%zu:%zu: cannot parse the JSON here (out of memory?)", file, line, col);
    }
    return root;
}

/* ---- locating a path in validated text ---- */

/* Moves *i past the string at *i (a '"') in validated text. */
static void skip_string(const char *t, size_t *i)
{
    size_t j = *i + 1;
    while (t[j] != '"')
        j += t[j] == '\\' ? 2 : 1;
    *i = j + 1;
}

static void skip_ws_at(const char *t, size_t len, size_t *i)
{
    while (*i < len && (t[*i] == ' ' || t[*i] == '\n' || t[*i] == '\r' || t[*i] == '\t'))
        (*i)++;
}

/* Moves *i past the value at *i in validated text. */
static void skip_value(const char *t, size_t len, size_t *i)
{
    char c = t[*i];
    if (c == '"') {
        skip_string(t, i);
        return;
    }
    if (c != '{' && c != '[') {
        while (*i < len && !strchr(",]} \t\r\n", t[*i]))
            (*i)++;
        return;
    }
    size_t depth = 0;
    do {
        c = t[*i];
        if (c == '"') {
            skip_string(t, i);
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']')
            depth--;
        (*i)++;
    } while (depth > 0);
}

/* True if the string at i (a '"') in validated text is key. */
static bool string_is(const char *t, size_t i, const char *key)
{
    size_t end = i;
    skip_string(t, &end);
    size_t n;
    char *decoded = decode_string(t + i + 1, end - i - 2, &n);
    bool same = n == strlen(key) && memcmp(decoded, key, n) == 0;
    free(decoded);
    return same;
}

bool json_strict_locate(const char *text, size_t len, const JsonPathStep *path, size_t n,
                        bool at_key, size_t *line, size_t *col)
{
    size_t i = bom_length(text, len);
    size_t key_at = i;
    skip_ws_at(text, len, &i);
    for (size_t step = 0; step < n; step++) {
        const JsonPathStep *ps = &path[step];
        if (i >= len || text[i] != (ps->key ? '{' : '[')) return false;
        i++;
        bool found = false;
        for (size_t k = 0;; k++) {
            skip_ws_at(text, len, &i);
            if (text[i] == '}' || text[i] == ']') return false;
            if (ps->key) {
                key_at = i;
                bool match = string_is(text, i, ps->key);
                skip_string(text, &i);
                skip_ws_at(text, len, &i);
                i++; /* ':' */
                skip_ws_at(text, len, &i);
                found = match;
            } else {
                found = k == ps->index;
            }
            if (found) break;
            skip_value(text, len, &i);
            skip_ws_at(text, len, &i);
            if (text[i] == ',') i++;
        }
    }
    json_strict_position(text, len, at_key && n > 0 && path[n - 1].key ? key_at : i, line, col);
    return true;
}

static bool is_plain_key(const char *k)
{
    if (!*k) return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_'))
            return false;
    return true;
}

char *json_path_text(const JsonPathStep *path, size_t n)
{
    char *out = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *part;
        if (!path[i].key)
            part = xasprintf("[%zu]", path[i].index);
        else if (is_plain_key(path[i].key))
            part = xasprintf("%s%s", i > 0 ? "." : "", path[i].key);
        else {
            char *q = json_strict_quote(path[i].key, strlen(path[i].key));
            part = xasprintf("[%s]", q);
            free(q);
        }
        char *next = xasprintf("%s%s", out, part);
        free(out);
        free(part);
        out = next;
    }
    return out;
}
