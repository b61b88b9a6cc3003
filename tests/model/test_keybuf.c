/* keybuf: the memo keys behind shared why-not lists (engine) and shared start searches (fix
 * plan). Two different sequences of values must never give one key, or two workload shapes
 * would share an answer. */
#include <criterion/criterion.h>
#include <string.h>

#include "keybuf.h"

static char *key_of_strings(const char *a, const char *b)
{
    KeyBuf k = {0};
    keybuf_str(&k, a);
    keybuf_str(&k, b);
    char *out = strdup(keybuf_text(&k));
    keybuf_done(&k);
    return out;
}

static char *key_of_numbers(size_t a, size_t b)
{
    KeyBuf k = {0};
    keybuf_num(&k, a);
    keybuf_num(&k, b);
    char *out = strdup(keybuf_text(&k));
    keybuf_done(&k);
    return out;
}

Test(keybuf, strings_split_differently_give_different_keys)
{
    char *x = key_of_strings("ab", "c"), *y = key_of_strings("a", "bc");
    char *z = key_of_strings("", "abc");
    cr_assert_str_neq(x, y);
    cr_assert_str_neq(x, z);
    cr_assert_str_neq(y, z);
    free(x);
    free(y);
    free(z);
}

Test(keybuf, numbers_split_differently_give_different_keys)
{
    char *x = key_of_numbers(1, 23), *y = key_of_numbers(12, 3);
    char *z = key_of_numbers(0, 123);
    cr_assert_str_neq(x, y);
    cr_assert_str_neq(x, z);
    cr_assert_str_eq(x, "1:23:");
    free(x);
    free(y);
    free(z);
}

Test(keybuf, same_values_same_key_and_reuse_after_reset)
{
    KeyBuf k = {0};
    cr_assert_str_eq(keybuf_text(&k), "");
    keybuf_str(&k, "/var/run/docker.sock");
    keybuf_add(&k, "r", 1);
    char *first = strdup(keybuf_text(&k));
    k.n = 0; /* the engine reuses the buffer for the next workload */
    keybuf_str(&k, "/var/run/docker.sock");
    keybuf_add(&k, "r", 1);
    cr_assert_str_eq(keybuf_text(&k), first);
    cr_assert_str_eq(first, "20:/var/run/docker.sockr");
    free(first);
    keybuf_done(&k);
}
