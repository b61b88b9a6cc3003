/* A memo key being built (then looked up in a StrMap): numbers and length-prefixed strings
 * appended so that two different sequences of values never make the same key. */
#ifndef BREAKOUT_KEYBUF_H
#define BREAKOUT_KEYBUF_H

#include <stddef.h>

typedef struct {
    char *s; /* owned; always NUL-terminated once anything was added */
    size_t n, cap;
} KeyBuf;

void keybuf_add(KeyBuf *k, const char *bytes, size_t n); /* raw bytes (fixed-size fields) */
void keybuf_num(KeyBuf *k, size_t v);                    /* v in decimal, then ':' */
void keybuf_str(KeyBuf *k, const char *s);               /* its length (keybuf_num), then it */
const char *keybuf_text(const KeyBuf *k);                /* the key ("" when empty) */
void keybuf_done(KeyBuf *k);

#endif
