/* Threads lent to model/: model/ has none of its own, ui/ lends them (ui/threads.h). */
#ifndef BREAKOUT_RUNNER_H
#define BREAKOUT_RUNNER_H

#include <stddef.h>

/* Runs job(ctx, 0) .. job(ctx, n - 1), possibly at once on several threads, and returns when
 * all are done. The jobs given to a runner write nothing in common. */
typedef void (*EngineJob)(void *ctx, size_t part);
typedef struct {
    void (*run)(void *runner, EngineJob job, void *ctx, size_t n);
    void *runner;
    size_t parts; /* into how many parts to cut the work (about the number of threads) */
} EngineRunner;

/* Runs the n jobs on runner, or one after the other on this thread when runner is NULL. */
void runner_run(const EngineRunner *runner, EngineJob job, void *ctx, size_t n);

#endif
