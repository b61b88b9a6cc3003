/* Incremental analysis (see reanalysis.h): a sub-scenario and an engine analysis per host,
 * reused while nothing on the host changes, and merged into one Analysis in the engine's
 * numbering (workload w owns states 3w..3w+2, host h owns 3*n_workloads + 2h and + 1). */
#include "reanalysis.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strmap.h"
#include "xalloc.h"

/* One host's share of the scenario and its analysis. */
typedef struct {
    char *host_id;   /* owned */
    Scenario *sub;   /* owned: the host, its workloads and the tenants they use, in global order */
    Analysis *an;    /* owned, with lazy why-not */
    size_t *wl_glob; /* owned: local workload -> global workload index (set at every merge) */
    size_t *tn_glob; /* owned: local tenant -> global tenant index (set at every merge) */
    size_t keep;     /* the paths its analysis keeps (0: all); grown when the merge needs more */
} Part;

struct Reanalysis {
    const Scenario *s; /* borrowed */
    const Catalog *c;  /* borrowed */
    size_t max_paths;
    Part *parts; /* one per host of s, in host order */
    size_t n_parts;
    Analysis merged;  /* its arrays are owned here; boundaries' contents are the parts' */
    size_t *local_of; /* global workload -> its index in its host's part */
    size_t last_runs;
    size_t threads;   /* analyses run at once (1: serially) */
    size_t min_parts; /* fewest parts to analyse worth starting threads for */
};

/* Below this many hosts to analyse, threads cost more than they save. */
enum { PARALLEL_MIN_PARTS = 8, MAX_THREADS = 4 };

static void part_done(Part *p)
{
    free(p->host_id);
    analysis_free(p->an);
    scenario_free(p->sub);
    free(p->wl_glob);
    free(p->tn_glob);
    memset(p, 0, sizeof *p);
}

/* Frees the merged analysis' own arrays (not what they borrow from the parts). */
static void merged_clear(Analysis *m)
{
    for (size_t i = 0; i < m->n_paths; i++)
        free(m->paths[i].steps);
    free(m->paths);
    free(m->edges);
    free(m->host_of);
    free(m->tenant_of);
    free(m->is_start);
    free(m->mount_first);
    free(m->mount_risk);
    free(m->boundaries);
    free(m->host_compromised);
    free(m->tenant_exposed);
    free(m->technique_rank);
    memset(m, 0, sizeof *m);
}

/* Workloads grouped by host: members[first[h] .. first[h+1]) in global order. */
typedef struct {
    size_t *host_of; /* per workload */
    size_t *first;   /* n_hosts + 1 */
    size_t *members;
} Groups;

static void groups_build(const Scenario *s, const StrMap *hosts, Groups *g)
{
    g->host_of = xcalloc(s->n_workloads + 1, sizeof *g->host_of);
    g->first = xcalloc(s->n_hosts + 2, sizeof *g->first);
    g->members = xcalloc(s->n_workloads + 1, sizeof *g->members);
    for (size_t w = 0; w < s->n_workloads; w++) {
        size_t h = 0;
        bool found = strmap_get(hosts, s->workloads[w].host, &h);
        (void)found; /* s is valid: every reference resolves */
        g->host_of[w] = h;
        g->first[h + 1]++;
    }
    for (size_t h = 0; h < s->n_hosts; h++)
        g->first[h + 1] += g->first[h];
    size_t *next = xcalloc(s->n_hosts + 1, sizeof *next);
    for (size_t h = 0; h < s->n_hosts; h++)
        next[h] = g->first[h];
    for (size_t w = 0; w < s->n_workloads; w++)
        g->members[next[g->host_of[w]]++] = w;
    free(next);
}

static void groups_done(Groups *g)
{
    free(g->host_of);
    free(g->first);
    free(g->members);
}

/* How many paths a host's analysis keeps at first: the merged analysis keeps max_paths
 * lowest-effort paths over all hosts, and a host rarely holds many more than its share of
 * them, so each keeps a few times its share (keeping max_paths on every host would cost
 * most of an analysis in sorting). A host that runs out during a merge is analysed again
 * keeping more (merge_paths). */
