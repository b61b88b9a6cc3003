/* Tests for data/json_strict: what strict JSON rejects, and where it says the problem is. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_strict.h"
#include "xalloc.h"

/* Parses text (NUL-terminated) as "t.json"; returns the owned error, or NULL if it parsed
 * (the tree is checked to exist and freed). */
static char *parse_err(const char *text)
{
    char *err = NULL;
    cJSON *root = json_parse_strict(text, strlen(text), "t.json", &err);
    if (root) {
        cr_assert_null(err);
        cJSON_Delete(root);
        return NULL;
    }
    cr_assert_not_null(err, "no message for a rejected text");
    return err;
}

/* Asserts that text is rejected with exactly the message want. */
static void rejects(const char *text, const char *want)
{
    char *err = parse_err(text);
    cr_assert_not_null(err, "accepted: %s", text);
    cr_assert_str_eq(err, want, "for %s", text);
    free(err);
}

static void accepts(const char *text)
{
    char *err = parse_err(text);
    cr_assert_null(err, "rejected %s: %s", text, err ? err : "");
}

Test(json_strict, accepts_valid_json_and_cjson_reads_it)
{
    const char *text = "\xef\xbb\xbf{\"a\": [1, -0.5e+3, true, false, null],\n"
                       " \"\\u00e9\\ud83d\\ude00\\n\": {\"b\": \"x\\\"y\"}, \"c\": {}, \"d\": []}";
    char *err = NULL;
    cJSON *root = json_parse_strict(text, strlen(text), "t.json", &err);
    cr_assert_not_null(root, "%s", err ? err : "");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "a");
    cr_assert_eq(cJSON_GetArraySize(a), 5);
    cr_assert_float_eq(cJSON_GetArrayItem(a, 1)->valuedouble, -500.0, 1e-9);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "\xc3\xa9\xf0\x9f\x98\x80\n");
    cr_assert_not_null(e, "escaped key decoded, surrogate pair joined");
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "b")->valuestring, "x\"y");
    cJSON_Delete(root);
}

Test(json_strict, accepts_any_top_level_value)
{
    accepts("[]");
    accepts(" \"s\" ");
    accepts("0");
    accepts("null\n");
}

Test(json_strict, empty_and_whitespace_only)
{
    rejects("", "t.json: empty file, expected a JSON object");
    rejects("\xef\xbb\xbf", "t.json: empty file, expected a JSON object");
    rejects(" \n\t\r\n ", "t.json: only whitespace, expected a JSON object");
}

Test(json_strict, syntax_errors_say_what_was_expected_and_found)
{
    rejects("{\"a\": 1]", "t.json:1:8: expected ',' or '}' after an object member, got ']'");
    rejects("{\"a\": 1 \"b\": 2}",
            "t.json:1:9: expected ',' or '}' after an object member, got a string");
    rejects("[1 2]", "t.json:1:4: expected ',' or ']' after an array element, got a number");
    rejects("{\"a\" 1}", "t.json:1:6: expected ':' after an object key, got a number");
    rejects("{\"a\": }", "t.json:1:7: expected a value after ':', got '}'");
    rejects("{\"a\": 1,}",
            "t.json:1:9: expected a key string after ',', got '}' (a trailing comma is not "
            "allowed)");
    rejects("[1,]",
            "t.json:1:4: expected a value after ',', got ']' (a trailing comma is not allowed)");
    rejects("{name: 1}", "t.json:1:2: expected a key string or '}', got 'name' (keys are written "
                         "in double quotes)");
    rejects("{'a': 1}", "t.json:1:2: expected a key string or '}', got a single quote (JSON "
                        "strings use double quotes)");
    rejects("[1, // one\n2]",
            "t.json:1:5: expected a value after ',', got '/' (comments are not allowed in JSON)");
    rejects("[True]", "t.json:1:2: expected a value or ']', got 'True'");
    rejects("[nulls]", "t.json:1:2: expected a value or ']', got 'nulls'");
    rejects("{\"a\": [1, 2}", "t.json:1:12: expected ',' or ']' after an array element, got '}'");
    rejects("{\"a\": 1", "t.json:1:8: expected ',' or '}' after an object member, got end of file");
    rejects("[", "t.json:1:2: expected a value or ']', got end of file");
    rejects("x", "t.json:1:1: expected a JSON value, got 'x'");
}

