/* The technique catalog: attack techniques as data. Each technique is an edge of the
 * attack graph, enabled when one of its clauses (a conjunction of conditions over
 * scenario facts) holds. data/catalog_json.c reads the JSON form; the engine evaluates it. */
#ifndef BREAKOUT_CATALOG_H
#define BREAKOUT_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

/* Attacker states a technique starts from (bits). */
enum {
    FROM_WORKLOAD_USER = 1 << 0,  /* code in a workload as its non-admin account */
    FROM_WORKLOAD_ADMIN = 1 << 1, /* code in a workload as admin / root */
    FROM_VM = 1 << 2,             /* holding a workload's utility VM or sandbox kernel */
    FROM_HOST_USER = 1 << 3,      /* code on the host as a non-admin user */
    FROM_HOST_ADMIN = 1 << 4,     /* code on the host as admin / root */
};
#define FROM_WORKLOAD (FROM_WORKLOAD_USER | FROM_WORKLOAD_ADMIN)

typedef enum {
    EFFECT_HOST_ADMIN,      /* admin on the workload's host */
    EFFECT_HOST_USER,       /* a user on the workload's host */
    EFFECT_HOST_SAME_LEVEL, /* the host, at the attacker's level (user or admin) */
    EFFECT_HOST_KEY_OWNER,  /* the host as the owner of the key file reached (admin if admin) */
    EFFECT_VM,              /* the workload's utility VM or sandbox only */
    EFFECT_HOST_WORKLOADS,  /* admin in every workload on the host (from the host) */
    EFFECT_COUNT
} Effect;

typedef enum {
    BOUNDARY_NONE,
    BOUNDARY_ISOLATION,
    BOUNDARY_HOST_VOLUME,
    BOUNDARY_TENANT,
    BOUNDARY_COUNT
} BoundaryKind;

/* The vendor's servicing class, weakest first. */
typedef enum {
    SERVICING_NONE, /* not applicable (no boundary crossed) */
    SERVICING_BY_DESIGN,
    SERVICING_NOT_A_BOUNDARY,
    SERVICING_SECURITY_BOUNDARY,
    SERVICING_COUNT
} Servicing;

typedef enum {
    MOUNT_NONE,     /* no mount condition */
    MOUNT_ANY,      /* some mount, read-only or not, matching the paths */
    MOUNT_WRITABLE, /* a read-write mount matching the paths that the attacker can write through */
} MountNeed;

typedef struct {
    MountNeed need;
    bool key_files; /* the mount covers a host user's SSH key file (needs host SSH) */
    StrList covers; /* the mount's host path equals or is an ancestor of one of these */
    StrList within; /* the mount's host path equals or lies under one of these */
} MountRule;

/* One alternative: every condition must hold. Masks of 0 mean "any". */
typedef struct {
    unsigned from;          /* FROM_* bits */
    unsigned isolation;     /* 1 << Isolation */
    unsigned os;            /* 1 << Os */
    unsigned assume;        /* 1 << Assumption: each must be true */
    int privileged;         /* -1 any, 0 or 1 required */
    unsigned host_ns;       /* HOSTNS_* bits that must all be shared */
    StrList capabilities;   /* all of these added capabilities */
    StrList any_capability; /* at least one of these, if non-empty */
    MountRule mount;
    Effect effect;
} Clause;

typedef struct {
    char *name;  /* e.g. "apparmor" */
    int effort;  /* added to the technique's effort when the workload has it */
    unsigned os; /* 1 << Os where it applies; 0 for all */
} HardeningRule;

typedef struct {
    char *id;
    char *name;
    BoundaryKind boundary;     /* the boundary crossed when the effect leaves the workload */
    Servicing servicing;       /* from a non-admin attacker */
    Servicing servicing_admin; /* from an admin attacker (often weaker) */
    int effort;                /* 1 trivial .. 5 very hard */
    Clause *clauses;
    size_t n_clauses;
    HardeningRule *hardening;
    size_t n_hardening;
    StrList closed_by; /* changes that close it, in words */
    char *teaching;    /* why it works, for a newcomer */
    char *source;      /* where the fact comes from */
} Technique;

typedef struct Catalog {
    Technique *techniques;
    size_t n, cap;
} Catalog;

Catalog *catalog_new(void);
void catalog_free(Catalog *c);
/* Adds a technique with this id, or empties and returns the existing one (an override).
 * The returned technique is zeroed but for its id; valid until the next catalog_add. */
Technique *catalog_add(Catalog *c, const char *id);
Clause *technique_add_clause(Technique *t);
HardeningRule *technique_add_hardening(Technique *t, const char *name, int effort, unsigned os);
/* The technique with this id, or NULL. */
const Technique *catalog_find(const Catalog *c, const char *id);
/* Checks the catalog is usable (every technique has a name, a clause, an effort of 1..5,
 * clauses with a from-state). false and an owned "techniques[i]...: message" otherwise. */
bool catalog_validate(const Catalog *c, char **err);

const char *effect_name(Effect e);
const char *boundary_name(BoundaryKind b);
const char *servicing_name(Servicing s);
bool effect_parse(const char *s, Effect *out);
bool boundary_parse(const char *s, BoundaryKind *out);
bool servicing_parse(const char *s, Servicing *out);
/* "workload-user", "workload-admin", "workload", "vm", "host-user", "host-admin", "host". */
bool from_parse(const char *s, unsigned *bits);

#endif
