/* Comparing two analysed scenarios: see diff.h. Entities are matched by id, mounts by host
 * path (in order, for repeats), list items by value. Lookups go through hash maps so that two
 * fleets of many workloads compare in linear time. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

const char *diff_entity_name(DiffEntity e)
{
    static const char *const names[] = {"scenario", "tenant", "host", "workload"};
    return names[e];
}

const char *diff_verdict_name(DiffVerdict v)
{
    static const char *const names[] = {"absent", "holds", "fails"};
    return names[v];
}

/* ---- building the edit list -------------------------------------------------------------- */

typedef struct {
    Diff *d;
    size_t cap_edits;
} Builder;

static void add_edit(Builder *b, DiffEntity entity, const char *id, const char *field,
                     const char *key, const char *before, const char *after)
{
    Diff *d = b->d;
    xgrow((void **)&d->edits, &b->cap_edits, d->n_edits + 1, sizeof *d->edits);
    d->edits[d->n_edits++] = (DiffEdit){
        .entity = entity,
        .id = xstrdup(id),
        .field = xstrdup(field),
        .key = xstrdup(key),
        .before = xstrdup(before),
        .after = xstrdup(after),
    };
}

static void field_edit(Builder *b, DiffEntity entity, const char *id, const char *field,
                       const char *before, const char *after)
{
    if (strcmp(before, after) != 0) add_edit(b, entity, id, field, NULL, before, after);
}

static const char *on_off(bool v)
{
    return v ? "on" : "off";
}
static const char *yes_no(bool v)
{
    return v ? "true" : "false";
}

/* Items of two string lists added and removed (as keyed edits of field). */
static void list_edits(Builder *b, DiffEntity entity, const char *id, const char *field,
                       const StrList *x, const StrList *y)
{
    for (size_t i = 0; i < x->n; i++)
        if (!strlist_has(y, x->items[i]))
            add_edit(b, entity, id, field, x->items[i], "present", NULL);
    for (size_t i = 0; i < y->n; i++)
        if (!strlist_has(x, y->items[i]))
            add_edit(b, entity, id, field, y->items[i], NULL, "present");
}

static char *mount_desc(const Mount *m)
{
    const char *mode = m->read_only ? "read-only" : "read-write";
    return m->path ? xasprintf("%s at %s", mode, m->path) : xstrdup(mode);
}

static const char *mount_mode(const Mount *m);

static const char *mount_mode(const Mount *m)
{
    return m->read_only ? "read-only" : "read-write";
}

/* Mounts matched by host path (in order, for repeats): mode and container path changes, and
 * mounts added or removed (described as "read-write at C:\keys"). */
static void mount_edits(Builder *b, const Workload *x, const Workload *y)
{
    bool *used = xcalloc(y->n_mounts + 1, sizeof *used);
    for (size_t i = 0; i < x->n_mounts; i++) {
        const Mount *m = &x->mounts[i];
        size_t j = 0;
        while (j < y->n_mounts && (used[j] || strcmp(y->mounts[j].host_path, m->host_path) != 0))
            j++;
        if (j == y->n_mounts) {
            char *before = mount_desc(m);
            add_edit(b, DIFF_WORKLOAD, x->id, "mount", m->host_path, before, NULL);
            free(before);
            continue;
        }
        used[j] = true;
        const Mount *n = &y->mounts[j];
        if (m->read_only != n->read_only)
            add_edit(b, DIFF_WORKLOAD, x->id, "mount", m->host_path, mount_mode(m), mount_mode(n));
        const char *pm = m->path ? m->path : "(none)", *pn = n->path ? n->path : "(none)";
        if (strcmp(pm, pn) != 0)
            add_edit(b, DIFF_WORKLOAD, x->id, "mount target", m->host_path, pm, pn);
    }
    for (size_t j = 0; j < y->n_mounts; j++) {
        if (used[j]) continue;
        char *after = mount_desc(&y->mounts[j]);
        add_edit(b, DIFF_WORKLOAD, y->id, "mount", y->mounts[j].host_path, NULL, after);
        free(after);
    }
    free(used);
}

