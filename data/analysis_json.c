/* The JSON form of an analysis: see analysis_json.h and docs/analysis.schema.json. */
#include "analysis_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "xalloc.h"

char *analysis_state_id(const Analysis *a, uint32_t state)
{
    size_t owner = state_owner(a, state);
    Level level = state_level(a, state);
    const char *lv = level == LEVEL_ADMIN ? "admin" : "user";
    if (state_is_host(a, state)) return xasprintf("host:%s:%s", a->scenario->hosts[owner].id, lv);
    if (level == LEVEL_VM) return xasprintf("vm:%s", a->scenario->workloads[owner].id);
    return xasprintf("workload:%s:%s", a->scenario->workloads[owner].id, lv);
}

static const Analysis *sort_a; /* qsort context */
/* The decisions of the report being written (write_all sets it); NULL: none. A file-level
 * context like sort_a: the writer is not re-entered. */
static const DecisionBook *decisions_shown;

/* Decision i of b as an object (docs/analysis.schema.json, definitions.decision). */
static void write_decision(JsonW *w, const DecisionBook *b, size_t i)
{
    const Decision *d = &b->list.items[i];
    jsonw_object_inline(w);
    jsonw_kint(w, "id", d->id);
    jsonw_kstring(w, "subject", d->subject);
    jsonw_kstring(w, "kind", decision_kind_name(d->kind));
    jsonw_kstring(w, "text", d->text);
    jsonw_kstring(w, "owner", d->owner);
    jsonw_kstring(w, "review_date", d->review_date);
    jsonw_kstring(w, "due_date", d->due_date);
    jsonw_kstring(w, "author", d->author);
    jsonw_kstring(w, "created", d->created);
    jsonw_key(w, "replaces");
    if (d->replaces)
        jsonw_int(w, d->replaces);
    else
        jsonw_null(w);
    jsonw_kbool(w, "current", b->state[i].current);
    jsonw_kstring(w, "status", decision_status_id(b->state[i].status));
    jsonw_kbool(w, "in_force", decision_book_in_force(b, i));
    jsonw_kbool(w, "expired", decision_book_expired(b, i));
    jsonw_kbool(w, "overdue", decision_book_overdue(b, i));
    jsonw_end(w);
}

/* "decision": the current decision on subject (owned: freed here), when there is one. */
static void write_item_decision(JsonW *w, char *subject)
{
    size_t i = decision_book_find(decisions_shown, subject);
    free(subject);
    if (i == SIZE_MAX) return;
    jsonw_key(w, "decision");
    write_decision(w, decisions_shown, i);
}

static int boundary_order(const void *x, const void *y)
{
    const BoundaryResult *p = *(const BoundaryResult *const *)x;
    const BoundaryResult *q = *(const BoundaryResult *const *)y;
    int c = strcmp(sort_a->scenario->workloads[p->workload].id,
                   sort_a->scenario->workloads[q->workload].id);
    return c ? c : (int)p->kind - (int)q->kind;
}

