/* strmap: ids to indices for large scenarios (scenario_validate, diff). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

#define MANY 50000

Test(strmap, finds_what_was_put_and_refuses_a_key_twice)
{
    StrMap m;
    strmap_init(&m);
    size_t v = 99;
    cr_assert_not(strmap_get(&m, "a", &v), "an empty map finds nothing");
    cr_assert(strmap_put(&m, "a", 1));
    cr_assert(strmap_put(&m, "", 2));
    cr_assert_not(strmap_put(&m, "a", 3), "a key put twice");
    cr_assert(strmap_get(&m, "a", &v));
    cr_assert_eq(v, 1, "the first value stays");
    cr_assert(strmap_get(&m, "", &v));
    cr_assert_eq(v, 2);
    cr_assert_not(strmap_get(&m, "b", &v));
    strmap_done(&m);
    strmap_done(&m); /* done twice is harmless */
}

/* Many keys, with and without room reserved first: every key found with its value, every
 * repeat refused, absent keys not found. */
static void many(bool reserve)
{
    char **keys = xcalloc(MANY, sizeof *keys);
    for (size_t i = 0; i < MANY; i++)
        keys[i] = xasprintf("w-%zu", i);
    StrMap m;
    strmap_init(&m);
    if (reserve) strmap_reserve(&m, MANY);
    for (size_t i = 0; i < MANY; i++)
        cr_assert(strmap_put(&m, keys[i], i), "%s", keys[i]);
    for (size_t i = 0; i < MANY; i += 7) {
        char copy[32];
        snprintf(copy, sizeof copy, "w-%zu", i); /* equal text, another pointer */
        cr_assert_not(strmap_put(&m, copy, 0), "%s put twice", copy);
    }
    for (size_t i = 0; i < MANY; i++) {
        size_t v;
        cr_assert(strmap_get(&m, keys[i], &v), "%s lost", keys[i]);
        cr_assert_eq(v, i);
    }
    size_t v;
    cr_assert_not(strmap_get(&m, "w-", &v));
    cr_assert_not(strmap_get(&m, "w-50000", &v));
    strmap_done(&m);
    for (size_t i = 0; i < MANY; i++)
        free(keys[i]);
    free(keys);
}

Test(strmap, many_keys_growing)
{
    many(false);
}

Test(strmap, many_keys_reserved)
{
    many(true);
}

/* The tables' memory (xcalloc_written): zeroed, even where a freed block held something. */
Test(strmap, xcalloc_written_gives_zeroed_memory)
{
    size_t n = (size_t)1 << 20;
    unsigned char *p = xmalloc(n);
    memset(p, 0xff, n);
    free(p);
    for (int round = 0; round < 2; round++) {
        unsigned char *z = xcalloc_written(n / 8, 8);
        size_t nonzero = 0;
        for (size_t i = 0; i < n; i++)
            nonzero += z[i] != 0;
        cr_assert_eq(nonzero, 0, "round %d: %zu bytes not zero", round, nonzero);
        memset(z, 0xff, n);
        free(z);
    }
}

Test(strmap, xcalloc_written_refuses_a_size_that_overflows, .signal = SIGABRT)
{
    xcalloc_written(SIZE_MAX / 2, 4);
}