Test(json_strict, position_counts_lines_and_characters_not_bytes)
{
    /* é and 😀 are one column each, whatever their byte length. */
    rejects("{\"\xc3\xa9\xf0\x9f\x98\x80\": 1 2}",
            "t.json:1:10: expected ',' or '}' after an object member, got a number");
    rejects("{\n  \"a\": 1,\n  \"b\": ]\n}", "t.json:3:8: expected a value after ':', got ']'");
    rejects("{\r\n\"a\": 1,\r\n\t\"b\": x}", "t.json:3:7: expected a value after ':', got 'x'");
    /* A byte order mark is not a column. */
    rejects("\xef\xbb\xbf[x]", "t.json:1:2: expected a value or ']', got 'x'");
}

Test(json_strict, position_helper)
{
    const char *t = "ab\n\xc3\xa9x\ny";
    size_t line, col;
    json_strict_position(t, strlen(t), 0, &line, &col);
    cr_assert(line == 1 && col == 1);
    json_strict_position(t, strlen(t), 5, &line, &col); /* the x after é */
    cr_assert(line == 2 && col == 2, "%zu:%zu", line, col);
    json_strict_position(t, strlen(t), strlen(t), &line, &col);
    cr_assert(line == 3 && col == 2, "%zu:%zu", line, col);
}

Test(json_strict, duplicate_keys)
{
    rejects("{\"name\": 1, \"x\": 2, \"name\": 3}", "t.json:1:21: duplicate key \"name\"");
    /* Equal after decoding escapes. */
    rejects("{\"ab\": 1, \"a\\u0062\": 2}", "t.json:1:11: duplicate key \"ab\"");
    /* Keys differing only in case are different; the same key in other objects is fine. */
    accepts("{\"a\": 1, \"A\": 2, \"o\": {\"a\": 1}, \"p\": [{\"a\": 1}, {\"a\": 2}]}");
    /* After a nested object closes, its keys do not leak into the outer one. */
    accepts("{\"o\": {\"k\": 1}, \"k\": 2}");
    rejects("[{\"k\": 1}, {\"k\": 2, \"k\": 3}]", "t.json:1:21: duplicate key \"k\"");
}

/* Builds {"k0": 0, ..., "k<n-1>": 0, EXTRA} in an owned string. */
static char *big_object(size_t n, const char *extra)
{
    size_t cap = n * 24 + strlen(extra) + 8;
    char *t = xmalloc(cap);
    size_t o = 0;
    t[o++] = '{';
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(t + o, cap - o, "\"k%zu\": 0, ", i);
    o += (size_t)snprintf(t + o, cap - o, "%s}", extra);
    return t;
}

Test(json_strict, duplicate_keys_in_large_objects)
{
    char *t = big_object(100000, "\"last\": 1");
    accepts(t);
    free(t);
    t = big_object(100000, "\"k77777\": 1");
    char *err = parse_err(t);
    cr_assert_not_null(err);
    cr_assert(strstr(err, ": duplicate key \"k77777\"") != NULL, "%s", err);
    free(err);
    free(t);
    /* Just over the linear threshold. */
    t = big_object(17, "\"k0\": 1");
    err = parse_err(t);
    cr_assert_not_null(err);
    cr_assert(strstr(err, ": duplicate key \"k0\"") != NULL, "%s", err);
    free(err);
    free(t);
}