static char *hostns_desc(unsigned bits)
{
    if (!bits) return xstrdup("none");
    return xasprintf("%s%s%s%s%s", bits & HOSTNS_PID ? "pid" : "",
                     (bits & HOSTNS_PID) && (bits & (HOSTNS_NETWORK | HOSTNS_IPC)) ? ", " : "",
                     bits & HOSTNS_NETWORK ? "network" : "",
                     (bits & HOSTNS_NETWORK) && (bits & HOSTNS_IPC) ? ", " : "",
                     bits & HOSTNS_IPC ? "ipc" : "");
}

static char *workload_summary(const Workload *w)
{
    return xasprintf("tenant %s, host %s, %s, %s", w->tenant, w->host, isolation_name(w->isolation),
                     account_name(w->account));
}

static void workload_edits(Builder *b, const Workload *x, const Workload *y)
{
    const char *id = x->id;
    field_edit(b, DIFF_WORKLOAD, id, "tenant", x->tenant, y->tenant);
    field_edit(b, DIFF_WORKLOAD, id, "host", x->host, y->host);
    field_edit(b, DIFF_WORKLOAD, id, "isolation", isolation_name(x->isolation),
               isolation_name(y->isolation));
    field_edit(b, DIFF_WORKLOAD, id, "account", account_name(x->account), account_name(y->account));
    field_edit(b, DIFF_WORKLOAD, id, "privileged", yes_no(x->privileged), yes_no(y->privileged));
    field_edit(b, DIFF_WORKLOAD, id, "compromised", yes_no(x->compromised), yes_no(y->compromised));
    char *ns_x = hostns_desc(x->host_namespaces), *ns_y = hostns_desc(y->host_namespaces);
    field_edit(b, DIFF_WORKLOAD, id, "host namespaces", ns_x, ns_y);
    free(ns_x);
    free(ns_y);
    list_edits(b, DIFF_WORKLOAD, id, "capability", &x->capabilities, &y->capabilities);
    list_edits(b, DIFF_WORKLOAD, id, "hardening", &x->hardening, &y->hardening);
    mount_edits(b, x, y);
}

static void host_edits(Builder *b, const Host *x, const Host *y)
{
    field_edit(b, DIFF_HOST, x->id, "os", os_name(x->os), os_name(y->os));
    field_edit(b, DIFF_HOST, x->id, "ssh", on_off(x->ssh), on_off(y->ssh));
    for (size_t i = 0; i < x->n_users; i++) {
        const HostUser *u = &x->users[i];
        const HostUser *v = NULL;
        for (size_t j = 0; j < y->n_users && !v; j++)
            if (strcmp(y->users[j].name, u->name) == 0) v = &y->users[j];
        const char *ub = u->admin ? "admin" : "user";
        if (!v)
            add_edit(b, DIFF_HOST, x->id, "user", u->name, ub, NULL);
        else if (v->admin != u->admin)
            add_edit(b, DIFF_HOST, x->id, "user", u->name, ub, v->admin ? "admin" : "user");
    }
    for (size_t j = 0; j < y->n_users; j++) {
        bool found = false;
        for (size_t i = 0; i < x->n_users && !found; i++)
            found = strcmp(x->users[i].name, y->users[j].name) == 0;
        if (!found)
            add_edit(b, DIFF_HOST, x->id, "user", y->users[j].name, NULL,
                     y->users[j].admin ? "admin" : "user");
    }
}

static char *host_summary(const Host *h)
{
    return xasprintf("%s, SSH %s", os_name(h->os), on_off(h->ssh));
}

