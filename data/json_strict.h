/* Strict JSON reading: a single-pass validator over the raw text that rejects what cJSON
 * silently accepts (duplicate keys, invalid UTF-8, \u0000, lone surrogates, 1e999, trailing
 * data) and reports the first problem as FILE:LINE:COL, then cJSON for the tree. Also the
 * helpers that let content checks point back into the text (json_strict_locate). */
#ifndef BREAKOUT_JSON_STRICT_H
#define BREAKOUT_JSON_STRICT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#define JSON_STRICT_MAX_DEPTH  200                   /* containers nested in one another */
#define JSON_STRICT_MAX_STRING ((size_t)1024 * 1024) /* bytes of one string, as written */
/* Values (keys included) in one text: bounds the tree cJSON builds (about 100 bytes a value),
 * 1.6 times what a 150,000-pod `kubectl get pods -A -o json` holds (docs/guarantees.md). */
#define JSON_STRICT_MAX_VALUES ((size_t)64 * 1000 * 1000)

/* Checks that the len bytes at text are one strict JSON value (RFC 8259, plus the limits
 * above; a leading UTF-8 byte order mark is skipped) and parses it with cJSON. Precondition:
 * text[len] == '\0' (cJSON needs the terminator to reject trailing data). file names the
 * input in messages. Returns an owned tree (cJSON_Delete), or NULL with *err set to an owned
 * one-line message for the first problem in the text:
 *   FILE: empty file, expected a JSON object
 *   FILE: only whitespace, expected a JSON object
 *   FILE:LINE:COL: MESSAGE
 * LINE and COL are 1-based; COL counts characters (UTF-8 sequences), not bytes. MESSAGE says
 * what was expected and what was found, e.g. "expected ',' or '}' after an object member,
 * got ']'", "duplicate key \"name\"", "invalid UTF-8 in a string", "number 1e999 is too
 * large", "unexpected data after the JSON value: '}'", "nesting deeper than 200 levels",
 * "string longer than 1048576 bytes", "more than 64000000 values" (checked before cJSON builds
 * anything). Time and memory are linear in len. */
cJSON *json_parse_strict(const char *text, size_t len, const char *file, char **err);

/* json_parse_strict with another limit on the values (keys included) of the text: max_values
 * (0: JSON_STRICT_MAX_VALUES). The message is "more than N values". */
cJSON *json_parse_strict_max(const char *text, size_t len, const char *file, size_t max_values,
                             char **err);

/* The validator of json_parse_strict alone: true if text is strict JSON, else false with
 * *err set as above. Same precondition. */
bool json_strict_check(const char *text, size_t len, const char *file, char **err);

/* One step of a path into a JSON document: an object member (key != NULL, borrowed) or an
 * array element (key == NULL, index). */
typedef struct {
    const char *key;
    size_t index;
} JsonPathStep;

/* Finds the value at path (n steps) in text, which json_strict_check accepted, and sets
 * *line and *col (1-based, as above) to where it starts; with at_key and a last step that
 * is a key, to where that member's key starts. Returns false if the path does not exist. */
bool json_strict_locate(const char *text, size_t len, const JsonPathStep *path, size_t n,
                        bool at_key, size_t *line, size_t *col);

/* Checks the string that starts at offset at of text (a '"'), as json_strict_check would
 * (escapes, UTF-8, control characters, the length limit). Returns the offset just after its
 * closing quote, or 0 if it is not a valid string. Precondition: text[len] == '\0'. */
size_t json_strict_string_end(const char *text, size_t len, size_t at);

/* Decodes the inside of a string that json_strict_check or json_strict_string_end accepted
 * (the n bytes between its quotes) as cJSON does, into out, which has room for n + 1 bytes.
 * Returns the length written; out is NUL-terminated. */
size_t json_strict_unescape(const char *p, size_t n, char *out);

/* Sets *line and *col (1-based; COL in characters) for byte offset (<= len) in text. A
 * leading byte order mark is not counted. */
void json_strict_position(const char *text, size_t len, size_t offset, size_t *line, size_t *col);

/* Returns an owned, double-quoted copy of the n bytes at s that is safe to print in a
 * one-line message: quotes, backslashes, control characters, line and paragraph separators
 * and bidirectional controls are written as JSON escapes (\", \\, \uXXXX), bytes that are not
 * UTF-8 as \xNN, and more than 60 characters are cut, ending "...". */
char *json_strict_quote(const char *s, size_t n);

/* Returns the owned text of a path as messages show it: workloads[2].mounts[0].host_path,
 * with keys that are not plain words quoted, x["odd key"]. */
char *json_path_text(const JsonPathStep *path, size_t n);

#endif
