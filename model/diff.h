/* The difference between two analysed scenarios, A (before) and B (after): the scenario edits
 * (entities added or removed, fields changed), boundaries whose verdict changed, paths opened,
 * closed or made easier or harder, findings added and removed, and for each boundary and path
 * change the edits that touch what it concerns. Pure comparison, no I/O: data/diff_writer.h
 * prints it. */
#ifndef BREAKOUT_DIFF_H
#define BREAKOUT_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"
#include "findings.h"
#include "scenario.h"

typedef enum { DIFF_SCENARIO, DIFF_TENANT, DIFF_HOST, DIFF_WORKLOAD } DiffEntity;

/* One scenario edit. Entity added: field NULL, before NULL, after a summary of it; removed:
 * field NULL, after NULL, before a summary. A field changed: field names it ("isolation",
 * "host", "ssh", ...), before and after give its values. A list item (field "mount", "user",
 * "capability", "hardening", "assumption") has key naming the item, before NULL when it was
 * added and after NULL when removed. All strings owned. */
typedef struct {
    DiffEntity entity;
    char *id; /* tenant, host or workload id; NULL for the scenario */
    char *field;
    char *key;
    char *before;
    char *after;
} DiffEdit;

typedef enum { DIFF_ABSENT, DIFF_HOLDS, DIFF_FAILS } DiffVerdict;

#define DIFF_MAX_RELATED 16 /* related edits kept per change: the first, by edit order */

/* Edits related to a change: indices into Diff.edits, ascending, at most DIFF_MAX_RELATED. */
typedef struct {
    size_t *items;
    size_t n;
} DiffRelated;

/* A boundary whose verdict changed, or that fails in both with other techniques or servicing. */
typedef struct {
    char *workload; /* owned */
    char *host;     /* in B if the workload is there, else in A; owned */
    char *tenant;   /* likewise; owned */
    BoundaryKind kind;
    DiffVerdict before, after;
    StrList techniques_before, techniques_after; /* ids breaking it (empty when it holds) */
    Servicing servicing_before, servicing_after;
    DiffRelated related;
} DiffBoundary;

/* A path (start, target) opened, closed, or whose lowest effort changed. */
typedef struct {
    char *from;                      /* start workload id; owned */
    char *to;                        /* "host:ID" or "tenant:ID"; owned */
    int effort_before, effort_after; /* -1 when absent on that side */
    DiffRelated related;
} DiffPath;

typedef struct {
    bool added; /* in B only (else in A only) */
    FindingKind kind;
    Severity severity;
    char *host;   /* owned */
    char *detail; /* owned */
} DiffFinding;

typedef struct {
    char *name_before, *name_after; /* scenario names; owned */
    DiffEdit *edits;                /* scenario, tenants, hosts, workloads; each by id */
    size_t n_edits;
    DiffBoundary *boundaries; /* sorted by workload id, isolation before host-volume */
    size_t n_boundaries;
    DiffPath *paths; /* sorted by (from, to) */
    size_t n_paths;
    DiffFinding *findings; /* removed first, then added; each by severity, kind, host, detail */
    size_t n_findings;
    bool paths_partial; /* an analysis kept fewer paths than it found: path changes incomplete */
    /* the summaries on each side */
    StrList hosts_before, hosts_after;     /* compromised, sorted */
    StrList tenants_before, tenants_after; /* exposed, sorted */
    size_t failing_before, failing_after;  /* failing boundaries */
    size_t paths_before, paths_after;      /* paths_total */
    size_t findings_before, findings_after;
} Diff;

/* Compares analysis a (before) with b (after), with their findings (NULL: none computed).
 * For complete path changes, both analyses should keep every path (max_paths 0). Borrows its
 * arguments; returns an owned Diff (diff_free). */
Diff *diff_compute(const Analysis *a, const Findings *fa, const Analysis *b, const Findings *fb);
void diff_free(Diff *d);

/* True when B has a path, a failing boundary or a finding that A has not (the exit status of
 * `breakout diff`). */
bool diff_regressed(const Diff *d);

/* Returns an owned one-line description of an edit, e.g. `guest-app: isolation process ->
 * hyperv`, `guest-app: mount C:\keys read-write -> read-only`, `workload w2 added (tenant t,
 * host h, process, admin)`, `assumption kernel_exploit true -> false`. Not escaped. */
char *diff_edit_describe(const DiffEdit *e);

const char *diff_entity_name(DiffEntity e);   /* "scenario", "tenant", "host", "workload" */
const char *diff_verdict_name(DiffVerdict v); /* "absent", "holds", "fails" */

#endif
