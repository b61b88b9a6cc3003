/* Findings: see findings.h. Each rests on a section of the source document or a cited fact. */
#define _GNU_SOURCE /* qsort_r */
#include "findings.h"

#include <stdlib.h>
#include <string.h>

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

/* qsort_r comparators: the context is the scenario. */
static int workload_cmp(const void *x, const void *y, void *ctx)
{
    const Scenario *s = ctx;
    return strcmp(s->workloads[*(const size_t *)x].id, s->workloads[*(const size_t *)y].id);
}

static int tenant_cmp(const void *x, const void *y, void *ctx)
{
    const Scenario *s = ctx;
    return strcmp(s->tenants[*(const size_t *)x].id, s->tenants[*(const size_t *)y].id);
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

/* The findings of hosts order[r0 .. r1) (a part: see findings_compute_in_parts). */
typedef struct {
    const Analysis *a;
    const size_t *first, *by_host; /* workloads grouped by host */
    const size_t *order;           /* hosts in id order */
    const FindingOrder *fo;
    size_t r0, r1;
    Findings out;
} FindPart;

static void find_job(void *ctx, size_t part)
{
    FindPart *p = &((FindPart *)ctx)[part];
    const Analysis *a = p->a;
    const Scenario *s = a->scenario;
    const size_t *first = p->first, *by_host = p->by_host, *order = p->order;
    Findings *f = &p->out;
    size_t cap = 0;
    size_t *seen = xcalloc(s->n_tenants + 1, sizeof *seen); /* host rank + 1 when seen */
    for (size_t r = p->r0; r < p->r1; r++) {
        size_t h = order[r], group = f->n;
        /* tenants present, whether one is untrusted (or compromised), which workloads share
         * the kernel: one finding for hostile tenants on a shared kernel */
        size_t *tenants = NULL, n_tenants = 0, *shared = NULL, n_shared = 0;
        bool hostile = false;
        for (size_t i = first[h]; i < first[h + 1]; i++) {
            size_t w = by_host[i];
            if (seen[a->tenant_of[w]] != r + 1) {
                seen[a->tenant_of[w]] = r + 1;
                tenants = xrealloc(tenants, (n_tenants + 1) * sizeof *tenants);
                tenants[n_tenants++] = a->tenant_of[w];
            }
            hostile |= a->is_start[w];
            if (s->workloads[w].isolation == ISOLATION_PROCESS ||
                s->workloads[w].isolation == ISOLATION_HOST) {
                shared = xrealloc(shared, (n_shared + 1) * sizeof *shared);
                shared[n_shared++] = w;
            }
        }
        bool multi_tenant = n_tenants > 1;
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
        for (size_t j = first[h]; j < first[h + 1]; j++) {
            size_t w = by_host[j];
            const Workload *wl = &s->workloads[w];
            if (wl->account == ACCOUNT_ADMIN && wl->isolation != ISOLATION_HOST &&
                (multi_tenant || a->is_start[w]))
                add_one(
                    f, &cap, a, FINDING_ADMIN_ACCOUNT, SEVERITY_MEDIUM, w,
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
                    add_one(f, &cap, a, FINDING_SENSITIVE_MOUNT, SEVERITY_HIGH, w,
                            xasprintf("%s mounts %s%s", wl->id, mt->host_path,
                                      mt->read_only ? " (read-only, which does not help)"
                                                    : " read-write"));
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
                        char *next =
                            xasprintf("%s%s%s", list, i ? ", " : "", wl->hardening.items[i]);
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
        for (size_t i = group; i < f->n; i++) {
            xqsort_r(f->items[i].workloads, f->items[i].n_workloads, sizeof(size_t), workload_cmp,
                     (void *)s);
            xqsort_r(f->items[i].tenants, f->items[i].n_tenants, sizeof(size_t), tenant_cmp,
                     (void *)s);
        }
        xqsort_r(f->items + group, f->n - group, sizeof *f->items, finding_cmp, (void *)p->fo);
    }
    free(seen);
}

Findings *findings_compute(const Analysis *a)
{
    return findings_compute_in_parts(a, NULL);
}

Findings *findings_compute_in_parts(const Analysis *a, const EngineRunner *runner)
{
    const Scenario *s = a->scenario;
    Findings *f = xcalloc(1, sizeof *f);

    /* Host by host in id order, each host's findings sorted among themselves, then a stable
     * pass by severity and kind: the order of finding_cmp, sorting small groups only. Ranges
     * of hosts may be done at once (parts), joined in order. */
    size_t *first = xcalloc(s->n_hosts + 2, sizeof *first), *by_host = NULL;
    for (size_t w = 0; w < s->n_workloads; w++)
        first[a->host_of[w] + 2]++;
    for (size_t h = 0; h < s->n_hosts; h++)
        first[h + 2] += first[h + 1];
    by_host = xcalloc(s->n_workloads + 1, sizeof *by_host);
    for (size_t w = 0; w < s->n_workloads; w++)
        by_host[first[a->host_of[w] + 1]++] = w;
    size_t *order = xcalloc(s->n_hosts + 1, sizeof *order);
    size_t *rank = xcalloc(s->n_hosts + 1, sizeof *rank);
    for (size_t h = 0; h < s->n_hosts; h++)
        order[h] = h;
    xqsort_r(order, s->n_hosts, sizeof *order, host_cmp, (void *)s);
    for (size_t h = 0; h < s->n_hosts; h++)
        rank[order[h]] = h;
    FindingOrder fo = {s, rank};
    size_t n = runner && runner->run && runner->parts > 1 ? runner->parts : 1;
    if (n > s->n_hosts) n = s->n_hosts ? s->n_hosts : 1;
    FindPart *parts = xcalloc(n, sizeof *parts);
    for (size_t i = 0; i < n; i++)
        parts[i] = (FindPart){
            a, first, by_host, order, &fo, s->n_hosts * i / n, s->n_hosts * (i + 1) / n, {0}};
    if (n > 1)
        runner->run(runner->runner, find_job, parts, n);
    else
        find_job(parts, 0);
    for (size_t i = 0; i < n; i++)
        f->n += parts[i].out.n;
    free(first);
    free(by_host);
    free(order);
    free(rank);

    /* stable by severity (high first), then kind */
    enum { BUCKETS = 3 * FINDING_KIND_COUNT };
    size_t start[BUCKETS + 1] = {0};
#define BUCKET(x) ((size_t)(SEVERITY_HIGH - (x)->severity) * FINDING_KIND_COUNT + (size_t)(x)->kind)
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < parts[i].out.n; k++)
            start[BUCKET(&parts[i].out.items[k]) + 1]++;
    for (size_t b = 0; b < BUCKETS; b++)
        start[b + 1] += start[b];
    f->items = xcalloc(f->n + 1, sizeof *f->items);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < parts[i].out.n; k++)
            f->items[start[BUCKET(&parts[i].out.items[k])]++] = parts[i].out.items[k];
        free(parts[i].out.items);
    }
#undef BUCKET
    free(parts);
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
