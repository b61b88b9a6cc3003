/* Open-addressing string map (FNV-1a, linear probing over a table of slots): see strmap.h. */
#include "strmap.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define MIN_SLOTS 16

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* A slot for entry number e (0-based) of hash h. */
static uint64_t slot_of(uint64_t h, size_t e)
{
    return (h >> 32) << 32 | (uint64_t)(e + 1);
}

void strmap_init(StrMap *m)
{
    memset(m, 0, sizeof *m);
}

void strmap_done(StrMap *m)
{
    free(m->entries);
    free(m->slots);
    strmap_init(m);
}

/* Rebuilds the table with n_slots slots (a power of two, more than twice the entries). */
static void rehash(StrMap *m, size_t n_slots)
{
    free(m->slots);
    m->slots = xcalloc_written(n_slots, sizeof *m->slots); /* probes read before writing */
    m->n_slots = n_slots;
    for (size_t e = 0; e < m->n; e++) {
        size_t j = m->entries[e].hash & (n_slots - 1);
        while (m->slots[j])
            j = (j + 1) & (n_slots - 1);
        m->slots[j] = slot_of(m->entries[e].hash, e);
    }
}

void strmap_reserve(StrMap *m, size_t n)
{
    if (n > m->cap) {
        m->entries = xrealloc(m->entries, n * sizeof *m->entries);
        m->cap = n;
    }
    size_t n_slots = m->n_slots ? m->n_slots : MIN_SLOTS;
    while (n * 2 > n_slots)
        n_slots *= 2;
    if (n_slots != m->n_slots) rehash(m, n_slots);
}

/* The slot holding key (of hash h), or the empty slot where it would go. */
static size_t find(const StrMap *m, const char *key, uint64_t h)
{
    size_t mask = m->n_slots - 1;
    uint32_t tag = (uint32_t)(h >> 32);
    size_t j = h & mask;
    for (uint64_t s; (s = m->slots[j]) != 0; j = (j + 1) & mask)
        if ((uint32_t)(s >> 32) == tag && strcmp(m->entries[(uint32_t)s - 1].key, key) == 0)
            return j;
    return j;
}

bool strmap_put(StrMap *m, const char *key, size_t value)
{
    assert(m->n < UINT32_MAX - 1);
    if ((m->n + 1) * 2 > m->n_slots) rehash(m, m->n_slots ? m->n_slots * 2 : MIN_SLOTS);
    uint64_t h = hash(key);
    size_t j = find(m, key, h);
    if (m->slots[j]) return false;
    xgrow((void **)&m->entries, &m->cap, m->n + 1, sizeof *m->entries);
    m->entries[m->n] = (StrMapEntry){key, value, h};
    m->slots[j] = slot_of(h, m->n);
    m->n++;
    return true;
}

bool strmap_get(const StrMap *m, const char *key, size_t *value)
{
    if (!m->n_slots) return false;
    size_t j = find(m, key, hash(key));
    if (!m->slots[j]) return false;
    *value = m->entries[(uint32_t)m->slots[j] - 1].value;
    return true;
}
