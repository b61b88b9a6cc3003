/* What the benchmark programs share: a clock, sorted timings, the peak memory. */
#ifndef BREAKOUT_BENCH_H
#define BREAKOUT_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static inline int bench_cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Sorts the n timings at v, fastest first. */
static inline void bench_sort(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_double);
}

/* Prints "NAME fastest F ms median M ms (n runs)". Sorts v. */
static inline void bench_report_fastest(const char *name, double *v, size_t n)
{
    bench_sort(v, n);
    printf("%-22s fastest %8.1f ms   median %8.1f ms   (%zu runs)\n", name, v[0], v[n / 2], n);
}

/* The process's peak resident memory so far (getrusage maxrss), in MB. */
static inline double bench_peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024;
}

#endif
