/* Findings: facts of a scenario a reviewer should act on even where no path uses them,
 * each with the workloads, hosts and tenants concerned, a severity and its source. */
#ifndef BREAKOUT_FINDINGS_H
#define BREAKOUT_FINDINGS_H

#include <stddef.h>

#include "engine.h"

typedef enum { SEVERITY_LOW, SEVERITY_MEDIUM, SEVERITY_HIGH } Severity;

typedef enum {
    FINDING_SHARED_KERNEL,         /* hostile multi-tenancy on a shared kernel */
    FINDING_ADMIN_ACCOUNT,         /* an admin account where a user one would do */
    FINDING_SENSITIVE_MOUNT,       /* a mount a technique could use (writable, or a socket) */
    FINDING_READABLE_KEYS,         /* a read-only mount of a key folder: secrets exposed */
    FINDING_HOSTPROCESS,           /* no isolation at all */
    FINDING_HARDENING_AS_BOUNDARY, /* hardening recorded on a workload whose boundary fails */
    FINDING_KIND_COUNT
} FindingKind;

typedef struct {
    FindingKind kind;
    Severity severity;
    size_t *workloads; /* indices, sorted by id */
    size_t n_workloads;
    size_t host;     /* the host concerned (every finding is about one host) */
    size_t *tenants; /* indices, sorted by id */
    size_t n_tenants;
    char *detail; /* owned: what exactly, e.g. the mount path */
} Finding;

typedef struct {
    Finding *items; /* sorted by severity (high first), kind, host id, detail */
    size_t n;
} Findings;

/* Computes the findings of an analysis (the scenario and catalog it borrows). */
Findings *findings_compute(const Analysis *a);
/* The same, with the hosts cut into runner->parts ranges run by the runner (NULL: here). */
Findings *findings_compute_in_parts(const Analysis *a, const EngineRunner *runner);
void findings_free(Findings *f);

const char *finding_kind_id(FindingKind k); /* e.g. "shared-kernel" */
const char *finding_title(FindingKind k);   /* a short sentence */
const char *finding_source(FindingKind k);  /* the section of the source it rests on */
const char *severity_name(Severity s);      /* "low", "medium", "high" */

#endif
