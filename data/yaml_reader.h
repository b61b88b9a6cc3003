/* YAML for the importers: libyaml's event API turned into one cJSON tree per document, with
 * limits (depth, values, string size), aliases rejected and duplicate keys refused, and a
 * locator that points a JSON path back into the text for content errors. */
#ifndef BREAKOUT_YAML_READER_H
#define BREAKOUT_YAML_READER_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "json_strict.h"

#define YAML_READER_MAX_DEPTH 200 /* mappings and sequences nested */
/* Values (keys included) in one input: bounds the trees built (about 100 bytes a value), 1.6
 * times what a 150,000-pod cluster dump holds (docs/guarantees.md). */
#define YAML_READER_MAX_NODES  ((size_t)64 * 1000 * 1000)
#define YAML_READER_MAX_STRING ((size_t)1024 * 1024) /* bytes of one scalar, decoded */

/* Called as reading advances, about once per MiB of input: done is a byte offset. */
typedef void (*YamlReaderProgress)(size_t done, void *ctx);

/* Reads every document of the YAML stream in the len bytes at text (text need not be
 * NUL-terminated); file names it in messages. Plain scalars are resolved as Kubernetes'
 * YAML reader does (YAML 1.1): null, ~ and the empty scalar are null; true/false, yes/no,
 * on/off, y/n (lower, Capitalised or UPPER case) are booleans; decimal, 0x hex, 0o and
 * 0-prefixed octal integers and decimal floats are numbers; everything else, and every
 * quoted or block scalar, or one tagged !!str or !, is a string. progress may be NULL.
 * Returns an owned cJSON array (cJSON_Delete) with one element per document, in order (an
 * empty document is null), or NULL with *err set to an owned one-line message:
 *   FILE:LINE:COL: PROBLEM (CONTEXT at LINE:COL)     libyaml's own, e.g. "did not find
 *                                                    expected key (while parsing a block
 *                                                    mapping at 3:1)"
 *   FILE:LINE:COL: nesting deeper than 200 levels
 *   FILE:LINE:COL: aliases are not supported (*NAME): write the value out
 *   FILE:LINE:COL: duplicate key "x"
 *   FILE:LINE:COL: a mapping key must be a scalar, got a mapping
 *   FILE:LINE:COL: more than 64000000 values
 *   FILE:LINE:COL: string longer than 1048576 bytes
 *   FILE:LINE:COL: a string contains a NUL character
 * LINE and COL are 1-based (COL in characters). Time and memory are linear in len. */
cJSON *yaml_reader_read(const char *text, size_t len, const char *file, YamlReaderProgress progress,
                        void *ctx, char **err);

/* yaml_reader_read with another limit on values (keys included): max_values (0:
 * YAML_READER_MAX_NODES). The message is "more than N values". */
cJSON *yaml_reader_read_max(const char *text, size_t len, const char *file, size_t max_values,
                            YamlReaderProgress progress, void *ctx, char **err);

/* Finds the value at path (n steps) in document doc (0-based) of text, which
 * yaml_reader_read accepted, and sets *line and *col (1-based) to where it starts; with
 * at_key and a last step that is a key, to where that key starts. False if there is no such
 * value. */
bool yaml_reader_locate(const char *text, size_t len, size_t doc, const JsonPathStep *path,
                        size_t n, bool at_key, size_t *line, size_t *col);

#endif
