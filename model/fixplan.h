/* The fix plan: the fewest changes (from DESIGN.md's candidates) that close every path a
 * start has to a host or another tenant. Exact (brute force) up to FIXPLAN_EXACT_MAX
 * candidates; beyond, searched start by start and joined host by host (exact for that
 * decomposition, reported as greedy when a smaller plan might exist). Paths that no candidate
 * closes are listed as unclosable. */
#ifndef BREAKOUT_FIXPLAN_H
#define BREAKOUT_FIXPLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "engine.h"
#include "scenario.h"

#define FIXPLAN_EXACT_MAX 20

typedef enum {
    CHANGE_ISOLATION_HYPERV, /* a workload's isolation to hyperv */
    CHANGE_ACCOUNT_USER,     /* a workload's account to user */
    CHANGE_MOUNT_READ_ONLY,  /* a workload's mount made read-only */
    CHANGE_MOUNT_REMOVE,     /* a workload's mount removed */
    CHANGE_SSH_OFF,          /* a host's SSH server turned off */
    CHANGE_TENANT_DEDICATED, /* a tenant's workloads moved to hosts of their own */
} ChangeKind;

#define CHANGE_ALL_HOSTS ((size_t)-1)

typedef struct {
    ChangeKind kind;
    size_t target; /* workload, host or tenant index in the scenario it was made for */
    size_t mount;  /* mount index, for the mount changes */
    size_t host;   /* CHANGE_TENANT_DEDICATED: only off this host (index), or CHANGE_ALL_HOSTS */
} Change;

/* A path's identity: its start and its target ("host:ID" or "tenant:ID"). Owned strings: by
 * the key, or, in a FixPlan, by the plan. */
typedef struct {
    char *from;
    char *to;
} PathKey;

typedef struct {
    Change change;
    PathKey *closes; /* the original paths this change closes on its own, sorted */
    size_t n_closes;
} FixItem;

typedef struct {
    bool exact;          /* brute force (true) or greedy (false) */
    bool skipped;        /* not searched: too many candidates (fixplan_compute_limited) */
    size_t n_candidates; /* how many candidate changes were considered */
    FixItem *items;      /* the plan, in candidate order */
    size_t n_items;
    PathKey *unclosable; /* paths left when every candidate is applied, sorted */
    size_t n_unclosable;
    size_t paths_before; /* paths of the scenario as it is */
    void *strings;       /* private: the strings its keys share (NULL: each key owns its own) */
} FixPlan;

/* Applies changes (made for s) to s in place. Mount removals are applied last, highest
 * index first, so that indices stay meaningful. */
void change_apply_all(Scenario *s, const Change *changes, size_t n);

/* Returns an owned one-line description, e.g. `guest-app: isolation process -> hyperv`. */
char *change_describe(const Scenario *s, const Change *c);
const char *change_kind_name(ChangeKind k); /* "isolation", "account", ... */

/* The candidate changes for s given its analysis a (any max_paths): owned array, *n set.
 * Only changes to things on some path are candidates. */
Change *fixplan_candidates(const Scenario *s, const Analysis *a, size_t *n);

/* Computes the plan for s, which a analysed. a need not keep every path (max_paths 0): the
 * search beyond FIXPLAN_EXACT_MAX candidates does without them, the others analyse s again
 * with every path when a lacks some. Owned. */
FixPlan *fixplan_compute(const Scenario *s, const Catalog *c, const Analysis *a);
/* The same, forcing brute force (exact) or greedy, for tests; a analysed with max_paths 0. */
FixPlan *fixplan_compute_with(const Scenario *s, const Catalog *c, const Analysis *a,
                              bool force_exact, bool force_greedy);
void fixplan_free(FixPlan *p);

/* The search fixplan_compute uses beyond FIXPLAN_EXACT_MAX candidates: each start's paths are
 * found on a scenario of its own (its host, itself, a victim of another tenant), then joined
 * host by host. share_shapes: starts alike in everything the engine reads share one search
 * (false, for tests: every start is searched on its own, under its own ids). a may keep only
 * some paths. Returns NULL when the decomposition does not hold: a catalog in which a workload
 * takes over other workloads without the host, or paths of a that the search does not predict
 * (each start's when a kept every path, their number otherwise). Owned. */
FixPlan *fixplan_compute_by_start(const Scenario *s, const Catalog *c, const Analysis *a,
                                  bool share_shapes);

/* Like fixplan_compute, but when there are more than max_candidates candidate changes it
 * returns a plan marked skipped (no changes listed) instead of searching (`--plan-limit`).
 * max_candidates 0 means no limit. */
FixPlan *fixplan_compute_limited(const Scenario *s, const Catalog *c, const Analysis *a,
                                 size_t max_candidates);

/* The paths of an analysis as sorted keys (owned array of *n). */
PathKey *pathkeys_of(const Analysis *a, size_t *n);
void pathkeys_free(PathKey *keys, size_t n);

#endif
