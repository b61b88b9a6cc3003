/* Escaping for the report formats: see report_escape.h. One walk over the string produces the
 * visible form; a per-format table maps each ASCII character of it. */
#include "report_escape.h"

#include <stdbool.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

typedef enum { FMT_MD, FMT_HTML, FMT_DOT } Fmt;

/* What ASCII character c is written as in f: NULL when it is written as itself (buf holds a
 * two-byte escape). */
static const char *escaped(Fmt f, char c, char buf[3])
{
    switch (f) {
    case FMT_MD:
        switch (c) {
        case '&': return "&amp;";
        case '<': return "&lt;";
        case '>': return "&gt;";
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '|':
        case '~':
        case '#':
        case '$':
            buf[0] = '\\';
            buf[1] = c;
            buf[2] = '\0';
            return buf;
        default: return NULL;
        }
    case FMT_HTML:
        switch (c) {
        case '&': return "&amp;";
        case '<': return "&lt;";
        case '>': return "&gt;";
        case '"': return "&quot;";
        case '\'': return "&#39;";
        default: return NULL;
        }
    case FMT_DOT:
        switch (c) {
        case '"': return "\\\"";
        case '\\': return "\\\\";
        case '&': return "&amp;";
        default: return NULL;
        }
    }
    return NULL;
}

/* Writes one ASCII character c escaped for f. */
static void put_ascii(FILE *out, Fmt f, char c)
{
    char buf[3];
    const char *e = escaped(f, c, buf);
    if (e)
        fputs(e, out);
    else
        fputc(c, out);
}

static void put_visible(FILE *out, Fmt f, const char *text)
{
    for (; *text; text++)
        put_ascii(out, f, *text);
}

/* True for code points shown as an escape rather than as themselves. */
static bool hidden(unsigned cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Whether the byte c is written as it is in f: printable ASCII that f does not escape. */
static bool as_is(Fmt f, unsigned char c)
{
    char buf[3];
    return c >= 0x20 && c < 0x7f && !escaped(f, (char)c, buf);
}

static void escape(FILE *out, Fmt f, const char *s)
{
    if (!s) return;
    while (*s) {
        size_t run = 0; /* most of a report's text: written in one go */
        while (as_is(f, (unsigned char)s[run]))
            run++;
        if (run) {
            fwrite(s, 1, run, out);
            s += run;
            continue;
        }
        size_t k = utf8_valid_prefix(s);
        char buf[16];
        if (!k) {
            snprintf(buf, sizeof buf, "\\x%02x", (unsigned char)*s);
            put_visible(out, f, buf);
            s++;
            continue;
        }
        unsigned cp = utf8_decode(s, k);
        if (hidden(cp)) {
            if (cp < 0x100)
                snprintf(buf, sizeof buf, "\\x%02x", cp);
            else
                snprintf(buf, sizeof buf, "\\u%04x", cp);
            put_visible(out, f, buf);
        } else if (k == 1) {
            put_ascii(out, f, *s);
        } else {
            fwrite(s, 1, k, out);
        }
        s += k;
    }
}

void report_escape_md(FILE *out, const char *s)
{
    escape(out, FMT_MD, s);
}

void report_escape_html(FILE *out, const char *s)
{
    escape(out, FMT_HTML, s);
}

void report_escape_dot(FILE *out, const char *s)
{
    escape(out, FMT_DOT, s);
}

char *report_flatten(const char *s)
{
    if (!s) return NULL;
    char *out = xmalloc(strlen(s) + 1), *o = out;
    while (*s) {
        if (*s == '\n' || *s == '\r' || *s == '\t') {
            while (*s == '\n' || *s == '\r' || *s == '\t')
                s++;
            *o++ = ' ';
            continue;
        }
        *o++ = *s++;
    }
    *o = '\0';
    return out;
}
