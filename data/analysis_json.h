/* Writes an analysis as JSON (`breakout analyze --format json`), streamed so that large
 * fleets need no tree in memory. The schema is docs/analysis.schema.json. */
#ifndef BREAKOUT_ANALYSIS_JSON_H
#define BREAKOUT_ANALYSIS_JSON_H

#include <stdio.h>

#include "engine.h"
#include "findings.h"
#include "fixplan.h"
#include "jsonw.h"

struct DecisionBook;

/* What one analysis run produced, for the writers. findings and plan may be NULL (omitted). */
typedef struct {
    const Analysis *analysis;
    const Findings *findings;
    const FixPlan *plan;
    size_t max_paths; /* write at most this many paths (0: all the analysis kept) */
    const struct DecisionBook *decisions; /* the review's decisions matched to this analysis
                                             (model/decision.h), shown beside each item; NULL:
                                             none shown */
    size_t threads; /* JSON: threads formatting the large arrays (0: one per CPU, at most 4;
                       the output is the same) */
} Report;

/* Writes r to out: the document and its top-level keys pretty-printed, each element of a
 * top-level array (boundaries, exposure, paths, findings, fixes, ...) on one line. */
void analysis_write_json(const Report *r, FILE *out);
/* The same document in two steps, for a caller that has the analysis before its findings and
 * fix plan: analysis_json_begin writes what comes before the findings, reading neither
 * r->findings nor r->plan (r->decisions is read, and must stay as it is); analysis_json_end
 * writes the rest once the caller has filled them in r, which must live until then. */
typedef struct JsonDoc JsonDoc;
JsonDoc *analysis_json_begin(const Report *r, FILE *out);
void analysis_json_end(JsonDoc *d);
/* Frees d without writing the rest (the output is to be thrown away); NULL does nothing. */
void analysis_json_abandon(JsonDoc *d);
/* Writes r into an owned string. */
char *analysis_to_json(const Report *r);

/* The identifier of a state as the output names it: "workload:ID:user", "workload:ID:admin",
 * "vm:ID", "host:ID:user", "host:ID:admin". Owned. */
char *analysis_state_id(const Analysis *a, uint32_t state);

#endif
