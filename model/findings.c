/* Findings: see findings.h. Each rests on a section of the source document or a cited fact. */
#define _GNU_SOURCE /* qsort_r */
#include "findings.h"

#include <stdlib.h>
#include <string.h>

#include "idkey.h"
#include "xalloc.h"

static const struct {
    const char *id, *title, *source;
} kinds[FINDING_KIND_COUNT] = {
    [FINDING_SHARED_KERNEL] = {"shared-kernel", "Hostile multi-tenancy on a shared kernel",
                               "Secure Windows containers, \"What makes a multi-tenant workload "
                               "hostile?\" and \"Windows Server containers vs. Linux containers\""},
    [FINDING_ADMIN_ACCOUNT] = {"admin-account",
                               "Runs as ContainerAdministrator / root where it shares a host",
                               "Secure Windows containers, \"When to use ContainerAdmin and "
                               "ContainerUser user accounts\""},
    [FINDING_SENSITIVE_MOUNT] = {"sensitive-mount",
                                 "Host mount an attacker can use to reach the host",
                                 "Persistent storage in containers; KubeHound EXPLOIT_HOST_WRITE, "
                                 "EXPLOIT_CONTAINERD_SOCK"},
    [FINDING_READABLE_KEYS] = {"readable-key-folder",
                               "Read-only mount of a key folder exposes secrets",
                               "KubeHound EXPLOIT_HOST_READ; Secure Windows containers (.ssh "
                               "example)"},
    [FINDING_HOSTPROCESS] = {"hostprocess",
                             "HostProcess / host-namespace workload: no isolation at all",
                             "Kubernetes, \"Create a Windows HostProcess Pod\""},
    [FINDING_HARDENING_AS_BOUNDARY] = {"hardening-as-boundary",
                                       "Hardening recorded where the boundary still fails",
                                       "Secure Windows containers, \"What makes a multi-tenant "
                                       "workload hostile?\" (hardening reduces the chance, it "
                                       "does not guarantee)"},
};

const char *finding_kind_id(FindingKind k)
{
    return kinds[k].id;
}
const char *finding_title(FindingKind k)
{
    return kinds[k].title;
}
const char *finding_source(FindingKind k)
{
    return kinds[k].source;
}
const char *severity_name(Severity s)
{
    return s == SEVERITY_HIGH ? "high" : s == SEVERITY_MEDIUM ? "medium" : "low";
}

/* Sorting a finding's workloads and tenants by id: the context of the comparators, with the
 * ids' prefixes (idkey.h), which most comparisons need alone. */
typedef struct {
    const Scenario *s;
    uint64_t *workload_prefix, *tenant_prefix;
} IdSort;

static int workload_cmp(const void *x, const void *y, void *ctx)
{
    const IdSort *o = ctx;
    size_t p = *(const size_t *)x, q = *(const size_t *)y;
    return id_compare(o->workload_prefix[p], o->s->workloads[p].id, o->workload_prefix[q],
                      o->s->workloads[q].id);
}

static int tenant_cmp(const void *x, const void *y, void *ctx)
{
    const IdSort *o = ctx;
    size_t p = *(const size_t *)x, q = *(const size_t *)y;
    return id_compare(o->tenant_prefix[p], o->s->tenants[p].id, o->tenant_prefix[q],
                      o->s->tenants[q].id);
}

static int host_cmp(const void *x, const void *y, void *ctx)
{
    const Scenario *s = ctx;
    return strcmp(s->hosts[*(const size_t *)x].id, s->hosts[*(const size_t *)y].id);
}

/* finding_cmp's context: the scenario, and each host's position in id order */
typedef struct {
    const Scenario *s;
    const size_t *host_rank;
} FindingOrder;

static int finding_cmp(const void *x, const void *y, void *ctx)
{
    const FindingOrder *o = ctx;
    const Scenario *s = o->s;
    const Finding *a = x, *b = y;
    if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
    if (a->kind != b->kind) return (int)a->kind - (int)b->kind;
    if (a->host != b->host) return o->host_rank[a->host] < o->host_rank[b->host] ? -1 : 1;
    int c;
    c = strcmp(a->detail, b->detail);
    if (c) return c;
    return strcmp(s->workloads[a->workloads[0]].id, s->workloads[b->workloads[0]].id);
}

