/* Escaping user strings for the report formats (Markdown, HTML, DOT). Every writer passes each
 * user string (ids, names, paths, descriptions, and catalog text, which --catalog makes user
 * input) through one of these, so that nothing user-supplied is read as markup. */
#ifndef BREAKOUT_REPORT_ESCAPE_H
#define BREAKOUT_REPORT_ESCAPE_H

#include <stdio.h>

/* The visible form first, shared by all three: control characters (C0 with newline and tab,
 * DEL, C1) and bytes of invalid UTF-8 become the text "\xNN" (as on the terminal); the
 * bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069) and the line and
 * paragraph separators (U+2028, U+2029) become "\u202e" and the like, so they cannot reorder
 * or break what a reader sees. Then each format's own characters are escaped. */

/* Writes s as inline Markdown text (CommonMark / GitHub Flavored Markdown), safe in a
 * paragraph, a list item, a heading and a table cell: \ ` * _ [ ] | ~ # $ are
 * backslash-escaped, & < > become entities. s == NULL writes nothing. */
void report_escape_md(FILE *out, const char *s);

/* Writes s as HTML text, also safe inside a double- or single-quoted attribute value:
 * & < > " ' become entities. s == NULL writes nothing. */
void report_escape_html(FILE *out, const char *s);

/* Writes s for the inside of a DOT double-quoted label: " and \ are backslash-escaped (so
 * Graphviz's \n, \N, \G... escapes cannot be formed) and & becomes &amp; (Graphviz reads
 * entities in labels). Writers name nodes by index, never by a user string, so that two
 * strings with the same visible form cannot merge two nodes. s == NULL writes nothing. */
void report_escape_dot(FILE *out, const char *s);

/* Returns an owned copy of s with each run of newlines, carriage returns and tabs replaced by
 * one space: for prose (descriptions, teaching text) that a format shows as one paragraph.
 * NULL gives NULL. */
char *report_flatten(const char *s);

#endif