Test(json_strict, invalid_utf8)
{
    rejects("{\"a\": \"x\xff\"}", "t.json:1:9: invalid UTF-8 in a string");
    rejects("[\"\xc0\xaf\"]", "t.json:1:3: invalid UTF-8 in a string");     /* overlong */
    rejects("[\"\xed\xa0\x80\"]", "t.json:1:3: invalid UTF-8 in a string"); /* surrogate */
    rejects("[\"\xe2\x82\"]", "t.json:1:3: invalid UTF-8 in a string");     /* truncated */
    rejects("{\"k\xfe\": 1}", "t.json:1:4: invalid UTF-8 in a string");     /* in a key */
    rejects("[1, \xff]", "t.json:1:5: expected a value after ',', got a byte that is not UTF-8 "
                         "(0xFF)");
    rejects("[\xc3\xa9]", "t.json:1:2: expected a value or ']', got the character U+00E9");
    accepts("[\"\xe2\x82\xac \xf4\x8f\xbf\xbf\"]");
}

Test(json_strict, nul_and_surrogate_escapes)
{
    rejects("[\"a\\u0000b\"]", "t.json:1:4: \\u0000 in a string (NUL characters are not allowed)");
    rejects("{\"a\\u0000\": 1}",
            "t.json:1:4: \\u0000 in a string (NUL characters are not allowed)");
    rejects("[\"\\ud800\"]", "t.json:1:3: lone surrogate \\uD800 in a string, expected a low "
                             "surrogate \\uDC00-\\uDFFF after it");
    rejects("[\"\\uD800\\u0041\"]", "t.json:1:3: lone surrogate \\uD800 in a string, expected a "
                                    "low surrogate \\uDC00-\\uDFFF after it");
    rejects("[\"x\\udc00\"]", "t.json:1:4: lone surrogate \\uDC00 in a string (a low surrogate "
                              "needs a high one before it)");
    rejects("[\"\\u12g4\"]", "t.json:1:3: invalid \\u escape in a string, expected 4 hex digits");
    rejects("[\"\\u12\"]", "t.json:1:3: invalid \\u escape in a string, expected 4 hex digits");
    accepts("[\"\\u0001\\uffff\\uDBFF\\uDFFF\"]");
}

Test(json_strict, other_string_errors)
{
    rejects("[\"C:\\Users\"]",
            "t.json:1:5: invalid escape '\\U' in a string (write a backslash as \\\\)");
    rejects("[\"a\tb\"]", "t.json:1:4: tab character in a string, write it as \\t");
    rejects("[\"a\nb\"]", "t.json:1:4: line break in a string (a missing closing quote?)");
    rejects("[\"a\x01\"]", "t.json:1:4: control character U+0001 in a string, write it as "
                           "\\u0001");
    rejects("[\"abc", "t.json:1:2: unterminated string, expected '\"' before the end of the file");
    rejects("[\"abc\\", "t.json:1:2: unterminated string, expected '\"' before the end of the "
                        "file");
}

Test(json_strict, embedded_nul_bytes)
{
    char *err = NULL;
    const char text[] = "[\"a\0b\"]";
    cr_assert_null(json_parse_strict(text, sizeof text - 1, "t.json", &err));
    cr_assert_str_eq(err, "t.json:1:4: NUL byte in a string");
    free(err);
    const char text2[] = "[1]\0";
    cr_assert_null(json_parse_strict(text2, sizeof text2 - 1, "t.json", &err));
    cr_assert_str_eq(err, "t.json:1:4: unexpected data after the JSON value: a NUL byte");
    free(err);
}