static Finding *add(Findings *f, size_t *cap, FindingKind kind, Severity sev, size_t host,
                    char *detail)
{
    xgrow((void **)&f->items, cap, f->n + 1, sizeof *f->items);
    Finding *x = &f->items[f->n++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->severity = sev;
    x->host = host;
    x->detail = detail;
    return x;
}

/* One finding for a single workload. */
static void add_one(Findings *f, size_t *cap, const Analysis *a, FindingKind kind, Severity sev,
                    size_t w, char *detail)
{
    Finding *x = add(f, cap, kind, sev, a->host_of[w], detail);
    x->workloads = xmalloc(sizeof *x->workloads);
    x->workloads[0] = w;
    x->n_workloads = 1;
    x->tenants = xmalloc(sizeof *x->tenants);
    x->tenants[0] = a->tenant_of[w];
    x->n_tenants = 1;
}

/* Findings are made in three steps run in parts (see findings_compute_in_parts): hosts'
 * shared-kernel findings, workloads' own findings (reading workloads in order), then each
 * host's findings sorted among themselves; a stable pass by severity and kind ends the order
 * of finding_cmp without sorting the whole list. */
typedef struct {
    const Analysis *a;
    const size_t *first, *by_host; /* workloads grouped by host */
    const size_t *order;           /* hosts in id order */
    const FindingOrder *fo;
    const bool *shares_kernel; /* per workload: process or host isolation */
    bool *multi_tenant;        /* per host, set by the first step */
    size_t n;                  /* parts */
    Findings *out;             /* per part */
    Finding *all;              /* grouped by host rank, for the last step */
    const size_t *group;       /* per host rank: its first finding in all (n_hosts + 1) */
    IdSort ids;                /* the workloads' prefixes made by workload_job */
} FindWork;

static void range_of(size_t total, size_t part, size_t n, size_t *lo, size_t *hi)
{
    *lo = total * part / n;
    *hi = total * (part + 1) / n;
}

static void kernel_job(void *ctx, size_t part)
{
    FindWork *k = ctx;
    const Analysis *a = k->a;
    const Scenario *s = a->scenario;
    Findings *f = &k->out[part];
    size_t cap = 0, r0, r1;
    range_of(s->n_hosts, part, k->n, &r0, &r1);
    size_t *seen = xcalloc(s->n_tenants + 1, sizeof *seen); /* host rank + 1 when seen */
    for (size_t r = r0; r < r1; r++) {
        size_t h = k->order[r];
        /* tenants present, whether one is untrusted (or compromised), which workloads share
         * the kernel: one finding for hostile tenants on a shared kernel */
        size_t on_host = k->first[h + 1] - k->first[h], n_tenants = 0, n_shared = 0;
        size_t *tenants = xmalloc((on_host + 1) * sizeof *tenants); /* at most one each */
        size_t *shared = xmalloc((on_host + 1) * sizeof *shared);
        bool hostile = false;
        for (size_t i = k->first[h]; i < k->first[h + 1]; i++) {
            size_t w = k->by_host[i];
            if (seen[a->tenant_of[w]] != r + 1) {
                seen[a->tenant_of[w]] = r + 1;
                tenants[n_tenants++] = a->tenant_of[w];
            }
            hostile |= a->is_start[w];
            if (k->shares_kernel[w]) shared[n_shared++] = w;
        }
        k->multi_tenant[h] = n_tenants > 1;
        if (hostile && n_tenants > 1 && n_shared > 0) {
            Finding *x = add(f, &cap, FINDING_SHARED_KERNEL, SEVERITY_HIGH, h,
                             xasprintf("%zu tenants, one of them untrusted or breached, share "
                                       "the kernel of %s",
                                       n_tenants, s->hosts[h].id));
            x->workloads = shared;
            x->n_workloads = n_shared;
            x->tenants = tenants;
            x->n_tenants = n_tenants;
        } else {
            free(shared);
            free(tenants);
        }
    }
    free(seen);
}

static void workload_job(void *ctx, size_t part)
{
    FindWork *p = ctx;
    const Analysis *a = p->a;
    const Scenario *s = a->scenario;
    Findings *f = &p->out[part];
    size_t cap = f->n, w0, w1;
    range_of(s->n_workloads, part, p->n, &w0, &w1);
    for (size_t w = w0; w < w1; w++) {
        size_t h = a->host_of[w];
        const Workload *wl = &s->workloads[w];
        p->ids.workload_prefix[w] = id_prefix(wl->id);
        if (wl->account == ACCOUNT_ADMIN && wl->isolation != ISOLATION_HOST &&
            (p->multi_tenant[h] || a->is_start[w]))
            add_one(f, &cap, a, FINDING_ADMIN_ACCOUNT, SEVERITY_MEDIUM, w,
                    xasprintf("%s runs as %s", wl->id,
                              s->hosts[h].os == OS_WINDOWS ? "ContainerAdministrator" : "root"));
        if (wl->isolation == ISOLATION_HOST)
            add_one(f, &cap, a, FINDING_HOSTPROCESS, SEVERITY_HIGH, w,
                    xasprintf("%s runs on %s without isolation", wl->id, s->hosts[h].id));
        for (size_t m = 0; m < wl->n_mounts; m++) {
            bool key, wrisk, arisk;
            engine_mount_risk(a, w, m, &key, &wrisk, &arisk);
            const Mount *mt = &wl->mounts[m];
            if (arisk || ((wrisk || key) && !mt->read_only))
                add_one(
                    f, &cap, a, FINDING_SENSITIVE_MOUNT, SEVERITY_HIGH, w,
                    xasprintf("%s mounts %s%s", wl->id, mt->host_path,
                              mt->read_only ? " (read-only, which does not help)" : " read-write"));
            else if (key && mt->read_only)
                add_one(f, &cap, a, FINDING_READABLE_KEYS, SEVERITY_MEDIUM, w,
                        xasprintf("%s can read %s", wl->id, mt->host_path));
        }
        if (wl->hardening.n) {
            const BoundaryResult *iso = analysis_boundary(a, w, BOUNDARY_ISOLATION);
            const BoundaryResult *vol = analysis_boundary(a, w, BOUNDARY_HOST_VOLUME);
            if (iso->fails || vol->fails) {
                char *list = xstrdup("");
                for (size_t i = 0; i < wl->hardening.n; i++) {
                    char *next = xasprintf("%s%s%s", list, i ? ", " : "", wl->hardening.items[i]);
                    free(list);
                    list = next;
                }
                add_one(f, &cap, a, FINDING_HARDENING_AS_BOUNDARY, SEVERITY_LOW, w,
                        xasprintf("%s has %s, yet its %s boundary fails", wl->id, list,
                                  iso->fails ? "isolation" : "host-volume"));
                free(list);
            }
        }
    }
}

static void sort_job(void *ctx, size_t part)
{
    FindWork *k = ctx;
    const Scenario *s = k->a->scenario;
    size_t r0, r1;
    range_of(s->n_hosts, part, k->n, &r0, &r1);
    for (size_t r = r0; r < r1; r++) {
        Finding *g = k->all + k->group[r];
        size_t n = k->group[r + 1] - k->group[r];
        for (size_t i = 0; i < n; i++) {
            xqsort_r(g[i].workloads, g[i].n_workloads, sizeof(size_t), workload_cmp, &k->ids);
            xqsort_r(g[i].tenants, g[i].n_tenants, sizeof(size_t), tenant_cmp, &k->ids);
        }
        xqsort_r(g, n, sizeof *g, finding_cmp, (void *)k->fo);
    }
}

Findings *findings_compute(const Analysis *a)
{
    return findings_compute_in_parts(a, NULL);
}

Findings *findings_compute_in_parts(const Analysis *a, const EngineRunner *runner)
{
    const Scenario *s = a->scenario;
    size_t *first = xcalloc(s->n_hosts + 2, sizeof *first);
    for (size_t w = 0; w < s->n_workloads; w++)
        first[a->host_of[w] + 2]++;
    for (size_t h = 0; h < s->n_hosts; h++)
        first[h + 2] += first[h + 1];
    size_t *by_host = xcalloc(s->n_workloads + 1, sizeof *by_host);
    bool *shares_kernel = xcalloc(s->n_workloads + 1, sizeof *shares_kernel);
    for (size_t w = 0; w < s->n_workloads; w++) {
        by_host[first[a->host_of[w] + 1]++] = w;
        shares_kernel[w] = s->workloads[w].isolation == ISOLATION_PROCESS ||
                           s->workloads[w].isolation == ISOLATION_HOST;
    }
    size_t *order = xcalloc(s->n_hosts + 1, sizeof *order);
    size_t *rank = xcalloc(s->n_hosts + 1, sizeof *rank);
    for (size_t h = 0; h < s->n_hosts; h++)
        order[h] = h;
    xqsort_r(order, s->n_hosts, sizeof *order, host_cmp, (void *)s);
    for (size_t h = 0; h < s->n_hosts; h++)
        rank[order[h]] = h;
    FindingOrder fo = {s, rank};
    size_t n = runner && runner->run && runner->parts > 1 ? runner->parts : 1;
    FindWork k = {a, first, by_host, order, &fo, shares_kernel, NULL, n, NULL, NULL, NULL, {0}};
    k.multi_tenant = xcalloc(s->n_hosts + 1, sizeof *k.multi_tenant);
    k.ids = (IdSort){s, xcalloc(s->n_workloads + 1, sizeof(uint64_t)),
                     xcalloc(s->n_tenants + 1, sizeof(uint64_t))};
    for (size_t t = 0; t < s->n_tenants; t++)
        k.ids.tenant_prefix[t] = id_prefix(s->tenants[t].id);
    k.out = xcalloc(n, sizeof *k.out);
    runner_run(runner, kernel_job, &k, n);
    runner_run(runner, workload_job, &k, n);

    /* grouped by host rank, then each group sorted */
    size_t total = 0;
    size_t *group = xcalloc(s->n_hosts + 2, sizeof *group);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k.out[i].n; j++) {
            group[rank[k.out[i].items[j].host] + 2]++;
            total++;
        }
    for (size_t r = 0; r < s->n_hosts; r++)
        group[r + 2] += group[r + 1];
    k.all = xcalloc(total + 1, sizeof *k.all);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < k.out[i].n; j++)
            k.all[group[rank[k.out[i].items[j].host] + 1]++] = k.out[i].items[j];
        free(k.out[i].items);
    }
    k.group = group;
    runner_run(runner, sort_job, &k, n);

    /* stable by severity (high first), then kind */
    Findings *f = xcalloc(1, sizeof *f);
    f->n = total;
    enum { BUCKETS = 3 * FINDING_KIND_COUNT };
    size_t start[BUCKETS + 1] = {0};
#define BUCKET(x) ((size_t)(SEVERITY_HIGH - (x)->severity) * FINDING_KIND_COUNT + (size_t)(x)->kind)
    for (size_t i = 0; i < total; i++)
        start[BUCKET(&k.all[i]) + 1]++;
    for (size_t b = 0; b < BUCKETS; b++)
        start[b + 1] += start[b];
    f->items = xcalloc(total + 1, sizeof *f->items);
    for (size_t i = 0; i < total; i++)
        f->items[start[BUCKET(&k.all[i])]++] = k.all[i];
#undef BUCKET
    free(k.all);
    free(k.out);
    free(k.multi_tenant);
    free(k.ids.workload_prefix);
    free(k.ids.tenant_prefix);
    free(group);
    free(first);
    free(by_host);
    free(shares_kernel);
    free(order);
    free(rank);
    return f;
}

void findings_free(Findings *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->items[i].workloads);
        free(f->items[i].tenants);
        free(f->items[i].detail);
    }
    free(f->items);
    free(f);
}
