/* Running jobs on lent threads: see runner.h. */
#include "runner.h"

void runner_run(const EngineRunner *runner, EngineJob job, void *ctx, size_t n)
{
    if (runner && runner->run && n > 1) {
        runner->run(runner->runner, job, ctx, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        job(ctx, i);
}