static size_t first_keep(const Reanalysis *r)
{
    if (!r->max_paths) return 0;
    size_t share = 4 * r->max_paths / (r->s->n_hosts ? r->s->n_hosts : 1);
    return share < 32 ? 32 : share > r->max_paths ? r->max_paths : share;
}

static void part_build_sub(const Reanalysis *r, Part *p, size_t h, const Groups *g,
                           const StrMap *tenants);

/* Builds the sub-scenario of host h's part unless it has one (kept when only the assumptions
 * changed), then analyses it (keeping p->keep paths, or first_keep). Touches nothing shared
 * but to read it (r, s, g, tenants, the catalog): several may run at once. */
static void part_build(const Reanalysis *r, Part *p, size_t h, const Groups *g,
                       const StrMap *tenants)
{
    if (!p->sub) part_build_sub(r, p, h, g, tenants);
    if (!p->keep) p->keep = first_keep(r);
    EngineOptions opt = {.max_paths = p->keep, .lazy_why_not = true, .skip_exposure = true};
    p->an = engine_analyze(p->sub, r->c, &opt);
}

static void part_build_sub(const Reanalysis *r, Part *p, size_t h, const Groups *g,
                           const StrMap *tenants)
{
    const Scenario *s = r->s;
    Scenario *sub = scenario_new(s->name);
    memcpy(sub->assume, s->assume, sizeof sub->assume);
    scenario_copy_host(sub, &s->hosts[h]);
    size_t n = g->first[h + 1] - g->first[h];
    /* the tenants used on the host, in global order */
    bool *used = xcalloc(s->n_tenants + 1, sizeof *used);
    for (size_t i = 0; i < n; i++) {
        size_t t = 0;
        if (strmap_get(tenants, s->workloads[g->members[g->first[h] + i]].tenant, &t))
            used[t] = true;
    }
    for (size_t t = 0; t < s->n_tenants; t++)
        if (used[t]) scenario_copy_tenant(sub, &s->tenants[t]);
    free(used);
    for (size_t i = 0; i < n; i++)
        scenario_copy_workload(sub, &s->workloads[g->members[g->first[h] + i]]);
    p->host_id = xstrdup(s->hosts[h].id);
    p->sub = sub;
    p->wl_glob = xcalloc(n + 1, sizeof *p->wl_glob);
    p->tn_glob = xcalloc(sub->n_tenants + 1, sizeof *p->tn_glob);
}

/* An update's work, shared by the threads that do it: first freeing what the update
 * replaces (old parts, or old analyses of parts kept), then building the new parts. Each job
 * touches its own part only. */
typedef struct {
    const Reanalysis *r;
    Part *gone; /* parts to free (part_done) */
    size_t n_gone;
    Part *parts;           /* the update's parts, by host */
    const size_t *pending; /* the hosts whose part to build */
    size_t n_pending;
    atomic_size_t next; /* the next job to take: gone first, then pending */
    const Groups *g;
    const StrMap *tenants;
} Jobs;

static void *run_jobs(void *arg)
{
    Jobs *j = arg;
    for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->n_gone + j->n_pending;) {
        if (i < j->n_gone) {
            part_done(&j->gone[i]);
            continue;
        }
        size_t h = j->pending[i - j->n_gone];
        part_build(j->r, &j->parts[h], h, j->g, j->tenants);
    }
    return NULL;
}

/* Runs the jobs: on r->threads threads (this one among them) when there are enough parts to
 * build, else here. */
static void run_all(Reanalysis *r, Jobs *j)
{
    atomic_init(&j->next, 0);
    pthread_t tid[MAX_THREADS];
    size_t started = 0;
    if (j->n_pending >= r->min_parts)
        for (size_t t = 1; t < r->threads && t < j->n_pending; t++) {
            if (pthread_create(&tid[started], NULL, run_jobs, j) != 0)
                break; /* no thread: this one does the rest */
            started++;
        }
    run_jobs(j);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    r->last_runs += j->n_pending; /* counted here, after the join: no job touches r */
}