static int id_order(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Writes the sorted ids of the flagged entries of an id-bearing array. */
static void write_flagged(JsonW *w, const char *key, const bool *flags, size_t n,
                          const char *(*id)(const Analysis *, size_t), const Analysis *a)
{
    const char **ids = xcalloc(n + 1, sizeof *ids);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (flags[i]) ids[k++] = id(a, i);
    xqsort(ids, k, sizeof *ids, id_order);
    jsonw_key(w, key);
    jsonw_array_inline(w);
    for (size_t i = 0; i < k; i++)
        jsonw_string(w, ids[i]);
    jsonw_end(w);
    free(ids);
}

static const char *host_id(const Analysis *a, size_t i)
{
    return a->scenario->hosts[i].id;
}
static const char *tenant_id(const Analysis *a, size_t i)
{
    return a->scenario->tenants[i].id;
}
static const char *workload_id(const Analysis *a, size_t i)
{
    return a->scenario->workloads[i].id;
}

static void write_summary(JsonW *w, const Analysis *a)
{
    const Scenario *s = a->scenario;
    size_t failing = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        failing += a->boundaries[i].fails;
    jsonw_key(w, "summary");
    jsonw_object(w);
    write_flagged(w, "hosts_compromised", a->host_compromised, s->n_hosts, host_id, a);
    write_flagged(w, "tenants_exposed", a->tenant_exposed, s->n_tenants, tenant_id, a);
    write_flagged(w, "starts", a->is_start, s->n_workloads, workload_id, a);
    jsonw_kint(w, "boundaries_failing", (long long)failing);
    jsonw_kint(w, "boundaries_holding", (long long)(a->n_boundaries - failing));
    jsonw_end(w);
}

static void write_boundaries(JsonW *w, const Analysis *a)
{
    const Scenario *s = a->scenario;
    const BoundaryResult **order = xcalloc(a->n_boundaries + 1, sizeof *order);
    for (size_t i = 0; i < a->n_boundaries; i++)
        order[i] = &a->boundaries[i];
    sort_a = a;
    xqsort(order, a->n_boundaries, sizeof *order, boundary_order);
    jsonw_key(w, "boundaries");
    jsonw_array(w);
    for (size_t i = 0; i < a->n_boundaries; i++) {
        const BoundaryResult *b = order[i];
        const Workload *wl = &s->workloads[b->workload];
        jsonw_object_inline(w);
        jsonw_kstring(w, "workload", wl->id);
        jsonw_kstring(w, "tenant", wl->tenant);
        jsonw_kstring(w, "host", wl->host);
        jsonw_kstring(w, "kind", boundary_name(b->kind));
        jsonw_kstring(w, "verdict", b->fails ? "fails" : "holds");
        jsonw_key(w, "techniques");
        jsonw_array_inline(w);
        for (size_t k = 0; k < b->n_techniques; k++)
            jsonw_string(w, a->catalog->techniques[b->techniques[k]].id);
        jsonw_end(w);
        jsonw_key(w, "servicing");
        if (b->fails)
            jsonw_string(w, servicing_name(b->servicing));
        else
            jsonw_null(w);
        jsonw_kbool(w, "attacked", b->attacked);
        if (decisions_shown) write_item_decision(w, subject_of_boundary(a, b));
        jsonw_key(w, "why_not");
        jsonw_array(w);
        for (size_t k = 0; k < b->n_why_not; k++) {
            jsonw_object_inline(w);
            jsonw_kstring(w, "technique", a->catalog->techniques[b->why_not[k].technique].id);
            jsonw_kstring(w, "missing", b->why_not[k].reason);
            jsonw_end(w);
        }
        jsonw_end(w);
        jsonw_end(w);
    }
    jsonw_end(w);
    free(order);
}

static void write_exposure(JsonW *w, const Analysis *a)
{
    const Scenario *s = a->scenario;
    jsonw_key(w, "exposure");
    jsonw_array(w);
    for (size_t i = 0; i < a->n_exposure; i++) {
        const Exposure *e = &a->exposure[i];
        jsonw_object_inline(w);
        jsonw_kstring(w, "from", s->tenants[e->from].id);
        jsonw_kstring(w, "to", s->tenants[e->to].id);
        jsonw_key(w, "hosts");
        jsonw_array_inline(w);
        for (size_t k = 0; k < e->n_hosts; k++)
            jsonw_string(w, s->hosts[e->hosts[k]].id);
        jsonw_end(w);
        jsonw_end(w);
    }
    jsonw_end(w);
}

static size_t paths_shown(const Report *r)
{
    size_t n = r->analysis->n_paths;
    return r->max_paths && r->max_paths < n ? r->max_paths : n;
}

static void write_pathkeys(JsonW *w, const PathKey *keys, size_t n)
{
    jsonw_array(w);
    for (size_t i = 0; i < n; i++) {
        jsonw_object_inline(w);
        jsonw_kstring(w, "from", keys[i].from);
        jsonw_kstring(w, "to", keys[i].to);
        jsonw_end(w);
    }
    jsonw_end(w);
}

static void write_findings(JsonW *w, const Analysis *a, const Findings *f)
{
    const Scenario *s = a->scenario;
    jsonw_key(w, "findings");
    jsonw_array(w);
    for (size_t i = 0; i < f->n; i++) {
        const Finding *x = &f->items[i];
        jsonw_object_inline(w);
        jsonw_kstring(w, "id", finding_kind_id(x->kind));
        jsonw_kstring(w, "title", finding_title(x->kind));
        jsonw_kstring(w, "severity", severity_name(x->severity));
        jsonw_kstring(w, "detail", x->detail);
        jsonw_key(w, "workloads");
        jsonw_array_inline(w);
        for (size_t k = 0; k < x->n_workloads; k++)
            jsonw_string(w, s->workloads[x->workloads[k]].id);
        jsonw_end(w);
        jsonw_key(w, "hosts");
        jsonw_array_inline(w);
        jsonw_string(w, s->hosts[x->host].id);
        jsonw_end(w);
        jsonw_key(w, "tenants");
        jsonw_array_inline(w);
        for (size_t k = 0; k < x->n_tenants; k++)
            jsonw_string(w, s->tenants[x->tenants[k]].id);
        jsonw_end(w);
        jsonw_kstring(w, "source", finding_source(x->kind));
        if (decisions_shown) write_item_decision(w, subject_of_finding(a, x));
        jsonw_end(w);
    }
    jsonw_end(w);
}

static void write_plan(JsonW *w, const Analysis *a, const FixPlan *p)
{
    const Scenario *s = a->scenario;
    jsonw_key(w, "fix_plan");
    jsonw_object(w);
    jsonw_kstring(w, "method", p->skipped ? "skipped" : p->exact ? "exact" : "greedy");
    jsonw_kint(w, "candidates", (long long)p->n_candidates);
    jsonw_kint(w, "paths_before", (long long)p->paths_before);
    jsonw_end(w);
    jsonw_key(w, "fixes");
    jsonw_array(w);
    for (size_t i = 0; i < p->n_items; i++) {
        const FixItem *it = &p->items[i];
        const Change *c = &it->change;
        jsonw_object_inline(w);
        jsonw_kstring(w, "change", change_kind_name(c->kind));
        switch (c->kind) {
        case CHANGE_SSH_OFF: jsonw_kstring(w, "host", s->hosts[c->target].id); break;
        case CHANGE_TENANT_DEDICATED:
            jsonw_kstring(w, "tenant", s->tenants[c->target].id);
            if (c->host != CHANGE_ALL_HOSTS) jsonw_kstring(w, "host", s->hosts[c->host].id);
            break;
        default:
            jsonw_kstring(w, "workload", s->workloads[c->target].id);
            if (c->kind == CHANGE_MOUNT_READ_ONLY || c->kind == CHANGE_MOUNT_REMOVE)
                jsonw_kstring(w, "mount", s->workloads[c->target].mounts[c->mount].host_path);
            break;
        }
        char *d = change_describe(s, c);
        jsonw_kstring(w, "description", d);
        free(d);
        jsonw_kint(w, "closes", (long long)it->n_closes);
        if (decisions_shown) write_item_decision(w, subject_of_change(s, c));
        jsonw_key(w, "paths");
        write_pathkeys(w, it->closes, it->n_closes);
        jsonw_end(w);
    }
    jsonw_end(w);
    jsonw_key(w, "unclosable");
    write_pathkeys(w, p->unclosable, p->n_unclosable);
}

static void write_paths(JsonW *w, const Report *r)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    jsonw_key(w, "paths");
    jsonw_array(w);
    for (size_t i = 0; i < paths_shown(r); i++) {
        const Path *p = &a->paths[i];
        jsonw_object_inline(w);
        jsonw_kstring(w, "from", s->workloads[p->start].id);
        char *to =
            xasprintf("%s:%s", p->kind == TARGET_HOST ? "host" : "tenant",
                      p->kind == TARGET_HOST ? s->hosts[p->target].id : s->tenants[p->target].id);
        jsonw_kstring(w, "to", to);
        free(to);
        jsonw_kint(w, "effort", p->effort);
        if (decisions_shown) write_item_decision(w, subject_of_path(a, p));
        jsonw_key(w, "steps");
        jsonw_array(w);
        for (size_t k = 0; k < p->n_steps; k++) {
            const Edge *e = &a->edges[p->steps[k]];
            const Technique *t = &a->catalog->techniques[e->technique];
            char *from = analysis_state_id(a, e->from), *dest = analysis_state_id(a, e->to);
            jsonw_object(w);
            jsonw_kstring(w, "technique", t->id);
            jsonw_kstring(w, "boundary", boundary_name((BoundaryKind)e->crosses));
            jsonw_key(w, "servicing");
            if (e->servicing != SERVICING_NONE)
                jsonw_string(w, servicing_name((Servicing)e->servicing));
            else
                jsonw_null(w);
            jsonw_kint(w, "effort", e->effort);
            jsonw_kstring(w, "from", from);
            jsonw_kstring(w, "to", dest);
            if (e->mount >= 0)
                jsonw_kstring(w, "mount",
                              s->workloads[state_owner(a, e->from)].mounts[e->mount].host_path);
            jsonw_end(w);
            free(from);
            free(dest);
        }
        jsonw_end(w);
        jsonw_end(w);
    }
    jsonw_end(w);
}