static void scenario_edits(Builder *b, const Scenario *x, const Scenario *y)
{
    for (int i = 0; i < ASSUME_COUNT; i++)
        if (x->assume[i] != y->assume[i])
            add_edit(b, DIFF_SCENARIO, NULL, "assumption", assumption_name((Assumption)i),
                     yes_no(x->assume[i]), yes_no(y->assume[i]));

    StrMap m;
    size_t k;
    /* tenants */
    strmap_init(&m);
    for (size_t i = 0; i < y->n_tenants; i++)
        strmap_put(&m, y->tenants[i].id, i);
    bool *seen = xcalloc(y->n_tenants + 1, sizeof *seen);
    for (size_t i = 0; i < x->n_tenants; i++) {
        const Tenant *t = &x->tenants[i];
        if (!strmap_get(&m, t->id, &k)) {
            add_edit(b, DIFF_TENANT, t->id, NULL, NULL, trust_name(t->trust), NULL);
            continue;
        }
        seen[k] = true;
        field_edit(b, DIFF_TENANT, t->id, "trust", trust_name(t->trust),
                   trust_name(y->tenants[k].trust));
        field_edit(b, DIFF_TENANT, t->id, "name", t->name, y->tenants[k].name);
    }
    for (size_t i = 0; i < y->n_tenants; i++)
        if (!seen[i])
            add_edit(b, DIFF_TENANT, y->tenants[i].id, NULL, NULL, NULL,
                     trust_name(y->tenants[i].trust));
    free(seen);
    strmap_done(&m);

    /* hosts */
    strmap_init(&m);
    for (size_t i = 0; i < y->n_hosts; i++)
        strmap_put(&m, y->hosts[i].id, i);
    seen = xcalloc(y->n_hosts + 1, sizeof *seen);
    for (size_t i = 0; i < x->n_hosts; i++) {
        if (!strmap_get(&m, x->hosts[i].id, &k)) {
            char *sum = host_summary(&x->hosts[i]);
            add_edit(b, DIFF_HOST, x->hosts[i].id, NULL, NULL, sum, NULL);
            free(sum);
            continue;
        }
        seen[k] = true;
        host_edits(b, &x->hosts[i], &y->hosts[k]);
    }
    for (size_t i = 0; i < y->n_hosts; i++)
        if (!seen[i]) {
            char *sum = host_summary(&y->hosts[i]);
            add_edit(b, DIFF_HOST, y->hosts[i].id, NULL, NULL, NULL, sum);
            free(sum);
        }
    free(seen);
    strmap_done(&m);

    /* workloads */
    strmap_init(&m);
    for (size_t i = 0; i < y->n_workloads; i++)
        strmap_put(&m, y->workloads[i].id, i);
    seen = xcalloc(y->n_workloads + 1, sizeof *seen);
    for (size_t i = 0; i < x->n_workloads; i++) {
        if (!strmap_get(&m, x->workloads[i].id, &k)) {
            char *sum = workload_summary(&x->workloads[i]);
            add_edit(b, DIFF_WORKLOAD, x->workloads[i].id, NULL, NULL, sum, NULL);
            free(sum);
            continue;
        }
        seen[k] = true;
        workload_edits(b, &x->workloads[i], &y->workloads[k]);
    }
    for (size_t i = 0; i < y->n_workloads; i++)
        if (!seen[i]) {
            char *sum = workload_summary(&y->workloads[i]);
            add_edit(b, DIFF_WORKLOAD, y->workloads[i].id, NULL, NULL, NULL, sum);
            free(sum);
        }
    free(seen);
    strmap_done(&m);
}

