/* Open-addressing string map (FNV-1a, linear probing): see strmap.h. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

void strmap_init(StrMap *m)
{
    memset(m, 0, sizeof *m);
}

void strmap_done(StrMap *m)
{
    free(m->keys);
    free(m->values);
    strmap_init(m);
}

static void rehash(StrMap *m, size_t cap)
{
    const char **keys = xcalloc(cap, sizeof *keys);
    size_t *values = xcalloc(cap, sizeof *values);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = hash(m->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
    }
    free(m->keys);
    free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = cap;
}

bool strmap_put(StrMap *m, const char *key, size_t value)
{
    if ((m->n + 1) * 2 > m->cap) rehash(m, m->cap ? m->cap * 2 : 16);
    size_t j = hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) return false;
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->values[j] = value;
    m->n++;
    return true;
}

bool strmap_get(const StrMap *m, const char *key, size_t *value)
{
    if (!m->cap) return false;
    size_t j = hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            *value = m->values[j];
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return false;
}
