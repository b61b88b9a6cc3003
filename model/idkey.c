/* Ids compared by prefix: see idkey.h. */
#include "idkey.h"

#include <stdbool.h>
#include <string.h>

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
