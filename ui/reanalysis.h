/* Incremental analysis for the explorer: one engine analysis per host (every technique's
 * effect stays on the workload's own host, so hosts are independent), merged into one
 * Analysis that reads like the engine's own; after an edit only the hosts it can change
 * are analysed again. */
#ifndef BREAKOUT_REANALYSIS_H
#define BREAKOUT_REANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "edit.h"
#include "engine.h"
#include "scenario.h"

typedef struct Reanalysis Reanalysis;

/* Analyses s (valid, borrowed: it must outlive the result and change only through
 * reanalysis_update) with catalog c (borrowed), keeping at most max_paths paths (0: all).
 * Why-not lists are computed on demand (reanalysis_explain). Hosts are analysed on several
 * threads at once (reanalysis_set_threads); s and c are only read meanwhile. Returns an owned
 * Reanalysis. */
Reanalysis *reanalysis_new(const Scenario *s, const Catalog *c, size_t max_paths);
void reanalysis_free(Reanalysis *r);

/* The merged analysis, borrowed: valid until the next update or free. It has the engine's
 * fields and numbering (states, edges of the kept paths, paths, boundaries, mount risks)
 * except: edges holds only the edges of the kept paths, exposure is empty, and it must
 * never be given to analysis_free or engine_explain (reanalysis_explain instead). */
Analysis *reanalysis_result(Reanalysis *r);

/* s has just had e applied (or its inverse: both touch the same hosts): analyses again the
 * hosts e can change (a workload's old and new host, a host, a tenant's hosts; every host
 * for settings) and merges. Hosts e cannot change keep their analysis. */
void reanalysis_update(Reanalysis *r, const Edit *e);
/* Analyses every host again (after a change made without an Edit). */
void reanalysis_update_all(Reanalysis *r);

/* Fills the why-not lists of workload w's holding boundaries in the merged analysis. */
void reanalysis_explain(Reanalysis *r, size_t w);

/* How many host analyses the last update ran (for tests and timing). */
size_t reanalysis_last_runs(const Reanalysis *r);

/* Hosts are analysed on up to `threads` threads (at most 4; 1 runs them serially) when an
 * update has at least min_parts of them to analyse. reanalysis_new sets the number of online
 * CPUs (at most 4) and 8. For tests and benchmarks. */
void reanalysis_set_threads(Reanalysis *r, size_t threads, size_t min_parts);

#endif
