/* Reading the technique catalog from JSON: the built-in catalog embedded at build time
 * (data/catalog.json) and user files given with --catalog. Format: docs/catalog.md. */
#ifndef BREAKOUT_CATALOG_JSON_H
#define BREAKOUT_CATALOG_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"

#define CATALOG_FORMAT_VERSION 1

/* Returns the built-in catalog (owned). The embedded file is part of the program, so a
 * failure to read it is a programmer error: it aborts with the message. */
Catalog *catalog_load_builtin(void);

/* Parses catalog JSON text and adds its techniques to c, overriding those with the same id.
 * On any error c is unchanged and *err is one owned line:
 * `FILE:LINE:COL: ...` for syntax, `FILE: techniques[2].effort: expected ...` for content. */
bool catalog_merge_text(Catalog *c, const char *text, size_t len, const char *file, char **err);

/* Reads a catalog file and merges it as catalog_merge_text does. */
bool catalog_merge_file(Catalog *c, const char *path, char **err);

#endif