char *diff_edit_describe(const DiffEdit *e)
{
    if (!e->field) {
        const char *what = diff_entity_name(e->entity);
        return e->after ? xasprintf("%s %s added (%s)", what, e->id, e->after)
                        : xasprintf("%s %s removed (was %s)", what, e->id, e->before);
    }
    char *subject = e->id ? xasprintf("%s: ", e->id) : xstrdup("");
    char *out;
    if (e->key && e->entity == DIFF_SCENARIO)
        out = xasprintf("%s%s %s %s -> %s", subject, e->field, e->key, e->before, e->after);
    else if (e->key && !e->before)
        out = strcmp(e->after, "present") == 0
                  ? xasprintf("%s%s %s added", subject, e->field, e->key)
                  : xasprintf("%s%s %s added (%s)", subject, e->field, e->key, e->after);
    else if (e->key && !e->after)
        out = strcmp(e->before, "present") == 0
                  ? xasprintf("%s%s %s removed", subject, e->field, e->key)
                  : xasprintf("%s%s %s removed (was %s)", subject, e->field, e->key, e->before);
    else if (e->key)
        out = xasprintf("%s%s %s %s -> %s", subject, e->field, e->key, e->before, e->after);
    else
        out = xasprintf("%s%s %s -> %s", subject, e->field, e->before, e->after);
    free(subject);
    return out;
}

/* ---- related edits ----------------------------------------------------------------------- */

/* Edits indexed by what they touch: "w:ID" (a workload), "h:ID" (a host), "t:ID" (a tenant),
 * "T:ID" (the workloads of a tenant, on either side), "a:" (assumptions). */
typedef struct {
    StrMap map;
    char **keys; /* owned, the map's keys */
    size_t n_keys, cap_keys;
    DiffRelated *buckets;
    size_t cap_buckets;
} EditIndex;

static void index_add(EditIndex *x, const char *key, size_t edit)
{
    size_t k;
    if (!strmap_get(&x->map, key, &k)) {
        k = x->n_keys;
        xgrow((void **)&x->keys, &x->cap_keys, k + 1, sizeof *x->keys);
        xgrow((void **)&x->buckets, &x->cap_buckets, k + 1, sizeof *x->buckets);
        x->keys[k] = xstrdup(key);
        x->buckets[k] = (DiffRelated){0};
        x->n_keys++;
        strmap_put(&x->map, x->keys[k], k);
    }
    DiffRelated *r = &x->buckets[k];
    if (r->n && r->items[r->n - 1] == edit) return;
    r->items = xrealloc(r->items, (r->n + 1) * sizeof *r->items);
    r->items[r->n++] = edit;
}

static void index_add_id(EditIndex *x, char kind, const char *id, size_t edit)
{
    char *key = xasprintf("%c:%s", kind, id);
    index_add(x, key, edit);
    free(key);
}

static void index_build(EditIndex *x, const Diff *d, const Scenario *sa, const Scenario *sb)
{
    memset(x, 0, sizeof *x);
    strmap_init(&x->map);
    StrMap wa, wb;
    strmap_init(&wa);
    strmap_init(&wb);
    for (size_t i = 0; i < sa->n_workloads; i++)
        strmap_put(&wa, sa->workloads[i].id, i);
    for (size_t i = 0; i < sb->n_workloads; i++)
        strmap_put(&wb, sb->workloads[i].id, i);
    for (size_t i = 0; i < d->n_edits; i++) {
        const DiffEdit *e = &d->edits[i];
        size_t k;
        switch (e->entity) {
        case DIFF_SCENARIO: index_add(x, "a:", i); break;
        case DIFF_TENANT: index_add_id(x, 't', e->id, i); break;
        case DIFF_HOST: index_add_id(x, 'h', e->id, i); break;
        case DIFF_WORKLOAD:
            index_add_id(x, 'w', e->id, i);
            if (strmap_get(&wa, e->id, &k)) index_add_id(x, 'T', sa->workloads[k].tenant, i);
            if (strmap_get(&wb, e->id, &k)) index_add_id(x, 'T', sb->workloads[k].tenant, i);
            break;
        }
    }
    strmap_done(&wa);
    strmap_done(&wb);
}

static void index_done(EditIndex *x)
{
    for (size_t i = 0; i < x->n_keys; i++) {
        free(x->keys[i]);
        free(x->buckets[i].items);
    }
    free(x->keys);
    free(x->buckets);
    strmap_done(&x->map);
}

