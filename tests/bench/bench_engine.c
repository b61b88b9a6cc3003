/* Benchmark of the engine alone (issue 4): loads a scenario, then runs engine_analyze and
 * findings_compute RUNS times as `breakout analyze --no-plan` does, and prints the fastest and
 * the median run of each (the fastest is the least disturbed by other work on the machine).
 * With THREADS > 1 the engine's parts run on that many threads (ui/threads.c), as analyze
 * runs them. A program that prints figures, not a test.
 * Usage: bench_engine SCENARIO.json [RUNS [THREADS]] */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "catalog_json.h"
#include "engine.h"
#include "findings.h"
#include "scenario_json.h"
#include "threads.h"

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: bench_engine SCENARIO.json [RUNS [THREADS]]\n");
        return 2;
    }
    int runs = argc >= 3 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 1000) runs = 5;
    int threads = argc == 4 ? atoi(argv[3]) : 1;
    EngineRunner runner = threads_runner();
    if (threads >= 1 && threads <= THREADS_MAX) runner.parts = (size_t)threads;
    char *err = NULL;
    Scenario *s = scenario_load_file(argv[1], &err);
    if (!s) {
        fprintf(stderr, "bench_engine: %s\n", err);
        free(err);
        return 2;
    }
    Catalog *c = catalog_load_builtin();
    double *engine = calloc((size_t)runs, sizeof *engine);
    double *findings = calloc((size_t)runs, sizeof *findings);
    double *freeing = calloc((size_t)runs, sizeof *freeing);
    size_t paths = 0, exposure = 0;
    for (int r = 0; r < runs; r++) {
        EngineOptions eo = {.max_paths = 1000, .runner = threads > 1 ? &runner : NULL};
        double t0 = bench_now_ms();
        Analysis *a = engine_analyze(s, c, &eo);
        double t1 = bench_now_ms();
        Findings *f = findings_compute(a);
        double t2 = bench_now_ms();
        paths = a->paths_total;
        exposure = a->n_exposure;
        findings_free(f);
        analysis_free(a);
        engine[r] = t1 - t0;
        findings[r] = t2 - t1;
        freeing[r] = bench_now_ms() - t2;
    }
    printf("%s: %zu workloads, %zu hosts, %zu tenants; %zu paths, %zu exposure pairs; %d "
           "thread(s)\n",
           argv[1], s->n_workloads, s->n_hosts, s->n_tenants, paths, exposure, threads);
    bench_report_fastest("engine_analyze", engine, (size_t)runs);
    bench_report_fastest("findings_compute", findings, (size_t)runs);
    bench_report_fastest("freeing both", freeing, (size_t)runs);
    printf("peak memory            %8.1f MB\n", bench_peak_mb());
    free(engine);
    free(findings);
    free(freeing);
    catalog_free(c);
    scenario_free(s);
    return 0;
}
