/* Allocation wrappers: see xalloc.h. model/ does no I/O: the abort hook, when set,
 * is what tells the user (and restores the terminal). */
#define _GNU_SOURCE /* qsort_r */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set once by ui/ at start-up, before any thread, and only read after: the one static here. */
static XallocAbortHook abort_hook;

void xalloc_set_abort_hook(XallocAbortHook hook)
{
    abort_hook = hook;
}

static void out_of_memory(size_t size)
{
    if (abort_hook) abort_hook(size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *xcalloc_written(size_t count, size_t size)
{
    count = count ? count : 1;
    size = size ? size : 1;
    if (count > SIZE_MAX / size) out_of_memory(SIZE_MAX);
    void *p = xmalloc(count * size);
    __asm__ volatile("" : : "r"(p) : "memory"); /* else the compiler makes it calloc again */
    return memset(p, 0, count * size);
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

void xgrow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return;
    size_t n = *cap ? *cap : 4;
    while (n < need)
        n *= 2;
    if (n > ((size_t)-1) / elem) out_of_memory((size_t)-1);
    *ptr = xrealloc(*ptr, n * elem);
    *cap = n;
}

char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    /* most texts are short: formatted once, into this buffer, then copied */
    char small[256];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0) abort();
    char *p = xmalloc((size_t)n + 1);
    if ((size_t)n < sizeof small)
        memcpy(p, small, (size_t)n + 1);
    else
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1) qsort(base, n, size, cmp);
}

void xqsort_r(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *),
              void *ctx)
{
    if (n > 1) qsort_r(base, n, size, cmp, ctx);
}