/* The assumptions an importer made, per workload that has any, sorted by workload id. */
static int workload_index_order(const void *x, const void *y)
{
    return strcmp(sort_a->scenario->workloads[*(const size_t *)x].id,
                  sort_a->scenario->workloads[*(const size_t *)y].id);
}

static void write_assumed(JsonW *w, const Analysis *a)
{
    const Scenario *s = a->scenario;
    size_t *order = xcalloc(s->n_workloads + 1, sizeof *order);
    size_t n = 0;
    for (size_t i = 0; i < s->n_workloads; i++)
        if (s->workloads[i].notes.n) order[n++] = i;
    sort_a = a;
    xqsort(order, n, sizeof *order, workload_index_order);
    jsonw_key(w, "assumed");
    jsonw_array(w);
    for (size_t i = 0; i < n; i++) {
        const Workload *wl = &s->workloads[order[i]];
        jsonw_object_inline(w);
        jsonw_kstring(w, "workload", wl->id);
        jsonw_key(w, "notes");
        jsonw_array(w);
        for (size_t k = 0; k < wl->notes.n; k++)
            jsonw_string(w, wl->notes.items[k]);
        jsonw_end(w);
        jsonw_end(w);
    }
    jsonw_end(w);
    free(order);
}

static void write_all(JsonW *w, const Report *r)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    decisions_shown = r->decisions;
    jsonw_object(w);
    jsonw_kstring(w, "scenario", s->name);
    jsonw_key(w, "assumptions");
    jsonw_object_inline(w);
    for (int i = 0; i < ASSUME_COUNT; i++)
        jsonw_kbool(w, assumption_name((Assumption)i), s->assume[i]);
    jsonw_end(w);
    write_summary(w, a);
    write_boundaries(w, a);
    write_exposure(w, a);
    write_paths(w, r);
    jsonw_kint(w, "paths_total", (long long)a->paths_total);
    write_assumed(w, a);
    if (r->findings) write_findings(w, a, r->findings);
    if (r->plan) write_plan(w, a, r->plan);
    if (r->decisions) {
        jsonw_key(w, "decisions");
        jsonw_array(w);
        for (size_t i = 0; i < r->decisions->list.n; i++)
            write_decision(w, r->decisions, i);
        jsonw_end(w);
    }
    jsonw_end(w);
    decisions_shown = NULL;
}

void analysis_write_json(const Report *r, FILE *out)
{
    JsonW w;
    jsonw_init_file(&w, out, true);
    write_all(&w, r);
    jsonw_finish(&w);
}

char *analysis_to_json(const Report *r)
{
    JsonW w;
    jsonw_init_buf(&w, true);
    write_all(&w, r);
    return jsonw_finish(&w);
}
