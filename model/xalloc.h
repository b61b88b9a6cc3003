/* Allocation wrappers that never return NULL: on exhaustion they run the abort hook
 * (ui/ registers one that restores the terminal and says so), then abort. */
#ifndef BREAKOUT_XALLOC_H
#define BREAKOUT_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*XallocAbortHook)(size_t failed_size);

/* Sets the function called before aborting on exhaustion; NULL clears it. */
void xalloc_set_abort_hook(XallocAbortHook hook);

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
/* As xcalloc, but zeroed by writing it: calloc leaves a large block of new memory unmapped,
 * so that reading it first maps the shared zero page and writing it then copies that page
 * and flushes the TLB of every CPU running a thread of the process. For tables read before
 * they are written (a third of the time of validating 300k workloads went to those flushes). */
void *xcalloc_written(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows *ptr (of *cap elements of size elem) so that it holds at least need elements. */
void xgrow(void **ptr, size_t *cap, size_t need, size_t elem);
/* Returns an owned copy of s; xstrdup(NULL) is NULL. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns an owned, formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* qsort that accepts an empty (possibly NULL) array, which qsort itself does not. */
void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* The same with a context handed to cmp (glibc's qsort_r): no shared state, so sorts may run
 * in several threads at once. base may be NULL when n < 2. */
void xqsort_r(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *),
              void *ctx);

#endif
