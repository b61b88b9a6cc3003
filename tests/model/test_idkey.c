/* id_prefix and id_compare order ids as strcmp does. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idkey.h"

static int sign(int c)
{
    return (c > 0) - (c < 0);
}

Test(idkey, compares_as_strcmp_does)
{
    static const char *const ids[] = {"",
                                      "a",
                                      "a-1",
                                      "a-10",
                                      "a-2",
                                      "w-100922",
                                      "w-1009220",
                                      "w-100923",
                                      "abcdefgh",
                                      "abcdefghi",
                                      "abcdefgha",
                                      "abcdefg",
                                      "\xc3\xa9t\xc3\xa9",
                                      "\xff",
                                      "zz",
                                      "w-100922"};
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
