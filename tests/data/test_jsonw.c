/* The streaming JSON writer: exact escapes (checked byte for byte against a plain reference
 * loop on random strings, whose special bytes fall anywhere in the 8-byte words the writer
 * scans at once), and the layout of pretty, inline and compact containers. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "utf8.h"
#include "xalloc.h"

/* s escaped by jsonw_string into a fresh compact writer. Owned. */
static char *quoted(const char *s)
{
    JsonW w;
    jsonw_init_buf(&w, false);
    jsonw_string(&w, s);
    return jsonw_finish(&w);
}

/* The escape the writer must produce, one byte at a time: quote, backslash, \n \t \r, other
 * control characters and DEL as \u00xx, valid UTF-8 as is, any other byte as U+FFFD. */
static char *reference(const char *s)
{
    size_t cap = 6 * strlen(s) + 3, n = 0;
    char *out = xmalloc(cap);
    out[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '"' || *p == '\\') {
            out[n++] = '\\';
            out[n++] = (char)*p++;
        } else if (*p == '\n' || *p == '\t' || *p == '\r') {
            out[n++] = '\\';
            out[n++] = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
            p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", *p++);
        } else if (*p < 0x7f) {
            out[n++] = (char)*p++;
        } else {
            size_t k = utf8_valid_prefix((const char *)p);
            if (k == 0) {
                memcpy(out + n, "\xef\xbf\xbd", 3);
                n += 3;
                p++;
            } else {
                memcpy(out + n, p, k);
                n += k;
                p += k;
            }
        }
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

static void check(const char *s, const char *want)
{
    char *got = quoted(s);
    cr_assert_str_eq(got, want);
    free(got);
}

Test(jsonw, escapes_exactly)
{
    check("", "\"\"");
    check("plain ascii id w-1234567", "\"plain ascii id w-1234567\"");
    check("a\"b\\c", "\"a\\\"b\\\\c\"");
    check("line\nnext\ttab\rret", "\"line\\nnext\\ttab\\rret\"");
    check("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
    check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    check("bad \xff byte, cut \xc3", "\"bad \xef\xbf\xbd byte, cut \xef\xbf\xbd\"");
    check("12345678\"2345678", "\"12345678\\\"2345678\"");
}

Test(jsonw, escapes_like_the_reference_on_random_strings)
{
    static const unsigned char bytes[] = {'a',  'Z',  ' ',  '~',  '"',  '\\', '\n', '\t', '\r',
                                          0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xc3, 0xa9, 0xe2, 0x82,
                                          0xac, 0xf0, 0x9f, 0x98, 0xff, '0',  '-'};
    unsigned long long state = 20261128;
    char s[80];
    for (int round = 0; round < 20000; round++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        size_t len = (size_t)(state >> 33) % (sizeof s - 1);
        int plain_bias = (int)((state >> 20) % 4); /* often long plain runs */
        for (size_t i = 0; i < len; i++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            unsigned r = (unsigned)(state >> 33);
            s[i] = (char)((int)(r % 4) < plain_bias ? 'a' + r % 26 : bytes[r % sizeof bytes]);
        }
        s[len] = '\0';
        char *got = quoted(s), *want = reference(s);
        cr_assert_str_eq(got, want, "round %d", round);
        free(got);
        free(want);
    }
}

Test(jsonw, long_output_through_a_file_is_whole)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    JsonW w;
    jsonw_init_file(&w, f, false);
    jsonw_array(&w);
    for (int i = 0; i < 300000; i++)
        jsonw_string(&w, "0123456789");
    jsonw_end(&w);
    cr_assert_null(jsonw_finish(&w));
    fclose(f);
    cr_assert_eq(len, 2 + 300000 * 12 + 299999);
    cr_assert_eq(strncmp(buf, "[\"0123456789\",\"0123456789\",", 27), 0);
    cr_assert_str_eq(buf + len - 14, ",\"0123456789\"]");
    free(buf);
}

Test(jsonw, lays_out_pretty_inline_and_compact)
{
    for (int pretty = 0; pretty < 2; pretty++) {
        JsonW w;
        jsonw_init_buf(&w, pretty);
        jsonw_object(&w);
        jsonw_kint(&w, "n", -42);
        jsonw_key(&w, "list");
        jsonw_array(&w);
        jsonw_object_inline(&w);
        jsonw_kbool(&w, "a", true);
        jsonw_key(&w, "b");
        jsonw_array(&w); /* inline too, inside an inline object */
        jsonw_null(&w);
        jsonw_int(&w, 0);
        jsonw_end(&w);
        jsonw_end(&w);
        jsonw_array_inline(&w);
        jsonw_end(&w);
        jsonw_end(&w);
        jsonw_key(&w, "empty");
        jsonw_object(&w);
        jsonw_end(&w);
        jsonw_end(&w);
        char *out = jsonw_finish(&w);
        cr_assert_str_eq(out, pretty ? "{\n"
                                       "  \"n\": -42,\n"
                                       "  \"list\": [\n"
                                       "    {\"a\": true, \"b\": [null, 0]},\n"
                                       "    []\n"
                                       "  ],\n"
                                       "  \"empty\": {}\n"
                                       "}\n"
                                     : "{\"n\":-42,\"list\":[{\"a\":true,\"b\":[null,0]},[]],"
                                       "\"empty\":{}}");
        free(out);
    }
}
