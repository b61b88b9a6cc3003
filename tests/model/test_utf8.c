/* utf8_sanitize: what reaches a terminal from a user string. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "utf8.h"

static void expect_safe(const char *in, const char *want)
{
    char *got = utf8_sanitize(in);
    cr_assert_str_eq(got, want);
    free(got);
}

Test(utf8, control_characters_and_bad_bytes_are_shown_not_sent)
{
    expect_safe("a\nb\tc\x1b[31m", "a\\x0ab\\x09c\\x1b[31m");
    expect_safe("\xff", "\\xff");
    expect_safe("\xc2\x85", "\\xc2\\x85"); /* C1 NEL */
}

Test(utf8, bidirectional_controls_cannot_reorder_the_line)
{
    expect_safe("guest\xe2\x80\xaeppa.exe", "guest\\u202eppa.exe"); /* RIGHT-TO-LEFT OVERRIDE */
    expect_safe("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069");
    expect_safe("\xe2\x80\x8f", "\\u200f");
}

Test(utf8, ordinary_text_passes_unchanged)
{
    expect_safe("Contoso — 東京 café", "Contoso — 東京 café");
}
