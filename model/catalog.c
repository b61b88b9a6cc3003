/* The technique catalog's lifetime, names and checks: see catalog.h. */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const effect_names[] = {"host-admin",     "host-user", "host-same-level",
                                           "host-key-owner", "vm",        "host-workloads"};
static const char *const boundary_names[] = {"none", "isolation", "host-volume", "tenant"};
static const char *const servicing_names[] = {"none", "by-design", "not-a-boundary",
                                              "security-boundary"};

static bool lookup(const char *const *table, size_t n, const char *s, int *out)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i], s) == 0) {
            *out = (int)i;
            return true;
        }
    return false;
}

#define NAMES(table) table, sizeof table / sizeof *table

const char *effect_name(Effect e)
{
    return (size_t)e < EFFECT_COUNT ? effect_names[e] : "?";
}
const char *boundary_name(BoundaryKind b)
{
    return (size_t)b < BOUNDARY_COUNT ? boundary_names[b] : "?";
}
const char *servicing_name(Servicing s)
{
    return (size_t)s < SERVICING_COUNT ? servicing_names[s] : "?";
}

bool effect_parse(const char *s, Effect *out)
{
    int v;
    if (!lookup(NAMES(effect_names), s, &v)) return false;
    *out = (Effect)v;
    return true;
}

bool boundary_parse(const char *s, BoundaryKind *out)
{
    int v;
    if (!lookup(NAMES(boundary_names), s, &v)) return false;
    *out = (BoundaryKind)v;
    return true;
}

bool servicing_parse(const char *s, Servicing *out)
{
    int v;
    if (!lookup(NAMES(servicing_names), s, &v) || v == SERVICING_NONE) return false;
    *out = (Servicing)v;
    return true;
}

bool from_parse(const char *s, unsigned *bits)
{
    static const struct {
        const char *name;
        unsigned bits;
    } table[] = {
        {"workload-user", FROM_WORKLOAD_USER},
        {"workload-admin", FROM_WORKLOAD_ADMIN},
        {"workload", FROM_WORKLOAD},
        {"vm", FROM_VM},
        {"host-user", FROM_HOST_USER},
        {"host-admin", FROM_HOST_ADMIN},
        {"host", FROM_HOST_USER | FROM_HOST_ADMIN},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strcmp(table[i].name, s) == 0) {
            *bits = table[i].bits;
            return true;
        }
    return false;
}

Catalog *catalog_new(void)
{
    return xcalloc(1, sizeof(Catalog));
}

static void clause_done(Clause *c)
{
    strlist_done(&c->capabilities);
    strlist_done(&c->any_capability);
    strlist_done(&c->mount.covers);
    strlist_done(&c->mount.within);
}

static void technique_done(Technique *t)
{
    free(t->id);
    free(t->name);
    for (size_t i = 0; i < t->n_clauses; i++)
        clause_done(&t->clauses[i]);
    free(t->clauses);
    for (size_t i = 0; i < t->n_hardening; i++)
        free(t->hardening[i].name);
    free(t->hardening);
    strlist_done(&t->closed_by);
    free(t->teaching);
    free(t->source);
    memset(t, 0, sizeof *t);
}

void catalog_free(Catalog *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++)
        technique_done(&c->techniques[i]);
    free(c->techniques);
    free(c);
}

Technique *catalog_add(Catalog *c, const char *id)
{
    Technique *t = (Technique *)catalog_find(c, id);
    if (t) {
        technique_done(t);
    } else {
        xgrow((void **)&c->techniques, &c->cap, c->n + 1, sizeof *c->techniques);
        t = &c->techniques[c->n++];
        memset(t, 0, sizeof *t);
    }
    t->id = xstrdup(id);
    return t;
}

Clause *technique_add_clause(Technique *t)
{
    t->clauses = xrealloc(t->clauses, (t->n_clauses + 1) * sizeof *t->clauses);
    Clause *c = &t->clauses[t->n_clauses++];
    memset(c, 0, sizeof *c);
    c->privileged = -1;
    return c;
}

HardeningRule *technique_add_hardening(Technique *t, const char *name, int effort, unsigned os)
{
    t->hardening = xrealloc(t->hardening, (t->n_hardening + 1) * sizeof *t->hardening);
    HardeningRule *h = &t->hardening[t->n_hardening++];
    h->name = xstrdup(name);
    h->effort = effort;
    h->os = os;
    return h;
}

const Technique *catalog_find(const Catalog *c, const char *id)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->techniques[i].id, id) == 0) return &c->techniques[i];
    return NULL;
}

bool catalog_validate(const Catalog *c, char **err)
{
    for (size_t i = 0; i < c->n; i++) {
        const Technique *t = &c->techniques[i];
        if (!t->name || !*t->name) {
            *err = xasprintf("techniques[%zu] (%s): missing a name", i, t->id);
            return false;
        }
        if (t->effort < 1 || t->effort > 5) {
            *err = xasprintf("techniques[%zu].effort: expected 1 to 5, got %d", i, t->effort);
            return false;
        }
        if (t->n_clauses == 0) {
            *err = xasprintf("techniques[%zu].when: expected at least one clause", i);
            return false;
        }
        for (size_t k = 0; k < t->n_clauses; k++) {
            if (!t->clauses[k].from) {
                *err = xasprintf("techniques[%zu].when[%zu].from: expected a state", i, k);
                return false;
            }
            if (t->clauses[k].mount.key_files && t->clauses[k].effect != EFFECT_HOST_KEY_OWNER) {
                *err = xasprintf("techniques[%zu].when[%zu].effect: a key-file mount rule needs "
                                 "the effect \"host-key-owner\"",
                                 i, k);
                return false;
            }
            if (t->clauses[k].effect == EFFECT_HOST_KEY_OWNER && !t->clauses[k].mount.key_files) {
                *err = xasprintf("techniques[%zu].when[%zu].effect: \"host-key-owner\" needs a "
                                 "mount rule with \"key_files\": true",
                                 i, k);
                return false;
            }
        }
    }
    return true;
}
