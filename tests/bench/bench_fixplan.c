/* Benchmark of the fix plan alone (issue 4: 150k workloads under 2 s): loads a scenario,
 * analyses it with every path (as `breakout analyze` does for the plan), then runs
 * fixplan_compute RUNS times and prints the fastest and the median run, the plan's size and
 * the memory it holds. A program that prints figures, not a test.
 * Usage: bench_fixplan SCENARIO.json [RUNS] */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "catalog_json.h"
#include "engine.h"
#include "fixplan.h"
#include "scenario_json.h"

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_fixplan SCENARIO.json [RUNS]\n");
        return 2;
    }
    int runs = argc == 3 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 1000) runs = 5;
    char *err = NULL;
    Scenario *s = scenario_load_file(argv[1], &err);
    if (!s) {
        fprintf(stderr, "bench_fixplan: %s\n", err);
        free(err);
        return 2;
    }
    Catalog *c = catalog_load_builtin();
    EngineOptions eo = {.max_paths = 0};
    double t0 = bench_now_ms();
    Analysis *a = engine_analyze(s, c, &eo);
    double engine = bench_now_ms() - t0, before = bench_peak_mb();
    double *plan = calloc((size_t)runs, sizeof *plan);
    size_t items = 0, closes = 0, unclosable = 0, candidates = 0;
    const char *method = "";
    for (int r = 0; r < runs; r++) {
        double t1 = bench_now_ms();
        FixPlan *p = fixplan_compute(s, c, a);
        plan[r] = bench_now_ms() - t1;
        items = p->n_items;
        candidates = p->n_candidates;
        unclosable = p->n_unclosable;
        closes = 0;
        for (size_t i = 0; i < p->n_items; i++)
            closes += p->items[i].n_closes;
        method = p->exact ? "exact" : "greedy";
        fixplan_free(p);
    }
    bench_sort(plan, (size_t)runs);
    printf("%s: %zu workloads, %zu starts, %zu paths, %zu candidates\n", argv[1], s->n_workloads,
           a->n_starts, a->paths_total, candidates);
    printf("engine_analyze (all paths)  %8.1f ms, peak memory %.1f MB\n", engine, before);
    printf("fixplan_compute   fastest %8.1f ms   median %8.1f ms   (%d runs)\n", plan[0],
           plan[runs / 2], runs);
    printf("plan: %s, %zu changes closing %zu paths on their own, %zu unclosable\n", method, items,
           closes, unclosable);
    printf("peak memory with the plan  %.1f MB\n", bench_peak_mb());
    free(plan);
    analysis_free(a);
    catalog_free(c);
    scenario_free(s);
    return 0;
}