/* Can the old part p stand for host h as it is now? Its workloads must be the host's, in
 * order, its tenants must still exist (the caller's dirty marks cover content) and, unless
 * any_assume, its assumptions must be the scenario's. */
static bool part_fits(const Reanalysis *r, const Part *p, size_t h, const Groups *g,
                      const StrMap *tenants, bool any_assume)
{
    const Scenario *s = r->s;
    size_t n = g->first[h + 1] - g->first[h];
    if (p->sub->n_workloads != n ||
        (!any_assume && memcmp(p->sub->assume, s->assume, sizeof s->assume)))
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(p->sub->workloads[i].id, s->workloads[g->members[g->first[h] + i]].id))
            return false;
    size_t t;
    for (size_t i = 0; i < p->sub->n_tenants; i++)
        if (!strmap_get(tenants, p->sub->tenants[i].id, &t)) return false;
    return true;
}

/* A state of part p's analysis in the merged numbering. */
static uint32_t state_map(const Analysis *m, const Part *p, size_t h, uint32_t st)
{
    size_t nw3 = 3 * p->sub->n_workloads;
    if (st < nw3) return (uint32_t)(3 * p->wl_glob[st / 3] + st % 3);
    return (uint32_t)(3 * m->scenario->n_workloads + 2 * h + (st - nw3) % 2);
}

/* A part's next path, in the merged numbering (steps not mapped yet). */
typedef struct {
    size_t part;
    size_t next; /* index in the part's paths */
    Path head;
} Cursor;

static void cursor_load(const Reanalysis *r, Cursor *c)
{
    const Part *p = &r->parts[c->part];
    const Path *src = &p->an->paths[c->next];
    c->head = *src;
    c->head.start = p->wl_glob[src->start];
    c->head.target = src->kind == TARGET_HOST ? c->part : p->tn_glob[src->target];
}

static bool cursor_less(const Analysis *m, const Cursor *x, const Cursor *y)
{
    return path_compare(m, &x->head, &y->head) < 0;
}

static void heap_down(const Analysis *m, Cursor *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < n && cursor_less(m, &h[l], &h[best])) best = l;
        if (r < n && cursor_less(m, &h[r], &h[best])) best = r;
        if (best == i) return;
        Cursor t = h[i];
        h[i] = h[best];
        h[best] = t;
        i = best;
    }
}

/* A part's analysis again, keeping more paths (up to max_paths). */
static void part_grow(Reanalysis *r, Part *p)
{
    p->keep = 4 * p->keep > r->max_paths ? r->max_paths : 4 * p->keep;
    analysis_free(p->an);
    EngineOptions opt = {.max_paths = p->keep, .lazy_why_not = true, .skip_exposure = true};
    p->an = engine_analyze(p->sub, r->c, &opt);
    r->last_runs++;
}

static void merged_paths_clear(Analysis *m)
{
    for (size_t i = 0; i < m->n_paths; i++)
        free(m->paths[i].steps);
    free(m->paths);
    free(m->edges);
    m->paths = NULL;
    m->edges = NULL;
    m->n_paths = m->n_edges = 0;
}

/* One attempt at merging the parts' paths; false (and the part to grow in *grow) when a
 * part that dropped paths ran out of kept ones before the merge was done: its dropped paths
 * may belong in the merged list. */
static bool merge_paths_once(Reanalysis *r, size_t *grow);

/* The kept paths of every part, merged lowest first, with their edges copied. */
static void merge_paths(Reanalysis *r)
{
    size_t grow;
    while (!merge_paths_once(r, &grow)) {
        merged_paths_clear(&r->merged);
        part_grow(r, &r->parts[grow]);
        /* the grown analysis replaces the part's boundaries, which merge() copied */
        const Part *p = &r->parts[grow];
        for (size_t l = 0; l < p->sub->n_workloads; l++)
            for (int k = 0; k < 2; k++) {
                r->merged.boundaries[2 * p->wl_glob[l] + k] = p->an->boundaries[2 * l + k];
                r->merged.boundaries[2 * p->wl_glob[l] + k].workload = p->wl_glob[l];
            }
    }
}