/* Adds the bucket of key (if any) to r. */
static void related_add(DiffRelated *r, const EditIndex *x, char kind, const char *id)
{
    if (!id) return;
    char *key = kind == 'a' ? xstrdup("a:") : xasprintf("%c:%s", kind, id);
    size_t k;
    if (strmap_get(&x->map, key, &k)) {
        const DiffRelated *src = &x->buckets[k];
        size_t take = src->n < DIFF_MAX_RELATED ? src->n : DIFF_MAX_RELATED;
        r->items = xrealloc(r->items, (r->n + take + 1) * sizeof *r->items);
        memcpy(r->items + r->n, src->items, take * sizeof *src->items);
        r->n += take;
    }
    free(key);
}

static int size_cmp(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

static void related_finish(DiffRelated *r)
{
    xqsort(r->items, r->n, sizeof *r->items, size_cmp);
    size_t k = 0;
    for (size_t i = 0; i < r->n && k < DIFF_MAX_RELATED; i++)
        if (!k || r->items[k - 1] != r->items[i]) r->items[k++] = r->items[i];
    r->n = k;
}

/* ---- boundaries -------------------------------------------------------------------------- */

static void technique_list(StrList *out, const Analysis *a, const BoundaryResult *b)
{
    if (!b || !b->fails) return;
    for (size_t k = 0; k < b->n_techniques; k++)
        strlist_add(out, a->catalog->techniques[b->techniques[k]].id);
}

static bool strlist_equal(const StrList *x, const StrList *y)
{
    if (x->n != y->n) return false;
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->items[i], y->items[i]) != 0) return false;
    return true;
}

static DiffVerdict verdict_of(const BoundaryResult *b)
{
    return !b ? DIFF_ABSENT : b->fails ? DIFF_FAILS : DIFF_HOLDS;
}

typedef struct {
    Diff *d;
    size_t cap;
    const EditIndex *index;
} BoundaryCtx;

static void compare_boundary(BoundaryCtx *c, const Analysis *a, const Analysis *b,
                             const Workload *wa, const Workload *wb, size_t ia, size_t ib,
                             BoundaryKind kind)
{
    const BoundaryResult *x = wa ? analysis_boundary(a, ia, kind) : NULL;
    const BoundaryResult *y = wb ? analysis_boundary(b, ib, kind) : NULL;
    DiffVerdict before = verdict_of(x), after = verdict_of(y);
    StrList tx = {0}, ty = {0};
    technique_list(&tx, a, x);
    technique_list(&ty, b, y);
    Servicing sx = x && x->fails ? x->servicing : SERVICING_NONE;
    Servicing sy = y && y->fails ? y->servicing : SERVICING_NONE;
    bool changed =
        before != after || (before == DIFF_FAILS && (!strlist_equal(&tx, &ty) || sx != sy));
    /* a workload added or removed whose boundary holds changes no verdict worth telling */
    if (!changed || (before == DIFF_ABSENT && after == DIFF_HOLDS) ||
        (before == DIFF_HOLDS && after == DIFF_ABSENT)) {
        strlist_done(&tx);
        strlist_done(&ty);
        return;
    }
    const Workload *w = wb ? wb : wa;
    Diff *d = c->d;
    xgrow((void **)&d->boundaries, &c->cap, d->n_boundaries + 1, sizeof *d->boundaries);
    DiffBoundary *r = &d->boundaries[d->n_boundaries++];
    *r = (DiffBoundary){
        .workload = xstrdup(w->id),
        .host = xstrdup(w->host),
        .tenant = xstrdup(w->tenant),
        .kind = kind,
        .before = before,
        .after = after,
        .techniques_before = tx,
        .techniques_after = ty,
        .servicing_before = sx,
        .servicing_after = sy,
    };
    related_add(&r->related, c->index, 'w', w->id);
    related_add(&r->related, c->index, 'h', wa ? wa->host : NULL);
    related_add(&r->related, c->index, 'h', wb ? wb->host : NULL);
    related_add(&r->related, c->index, 't', wa ? wa->tenant : NULL);
    related_add(&r->related, c->index, 't', wb ? wb->tenant : NULL);
    related_add(&r->related, c->index, 'a', "");
    related_finish(&r->related);
}

