/* Ids compared faster than by strcmp, in strcmp's order: by their first 8 bytes as a number
 * first (most ids differ there), then by the rest. */
#ifndef BREAKOUT_IDKEY_H
#define BREAKOUT_IDKEY_H

#include <stddef.h>
#include <stdint.h>

/* The first 8 bytes of id as a big-endian number, zeros after its end (reading nothing
 * past it). */
uint64_t id_prefix(const char *id);

/* strcmp(x, y)'s sign, given their prefixes px and py. */
int id_compare(uint64_t px, const char *x, uint64_t py, const char *y);

/* Sorts the n indices of order by the ids id(ctx, index) gives them, as strcmp orders those
 * (equal ids by index). */
void id_sort(size_t *order, size_t n, const char *(*id)(const void *ctx, size_t index),
             const void *ctx);

#endif