Test(json_strict, numbers)
{
    rejects("[1e999]", "t.json:1:2: number 1e999 is too large");
    rejects("{\"n\": -1E+400}", "t.json:1:7: number -1E+400 is too large");
    rejects("[01]", "t.json:1:2: invalid number: leading zeros are not allowed");
    rejects("[-01]", "t.json:1:2: invalid number: leading zeros are not allowed");
    rejects("[1.]", "t.json:1:4: expected a digit after the decimal point, got ']'");
    rejects("[1.e5]", "t.json:1:4: expected a digit after the decimal point, got 'e5'");
    rejects("[1e]", "t.json:1:4: expected a digit in the exponent, got ']'");
    rejects("[1e+]", "t.json:1:5: expected a digit in the exponent, got ']'");
    rejects("[-]", "t.json:1:3: expected a digit after '-', got ']'");
    rejects("[-x]", "t.json:1:3: expected a digit after '-', got 'x'");
    rejects("[.5]", "t.json:1:2: expected a value or ']', got '.'");
    rejects("[+1]", "t.json:1:2: expected a value or ']', got '+'");
    rejects("[0x1F]", "t.json:1:3: expected ',' or ']' after an array element, got 'x1F'");
    rejects("[NaN]", "t.json:1:2: expected a value or ']', got 'NaN'");
    accepts("[0, -0, 1.5, 1e308, -1.7976931348623157e308, 1e-999, 12345678901234567890]");

    /* 400 digits overflow a double even without an exponent; 300 do not. */
    char big[512] = "[";
    memset(big + 1, '9', 400);
    strcpy(big + 401, "]");
    rejects(big, "t.json:1:2: number 999999999999999999999999... is too large");
    strcpy(big + 301, "]");
    accepts(big);
}

Test(json_strict, trailing_data)
{
    rejects("{} x", "t.json:1:4: unexpected data after the JSON value: 'x'");
    rejects("{\"a\": 1}}", "t.json:1:9: unexpected data after the JSON value: '}'");
    rejects("{}\n{}", "t.json:2:1: unexpected data after the JSON value: '{'");
    accepts("{} \n\t ");
}

/* Returns an owned text of n nested arrays around 1. */
static char *nested(int n)
{
    char *t = xmalloc((size_t)n * 2 + 2);
    memset(t, '[', (size_t)n);
    t[n] = '1';
    memset(t + n + 1, ']', (size_t)n);
    t[2 * n + 1] = '\0';
    return t;
}

Test(json_strict, nesting_limit)
{
    char *t = nested(JSON_STRICT_MAX_DEPTH);
    accepts(t);
    free(t);
    t = nested(JSON_STRICT_MAX_DEPTH + 1);
    rejects(t, "t.json:1:201: nesting deeper than 200 levels");
    free(t);
    /* Far deeper than cJSON's own limit, and than a naive recursion would survive. */
    t = nested(1000000);
    rejects(t, "t.json:1:201: nesting deeper than 200 levels");
    free(t);
    /* Objects count as levels too: 201 times {"a": is rejected at the last '{'. */
    char *o = xmalloc(201 * 5 + 1);
    for (int i = 0; i < 201; i++)
        memcpy(o + i * 5, "{\"a\":", 5);
    o[201 * 5] = '\0';
    rejects(o, "t.json:1:1001: nesting deeper than 200 levels");
    free(o);
}

Test(json_strict, string_length_limit)
{
    size_t n = JSON_STRICT_MAX_STRING;
    char *t = xmalloc(n + 16);
    strcpy(t, "[\"");
    memset(t + 2, 'a', n);
    strcpy(t + 2 + n, "\"]");
    accepts(t);
    strcpy(t + 2 + n, "a\"]");
    rejects(t, "t.json:1:2: string longer than 1048576 bytes");
    /* The limit counts bytes as written, multi-byte characters included. */
    for (size_t i = 0; i + 1 < n; i += 2)
        memcpy(t + 2 + i, "\xc3\xa9", 2);
    strcpy(t + 2 + n, "\"]");
    accepts(t);
    strcpy(t + 2 + n, "\xc3\xa9\"]");
    rejects(t, "t.json:1:2: string longer than 1048576 bytes");
    free(t);
}

Test(json_strict, check_alone)
{
    char *err = NULL;
    cr_assert(json_strict_check("{\"a\": [1]}", 10, "t.json", &err));
    cr_assert_not(json_strict_check("{\"a\": [1}", 9, "x.json", &err));
    cr_assert_str_eq(err, "x.json:1:9: expected ',' or ']' after an array element, got '}'");
    free(err);
}