static bool merge_paths_once(Reanalysis *r, size_t *grow)
{
    Analysis *m = &r->merged;
    size_t total = 0, heads = 0;
    m->paths_total = 0;
    for (size_t h = 0; h < r->n_parts; h++) {
        total += r->parts[h].an->paths_total;
        m->paths_total += r->parts[h].an->paths_total;
    }
    size_t keep = r->max_paths && total > r->max_paths ? r->max_paths : total;
    m->paths = xcalloc(keep + 1, sizeof *m->paths);
    Cursor *heap = xcalloc(r->n_parts + 1, sizeof *heap);
    for (size_t h = 0; h < r->n_parts; h++)
        if (r->parts[h].an->n_paths) {
            heap[heads] = (Cursor){.part = h, .next = 0};
            cursor_load(r, &heap[heads++]);
        }
    for (size_t i = heads; i-- > 0;)
        heap_down(m, heap, heads, i);
    size_t cap_edges = 0;
    while (m->n_paths < keep && heads) {
        Cursor *c = &heap[0];
        const Part *p = &r->parts[c->part];
        Path out = c->head;
        out.steps = xcalloc(out.n_steps + 1, sizeof *out.steps);
        for (size_t k = 0; k < out.n_steps; k++) {
            Edge e = p->an->edges[p->an->paths[c->next].steps[k]];
            e.from = state_map(m, p, c->part, e.from);
            e.to = state_map(m, p, c->part, e.to);
            xgrow((void **)&m->edges, &cap_edges, m->n_edges + 1, sizeof *m->edges);
            out.steps[k] = (uint32_t)m->n_edges;
            m->edges[m->n_edges++] = e;
        }
        m->paths[m->n_paths++] = out;
        if (++c->next < p->an->n_paths) {
            cursor_load(r, c);
        } else if (p->an->n_paths < p->an->paths_total && m->n_paths < keep &&
                   p->keep < r->max_paths) {
            *grow = c->part; /* out of kept paths, with more dropped: they may come next */
            free(heap);
            return false;
        } else {
            heap[0] = heap[--heads];
        }
        heap_down(m, heap, heads, 0);
    }
    free(heap);
    return true;
}

