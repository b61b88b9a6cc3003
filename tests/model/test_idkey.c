/* id_prefix, id_compare and id_sort order ids as strcmp does. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idkey.h"

static int sign(int c)
{
    return (c > 0) - (c < 0);
}

static const char *const ids[] = {
    "",         "a",        "a-1",       "a-10",      "a-2",     "w-100922",          "w-1009220",
    "w-100923", "abcdefgh", "abcdefghi", "abcdefgha", "abcdefg", "\xc3\xa9t\xc3\xa9", "\xff",
    "zz",       "w-100922"};

Test(idkey, compares_as_strcmp_does)
{
    size_t n = sizeof ids / sizeof *ids;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int want = sign(strcmp(ids[i], ids[j]));
            int got = sign(id_compare(id_prefix(ids[i]), ids[i], id_prefix(ids[j]), ids[j]));
            cr_assert_eq(got, want, "\"%s\" vs \"%s\": %d, strcmp says %d", ids[i], ids[j], got,
                         want);
        }
}

Test(idkey, reads_nothing_past_the_end)
{
    /* a 3-byte block holding a 2-byte id: reading past its end is a heap overflow under ASan */
    char *id = malloc(3);
    memcpy(id, "ab", 3);
    cr_assert_eq(id_prefix(id), (uint64_t)0x6162000000000000u);
    free(id);
}

static const char *id_at(const void *ctx, size_t i)
{
    return ((const char *const *)ctx)[i];
}

static int by_strcmp_then_index(const void *x, const void *y)
{
    size_t p = *(const size_t *)x, q = *(const size_t *)y;
    int c = strcmp(ids[p], ids[q]);
    return c ? c : (p > q) - (p < q);
}

Test(idkey, sorts_as_strcmp_then_index)
{
    size_t n = sizeof ids / sizeof *ids;
    size_t got[sizeof ids / sizeof *ids], want[sizeof ids / sizeof *ids];
    for (size_t i = 0; i < n; i++)
        got[i] = want[i] = n - 1 - i; /* any order in: the same order out */
    id_sort(got, n, id_at, ids);
    qsort(want, n, sizeof *want, by_strcmp_then_index);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(got[i], want[i], "position %zu: \"%s\" (%zu), expected \"%s\" (%zu)", i,
                     ids[got[i]], got[i], ids[want[i]], want[i]);
}
