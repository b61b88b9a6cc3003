/* A memo key being built (then looked up in a StrMap): numbers and length-prefixed strings
 * appended so that two different sequences of values never make the same key. */
#ifndef BREAKOUT_KEYBUF_H
#define BREAKOUT_KEYBUF_H

#include <stddef.h>
#include <string.h>

typedef struct {
    char *s; /* owned; always NUL-terminated once anything was added */
    size_t n, cap;
} KeyBuf;

/* The two below are inline (a 150k fleet's keys take millions of them); these are not. */
void keybuf_grow(KeyBuf *k, size_t need);  /* room for need bytes in all */
void keybuf_num_any(KeyBuf *k, size_t v);  /* keybuf_num for any v */
void keybuf_str(KeyBuf *k, const char *s); /* its length (keybuf_num), then it */
const char *keybuf_text(const KeyBuf *k);  /* the key ("" when empty) */
void keybuf_done(KeyBuf *k);

/* Raw bytes (fixed-size fields). */
static inline void keybuf_add(KeyBuf *k, const char *bytes, size_t n)
{
    if (k->n + n + 1 > k->cap) keybuf_grow(k, k->n + n + 1);
    memcpy(k->s + k->n, bytes, n);
    k->n += n;
    k->s[k->n] = '\0';
}

/* v in decimal, then ':'. */
static inline void keybuf_num(KeyBuf *k, size_t v)
{
    if (v >= 10) {
        keybuf_num_any(k, v);
        return;
    }
    char digit[2] = {(char)('0' + v), ':'};
    keybuf_add(k, digit, sizeof digit);
}

#endif
