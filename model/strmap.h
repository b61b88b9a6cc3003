/* A hash map from borrowed strings to indices, for id lookups in large scenarios.
 * Keys are not copied: they must outlive the map. */
#ifndef BREAKOUT_STRMAP_H
#define BREAKOUT_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char **keys;
    size_t *values;
    size_t n, cap; /* cap is a power of two, or 0 */
} StrMap;

void strmap_init(StrMap *m);
void strmap_done(StrMap *m);
/* Inserts key -> value unless key is present. Returns false (and leaves the map) if present. */
bool strmap_put(StrMap *m, const char *key, size_t value);
/* Looks key up: true and *value set if present. */
bool strmap_get(const StrMap *m, const char *key, size_t *value);

#endif