/* Rebuilds the merged analysis from the parts. */
static void merge(Reanalysis *r, const Groups *g, const StrMap *tenants)
{
    const Scenario *s = r->s;
    Analysis *m = &r->merged;
    merged_clear(m);
    free(r->local_of);
    m->scenario = s;
    m->catalog = r->c;
    size_t nw = s->n_workloads;
    m->n_states = 3 * nw + 2 * s->n_hosts;
    m->host_of = xcalloc(nw + 1, sizeof *m->host_of);
    m->tenant_of = xcalloc(nw + 1, sizeof *m->tenant_of);
    m->is_start = xcalloc(nw + 1, sizeof *m->is_start);
    m->n_boundaries = 2 * nw;
    m->boundaries = xcalloc(m->n_boundaries + 1, sizeof *m->boundaries);
    m->host_compromised = xcalloc(s->n_hosts + 1, sizeof *m->host_compromised);
    m->tenant_exposed = xcalloc(s->n_tenants + 1, sizeof *m->tenant_exposed);
    m->technique_rank = xcalloc(r->c->n + 1, sizeof *m->technique_rank);
    r->local_of = xcalloc(nw + 1, sizeof *r->local_of);
    for (size_t h = 0; h < r->n_parts; h++) {
        Part *p = &r->parts[h];
        const Analysis *a = p->an;
        for (size_t t = 0; t < p->sub->n_tenants; t++) {
            size_t gt = 0;
            strmap_get(tenants, p->sub->tenants[t].id, &gt);
            p->tn_glob[t] = gt;
            if (a->tenant_exposed[t]) m->tenant_exposed[gt] = true;
        }
        for (size_t l = 0; l < p->sub->n_workloads; l++) {
            size_t w = g->members[g->first[h] + l];
            p->wl_glob[l] = w;
            r->local_of[w] = l;
            m->host_of[w] = h;
            m->tenant_of[w] = p->tn_glob[a->tenant_of[l]];
            m->is_start[w] = a->is_start[l];
            for (int k = 0; k < 2; k++) {
                m->boundaries[2 * w + k] = a->boundaries[2 * l + k];
                m->boundaries[2 * w + k].workload = w;
            }
        }
        m->n_starts += a->n_starts;
        m->host_compromised[h] = a->host_compromised[0];
        if (h == 0)
            memcpy(m->technique_rank, a->technique_rank, r->c->n * sizeof *m->technique_rank);
    }
    m->mount_first = xcalloc(nw + 1, sizeof *m->mount_first);
    for (size_t w = 0; w < nw; w++)
        m->mount_first[w + 1] = m->mount_first[w] + s->workloads[w].n_mounts;
    m->mount_risk = xcalloc(m->mount_first[nw] + 1, sizeof *m->mount_risk);
    for (size_t w = 0; w < nw; w++) {
        const Analysis *a = r->parts[m->host_of[w]].an;
        size_t l = r->local_of[w];
        memcpy(m->mount_risk + m->mount_first[w], a->mount_risk + a->mount_first[l],
               s->workloads[w].n_mounts);
    }
    merge_paths(r);
}

/* Brings the parts up to date with r->s: hosts marked in dirty (indexed by the current
 * host order; NULL marks every host) are analysed again, other parts reused when they fit.
 * With assume_only (only the assumptions changed), a dirty host's part keeps its
 * sub-scenario, with the new assumptions, and only its analysis is run again. */
static void update(Reanalysis *r, const bool *dirty, const Groups *g, bool assume_only)
{
    const Scenario *s = r->s;
    StrMap tenants;
    strmap_init(&tenants);
    for (size_t t = 0; t < s->n_tenants; t++)
        strmap_put(&tenants, s->tenants[t].id, t);
    StrMap old;
    strmap_init(&old);
    for (size_t i = 0; i < r->n_parts; i++)
        strmap_put(&old, r->parts[i].host_id, i);
    Part *parts = xcalloc(s->n_hosts + 1, sizeof *parts);
    /* what goes: old parts not taken, and the old analyses of parts kept for their scenario */
    Part *gone = xcalloc(r->n_parts + 1, sizeof *gone);
    size_t n_gone = 0;
    bool *taken = xcalloc(r->n_parts + 1, sizeof *taken);
    r->last_runs = 0;
    for (size_t h = 0; h < s->n_hosts; h++) {
        size_t i;
        bool clean = dirty && !dirty[h];
        if (!(clean || assume_only) || !strmap_get(&old, s->hosts[h].id, &i) ||
            !part_fits(r, &r->parts[i], h, g, &tenants, assume_only))
            continue;
        parts[h] = r->parts[i];
        taken[i] = true;
        if (clean) continue;
        memcpy(parts[h].sub->assume, s->assume, sizeof s->assume);
        gone[n_gone++] = (Part){.an = parts[h].an};
        parts[h].an = NULL;
    }
    strmap_done(&old);
    for (size_t i = 0; i < r->n_parts; i++)
        if (!taken[i]) gone[n_gone++] = r->parts[i];
    free(taken);
    free(r->parts);
    r->parts = parts;
    r->n_parts = s->n_hosts;
    size_t *pending = xcalloc(s->n_hosts + 1, sizeof *pending), n_pending = 0;
    for (size_t h = 0; h < s->n_hosts; h++)
        if (!parts[h].an) pending[n_pending++] = h;
    Jobs j = {.r = r,
              .gone = gone,
              .n_gone = n_gone,
              .parts = parts,
              .pending = pending,
              .n_pending = n_pending,
              .g = g,
              .tenants = &tenants};
    run_all(r, &j);
    free(pending);
    free(gone);
    merge(r, g, &tenants);
    strmap_done(&tenants);
}