Test(json_strict, locate_finds_values_and_keys)
{
    const char *t = "{\n"
                    "  \"a\": [10, {\"b\\u0063\": \"x,]}\", \"d\": {\"e\": 1}}],\n"
                    "  \"\xc3\xa9\": true\n"
                    "}";
    size_t line, col;
    JsonPathStep p1[] = {{"a", 0}, {NULL, 1}, {"d", 0}, {"e", 0}};
    cr_assert(json_strict_locate(t, strlen(t), p1, 4, false, &line, &col));
    cr_assert(line == 2 && col == 44, "%zu:%zu", line, col);
    cr_assert(json_strict_locate(t, strlen(t), p1, 4, true, &line, &col));
    cr_assert(line == 2 && col == 39, "%zu:%zu", line, col);
    JsonPathStep p2[] = {{"a", 0}, {NULL, 1}, {"bc", 0}};
    cr_assert(json_strict_locate(t, strlen(t), p2, 3, false, &line, &col));
    cr_assert(line == 2 && col == 25, "%zu:%zu", line, col);
    JsonPathStep p3[] = {{"\xc3\xa9", 0}};
    cr_assert(json_strict_locate(t, strlen(t), p3, 1, false, &line, &col));
    cr_assert(line == 3 && col == 8, "%zu:%zu", line, col);
    cr_assert(json_strict_locate(t, strlen(t), p3, 0, false, &line, &col));
    cr_assert(line == 1 && col == 1);
    JsonPathStep absent[] = {{"a", 0}, {NULL, 2}};
    cr_assert_not(json_strict_locate(t, strlen(t), absent, 2, false, &line, &col));
    JsonPathStep wrong[] = {{"a", 0}, {"x", 0}};
    cr_assert_not(json_strict_locate(t, strlen(t), wrong, 2, false, &line, &col));
}

Test(json_strict, quote_makes_text_safe_for_one_line)
{
    char *q = json_strict_quote("a\"b\\c\n\x1b[31m\xe2\x80\xae\xc3\xa9\xff", 17);
    cr_assert_str_eq(q, "\"a\\\"b\\\\c\\u000A\\u001B[31m\\u202E\xc3\xa9\\xFF\"");
    free(q);
    char long_[100];
    memset(long_, 'x', sizeof long_);
    q = json_strict_quote(long_, sizeof long_);
    cr_assert_eq(strlen(q), 1 + 60 + 4);
    cr_assert(strcmp(q + 61, "\"...") == 0, "%s", q);
    free(q);
}

/* json_strict_string_end accepts a string exactly when the checker accepts it as a value, and
 * json_strict_unescape decodes it as cJSON does. */
Test(json_strict, one_string_checked_and_decoded_as_the_checker_and_cjson_do)
{
    static const char *const strings[] = {
        "\"\"",
        "\"plain ascii ~\x7f\"",
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
        "\"\\u00e9\\u20AC\\ud83d\\ude00\\u0041\"",
        "\"C:\\\\Users\\\\ops\"",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"\\u12\"",
        "\"\\u0000\"",
        "\"\\udc00\"",
        "\"\\ud800x\"",
        "\"\\ud800\\u0041\"",
        "\"\xff\"",
        "\"\xc3\"",
        "\"\xed\xa0\x80\"",
        "\"tab\tinside\"",
        "\"line\nbreak\"",
        "\"ends with a backslash\\",
    };
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        const char *s = strings[i];
        size_t len = strlen(s);
        char *err = NULL;
        cJSON *v = json_parse_strict(s, len, "t.json", &err);
        size_t end = json_strict_string_end(s, len, 0);
        cr_assert_eq(end != 0, v != NULL, "%s: %s", s, err ? err : "accepted");
        if (v) {
            cr_assert_eq(end, len, "%s", s);
            char *out = xmalloc(len);
            size_t n = json_strict_unescape(s + 1, len - 2, out);
            cr_assert_eq(n, strlen(v->valuestring), "%s", s);
            cr_assert_str_eq(out, v->valuestring, "%s", s);
            free(out);
            cJSON_Delete(v);
        }
        free(err);
    }
    /* a string in the middle of a text ends at its quote */
    static const char text[] = "[\"a\\\"b\", 1]";
    cr_assert_eq(json_strict_string_end(text, strlen(text), 1), 7);
}