static int boundary_cmp(const void *x, const void *y)
{
    const DiffBoundary *p = x, *q = y;
    int c = strcmp(p->workload, q->workload);
    return c ? c : (int)p->kind - (int)q->kind;
}

static void compare_boundaries(Diff *d, const Analysis *a, const Analysis *b, const EditIndex *ix)
{
    const Scenario *sa = a->scenario, *sb = b->scenario;
    BoundaryCtx c = {.d = d, .index = ix};
    StrMap m;
    strmap_init(&m);
    for (size_t i = 0; i < sb->n_workloads; i++)
        strmap_put(&m, sb->workloads[i].id, i);
    bool *seen = xcalloc(sb->n_workloads + 1, sizeof *seen);
    for (size_t i = 0; i < sa->n_workloads; i++) {
        size_t k = 0;
        bool found = strmap_get(&m, sa->workloads[i].id, &k);
        if (found) seen[k] = true;
        for (int kind = BOUNDARY_ISOLATION; kind <= BOUNDARY_HOST_VOLUME; kind++)
            compare_boundary(&c, a, b, &sa->workloads[i], found ? &sb->workloads[k] : NULL, i, k,
                             (BoundaryKind)kind);
    }
    for (size_t k = 0; k < sb->n_workloads; k++)
        if (!seen[k])
            for (int kind = BOUNDARY_ISOLATION; kind <= BOUNDARY_HOST_VOLUME; kind++)
                compare_boundary(&c, a, b, NULL, &sb->workloads[k], 0, k, (BoundaryKind)kind);
    free(seen);
    strmap_done(&m);
    xqsort(d->boundaries, d->n_boundaries, sizeof *d->boundaries, boundary_cmp);
}

/* ---- paths ------------------------------------------------------------------------------- */

typedef struct {
    char *from, *to;
    int effort;
} PathRow;

static int row_cmp(const void *x, const void *y)
{
    const PathRow *p = x, *q = y;
    int c = strcmp(p->from, q->from);
    return c ? c : strcmp(p->to, q->to);
}

static PathRow *path_rows(const Analysis *a, size_t *n)
{
    const Scenario *s = a->scenario;
    PathRow *rows = xcalloc(a->n_paths + 1, sizeof *rows);
    for (size_t i = 0; i < a->n_paths; i++) {
        const Path *p = &a->paths[i];
        rows[i].from = xstrdup(s->workloads[p->start].id);
        rows[i].to = p->kind == TARGET_HOST ? xasprintf("host:%s", s->hosts[p->target].id)
                                            : xasprintf("tenant:%s", s->tenants[p->target].id);
        rows[i].effort = p->effort;
    }
    *n = a->n_paths;
    xqsort(rows, *n, sizeof *rows, row_cmp);
    return rows;
}

static void rows_free(PathRow *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].from);
        free(rows[i].to);
    }
    free(rows);
}

/* The related edits of a path: its start, the start's host and tenant on both sides, the
 * target host or tenant (and, for a tenant, the edits of its workloads), the assumptions. */
static void path_related(DiffPath *p, const EditIndex *ix, const Analysis *a, const Analysis *b,
                         const StrMap *wa, const StrMap *wb)
{
    related_add(&p->related, ix, 'w', p->from);
    size_t k;
    if (strmap_get(wa, p->from, &k)) {
        related_add(&p->related, ix, 'h', a->scenario->workloads[k].host);
        related_add(&p->related, ix, 't', a->scenario->workloads[k].tenant);
    }
    if (strmap_get(wb, p->from, &k)) {
        related_add(&p->related, ix, 'h', b->scenario->workloads[k].host);
        related_add(&p->related, ix, 't', b->scenario->workloads[k].tenant);
    }
    if (strncmp(p->to, "host:", 5) == 0) {
        related_add(&p->related, ix, 'h', p->to + 5);
    } else {
        related_add(&p->related, ix, 't', p->to + 7);
        related_add(&p->related, ix, 'T', p->to + 7);
    }
    related_add(&p->related, ix, 'a', "");
    related_finish(&p->related);
}