static void host_map(const Scenario *s, StrMap *hosts)
{
    strmap_init(hosts);
    for (size_t h = 0; h < s->n_hosts; h++)
        strmap_put(hosts, s->hosts[h].id, h);
}

Reanalysis *reanalysis_new(const Scenario *s, const Catalog *c, size_t max_paths)
{
    Reanalysis *r = xcalloc(1, sizeof *r);
    r->s = s;
    r->c = c;
    r->max_paths = max_paths;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    r->threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus;
    r->min_parts = PARALLEL_MIN_PARTS;
    reanalysis_update_all(r);
    return r;
}

void reanalysis_set_threads(Reanalysis *r, size_t threads, size_t min_parts)
{
    r->threads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    r->min_parts = min_parts;
}

void reanalysis_free(Reanalysis *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_parts; i++)
        part_done(&r->parts[i]);
    free(r->parts);
    merged_clear(&r->merged);
    free(r->local_of);
    free(r);
}

Analysis *reanalysis_result(Reanalysis *r)
{
    return &r->merged;
}

void reanalysis_update_all(Reanalysis *r)
{
    StrMap hosts;
    host_map(r->s, &hosts);
    Groups g;
    groups_build(r->s, &hosts, &g);
    update(r, NULL, &g, false);
    groups_done(&g);
    strmap_done(&hosts);
}

/* Marks host id (NULL: none) dirty when it is a host of s. */
static void mark_host(const StrMap *hosts, bool *dirty, const char *id)
{
    size_t h;
    if (id && strmap_get(hosts, id, &h)) dirty[h] = true;
}

void reanalysis_update(Reanalysis *r, const Edit *e)
{
    const Scenario *s = r->s;
    StrMap hosts;
    host_map(s, &hosts);
    Groups g;
    groups_build(s, &hosts, &g);
    if (e->kind == EDIT_SETTINGS) { /* the assumptions (or the description): every host */
        update(r, NULL, &g, true);
        groups_done(&g);
        strmap_done(&hosts);
        return;
    }
    bool *dirty = xcalloc(s->n_hosts + 1, sizeof *dirty);
    Scenario *frag[2] = {e->before, e->after};
    for (int i = 0; i < 2; i++) {
        if (!frag[i]) continue;
        switch (e->kind) {
        case EDIT_WORKLOAD: {
            const Workload *w = edit_workload(frag[i]);
            mark_host(&hosts, dirty, w ? w->host : NULL);
            break;
        }
        case EDIT_HOST: {
            const Host *h = edit_host(frag[i]);
            mark_host(&hosts, dirty, h ? h->id : NULL);
            break;
        }
        case EDIT_TENANT: {
            const Tenant *t = edit_tenant(frag[i]);
            for (size_t w = 0; t && w < s->n_workloads; w++)
                if (strcmp(s->workloads[w].tenant, t->id) == 0) dirty[g.host_of[w]] = true;
            break;
        }
        case EDIT_SETTINGS: break;
        }
    }
    update(r, dirty, &g, false);
    free(dirty);
    groups_done(&g);
    strmap_done(&hosts);
}

void reanalysis_explain(Reanalysis *r, size_t w)
{
    Analysis *m = &r->merged;
    if (w >= r->s->n_workloads) return;
    Part *p = &r->parts[m->host_of[w]];
    size_t l = r->local_of[w];
    engine_explain(p->an, l);
    for (int k = 0; k < 2; k++) {
        m->boundaries[2 * w + k] = p->an->boundaries[2 * l + k];
        m->boundaries[2 * w + k].workload = w;
    }
}

size_t reanalysis_last_runs(const Reanalysis *r)
{
    return r->last_runs;
}
