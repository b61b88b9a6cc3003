/* A hash map from borrowed strings to indices, for id lookups in large scenarios.
 * Keys are not copied: they must outlive the map. */
#ifndef BREAKOUT_STRMAP_H
#define BREAKOUT_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *key; /* borrowed */
    size_t value;
    uint64_t hash;
} StrMapEntry;

/* Entries in insertion order, found through a table of slots that each hold an entry's number
 * + 1 (0: empty) and the high half of its hash, so that a probe reads no other key. */
typedef struct {
    StrMapEntry *entries;
    size_t n, cap;
    uint64_t *slots;
    size_t n_slots; /* a power of two, or 0 */
} StrMap;

void strmap_init(StrMap *m);
void strmap_done(StrMap *m);
/* Makes room for n keys in all, so that putting them allocates nothing more. */
void strmap_reserve(StrMap *m, size_t n);
/* Inserts key -> value unless key is present. Returns false (and leaves the map) if present. */
bool strmap_put(StrMap *m, const char *key, size_t value);
/* Looks key up: true and *value set if present. */
bool strmap_get(const StrMap *m, const char *key, size_t *value);

#endif