static void compare_paths(Diff *d, const Analysis *a, const Analysis *b, const EditIndex *ix)
{
    size_t na, nb, cap = 0;
    PathRow *ra = path_rows(a, &na), *rb = path_rows(b, &nb);
    StrMap wa, wb;
    strmap_init(&wa);
    strmap_init(&wb);
    for (size_t i = 0; i < a->scenario->n_workloads; i++)
        strmap_put(&wa, a->scenario->workloads[i].id, i);
    for (size_t i = 0; i < b->scenario->n_workloads; i++)
        strmap_put(&wb, b->scenario->workloads[i].id, i);
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : row_cmp(&ra[i], &rb[j]);
        const PathRow *r = c <= 0 ? &ra[i] : &rb[j];
        int before = c <= 0 ? ra[i].effort : -1;
        int after = c >= 0 ? rb[j].effort : -1;
        if (before != after) {
            xgrow((void **)&d->paths, &cap, d->n_paths + 1, sizeof *d->paths);
            DiffPath *p = &d->paths[d->n_paths++];
            *p = (DiffPath){.from = xstrdup(r->from),
                            .to = xstrdup(r->to),
                            .effort_before = before,
                            .effort_after = after};
            path_related(p, ix, a, b, &wa, &wb);
        }
        if (c <= 0) i++;
        if (c >= 0) j++;
    }
    strmap_done(&wa);
    strmap_done(&wb);
    rows_free(ra, na);
    rows_free(rb, nb);
}

/* ---- findings ---------------------------------------------------------------------------- */

static int finding_cmp(const void *x, const void *y)
{
    const DiffFinding *p = x, *q = y;
    if (p->added != q->added) return p->added ? 1 : -1;
    if (p->severity != q->severity) return p->severity > q->severity ? -1 : 1;
    if (p->kind != q->kind) return (int)p->kind - (int)q->kind;
    int c = strcmp(p->host, q->host);
    return c ? c : strcmp(p->detail, q->detail);
}

/* Findings as DiffFinding rows (added flag set to `added`), sorted. */
static DiffFinding *finding_rows(const Analysis *a, const Findings *f, bool added, size_t *n)
{
    size_t count = f ? f->n : 0;
    DiffFinding *rows = xcalloc(count + 1, sizeof *rows);
    for (size_t i = 0; i < count; i++) {
        const Finding *x = &f->items[i];
        rows[i] = (DiffFinding){.added = added,
                                .kind = x->kind,
                                .severity = x->severity,
                                .host = xstrdup(a->scenario->hosts[x->host].id),
                                .detail = xstrdup(x->detail ? x->detail : "")};
    }
    *n = count;
    xqsort(rows, count, sizeof *rows, finding_cmp);
    return rows;
}

static int finding_key_cmp(const DiffFinding *p, const DiffFinding *q)
{
    DiffFinding x = *p, y = *q;
    x.added = y.added = false;
    return finding_cmp(&x, &y);
}

static void compare_findings(Diff *d, const Analysis *a, const Findings *fa, const Analysis *b,
                             const Findings *fb)
{
    size_t na, nb;
    DiffFinding *ra = finding_rows(a, fa, false, &na), *rb = finding_rows(b, fb, true, &nb);
    d->findings = xcalloc(na + nb + 1, sizeof *d->findings);
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : finding_key_cmp(&ra[i], &rb[j]);
        if (c < 0) {
            d->findings[d->n_findings++] = ra[i++];
        } else if (c > 0) {
            d->findings[d->n_findings++] = rb[j++];
        } else {
            free(ra[i].host);
            free(ra[i].detail);
            free(rb[j].host);
            free(rb[j].detail);
            i++;
            j++;
        }
    }
    free(ra);
    free(rb);
    xqsort(d->findings, d->n_findings, sizeof *d->findings, finding_cmp);
}

