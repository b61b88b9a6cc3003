/* The engine: builds the attack graph of a scenario from the technique catalog, walks
 * it from every start, and judges every workload's boundaries. Pure computation. */
#ifndef BREAKOUT_ENGINE_H
#define BREAKOUT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "runner.h"
#include "scenario.h"

/* Attacker states. Workload w owns states 3w (user), 3w+1 (admin), 3w+2 (its utility VM or
 * sandbox); host h owns 3*n_workloads + 2h (user) and + 1 (admin). */
typedef enum { LEVEL_USER, LEVEL_ADMIN, LEVEL_VM } Level;

typedef struct {
    uint32_t from, to;  /* states */
    uint32_t technique; /* index in the catalog */
    uint16_t effort;    /* with hardening applied */
    uint8_t servicing;  /* Servicing of this use (depends on the attacker's level) */
    uint8_t crosses;    /* BoundaryKind this edge crosses (NONE when it stays inside W) */
    int32_t mount;      /* the mount used (index in the from-workload), or -1 */
    int32_t user;       /* the host user whose key was written, -1 implicit admin, -2 none */
} Edge;

typedef enum { TARGET_HOST, TARGET_TENANT } TargetKind;

typedef struct {
    size_t start; /* workload index of the start */
    TargetKind kind;
    size_t target; /* host or tenant index */
    int effort;
    size_t n_steps;
    uint32_t *steps; /* edge indices, in order; owned */
} Path;

/* Why a boundary holds: a technique that would break it and the condition it lacks. */
typedef struct {
    uint32_t technique;
    char *reason; /* e.g. "account is user (needs admin)"; owned by the analysis */
} WhyNot;

typedef struct {
    size_t workload;
    BoundaryKind kind; /* BOUNDARY_ISOLATION or BOUNDARY_HOST_VOLUME */
    bool fails;
    uint32_t *techniques; /* catalog indices, sorted by id; owned */
    size_t n_techniques;
    Servicing servicing; /* the weakest class among them; NONE when it holds */
    bool attacked;       /* a start is in the workload or reaches it */
    WhyNot *why_not;     /* when it holds; shared by boundaries alike, owned by the analysis */
    size_t n_why_not;
} BoundaryResult;

typedef struct {
    size_t from, to; /* tenant indices */
    size_t *hosts;   /* host indices, sorted by id; borrowed from Analysis.exposure_hosts */
    size_t n_hosts;
} Exposure;

typedef struct {
    size_t max_paths;   /* keep at most this many paths (lowest effort first); 0 keeps all */
    bool reference;     /* tests: search from every start in full instead of sharing portals */
    bool lazy_why_not;  /* leave why_not empty until engine_explain asks (the explorer) */
    bool skip_exposure; /* leave exposure empty (tenant_exposed is still set): the explorer */
    const EngineRunner *runner; /* NULL: everything on the calling thread */
} EngineOptions;

typedef struct Analysis {
    const Scenario *scenario; /* borrowed: must outlive the analysis */
    const Catalog *catalog;   /* borrowed */
    size_t n_states;
    Edge *edges;
    size_t n_edges;
    size_t *host_of;     /* workload index -> host index */
    size_t *tenant_of;   /* workload index -> tenant index */
    bool *is_start;      /* per workload */
    size_t *mount_first; /* per workload: index of its first mount in mount_risk */
    unsigned char
        *mount_risk; /* per mount: what the catalog could use it for (engine_mount_risk) */
    size_t n_starts;
    BoundaryResult *boundaries; /* two per workload: isolation then host-volume */
    size_t n_boundaries;
    bool *host_compromised; /* per host */
    bool *tenant_exposed;   /* per tenant */
    Exposure *exposure;     /* sorted by (from id, to id); empty with skip_exposure */
    size_t n_exposure;
    size_t *exposure_hosts; /* the hosts of every exposure item, one block */
    Path *paths;            /* lowest effort first, at most max_paths */
    size_t n_paths;
    size_t paths_total;
    void *lazy;               /* what engine_explain needs, with lazy_why_not; private */
    void *why_not_pool;       /* the why-not lists and their reasons; private */
    uint32_t *technique_rank; /* per technique: its id's position in sorted order */
} Analysis;

/* Analyses s with catalog c. s must be valid (scenario_validate). Both are borrowed and
 * must outlive the result. Returns an owned analysis. */
Analysis *engine_analyze(const Scenario *s, const Catalog *c, const EngineOptions *opt);
void analysis_free(Analysis *a);

/* With lazy_why_not: fills the why_not lists of workload w's holding boundaries (once; a no-op
 * otherwise). The scenario and catalog must still be alive. */
void engine_explain(Analysis *a, size_t w);

/* Describing states and edges, for writers. */
bool state_is_host(const Analysis *a, uint32_t state);
/* The workload or host index of a state, and its level. */
size_t state_owner(const Analysis *a, uint32_t state);
Level state_level(const Analysis *a, uint32_t state);
/* An owned label such as "guest-app (admin)", "guest-app's utility VM", "node-1 (admin)". */
char *state_label(const Analysis *a, uint32_t state);

/* Orders paths as the output lists them: effort, then steps, then start id, then target
 * ("host:" before "tenant:", then id). Negative, zero or positive as strcmp. */
int path_compare(const Analysis *a, const Path *x, const Path *y);

/* The boundary result of workload w of the given kind (ISOLATION or HOST_VOLUME). */
const BoundaryResult *analysis_boundary(const Analysis *a, size_t w, BoundaryKind kind);

/* What mount m of workload w could give an attacker, by the catalog's mount rules:
 * *key_file when it covers a host user's SSH key file, *writable_risk when a rule needing a
 * writable mount matches its path, *any_risk when a rule that works read-only matches. */
void engine_mount_risk(const Analysis *a, size_t w, size_t m, bool *key_file, bool *writable_risk,
                       bool *any_risk);

#endif
