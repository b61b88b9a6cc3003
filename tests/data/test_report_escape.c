/* Escaping for the report formats: the exact output for the characters each format gives a
 * meaning to, for control characters, invalid UTF-8 and reordering characters. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_escape.h"

typedef void (*EscapeFn)(FILE *, const char *);

/* Returns the owned output of fn on s. */
static char *run(EscapeFn fn, const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    cr_assert_not_null(mem);
    fn(mem, s);
    fclose(mem);
    return buf;
}

static void expect(EscapeFn fn, const char *in, const char *want)
{
    char *got = run(fn, in);
    cr_assert_str_eq(got, want, "escaping \"%s\"", in);
    free(got);
}

Test(report_escape, markdown_escapes_what_markdown_reads)
{
    expect(report_escape_md, "guest-app", "guest-app");
    expect(report_escape_md, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(report_escape_md, "a|b", "a\\|b");
    expect(report_escape_md, "`rm -rf /`", "\\`rm -rf /\\`");
    expect(report_escape_md, "*b* _i_ ~s~", "\\*b\\* \\_i\\_ \\~s\\~");
    expect(report_escape_md, "[x](javascript:1)", "\\[x\\](javascript:1)");
    expect(report_escape_md, "#h $m$", "\\#h \\$m\\$");
    expect(report_escape_md, "C:\\Users\\", "C:\\\\Users\\\\");
    expect(report_escape_md, "&amp;", "&amp;amp;");
    expect(report_escape_md, "line\nbreak", "line\\\\x0abreak");
    expect(report_escape_md, "tab\there", "tab\\\\x09here");
    expect(report_escape_md, "ünïcødé ✓", "ünïcødé ✓");
    expect(report_escape_md, NULL, "");
}

Test(report_escape, html_escapes_text_and_attributes)
{
    expect(report_escape_html, "<script>alert(1)</script>",
           "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(report_escape_html, "a \"q\" 'a' & b", "a &quot;q&quot; &#39;a&#39; &amp; b");
    expect(report_escape_html, "a|b `c` *d*", "a|b `c` *d*");
    expect(report_escape_html, "line\nbreak\r", "line\\x0abreak\\x0d");
    expect(report_escape_html, "\x7f", "\\x7f");
    expect(report_escape_html, NULL, "");
}

Test(report_escape, dot_escapes_quotes_backslashes_and_entities)
{
    expect(report_escape_dot, "say \"hi\"", "say \\\"hi\\\"");
    /* a trailing backslash cannot swallow the closing quote, \N cannot name the node */
    expect(report_escape_dot, "C:\\", "C:\\\\");
    expect(report_escape_dot, "\\N\\G", "\\\\N\\\\G");
    expect(report_escape_dot, "&lt;", "&amp;lt;");
    expect(report_escape_dot, "<b>x</b> | {y}", "<b>x</b> | {y}");
    expect(report_escape_dot, "a\nb", "a\\\\x0ab");
}

Test(report_escape, invisible_and_reordering_characters_are_shown)
{
    /* invalid UTF-8 bytes, a C1 control, a right-to-left override, a line separator */
    expect(report_escape_html,
           "a\xff"
           "b",
           "a\\xffb");
    expect(report_escape_html, "\xc2\x85", "\\x85");
    expect(report_escape_html, "x\xe2\x80\xaey", "x\\u202ey");
    expect(report_escape_html, "x\xe2\x80\xa8y", "x\\u2028y");
    expect(report_escape_md, "\xe2\x81\xa6", "\\\\u2066");
    expect(report_escape_dot, "\x01", "\\\\x01");
}

Test(report_escape, flatten_turns_line_breaks_into_spaces)
{
    char *s = report_flatten("one\ntwo\r\n\tthree");
    cr_assert_str_eq(s, "one two three");
    free(s);
    cr_assert_null(report_flatten(NULL));
    s = report_flatten("");
    cr_assert_str_eq(s, "");
    free(s);
}
