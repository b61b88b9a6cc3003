/* UTF-8 validation and decoding: see utf8.h. */
#include "utf8.h"

#include <stdio.h>
#include <string.h>

#include "xalloc.h"

size_t utf8_valid_prefix(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xe0 && s[0] <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80) return 0;
        if (s[0] == 0xe0 && s[1] < 0xa0) return 0;  /* overlong */
        if (s[0] == 0xed && s[1] >= 0xa0) return 0; /* surrogate */
        return 3;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80) return 0;
        if (s[0] == 0xf0 && s[1] < 0x90) return 0;
        if (s[0] == 0xf4 && s[1] >= 0x90) return 0;
        return 4;
    }
    return 0;
}

bool utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == '\0') {
            i++;
            continue;
        }
        size_t k = utf8_valid_prefix(s + i);
        if (k == 0 || i + k > n) return false;
        i += k;
    }
    return true;
}

unsigned utf8_decode(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    switch (len) {
    case 1: return s[0];
    case 2: return ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
    case 3: return ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
    default:
        return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
               (s[3] & 0x3fu);
    }
}

char *utf8_sanitize(const char *str)
{
    size_t n = strlen(str);
    char *out = xmalloc(4 * n + 1), *o = out;
    const char *s = str;
    while (*s) {
        size_t k = utf8_valid_prefix(s);
        unsigned cp = k ? utf8_decode(s, k) : 0;
        /* bidirectional controls reorder what follows them on a terminal: shown as \uXXXX */
        if (cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c) {
            o += snprintf(o, 7, "\\u%04x", cp);
            s += k;
            continue;
        }
        if (k == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            size_t bytes = k ? k : 1;
            for (size_t i = 0; i < bytes; i++)
                o += snprintf(o, 5, "\\x%02x", (unsigned char)s[i]);
            s += bytes;
            continue;
        }
        memcpy(o, s, k);
        o += k;
        s += k;
    }
    *o = '\0';
    return out;
}
