/* UTF-8 helpers shared by readers, writers and the terminal (pure, no locale). */
#ifndef BREAKOUT_UTF8_H
#define BREAKOUT_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence at s, or 0 if s does not start one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). s[0] != 0. */
size_t utf8_valid_prefix(const char *s);
/* True when the n bytes at s are valid UTF-8. */
bool utf8_valid(const char *s, size_t n);
/* Decodes the sequence at s (of length utf8_valid_prefix(s) > 0) to a code point. */
unsigned utf8_decode(const char *s, size_t len);

/* Returns an owned copy of s that is safe to print on a terminal: control characters
 * (C0, DEL, C1) become "\xNN" (newline and tab included), invalid UTF-8 bytes "\xNN", and
 * bidirectional controls (U+200E/F, U+202A-E, U+2066-9, U+061C) "\uXXXX". */
char *utf8_sanitize(const char *s);

#endif