/* ---- summary and entry points ------------------------------------------------------------ */

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void summarise(const Analysis *a, const Findings *f, StrList *hosts, StrList *tenants,
                      size_t *failing, size_t *paths, size_t *findings)
{
    const Scenario *s = a->scenario;
    for (size_t i = 0; i < s->n_hosts; i++)
        if (a->host_compromised[i]) strlist_add(hosts, s->hosts[i].id);
    for (size_t i = 0; i < s->n_tenants; i++)
        if (a->tenant_exposed[i]) strlist_add(tenants, s->tenants[i].id);
    xqsort(hosts->items, hosts->n, sizeof *hosts->items, str_cmp);
    xqsort(tenants->items, tenants->n, sizeof *tenants->items, str_cmp);
    *failing = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        *failing += a->boundaries[i].fails;
    *paths = a->paths_total;
    *findings = f ? f->n : 0;
}

Diff *diff_compute(const Analysis *a, const Findings *fa, const Analysis *b, const Findings *fb)
{
    Diff *d = xcalloc(1, sizeof *d);
    d->name_before = xstrdup(a->scenario->name);
    d->name_after = xstrdup(b->scenario->name);
    Builder bld = {.d = d};
    scenario_edits(&bld, a->scenario, b->scenario);
    EditIndex ix;
    index_build(&ix, d, a->scenario, b->scenario);
    compare_boundaries(d, a, b, &ix);
    compare_paths(d, a, b, &ix);
    index_done(&ix);
    compare_findings(d, a, fa, b, fb);
    d->paths_partial = a->n_paths < a->paths_total || b->n_paths < b->paths_total;
    summarise(a, fa, &d->hosts_before, &d->tenants_before, &d->failing_before, &d->paths_before,
              &d->findings_before);
    summarise(b, fb, &d->hosts_after, &d->tenants_after, &d->failing_after, &d->paths_after,
              &d->findings_after);
    return d;
}

bool diff_regressed(const Diff *d)
{
    for (size_t i = 0; i < d->n_boundaries; i++)
        if (d->boundaries[i].after == DIFF_FAILS && d->boundaries[i].before != DIFF_FAILS)
            return true;
    for (size_t i = 0; i < d->n_paths; i++)
        if (d->paths[i].effort_before < 0) return true;
    for (size_t i = 0; i < d->n_findings; i++)
        if (d->findings[i].added) return true;
    return false;
}

void diff_free(Diff *d)
{
    if (!d) return;
    free(d->name_before);
    free(d->name_after);
    for (size_t i = 0; i < d->n_edits; i++) {
        DiffEdit *e = &d->edits[i];
        free(e->id);
        free(e->field);
        free(e->key);
        free(e->before);
        free(e->after);
    }
    free(d->edits);
    for (size_t i = 0; i < d->n_boundaries; i++) {
        DiffBoundary *x = &d->boundaries[i];
        free(x->workload);
        free(x->host);
        free(x->tenant);
        strlist_done(&x->techniques_before);
        strlist_done(&x->techniques_after);
        free(x->related.items);
    }
    free(d->boundaries);
    for (size_t i = 0; i < d->n_paths; i++) {
        free(d->paths[i].from);
        free(d->paths[i].to);
        free(d->paths[i].related.items);
    }
    free(d->paths);
    for (size_t i = 0; i < d->n_findings; i++) {
        free(d->findings[i].host);
        free(d->findings[i].detail);
    }
    free(d->findings);
    strlist_done(&d->hosts_before);
    strlist_done(&d->hosts_after);
    strlist_done(&d->tenants_before);
    strlist_done(&d->tenants_after);
    free(d);
}
