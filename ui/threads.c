/* The engine's threads: see threads.h. */
#include "threads.h"

#include <pthread.h>
#include <unistd.h>

typedef struct {
    EngineJob job;
    void *ctx;
    size_t part;
} Task;

static void *run_task(void *arg)
{
    const Task *t = arg;
    t->job(t->ctx, t->part);
    return NULL;
}

/* Part 0 runs here; the others on threads of their own, or here too when none can start. */
static void threads_run(void *runner, EngineJob job, void *ctx, size_t n)
{
    (void)runner;
    Task tasks[THREADS_MAX];
    pthread_t tid[THREADS_MAX];
    bool started[THREADS_MAX] = {false};
    for (size_t i = 1; i < n; i++) {
        if (i >= THREADS_MAX) {
            job(ctx, i);
            continue;
        }
        tasks[i] = (Task){job, ctx, i};
        started[i] = pthread_create(&tid[i], NULL, run_task, &tasks[i]) == 0;
    }
    job(ctx, 0);
    for (size_t i = 1; i < n && i < THREADS_MAX; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else
            job(ctx, i);
    }
}

EngineRunner threads_runner(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t parts = cpus < 1 ? 1 : cpus > THREADS_MAX ? THREADS_MAX : (size_t)cpus;
    return (EngineRunner){.run = threads_run, .runner = NULL, .parts = parts};
}
