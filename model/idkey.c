/* Ids compared by prefix: see idkey.h. */
#include "idkey.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

uint64_t id_prefix(const char *id)
{
    const unsigned char *s = (const unsigned char *)id;
    uint64_t prefix = 0;
    bool ended = false;
    for (int k = 0; k < 8; k++) {
        unsigned char c = ended ? 0 : s[k];
        ended = !c;
        prefix = prefix << 8 | c;
    }
    return prefix;
}

int id_compare(uint64_t px, const char *x, uint64_t py, const char *y)
{
    if (px != py) return px < py ? -1 : 1;
    /* equal prefixes: the ids are equal if they end within them, else the rest decides */
    return (px & 0xff) ? strcmp(x + 8, y + 8) : 0;
}

typedef struct {
    uint64_t prefix;
    const char *id;
    size_t index;
} IdKey;

static int id_key_order(const void *x, const void *y)
{
    const IdKey *p = x, *q = y;
    int c = id_compare(p->prefix, p->id, q->prefix, q->id);
    return c ? c : p->index < q->index ? -1 : p->index > q->index;
}

void id_sort(size_t *order, size_t n, const char *(*id)(const void *ctx, size_t index),
             const void *ctx)
{
    IdKey *keys = xmalloc((n + 1) * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        const char *s = id(ctx, order[i]);
        keys[i] = (IdKey){id_prefix(s), s, order[i]};
    }
    xqsort(keys, n, sizeof *keys, id_key_order);
    for (size_t i = 0; i < n; i++)
        order[i] = keys[i].index;
    free(keys);
}
