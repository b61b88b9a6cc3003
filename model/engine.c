/* The engine: turns scenario facts and catalog clauses into edges between attacker states,
 * runs a lowest-effort search from every start, and judges each workload's boundaries.
 * See engine.h for the state numbering and DESIGN.md ("The engine") for the semantics. */
#define _GNU_SOURCE /* qsort_r */
#include "engine.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hostpath.h"
#include "keybuf.h"
#include "strmap.h"
#include "xalloc.h"

/* A host account whose key file a mount may cover. */
typedef struct {
    char *key_file; /* normalised */
    bool admin;
    int32_t user; /* index in Host.users, -1 for the implicit Administrator / root */
} KeyFile;

/* A normalised path and its length. */
typedef struct {
    char *s; /* owned */
    size_t n;
} PathStr;

/* A clause's path lists normalised for each OS a host of the scenario has (NULL for another). */
typedef struct {
    PathStr *covers[2], *within[2]; /* indexed by Os; owned */
    size_t n_covers, n_within;
} ClausePaths;

typedef struct EdgeMemo EdgeMemo;

typedef struct {
    const Scenario *s;
    const Catalog *c;
    Analysis *a;
    size_t *host_workloads; /* workloads grouped by host (CSR) */
    size_t *host_first;     /* n_hosts + 1 offsets into host_workloads */
    char ***mount_paths;    /* per workload, per mount: the normalised host path */
    KeyFile **keys;         /* per host */
    size_t *n_keys;
    size_t *host_shape;   /* per host: the same number for hosts alike in all clause_eval reads
                             of them (OS, SSH, users), for memo keys */
    ClausePaths **paths;  /* per technique, per clause */
    size_t *clause_first; /* per technique: the number of its first clause (clauses numbered
                             in catalog order) */
    size_t n_clauses;
    bool *mount_match; /* per mount (Analysis.mount_first order), per clause: path_matches() of
                          the mount and the clause's paths, for clauses that need a mount */
    Edge *edges;       /* the edges built by this part (see Part), owned until joined */
    size_t n_edges, edge_cap;
    struct EdgeMemo *memo; /* building edges: where emit_recorded notes the calls */
    uint32_t *edge_shape;  /* per workload: its shape in its part's EdgeMemo (shared by parts,
                              each writing its own workloads) */
    size_t n_edge_shapes;  /* this part's */
} Ctx;

enum { RISK_KEY = 1, RISK_WRITABLE = 2, RISK_ANY = 4 }; /* Analysis.mount_risk bits */

/* ---- states ---------------------------------------------------------------------------- */

static uint32_t workload_state(size_t w, Level level)
{
    return (uint32_t)(3 * w + (size_t)level);
}

static uint32_t host_state(const Analysis *a, size_t h, bool admin)
{
    return (uint32_t)(3 * a->scenario->n_workloads + 2 * h + (admin ? 1 : 0));
}

bool state_is_host(const Analysis *a, uint32_t state)
{
    return state >= 3 * a->scenario->n_workloads;
}

size_t state_owner(const Analysis *a, uint32_t state)
{
    size_t nw3 = 3 * a->scenario->n_workloads;
    return state < nw3 ? state / 3 : (state - nw3) / 2;
}

Level state_level(const Analysis *a, uint32_t state)
{
    size_t nw3 = 3 * a->scenario->n_workloads;
    if (state < nw3) return (Level)(state % 3);
    return (state - nw3) % 2 ? LEVEL_ADMIN : LEVEL_USER;
}

char *state_label(const Analysis *a, uint32_t state)
{
    size_t owner = state_owner(a, state);
    Level level = state_level(a, state);
    if (state_is_host(a, state))
        return xasprintf("host %s (%s)", a->scenario->hosts[owner].id,
                         level == LEVEL_ADMIN ? "admin" : "user");
    const char *id = a->scenario->workloads[owner].id;
    if (level == LEVEL_VM)
        return xasprintf("%s's %s", id,
                         a->scenario->workloads[owner].isolation == ISOLATION_SANDBOX
                             ? "sandbox kernel"
                             : "utility VM");
    return xasprintf("%s (%s)", id, level == LEVEL_ADMIN ? "admin" : "user");
}

/* ---- preparing facts --------------------------------------------------------------------- */

/* Each workload's host and tenant, looked up by id in parts of the workloads. */
typedef struct {
    const Scenario *s;
    Analysis *a;
    StrMap tenants, hosts;
    size_t n;
} Lookups;

static void lookup_job(void *ctx, size_t part)
{
    Lookups *l = ctx;
    const Scenario *s = l->s;
    for (size_t w = s->n_workloads * part / l->n; w < s->n_workloads * (part + 1) / l->n; w++) {
        size_t h = 0, t = 0; /* (in range even if the scenario was not validated) */
        bool ok = strmap_get(&l->hosts, s->workloads[w].host, &h) &&
                  strmap_get(&l->tenants, s->workloads[w].tenant, &t);
        assert(ok && "engine_analyze needs a validated scenario");
        (void)ok;
        l->a->host_of[w] = h;
        l->a->tenant_of[w] = t;
    }
}

static void index_scenario(Ctx *x, const EngineRunner *runner)
{
    const Scenario *s = x->s;
    Analysis *a = x->a;
    Lookups l = {s, a, .n = runner && runner->parts > 1 ? runner->parts : 1};
    strmap_init(&l.tenants);
    strmap_init(&l.hosts);
    for (size_t i = 0; i < s->n_tenants; i++)
        strmap_put(&l.tenants, s->tenants[i].id, i);
    for (size_t i = 0; i < s->n_hosts; i++)
        strmap_put(&l.hosts, s->hosts[i].id, i);
    a->host_of = xmalloc((s->n_workloads + 1) * sizeof *a->host_of);
    a->tenant_of = xmalloc((s->n_workloads + 1) * sizeof *a->tenant_of);
    runner_run(runner, lookup_job, &l, l.n);
    strmap_done(&l.tenants);
    strmap_done(&l.hosts);
    x->host_first = xcalloc(s->n_hosts + 1, sizeof *x->host_first);
    for (size_t w = 0; w < s->n_workloads; w++)
        x->host_first[a->host_of[w] + 1]++;
    for (size_t h = 0; h < s->n_hosts; h++)
        x->host_first[h + 1] += x->host_first[h];
    x->host_workloads = xcalloc(s->n_workloads, sizeof *x->host_workloads);
    size_t *fill = xcalloc(s->n_hosts, sizeof *fill);
    for (size_t w = 0; w < s->n_workloads; w++) {
        size_t h = a->host_of[w];
        x->host_workloads[x->host_first[h] + fill[h]++] = w;
    }
    free(fill);

    x->mount_paths = xcalloc(s->n_workloads + 1, sizeof *x->mount_paths);
    x->keys = xcalloc(s->n_hosts + 1, sizeof *x->keys);
    /* hosts alike share a number: their key files and users follow from their OS and users */
    x->host_shape = xcalloc(s->n_hosts + 1, sizeof *x->host_shape);
    StrMap host_shapes;
    strmap_init(&host_shapes);
    KeyBuf hk = {0};
    char **host_keys = xcalloc(s->n_hosts + 1, sizeof *host_keys);
    size_t n_shapes = 0;
    for (size_t h = 0; h < s->n_hosts; h++) {
        const Host *hs = &s->hosts[h];
        hk.n = 0;
        char fixed[2] = {(char)('A' + hs->os), (char)('A' + hs->ssh)};
        keybuf_add(&hk, fixed, sizeof fixed);
        keybuf_num(&hk, hs->n_users);
        for (size_t u = 0; u < hs->n_users; u++) {
            keybuf_num(&hk, hs->users[u].admin);
            keybuf_str(&hk, hs->users[u].name);
        }
        if (!strmap_get(&host_shapes, keybuf_text(&hk), &x->host_shape[h])) {
            host_keys[n_shapes] = xstrdup(keybuf_text(&hk));
            strmap_put(&host_shapes, host_keys[n_shapes], n_shapes);
            x->host_shape[h] = n_shapes++;
        }
    }
    for (size_t i = 0; i < n_shapes; i++)
        free(host_keys[i]);
    free(host_keys);
    keybuf_done(&hk);
    strmap_done(&host_shapes);
    x->n_keys = xcalloc(s->n_hosts + 1, sizeof *x->n_keys);
    a->mount_first = xcalloc(s->n_workloads + 1, sizeof *a->mount_first);
    for (size_t w = 0; w < s->n_workloads; w++)
        a->mount_first[w + 1] = a->mount_first[w] + s->workloads[w].n_mounts;
    a->mount_risk = xcalloc(a->mount_first[s->n_workloads] + 1, sizeof *a->mount_risk);

    bool os_used[2] = {false, false};
    for (size_t h = 0; h < s->n_hosts; h++)
        os_used[s->hosts[h].os] = true;
    x->paths = xcalloc(x->c->n, sizeof *x->paths);
    x->clause_first = xcalloc(x->c->n + 1, sizeof *x->clause_first);
    for (size_t t = 0; t < x->c->n; t++) {
        const Technique *tq = &x->c->techniques[t];
        x->clause_first[t] = x->n_clauses;
        x->n_clauses += tq->n_clauses;
        x->paths[t] = xcalloc(tq->n_clauses ? tq->n_clauses : 1, sizeof **x->paths);
        for (size_t k = 0; k < tq->n_clauses; k++) {
            const MountRule *r = &tq->clauses[k].mount;
            ClausePaths *cp = &x->paths[t][k];
            cp->n_covers = r->covers.n;
            cp->n_within = r->within.n;
            for (int os = 0; os < 2; os++) {
                if (!os_used[os]) continue;
                cp->covers[os] = xcalloc(r->covers.n + 1, sizeof *cp->covers[os]);
                cp->within[os] = xcalloc(r->within.n + 1, sizeof *cp->within[os]);
                for (size_t i = 0; i < r->covers.n; i++) {
                    char *n = hostpath_normalize(r->covers.items[i], (Os)os);
                    cp->covers[os][i] = (PathStr){n, strlen(n)};
                }
                for (size_t i = 0; i < r->within.n; i++) {
                    char *n = hostpath_normalize(r->within.items[i], (Os)os);
                    cp->within[os][i] = (PathStr){n, strlen(n)};
                }
            }
        }
    }
    x->mount_match =
        xcalloc(a->mount_first[s->n_workloads] * x->n_clauses + 1, sizeof *x->mount_match);
}

/* The facts of hosts [h0, h1) and their workloads: normalised mount paths, key files. */
static void index_hosts(Ctx *x, size_t h0, size_t h1)
{
    const Scenario *s = x->s;
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (x->a->host_of[w] < h0 || x->a->host_of[w] >= h1) continue;
        const Workload *wl = &s->workloads[w];
        Os os = s->hosts[x->a->host_of[w]].os;
        if (!wl->n_mounts) continue;
        x->mount_paths[w] = xcalloc(wl->n_mounts, sizeof(char *));
        for (size_t m = 0; m < wl->n_mounts; m++)
            x->mount_paths[w][m] = hostpath_normalize(wl->mounts[m].host_path, os);
    }
    for (size_t h = h0; h < h1; h++) {
        const Host *host = &s->hosts[h];
        const char *implicit = host->os == OS_WINDOWS ? "Administrator" : "root";
        x->keys[h] = xcalloc(host->n_users + 1, sizeof **x->keys);
        KeyFile *k = x->keys[h];
        size_t n = 0;
        bool implicit_listed = false;
        for (size_t u = 0; u < host->n_users; u++) {
            const HostUser *hu = &host->users[u];
            bool admin = hu->admin;
            if ((host->os == OS_WINDOWS ? strcasecmp(hu->name, implicit)
                                        : strcmp(hu->name, implicit)) == 0) {
                implicit_listed = true;
                admin = true;
            }
            k[n++] = (KeyFile){hostpath_key_file(host->os, hu->name, admin), admin, (int32_t)u};
        }
        if (!implicit_listed)
            k[n++] = (KeyFile){hostpath_key_file(host->os, implicit, true), true, -1};
        x->n_keys[h] = n;
    }
}

static void ctx_done(Ctx *x)
{
    const Scenario *s = x->s;
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (!x->mount_paths[w]) continue;
        for (size_t m = 0; m < s->workloads[w].n_mounts; m++)
            free(x->mount_paths[w][m]);
        free(x->mount_paths[w]);
    }
    free(x->mount_paths);
    free(x->edge_shape);
    for (size_t h = 0; h < s->n_hosts; h++) {
        for (size_t k = 0; k < x->n_keys[h]; k++)
            free(x->keys[h][k].key_file);
        free(x->keys[h]);
    }
    free(x->keys);
    free(x->n_keys);
    free(x->host_shape);
    for (size_t t = 0; t < x->c->n; t++) {
        for (size_t k = 0; k < x->c->techniques[t].n_clauses; k++)
            for (int os = 0; os < 2; os++) {
                ClausePaths *cp = &x->paths[t][k];
                if (!cp->covers[os]) continue;
                for (size_t i = 0; i < cp->n_covers; i++)
                    free(cp->covers[os][i].s);
                for (size_t i = 0; i < cp->n_within; i++)
                    free(cp->within[os][i].s);
                free(cp->covers[os]);
                free(cp->within[os]);
            }
        free(x->paths[t]);
    }
    free(x->paths);
    free(x->clause_first);
    free(x->mount_match);
    free(x->host_workloads);
    free(x->host_first);
}

/* ---- evaluating clauses ------------------------------------------------------------------ */

static unsigned level_bit(Level level, bool host)
{
    if (host) return level == LEVEL_ADMIN ? FROM_HOST_ADMIN : FROM_HOST_USER;
    switch (level) {
    case LEVEL_USER: return FROM_WORKLOAD_USER;
    case LEVEL_ADMIN: return FROM_WORKLOAD_ADMIN;
    default: return FROM_VM;
    }
}

/* Whether an attacker at level in workload wl (on a host of os) can write through a
 * read-write mount: the host checks the container account under process isolation; a
 * Windows Hyper-V mount is written as LocalSystem; VM and sandbox runtimes keep ownership. */
static bool can_write(const Workload *wl, Os os, Level level)
{
    if (level != LEVEL_USER) return true;
    return wl->isolation == ISOLATION_HYPERV && os == OS_WINDOWS;
}

/* hostpath_covers(outer, inner) with both lengths known (judge_mounts calls it most). */
static bool covers_known(const PathStr *outer, const PathStr *inner)
{
    size_t n = outer->n;
    if (inner->n < n || memcmp(outer->s, inner->s, n) != 0) return false;
    if (inner->n == n) return true;
    /* outer is a root such as "/" or "c:\" and already ends with a separator */
    if (n > 0 && (outer->s[n - 1] == '/' || outer->s[n - 1] == '\\')) return true;
    return inner->s[n] == '/' || inner->s[n] == '\\';
}

/* Does the mount match the clause's paths? os is a host's: its lists are there. */
static bool path_matches(const PathStr *mount, const ClausePaths *cp, Os os)
{
    assert(cp->covers[os] && cp->within[os]);
    for (size_t i = 0; i < cp->n_covers; i++)
        if (covers_known(mount, &cp->covers[os][i])) return true;
    for (size_t i = 0; i < cp->n_within; i++)
        if (covers_known(&cp->within[os][i], mount)) return true;
    return false;
}

static const char *hostns_name(unsigned bit)
{
    return bit == HOSTNS_PID ? "host_pid" : bit == HOSTNS_NETWORK ? "host_network" : "host_ipc";
}

static char *mask_list(unsigned mask, const char *(*name)(int))
{
    char *out = xstrdup("");
    int count = 0;
    for (int i = 0; i < 8; i++)
        if (mask & (1u << i)) count++;
    int seen = 0;
    for (int i = 0; i < 8; i++) {
        if (!(mask & (1u << i))) continue;
        seen++;
        const char *sep = seen == 1 ? "" : seen == count ? " or " : ", ";
        char *next = xasprintf("%s%s%s", out, sep, name(i));
        free(out);
        out = next;
    }
    return out;
}

static const char *iso_name_i(int i)
{
    return isolation_name((Isolation)i);
}
static const char *os_name_i(int i)
{
    return os_name((Os)i);
}

/* A use of a clause found while evaluating it: which mount, and which key file's owner. */
typedef struct {
    int32_t mount, user;
    bool user_admin;
} Use;

/* Reasons a clause fails, kept with a priority so that the most telling one is named:
 * a missing mount or a different isolation says more than the account's level. */
typedef struct {
    bool want; /* format reasons at all (only when explaining; edges need just the count) */
    int failed;
    int best_rank;
    char *best;
} Failures;

__attribute__((format(printf, 3, 4))) static void failure(Failures *f, int rank, const char *fmt,
                                                          ...)
{
    f->failed++;
    if (!f->want || (f->best && rank >= f->best_rank)) return;
    va_list ap;
    va_start(ap, fmt);
    free(f->best);
    f->best = xvasprintf(fmt, ap);
    f->best_rank = rank;
    va_end(ap);
}

enum { RANK_OS, RANK_ISOLATION, RANK_MOUNT, RANK_FLAGS, RANK_ASSUME, RANK_SSH, RANK_LEVEL };

/* Calls emit for every way clause k of technique t applies from (workload w | host h) at
 * level. Returns the number of failed conditions (0 when it applies) and, if reason is
 * not NULL, sets *reason to an owned description of the most telling failed one. With emit
 * and no reason (building edges) only whether it applies matters: the count may stop short. */
typedef void (*EmitFn)(Ctx *x, size_t t, size_t k, bool host, size_t owner, Level level,
                       int32_t mount, int32_t user, bool user_admin);

static int clause_eval(Ctx *x, size_t t, size_t k, bool host, size_t owner, Level level,
                       EmitFn emit, char **reason)
{
    const Scenario *s = x->s;
    const Clause *c = &x->c->techniques[t].clauses[k];
    const Workload *wl = host ? NULL : &s->workloads[owner];
    size_t h = host ? owner : x->a->host_of[owner];
    const Host *hs = &s->hosts[h];
    Failures f = {.want = reason != NULL};

    if (!(c->from & level_bit(level, host))) {
        if (host)
            failure(&f, RANK_LEVEL, "the attacker is not %s on the host",
                    level == LEVEL_ADMIN ? "a user" : "admin");
        else if (level == LEVEL_USER && (c->from & FROM_WORKLOAD_ADMIN))
            failure(&f, RANK_LEVEL, "account is user (needs admin)");
        else if (level == LEVEL_ADMIN && (c->from & FROM_WORKLOAD_USER))
            failure(&f, RANK_LEVEL, "account is admin (needs user)");
        else
            failure(&f, RANK_LEVEL, "needs %s",
                    (c->from & FROM_VM) ? "the utility VM or sandbox" : "another attacker state");
    }
    if (c->os && !(c->os & (1u << hs->os))) {
        char *want = f.want ? mask_list(c->os, os_name_i) : NULL;
        failure(&f, RANK_OS, "host %s is %s (needs %s)", hs->id, os_name(hs->os), want);
        free(want);
    }
    for (int i = 0; i < ASSUME_COUNT; i++)
        if ((c->assume & (1u << i)) && !s->assume[i])
            failure(&f, RANK_ASSUME, "assumption %s is false", assumption_name((Assumption)i));
    if (emit && !reason && f.failed) return f.failed; /* building edges: it does not apply */
    if (wl) {
        if (c->isolation && !(c->isolation & (1u << wl->isolation))) {
            char *want = f.want ? mask_list(c->isolation, iso_name_i) : NULL;
            failure(&f, RANK_ISOLATION, "isolation is %s (needs %s)", isolation_name(wl->isolation),
                    want);
            free(want);
        }
        if (c->privileged >= 0 && wl->privileged != (c->privileged == 1))
            failure(&f, RANK_FLAGS, "workload is %sprivileged", wl->privileged ? "" : "not ");
        for (unsigned bit = 1; bit <= HOSTNS_IPC; bit <<= 1)
            if ((c->host_ns & bit) && !(wl->host_namespaces & bit))
                failure(&f, RANK_FLAGS, "%s is false", hostns_name(bit));
        for (size_t i = 0; i < c->capabilities.n; i++)
            if (!strlist_has(&wl->capabilities, c->capabilities.items[i]))
                failure(&f, RANK_FLAGS, "capability %s not added", c->capabilities.items[i]);
        if (c->any_capability.n) {
            bool any = false;
            for (size_t i = 0; i < c->any_capability.n && !any; i++)
                any = strlist_has(&wl->capabilities, c->any_capability.items[i]);
            if (!any)
                failure(&f, RANK_FLAGS, "none of the capabilities %s%s added",
                        c->any_capability.items[0], c->any_capability.n > 1 ? ", ..." : "");
        }
    } else if (c->isolation || c->privileged >= 0 || c->host_ns || c->capabilities.n ||
               c->any_capability.n || c->mount.need != MOUNT_NONE) {
        failure(&f, RANK_LEVEL, "needs a workload");
    }

    if (emit && !reason && f.failed) return f.failed;
    /* The mount condition: the mounts (and key files) it matches. */
    Use *uses = NULL;
    size_t n_uses = 0;
    if (c->mount.need != MOUNT_NONE && wl) {
        size_t first = x->a->mount_first[owner], clause = x->clause_first[t] + k;
        bool writable_need = c->mount.need == MOUNT_WRITABLE;
        bool any_match = false, any_rw = false, writer = can_write(wl, hs->os, level);
        if (c->mount.key_files && !hs->ssh) failure(&f, RANK_SSH, "the host has no SSH server");
        for (size_t m = 0; m < wl->n_mounts; m++) {
            const char *mp = x->mount_paths[owner][m];
            /* judge_mounts matched every mount already: against the key files (RISK_KEY when
             * any is covered) and against every clause's paths */
            if (c->mount.key_files && !(x->a->mount_risk[first + m] & RISK_KEY)) continue;
            size_t n_targets = c->mount.key_files ? x->n_keys[h] : 1;
            for (size_t u = 0; u < n_targets; u++) {
                bool match = c->mount.key_files
                                 ? hostpath_covers(mp, x->keys[h][u].key_file)
                                 : x->mount_match[(first + m) * x->n_clauses + clause];
                if (!match) continue;
                any_match = true;
                if (writable_need && wl->mounts[m].read_only) continue;
                any_rw = true;
                if (writable_need && !writer) continue;
                uses = xrealloc(uses, (n_uses + 1) * sizeof *uses);
                uses[n_uses++] = c->mount.key_files
                                     ? (Use){(int32_t)m, x->keys[h][u].user, x->keys[h][u].admin}
                                     : (Use){(int32_t)m, -2, false};
            }
        }
        if (!n_uses) {
            if (!wl->n_mounts)
                failure(&f, RANK_MOUNT, "the workload mounts nothing from the host");
            else if (!any_match)
                failure(&f, RANK_MOUNT, "no mount covers %s",
                        c->mount.key_files ? "a host user's SSH key file"
                                           : "a path this technique needs");
            else if (!any_rw)
                failure(&f, RANK_MOUNT, "the mount is read-only");
            else
                failure(&f, RANK_LEVEL,
                        "account is user and %s isolation checks host file permissions",
                        isolation_name(wl->isolation));
        }
    } else if (f.failed == 0 && emit) {
        emit(x, t, k, host, owner, level, -1, -2, false);
    }
    if (f.failed == 0 && emit)
        for (size_t i = 0; i < n_uses; i++)
            emit(x, t, k, host, owner, level, uses[i].mount, uses[i].user, uses[i].user_admin);
    free(uses);
    if (reason)
        *reason = f.best;
    else
        free(f.best);
    return f.failed;
}

/* ---- building edges ---------------------------------------------------------------------- */

static void add_edge(Ctx *x, Edge e)
{
    xgrow((void **)&x->edges, &x->edge_cap, x->n_edges + 1, sizeof *x->edges);
    x->edges[x->n_edges++] = e;
}

static int hardened_effort(const Ctx *x, const Technique *t, const Workload *wl, Os os)
{
    int effort = t->effort;
    if (!wl) return effort;
    for (size_t i = 0; i < t->n_hardening; i++) {
        const HardeningRule *r = &t->hardening[i];
        if (r->os && !(r->os & (1u << os))) continue;
        if (strlist_has(&wl->hardening, r->name)) effort += r->effort;
    }
    (void)x;
    return effort;
}

static void emit_edge(Ctx *x, size_t t, size_t k, bool host, size_t owner, Level level,
                      int32_t mount, int32_t user, bool user_admin)
{
    const Technique *tq = &x->c->techniques[t];
    const Clause *c = &tq->clauses[k];
    const Scenario *s = x->s;
    Analysis *a = x->a;
    size_t h = host ? owner : a->host_of[owner];
    const Workload *wl = host ? NULL : &s->workloads[owner];
    uint32_t from =
        host ? host_state(a, owner, level == LEVEL_ADMIN) : workload_state(owner, level);
    Edge e = {
        .from = from,
        .technique = (uint32_t)t,
        .effort = (uint16_t)hardened_effort(x, tq, wl, s->hosts[h].os),
        .servicing = (uint8_t)(level == LEVEL_USER ? tq->servicing : tq->servicing_admin),
        .mount = mount,
        .user = user,
    };
    /* Leaving the workload crosses the technique's boundary; a technique that names none
     * still breaks the workload's isolation (there was nothing to stop it). */
    uint8_t leaving =
        (uint8_t)(tq->boundary == BOUNDARY_NONE && !host ? BOUNDARY_ISOLATION : tq->boundary);
    switch (c->effect) {
    case EFFECT_HOST_ADMIN: e.to = host_state(a, h, true); break;
    case EFFECT_HOST_USER: e.to = host_state(a, h, false); break;
    case EFFECT_HOST_SAME_LEVEL: e.to = host_state(a, h, level != LEVEL_USER); break;
    case EFFECT_HOST_KEY_OWNER: e.to = host_state(a, h, user_admin); break;
    case EFFECT_VM:
        if (host || (wl->isolation != ISOLATION_HYPERV && wl->isolation != ISOLATION_SANDBOX))
            return; /* only workloads with a utility VM or sandbox have one to hold */
        e.to = workload_state(owner, LEVEL_VM);
        e.crosses = BOUNDARY_NONE;
        add_edge(x, e);
        return;
    case EFFECT_HOST_WORKLOADS:
        e.crosses = (uint8_t)tq->boundary;
        for (size_t i = x->host_first[h]; i < x->host_first[h + 1]; i++) {
            size_t target = x->host_workloads[i];
            if (!host && target == owner) continue;
            e.to = workload_state(target, LEVEL_ADMIN);
            add_edge(x, e);
        }
        return;
    default: return;
    }
    if (e.to == from) return;
    e.crosses = host ? (uint8_t)tq->boundary : leaving;
    add_edge(x, e);
}

/* A clause, by technique and index. */
typedef struct {
    uint32_t t, k;
} ClauseRef;

/* The clauses that may apply from each workload level (user, admin, VM) and host level
 * (user, admin), in catalog order: those that start there and whose assumptions hold, found
 * once rather than for every workload (clause_eval would find the same). */
typedef struct {
    ClauseRef *refs; /* 5 lists of up to n_clauses, owned */
    size_t n[5];
} FromLists;

static FromLists from_lists(const Ctx *x)
{
    const Catalog *c = x->c;
    FromLists f = {.refs = xcalloc(5 * x->n_clauses + 1, sizeof *f.refs)};
    for (int i = 0; i < 5; i++) {
        bool host = i >= 3;
        Level level = (Level)(host ? i - 3 : i);
        for (size_t t = 0; t < c->n; t++)
            for (size_t k = 0; k < c->techniques[t].n_clauses; k++) {
                const Clause *cl = &c->techniques[t].clauses[k];
                bool assumed = true;
                for (int a = 0; a < ASSUME_COUNT; a++)
                    if ((cl->assume & (1u << a)) && !x->s->assume[a]) assumed = false;
                if ((cl->from & level_bit(level, host)) && assumed)
                    f.refs[i * x->n_clauses + f.n[i]++] = (ClauseRef){(uint32_t)t, (uint32_t)k};
            }
    }
    return f;
}

/* Builds the edges of hosts [h0, h1) into x->edges, each state's together: their workloads'
 * in index order (the scenario is read in order), then the hosts'. */
/* ---- memo keys: what the engine reads of a workload and its host ----------------------- */

/* Starts *k with the facts of host h that clause_eval reads (its shape's number). */
static void key_begin(KeyBuf *k, const Ctx *x, size_t h)
{
    k->n = 0;
    keybuf_num(k, x->host_shape[h]);
}

/* Appends the facts of workload w that clause_eval reads. */
static void key_workload(KeyBuf *k, const Ctx *x, size_t w)
{
    const Workload *wl = &x->s->workloads[w];
    char fixed[3] = {(char)('A' + wl->isolation), (char)('A' + wl->account),
                     (char)('A' + wl->privileged)};
    keybuf_add(k, fixed, sizeof fixed);
    keybuf_num(k, wl->host_namespaces);
    keybuf_num(k, wl->capabilities.n);
    for (size_t i = 0; i < wl->capabilities.n; i++)
        keybuf_str(k, wl->capabilities.items[i]);
    keybuf_num(k, wl->n_mounts);
    for (size_t m = 0; m < wl->n_mounts; m++) {
        keybuf_add(k, wl->mounts[m].read_only ? "r" : "w", 1);
        keybuf_str(k, x->mount_paths[w][m]);
    }
}

/* ---- building edges, once per workload shape -------------------------------------------- */

/* An emit_edge call clause_eval made for a workload: made again for a workload alike. */
typedef struct {
    uint32_t t, k;
    int32_t mount, user;
    uint8_t level;
    bool user_admin;
} EmitCall;

/* The calls made for each shape of workload (key_workload, its host's key_begin and its
 * hardening: everything clause_eval and emit_edge read of it), by one part. */
struct EdgeMemo {
    StrMap shapes; /* key -> shape index */
    char **keys;   /* owned */
    size_t *first; /* per shape: its calls are calls[first[i]] .. calls[first[i + 1]] */
    size_t n, cap;
    EmitCall *calls;
    size_t n_calls, cap_calls;
    KeyBuf key;
};

/* emit_edge, noting the call in x->memo. */
static void emit_recorded(Ctx *x, size_t t, size_t k, bool host, size_t owner, Level level,
                          int32_t mount, int32_t user, bool user_admin)
{
    EdgeMemo *m = x->memo;
    xgrow((void **)&m->calls, &m->cap_calls, m->n_calls + 1, sizeof *m->calls);
    m->calls[m->n_calls++] =
        (EmitCall){(uint32_t)t, (uint32_t)k, mount, user, (uint8_t)level, user_admin};
    emit_edge(x, t, k, host, owner, level, mount, user, user_admin);
}

static void edge_memo_done(EdgeMemo *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->first);
    free(m->calls);
    strmap_done(&m->shapes);
    keybuf_done(&m->key);
}

static void build_edges(Ctx *x, const FromLists *f, size_t h0, size_t h1)
{
    const Scenario *s = x->s;
    const Catalog *c = x->c;
    /* a workload alike one seen before (in everything clause_eval and emit_edge read) gets
     * the same emit_edge calls, made again for it rather than judged again */
    EdgeMemo memo = {0};
    strmap_init(&memo.shapes);
    for (size_t w = 0; w < s->n_workloads; w++) {
        size_t h = x->a->host_of[w];
        if (h < h0 || h >= h1) continue;
        const Workload *wl = &s->workloads[w];
        key_begin(&memo.key, x, h);
        key_workload(&memo.key, x, w);
        keybuf_num(&memo.key, wl->hardening.n);
        for (size_t i = 0; i < wl->hardening.n; i++)
            keybuf_str(&memo.key, wl->hardening.items[i]);
        size_t shape;
        if (strmap_get(&memo.shapes, keybuf_text(&memo.key), &shape)) {
            x->edge_shape[w] = (uint32_t)shape;
            for (size_t i = memo.first[shape]; i < memo.first[shape + 1]; i++) {
                const EmitCall *e = &memo.calls[i];
                emit_edge(x, e->t, e->k, false, w, (Level)e->level, e->mount, e->user,
                          e->user_admin);
            }
            continue;
        }
        shape = memo.n++;
        x->edge_shape[w] = (uint32_t)shape;
        xgrow((void **)&memo.keys, &memo.cap, memo.n, sizeof *memo.keys);
        memo.first = xrealloc(memo.first, (memo.cap + 1) * sizeof *memo.first);
        memo.keys[shape] = xstrdup(keybuf_text(&memo.key));
        strmap_put(&memo.shapes, memo.keys[shape], shape);
        memo.first[shape] = memo.n_calls;
        x->memo = &memo;
        unsigned os_bit = 1u << s->hosts[h].os, iso_bit = 1u << wl->isolation;
        for (int level = LEVEL_USER; level <= LEVEL_VM; level++)
            for (size_t i = 0; i < f->n[level]; i++) {
                const ClauseRef *r = &f->refs[(size_t)level * x->n_clauses + i];
                const Clause *cl = &c->techniques[r->t].clauses[r->k];
                /* the cheapest conditions first: a clause for another OS or isolation fails */
                if ((cl->os && !(cl->os & os_bit)) || (cl->isolation && !(cl->isolation & iso_bit)))
                    continue;
                clause_eval(x, r->t, r->k, false, w, (Level)level, emit_recorded, NULL);
            }
        x->memo = NULL;
        memo.first[shape + 1] = memo.n_calls;
    }
    x->n_edge_shapes = memo.n;
    edge_memo_done(&memo);
    for (size_t h = h0; h < h1; h++) {
        for (int level = LEVEL_USER; level <= LEVEL_ADMIN; level++)
            for (size_t i = 0; i < f->n[3 + level]; i++) {
                const ClauseRef *r = &f->refs[(size_t)(3 + level) * x->n_clauses + i];
                clause_eval(x, r->t, r->k, true, h, (Level)level, emit_edge, NULL);
            }
    }
}

/* Orders techniques by id through their precomputed ranks. */
static int technique_cmp(const uint32_t *rank, uint32_t x, uint32_t y)
{
    return rank[x] < rank[y] ? -1 : rank[x] > rank[y];
}

static int id_order(const void *x, const void *y, void *ctx)
{
    const Catalog *c = ctx;
    return strcmp(c->techniques[*(const uint32_t *)x].id, c->techniques[*(const uint32_t *)y].id);
}

/* rank[t] = the position of technique t's id in sorted order. Owned. */
static uint32_t *technique_ranks(const Catalog *c)
{
    uint32_t *order = xcalloc(c->n + 1, sizeof *order), *rank = xcalloc(c->n + 1, sizeof *rank);
    for (size_t i = 0; i < c->n; i++)
        order[i] = (uint32_t)i;
    xqsort_r(order, c->n, sizeof *order, id_order, (void *)c);
    for (size_t i = 0; i < c->n; i++)
        rank[order[i]] = (uint32_t)i;
    free(order);
    return rank;
}

static int edge_order(const void *pa, const void *pb, void *rank)
{
    const Edge *ea = pa, *eb = pb;
    if (ea->from != eb->from) return ea->from < eb->from ? -1 : 1;
    int c = technique_cmp(rank, ea->technique, eb->technique);
    if (c) return c;
    if (ea->to != eb->to) return ea->to < eb->to ? -1 : 1;
    return ea->mount < eb->mount ? -1 : ea->mount > eb->mount;
}

/* Where a state's edges are in Analysis.edges: [begin, end). */
typedef struct {
    uint32_t begin, end;
} EdgeRange;

/* Orders each run of edges from one state by edge_order: insertion sort (a state has few
 * edges), stable as a merge sort. */
static void sort_runs(Edge *edges, size_t n, const uint32_t *rank)
{
    for (size_t first = 0, end; first < n; first = end) {
        for (end = first + 1; end < n && edges[end].from == edges[first].from;)
            end++;
        for (size_t i = first + 1; i < end; i++) {
            Edge e = edges[i];
            size_t j = i;
            while (j > first && edge_order(&edges[j - 1], &e, (void *)rank) > 0) {
                edges[j] = edges[j - 1];
                j--;
            }
            edges[j] = e;
        }
    }
}

/* Each state's range of edges (owned, one per state). Should a state's edges come in two
 * runs (build_edges makes them together), all edges are sorted by state instead. */
static EdgeRange *edge_ranges(Analysis *a)
{
    EdgeRange *r = xcalloc(a->n_states + 1, sizeof *r);
    for (size_t first = 0, end; first < a->n_edges; first = end) {
        uint32_t from = a->edges[first].from;
        for (end = first + 1; end < a->n_edges && a->edges[end].from == from;)
            end++;
        if (r[from].end) { /* a second run */
            xqsort_r(a->edges, a->n_edges, sizeof *a->edges, edge_order, a->technique_rank);
            memset(r, 0, (a->n_states + 1) * sizeof *r);
            for (size_t i = 0; i < a->n_edges; i++) {
                if (!r[a->edges[i].from].end) r[a->edges[i].from].begin = (uint32_t)i;
                r[a->edges[i].from].end = (uint32_t)i + 1;
            }
            return r;
        }
        r[from] = (EdgeRange){(uint32_t)first, (uint32_t)end};
    }
    return r;
}

/* ---- the search -------------------------------------------------------------------------- */

/* What a search knows of a state, in one place (a search touches states scattered over the
 * scenario: one cache line each instead of five). */
typedef struct {
    int32_t effort;
    int32_t steps;
    uint32_t parent; /* edge index, UINT32_MAX for the start */
    uint32_t stamp;  /* search generation in which the state was reached */
    bool done;
} StateInfo;

typedef struct {
    StateInfo *st; /* per state */
    uint32_t gen;
    uint32_t *heap; /* states */
    size_t heap_n, heap_cap;
    uint32_t *visited;
    size_t n_visited, cap_visited;
    const EdgeRange *range; /* per state: its edges */
} Search;

static bool key_less(const Search *sr, uint32_t a, uint32_t b)
{
    if (sr->st[a].effort != sr->st[b].effort) return sr->st[a].effort < sr->st[b].effort;
    if (sr->st[a].steps != sr->st[b].steps) return sr->st[a].steps < sr->st[b].steps;
    return a < b;
}

static void heap_push(Search *sr, uint32_t v)
{
    xgrow((void **)&sr->heap, &sr->heap_cap, sr->heap_n + 1, sizeof *sr->heap);
    size_t i = sr->heap_n++;
    sr->heap[i] = v;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!key_less(sr, sr->heap[i], sr->heap[p])) break;
        uint32_t tmp = sr->heap[i];
        sr->heap[i] = sr->heap[p];
        sr->heap[p] = tmp;
        i = p;
    }
}

static uint32_t heap_pop(Search *sr)
{
    uint32_t top = sr->heap[0];
    sr->heap[0] = sr->heap[--sr->heap_n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < sr->heap_n && key_less(sr, sr->heap[l], sr->heap[m])) m = l;
        if (r < sr->heap_n && key_less(sr, sr->heap[r], sr->heap[m])) m = r;
        if (m == i) break;
        uint32_t tmp = sr->heap[i];
        sr->heap[i] = sr->heap[m];
        sr->heap[m] = tmp;
        i = m;
    }
    return top;
}

/* The id of the entity a state belongs to, for ordering equal-effort paths. */
static const char *state_entity_id(const Analysis *a, uint32_t state)
{
    size_t owner = state_owner(a, state);
    return state_is_host(a, state) ? a->scenario->hosts[owner].id
                                   : a->scenario->workloads[owner].id;
}

/* Compares the step sequences ending in edge ex and edge ey (same effort and length):
 * by technique id, then by the entity each step reaches, first step first. */
static int seq_compare(const Analysis *a, const Search *sr, uint32_t ex, uint32_t ey)
{
    uint32_t xs[64], ys[64];
    size_t nx = 0, ny = 0;
    for (uint32_t e = ex; e != UINT32_MAX && nx < 64; e = sr->st[a->edges[e].from].parent)
        xs[nx++] = e;
    for (uint32_t e = ey; e != UINT32_MAX && ny < 64; e = sr->st[a->edges[e].from].parent)
        ys[ny++] = e;
    while (nx && ny) {
        uint32_t i = xs[--nx], j = ys[--ny];
        if (i == j) continue; /* a shared step */
        const Edge *p = &a->edges[i], *q = &a->edges[j];
        int c = technique_cmp(a->technique_rank, p->technique, q->technique);
        if (!c) c = strcmp(state_entity_id(a, p->to), state_entity_id(a, q->to));
        if (!c && p->to != q->to) c = p->to < q->to ? -1 : 1;
        if (c) return c;
    }
    return (nx > 0) - (ny > 0);
}

static bool is_local(const Analysis *a, uint32_t state, size_t w)
{
    return !state_is_host(a, state) && state_owner(a, state) == w;
}

static void search_visit(Search *sr, uint32_t v)
{
    xgrow((void **)&sr->visited, &sr->cap_visited, sr->n_visited + 1, sizeof *sr->visited);
    sr->visited[sr->n_visited++] = v;
}

/* Lowest-effort search from start. With local >= 0, only the states of workload `local` are
 * expanded: the others (portals) are reached, with their best prefix, but not left. */
static void search_run(const Analysis *a, Search *sr, uint32_t start, long local)
{
    sr->gen++;
    sr->n_visited = 0;
    sr->heap_n = 0;
    sr->st[start].stamp = sr->gen;
    sr->st[start].effort = 0;
    sr->st[start].steps = 0;
    sr->st[start].parent = UINT32_MAX;
    sr->st[start].done = false;
    search_visit(sr, start);
    heap_push(sr, start);
    while (sr->heap_n) {
        uint32_t u = heap_pop(sr);
        if (sr->st[u].done) continue;
        sr->st[u].done = true;
        for (size_t i = sr->range[u].begin; i < sr->range[u].end; i++) {
            const Edge *e = &a->edges[i];
            uint32_t v = e->to;
            int eff = sr->st[u].effort + e->effort, st = sr->st[u].steps + 1;
            if (sr->st[v].stamp != sr->gen) {
                sr->st[v].stamp = sr->gen;
                sr->st[v].done = false;
                sr->st[v].effort = eff;
                sr->st[v].steps = st;
                sr->st[v].parent = (uint32_t)i;
                search_visit(sr, v);
                if (local < 0 || is_local(a, v, (size_t)local)) heap_push(sr, v);
                continue;
            }
            if (sr->st[v].done) continue;
            if (eff < sr->st[v].effort || (eff == sr->st[v].effort && st < sr->st[v].steps)) {
                sr->st[v].effort = eff;
                sr->st[v].steps = st;
                sr->st[v].parent = (uint32_t)i;
                if (local < 0 || is_local(a, v, (size_t)local)) heap_push(sr, v);
            } else if (eff == sr->st[v].effort && st == sr->st[v].steps &&
                       seq_compare(a, sr, (uint32_t)i, sr->st[v].parent) < 0) {
                sr->st[v].parent = (uint32_t)i;
            }
        }
    }
}

/* ---- results ----------------------------------------------------------------------------- */

static const char *target_id(const Analysis *a, const Path *p)
{
    return p->kind == TARGET_HOST ? a->scenario->hosts[p->target].id
                                  : a->scenario->tenants[p->target].id;
}

int path_compare(const Analysis *a, const Path *x, const Path *y)
{
    if (x->effort != y->effort) return x->effort < y->effort ? -1 : 1;
    if (x->n_steps != y->n_steps) return x->n_steps < y->n_steps ? -1 : 1;
    int c = strcmp(a->scenario->workloads[x->start].id, a->scenario->workloads[y->start].id);
    if (c) return c;
    if (x->kind != y->kind) return x->kind == TARGET_HOST ? -1 : 1;
    return strcmp(target_id(a, x), target_id(a, y));
}

/* Kept paths: all of them, or a max-heap of the best max_paths. */
typedef struct {
    const Analysis *a;
    size_t max;
    Path *items;
    size_t n, cap;
} PathSet;

static void pathset_sift_down(PathSet *ps, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < ps->n && path_compare(ps->a, &ps->items[l], &ps->items[m]) > 0) m = l;
        if (r < ps->n && path_compare(ps->a, &ps->items[r], &ps->items[m]) > 0) m = r;
        if (m == i) return;
        Path tmp = ps->items[i];
        ps->items[i] = ps->items[m];
        ps->items[m] = tmp;
        i = m;
    }
}

/* Would the path (without steps yet) be kept? */
static bool pathset_wants(const PathSet *ps, const Path *p)
{
    return ps->max == 0 || ps->n < ps->max || path_compare(ps->a, p, &ps->items[0]) < 0;
}

static void pathset_add(PathSet *ps, Path p)
{
    if (ps->max == 0 || ps->n < ps->max) {
        xgrow((void **)&ps->items, &ps->cap, ps->n + 1, sizeof *ps->items);
        size_t i = ps->n++;
        ps->items[i] = p;
        if (ps->max == 0) return;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (path_compare(ps->a, &ps->items[i], &ps->items[parent]) <= 0) break;
            Path tmp = ps->items[i];
            ps->items[i] = ps->items[parent];
            ps->items[parent] = tmp;
            i = parent;
        }
        return;
    }
    free(ps->items[0].steps);
    ps->items[0] = p;
    pathset_sift_down(ps, 0);
}

static int path_qsort(const void *x, const void *y, void *a)
{
    return path_compare(a, x, y);
}

/* Is the path to state x better than the path to state y (both reached)? */
static bool reach_better(const Analysis *a, const Search *sr, uint32_t x, uint32_t y)
{
    if (sr->st[x].effort != sr->st[y].effort) return sr->st[x].effort < sr->st[y].effort;
    if (sr->st[x].steps != sr->st[y].steps) return sr->st[x].steps < sr->st[y].steps;
    if (sr->st[x].parent == UINT32_MAX || sr->st[y].parent == UINT32_MAX)
        return sr->st[x].parent == UINT32_MAX;
    int c = seq_compare(a, sr, sr->st[x].parent, sr->st[y].parent);
    return c < 0 || (c == 0 && x < y);
}

/* Tenant exposure, gathered as (from, to, host) triples of id ranks packed into one integer
 * (from's rank, then to's, then the host's, so that integer order is id order), sorted and
 * de-duplicated at the end: linear in what the walk reaches. A host rank of n_hosts marks a
 * pair reached through no host. */
typedef struct {
    uint64_t *keys;
    size_t n, cap;
    unsigned host_bits, tenant_bits;
    const size_t *host_rank, *tenant_rank;
} Triples;

static unsigned bits_for(size_t n)
{
    unsigned b = 1;
    while (b < 64 && ((uint64_t)1 << b) <= n)
        b++;
    return b;
}

static void triple_add(Triples *t, size_t from, size_t to, size_t host_rank)
{
    uint64_t key =
        (((uint64_t)t->tenant_rank[from] << t->tenant_bits | t->tenant_rank[to]) << t->host_bits) |
        host_rank;
    if (t->n && t->keys[t->n - 1] == key) return; /* the usual case: the same host again */
    xgrow((void **)&t->keys, &t->cap, t->n + 1, sizeof *t->keys);
    t->keys[t->n++] = key;
}

static int u64_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Sorts n keys (LSD radix, 8 bits a pass, from bit `from` up to bit `bits`); tmp holds n. */
static void radix_lsd(uint64_t *keys, uint64_t *tmp, size_t n, unsigned from, unsigned bits)
{
    if (n < 64) {
        for (size_t i = 1; i < n; i++) { /* insertion sort: a small bucket */
            uint64_t k = keys[i];
            size_t j = i;
            for (; j > 0 && keys[j - 1] > k; j--)
                keys[j] = keys[j - 1];
            keys[j] = k;
        }
        return;
    }
    uint64_t *src = keys, *dst = tmp;
    size_t count[257];
    for (unsigned shift = from; shift < bits; shift += 8) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[((src[i] >> shift) & 255) + 1]++;
        for (size_t d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 255]++] = src[i];
        uint64_t *sw = src;
        src = dst;
        dst = sw;
    }
    if (src != keys) memcpy(keys, src, n * sizeof *keys);
}

/* Sorts n keys of `bits` significant bits: first by their top `top` bits into buckets (one
 * scattering pass), then each bucket, small enough to stay in cache, on the rest. */
static void radix_sort(uint64_t *keys, size_t n, unsigned bits, unsigned top)
{
    if (n < 4096 || top >= bits) {
        xqsort(keys, n, sizeof *keys, u64_cmp);
        return;
    }
    unsigned low = bits - top;
    size_t buckets = (size_t)1 << top;
    size_t *start = xcalloc(buckets + 2, sizeof *start);
    uint64_t *tmp = xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++)
        start[(keys[i] >> low) + 2]++;
    for (size_t d = 0; d < buckets; d++)
        start[d + 2] += start[d + 1];
    for (size_t i = 0; i < n; i++)
        tmp[start[(keys[i] >> low) + 1]++] = keys[i];
    /* start[d] is now bucket d's first key */
    memcpy(keys, tmp, n * sizeof *keys);
    for (size_t d = 0; d < buckets; d++)
        radix_lsd(keys + start[d], tmp, start[d + 1] - start[d], 0, low);
    free(tmp);
    free(start);
}

/* Sorts a part's triples and drops repeats (each part does its own, at once). */
static void triples_sort(Triples *t)
{
    radix_sort(t->keys, t->n, 2 * t->tenant_bits + t->host_bits, t->tenant_bits);
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        if (k == 0 || t->keys[i] != t->keys[k - 1]) t->keys[k++] = t->keys[i];
    t->n = k;
}

static int host_id_order(const void *x, const void *y, void *scenario)
{
    const Scenario *s = scenario;
    return strcmp(s->hosts[*(const size_t *)x].id, s->hosts[*(const size_t *)y].id);
}

static int tenant_id_order(const void *x, const void *y, void *scenario)
{
    const Scenario *s = scenario;
    return strcmp(s->tenants[*(const size_t *)x].id, s->tenants[*(const size_t *)y].id);
}

/* *order: item indices in the order of cmp over their ids; *rank: the inverse (item i's
 * position). Both owned. */
static void id_order_rank(const Scenario *s, size_t n,
                          int (*cmp)(const void *, const void *, void *), size_t **order,
                          size_t **rank)
{
    *order = xcalloc(n + 1, sizeof **order);
    *rank = xcalloc(n + 1, sizeof **rank);
    for (size_t i = 0; i < n; i++)
        (*order)[i] = i;
    xqsort_r(*order, n, sizeof **order, cmp, (void *)s);
    for (size_t i = 0; i < n; i++)
        (*rank)[(*order)[i]] = i;
}

/* ---- portals ----------------------------------------------------------------------------
 * A start's search stays inside its own workload; the first state outside it (a host state,
 * usually) is a portal. What lies beyond a portal is the same for every start that reaches
 * it, so each portal is searched once and its best path to every host and tenant kept. The
 * best path from a start is then a best local prefix to some portal followed by that
 * portal's best suffix: with positive efforts and lexicographic ties this is exactly the
 * path a search from the start would find. */

typedef struct {
    uint8_t kind; /* TargetKind */
    uint32_t idx; /* host or tenant index */
    uint32_t state;
    int effort, steps;
    uint8_t n_hosts; /* hosts the suffix goes through (the first few), for exposure */
    uint32_t hosts[4];
} PortalTarget;

typedef struct {
    PortalTarget *targets;
    size_t n_targets;
    uint32_t *states; /* visited states, sorted, with their parent edges */
    uint32_t *parents;
    size_t n;
} Portal;

typedef struct {
    Portal *items;
    size_t n, cap;
    int32_t *of_state; /* portal index per state, -1 when not computed */
} Portals;

static int u32_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* The parent edge of state v in portal p's search (UINT32_MAX at the portal itself). */
static uint32_t portal_parent(const Portal *p, uint32_t v)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->states[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    assert(lo < p->n && p->states[lo] == v);
    return p->parents[lo];
}

/* Searches from portal state v once; marks what it reaches as attacked or compromised. */
static const Portal *portal_get(Ctx *x, Portals *ps, Search *sp, uint32_t v, bool *attacked)
{
    Analysis *a = x->a;
    const Scenario *s = x->s;
    if (ps->of_state[v] >= 0) return &ps->items[ps->of_state[v]];
    search_run(a, sp, v, -1);
    xgrow((void **)&ps->items, &ps->cap, ps->n + 1, sizeof *ps->items);
    ps->of_state[v] = (int32_t)ps->n;
    Portal *p = &ps->items[ps->n++];
    memset(p, 0, sizeof *p);
    p->n = sp->n_visited;
    p->states = xmalloc(p->n * sizeof *p->states);
    p->parents = xmalloc(p->n * sizeof *p->parents);
    memcpy(p->states, sp->visited, p->n * sizeof *p->states);
    xqsort(p->states, p->n, sizeof *p->states, u32_cmp);
    for (size_t i = 0; i < p->n; i++)
        p->parents[i] = sp->st[p->states[i]].parent;

    /* best state per host and per tenant, in the order first reached */
    uint32_t *best = xmalloc((s->n_hosts + s->n_tenants + 1) * sizeof *best);
    for (size_t i = 0; i < s->n_hosts + s->n_tenants; i++)
        best[i] = UINT32_MAX;
    size_t *touched = xmalloc((s->n_hosts + s->n_tenants + 1) * sizeof *touched), nt = 0;
    for (size_t i = 0; i < sp->n_visited; i++) {
        uint32_t st = sp->visited[i];
        size_t owner = state_owner(a, st);
        size_t slot;
        if (state_is_host(a, st)) {
            slot = owner;
            a->host_compromised[owner] = true;
        } else {
            attacked[owner] = true;
            slot = s->n_hosts + a->tenant_of[owner];
        }
        if (best[slot] == UINT32_MAX) touched[nt++] = slot;
        if (best[slot] == UINT32_MAX || reach_better(a, sp, st, best[slot])) best[slot] = st;
    }
    p->targets = xcalloc(nt + 1, sizeof *p->targets);
    for (size_t i = 0; i < nt; i++) {
        size_t slot = touched[i];
        uint32_t st = best[slot];
        p->targets[p->n_targets++] = (PortalTarget){
            .kind = slot < s->n_hosts ? TARGET_HOST : TARGET_TENANT,
            .idx = (uint32_t)(slot < s->n_hosts ? slot : slot - s->n_hosts),
            .state = st,
            .effort = sp->st[st].effort,
            .steps = sp->st[st].steps,
        };
        PortalTarget *pt = &p->targets[p->n_targets - 1];
        for (uint32_t e = sp->st[st].parent; e != UINT32_MAX; e = sp->st[a->edges[e].from].parent) {
            uint32_t to = a->edges[e].to;
            if (!state_is_host(a, to) || pt->n_hosts == 4) continue;
            uint32_t h = (uint32_t)state_owner(a, to);
            bool seen = false;
            for (uint8_t k = 0; k < pt->n_hosts; k++)
                seen |= pt->hosts[k] == h;
            if (!seen) pt->hosts[pt->n_hosts++] = h;
        }
    }
    free(best);
    free(touched);
    return p;
}

static void portals_done(Portals *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->items[i].targets);
        free(ps->items[i].states);
        free(ps->items[i].parents);
    }
    free(ps->items);
    free(ps->of_state);
}

/* A candidate path: the local prefix to portal state `via`, then the portal's suffix. */
typedef struct {
    uint32_t via;
    const Portals *portals; /* by index: adding a portal may move them */
    uint32_t portal, target;
    int effort, steps;
} Candidate;

static const Portal *cand_portal(const Candidate *c)
{
    return &c->portals->items[c->portal];
}

static const PortalTarget *cand_target(const Candidate *c)
{
    return &cand_portal(c)->targets[c->target];
}

/* Writes the candidate's edges, first step first, into out (room for c->steps). */
static void candidate_edges(const Analysis *a, const Search *sr, const Candidate *c, uint32_t *out)
{
    size_t n_prefix = (size_t)sr->st[c->via].steps, i = n_prefix;
    for (uint32_t e = sr->st[c->via].parent; e != UINT32_MAX; e = sr->st[a->edges[e].from].parent)
        out[--i] = e;
    size_t k = (size_t)c->steps;
    for (uint32_t e = portal_parent(cand_portal(c), cand_target(c)->state); e != UINT32_MAX;
         e = portal_parent(cand_portal(c), a->edges[e].from))
        out[--k] = e;
    assert(i == 0 && k == n_prefix);
}

/* Orders equal-effort, equal-length candidates by their steps, as seq_compare does. */
static int candidate_compare(const Analysis *a, const Search *sr, const Candidate *x,
                             const Candidate *y)
{
    if (x->effort != y->effort) return x->effort < y->effort ? -1 : 1;
    if (x->steps != y->steps) return x->steps < y->steps ? -1 : 1;
    uint32_t buf[64], *ex = x->steps < 32 ? buf : xmalloc(((size_t)x->steps + 1) * 2 * sizeof *ex);
    uint32_t *ey = ex + x->steps + 1;
    candidate_edges(a, sr, x, ex);
    candidate_edges(a, sr, y, ey);
    int c = 0;
    for (int i = 0; i < x->steps && !c; i++) {
        if (ex[i] == ey[i]) continue; /* a shared step */
        const Edge *p = &a->edges[ex[i]], *q = &a->edges[ey[i]];
        c = technique_cmp(a->technique_rank, p->technique, q->technique);
        if (!c) c = strcmp(state_entity_id(a, p->to), state_entity_id(a, q->to));
        if (!c && p->to != q->to) c = p->to < q->to ? -1 : 1;
    }
    if (ex != buf) free(ex);
    return c;
}

static Path candidate_path(const Analysis *a, const Search *sr, size_t start, TargetKind kind,
                           size_t target, const Candidate *c, bool with_steps)
{
    Path p = {.start = start,
              .kind = kind,
              .target = target,
              .effort = c->effort,
              .n_steps = (size_t)c->steps};
    if (with_steps) {
        p.steps = xcalloc(p.n_steps ? p.n_steps : 1, sizeof *p.steps);
        candidate_edges(a, sr, c, p.steps);
    }
    return p;
}

/* Records, for every mount of hosts [h0, h1), what the catalog's mount rules could do with it, and
 * which clauses' paths it matches (Ctx.mount_match, for clause_eval). */
static void judge_mounts(Ctx *x, size_t h0, size_t h1)
{
    Analysis *a = x->a;
    const Scenario *s = x->s;
    for (size_t w = 0; w < s->n_workloads; w++) {
        size_t h = a->host_of[w];
        if (h < h0 || h >= h1) continue;
        Os os = s->hosts[h].os;
        for (size_t m = 0; m < s->workloads[w].n_mounts; m++) {
            const char *mp = x->mount_paths[w][m];
            PathStr mount = {(char *)mp, strlen(mp)};
            uint8_t risk = 0;
            for (size_t u = 0; u < x->n_keys[h] && !risk; u++)
                if (hostpath_covers(mp, x->keys[h][u].key_file)) risk = RISK_KEY;
            bool *match_of = x->mount_match + (a->mount_first[w] + m) * x->n_clauses;
            for (size_t t = 0; t < x->c->n; t++) {
                const Technique *tq = &x->c->techniques[t];
                for (size_t k = 0; k < tq->n_clauses; k++) {
                    const Clause *c = &tq->clauses[k];
                    if (c->mount.need == MOUNT_NONE) continue;
                    bool paths = path_matches(&mount, &x->paths[t][k], os);
                    match_of[x->clause_first[t] + k] = paths;
                    if (c->os && !(c->os & (1u << os))) continue;
                    if ((c->mount.key_files && (risk & RISK_KEY)) || paths)
                        risk |= c->mount.need == MOUNT_WRITABLE ? RISK_WRITABLE : RISK_ANY;
                }
            }
            a->mount_risk[a->mount_first[w] + m] = risk;
        }
    }
}

typedef struct WhyNotPool WhyNotPool; /* shared why-not lists, below */
typedef struct Lazy Lazy;             /* what engine_explain needs, below */

/* ---- parts --------------------------------------------------------------------------------
 * Every edge stays on one host, so the work divides into parts of whole hosts that share
 * nothing they write: each builds its hosts' edges, walks from their starts and judges their
 * workloads, with searches, portals, kept paths and exposure of its own, joined afterwards in
 * an order that does not depend on the parts. EngineOptions.runner may run them at once. */

typedef struct {
    Ctx x;         /* a copy of the analysis' context, with this part's edges */
    size_t h0, h1; /* its hosts */
    Search sr, sp; /* the starts' searches and the portals' */
    Portals portals;
    PathSet ps;
    Triples tr;
    bool *tenant_exposed; /* per tenant */
    size_t paths_total;
    WhyNotPool *pool;   /* its why-not lists and technique lists */
    uint32_t *found[2]; /* judging a workload: the techniques breaking each boundary */
} Part;

/* A range of exposure's keys, from lo to the next range's lo: its pairs and hosts. */
typedef struct {
    uint64_t lo;
    size_t n_pairs, n_hosts;
    size_t first_pair, first_host; /* where they go in Analysis.exposure and exposure_hosts */
} KeyRange;

typedef struct {
    Part *parts;
    size_t n;
    const EngineOptions *opt;
    const FromLists *from;
    bool *attacked; /* per workload (each part writes its own hosts' workloads only) */
    Lazy *lazy;
    const size_t *host_rank; /* NULL: no exposure */
    const size_t *host_order, *tenant_order;
    KeyRange *ranges; /* building exposure: one per part */
} Work;

static void run_parts(Work *wk, void (*job)(void *, size_t))
{
    runner_run(wk->opt ? wk->opt->runner : NULL, job, wk, wk->n);
}

static void edges_job(void *work, size_t i)
{
    Work *wk = work;
    Part *p = &wk->parts[i];
    index_hosts(&p->x, p->h0, p->h1);
    judge_mounts(&p->x, p->h0, p->h1);
    build_edges(&p->x, wk->from, p->h0, p->h1);
    sort_runs(p->x.edges, p->x.n_edges, p->x.a->technique_rank);
}

/* Walks from the starts of part i's hosts, recording reached hosts and tenants, exposure and
 * paths. */
static void walk_job(void *work, size_t part)
{
    Work *wk = work;
    Part *pt = &wk->parts[part];
    Ctx *x = &pt->x;
    Analysis *a = x->a;
    const Scenario *s = x->s;
    const EngineOptions *opt = wk->opt;
    Search *sr = &pt->sr, *sp = &pt->sp;
    bool *attacked = wk->attacked;
    const size_t *host_rank = wk->host_rank;
    Triples *tr = &pt->tr;
    PathSet *ps = &pt->ps;
    Portals *portals = &pt->portals;
    /* written before read (xcalloc_written: 7% of a 150k analysis went to TLB flushes once) */
    sr->st = xcalloc_written(a->n_states + 1, sizeof *sr->st);
    sp->st = xcalloc_written(a->n_states + 1, sizeof *sp->st);
    portals->of_state = xmalloc((a->n_states + 1) * sizeof *portals->of_state);
    for (size_t i = 0; i <= a->n_states; i++)
        portals->of_state[i] = -1;
    /* per start: the best candidate per host and per tenant, reset through a touched list */
    size_t n_slots = s->n_hosts + s->n_tenants;
    Candidate *best = xcalloc(n_slots + 1, sizeof *best);
    bool *has = xcalloc(n_slots + 1, sizeof *has);
    size_t *touched = xmalloc((n_slots + 1) * sizeof *touched);

    /* host by host: a host's states, edges and portals stay in cache from start to start */
    for (size_t hw = x->host_first[pt->h0]; hw < x->host_first[pt->h1]; hw++) {
        size_t w = x->host_workloads[hw];
        if (!a->is_start[w]) continue;
        const Workload *wl = &s->workloads[w];
        uint32_t start = workload_state(w, wl->account == ACCOUNT_ADMIN ? LEVEL_ADMIN : LEVEL_USER);
        search_run(a, sr, start, (long)w);
        size_t own = a->tenant_of[w], nt = 0;
        /* the reference mode (tests) searches the whole graph from the start itself */
        size_t n_via = opt && opt->reference ? 1 : sr->n_visited;
        for (size_t i = 0; i < n_via; i++) {
            uint32_t v = opt && opt->reference ? start : sr->visited[i];
            if (is_local(a, v, w) && !(opt && opt->reference)) {
                attacked[w] = true;
                continue;
            }
            const Portal *p = portal_get(x, portals, sp, v, attacked);
            uint32_t pi = (uint32_t)portals->of_state[v];
            for (size_t k = 0; k < p->n_targets; k++) {
                const PortalTarget *t = &p->targets[k];
                if (t->kind == TARGET_TENANT && t->idx == own) continue;
                size_t slot = t->kind == TARGET_HOST ? t->idx : s->n_hosts + t->idx;
                int effort = sr->st[v].effort + t->effort, steps = sr->st[v].steps + t->steps;
                Candidate *b = &best[slot];
                /* field by field, and compared by effort and steps before any candidate is
                 * built: building one on the stack and copying it stalled on every target */
                if (has[slot]) {
                    if (effort > b->effort || (effort == b->effort && steps > b->steps)) continue;
                    if (effort == b->effort && steps == b->steps) {
                        Candidate c = {v, portals, pi, (uint32_t)k, effort, steps};
                        if (candidate_compare(a, sr, &c, b) >= 0) continue;
                    }
                } else {
                    has[slot] = true;
                    touched[nt++] = slot;
                }
                b->via = v;
                b->portals = portals;
                b->portal = pi;
                b->target = (uint32_t)k;
                b->effort = effort;
                b->steps = steps;
            }
        }
        for (size_t i = 0; i < nt; i++) {
            size_t slot = touched[i];
            const Candidate *c = &best[slot];
            has[slot] = false;
            TargetKind kind = slot < s->n_hosts ? TARGET_HOST : TARGET_TENANT;
            size_t target = kind == TARGET_HOST ? slot : slot - s->n_hosts;
            if (kind == TARGET_TENANT) pt->tenant_exposed[target] = true;
            if (kind == TARGET_TENANT && host_rank) {
                size_t before = tr->n;
                for (uint32_t e = sr->st[c->via].parent; e != UINT32_MAX;
                     e = sr->st[a->edges[e].from].parent)
                    if (state_is_host(a, a->edges[e].to))
                        triple_add(tr, own, target, host_rank[state_owner(a, a->edges[e].to)]);
                for (uint8_t k = 0; k < cand_target(c)->n_hosts; k++)
                    triple_add(tr, own, target, host_rank[cand_target(c)->hosts[k]]);
                if (tr->n == before) triple_add(tr, own, target, s->n_hosts); /* no host */
            }
            Path p = candidate_path(a, sr, w, kind, target, c, false);
            pt->paths_total++;
            if (pathset_wants(ps, &p))
                pathset_add(ps, candidate_path(a, sr, w, kind, target, c, true));
        }
    }
    portals_done(portals);
    free(best);
    free(has);
    free(touched);
    free(sp->st);
    free(sp->heap);
    free(sp->visited);
    free(sr->st);
    free(sr->heap);
    free(sr->visited);
    if (host_rank) triples_sort(tr);
}

/* Exposure is made straight from the parts' sorted triples (no part's triple is another's but
 * the no-host ones, dropped as repeats), in ranges of keys, one per part, each merging its
 * range of every part: a first pass counts its pairs and hosts, a second writes them where
 * the counts put them. A range starts at a pair's first key, so a pair stays in one range. */
static size_t keys_before(const uint64_t *keys, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The next key of the merge of the parts' keys at[i] .. end[i] - 1 (false at the end); two
 * parts, the usual case, without a branch on which key is less (it cannot be predicted). */
static inline bool merge_next(const Work *wk, size_t *at, const size_t *end, uint64_t *k)
{
    if (wk->n == 2) {
        bool has0 = at[0] < end[0], has1 = at[1] < end[1];
        if (!has0 && !has1) return false;
        uint64_t k0 = has0 ? wk->parts[0].tr.keys[at[0]] : 0;
        uint64_t k1 = has1 ? wk->parts[1].tr.keys[at[1]] : 0;
        bool take0 = has0 & (!has1 | (k0 <= k1));
        *k = take0 ? k0 : k1;
        at[0] += take0;
        at[1] += !take0;
        return true;
    }
    size_t best = wk->n;
    for (size_t i = 0; i < wk->n; i++)
        if (at[i] < end[i] &&
            (best == wk->n || wk->parts[i].tr.keys[at[i]] < wk->parts[best].tr.keys[at[best]]))
            best = i;
    if (best == wk->n) return false;
    *k = wk->parts[best].tr.keys[at[best]++];
    return true;
}

static void exposure_range(Work *wk, size_t j, bool fill)
{
    Analysis *a = wk->parts[0].x.a;
    const Triples *t0 = &wk->parts[0].tr;
    KeyRange *r = &wk->ranges[j];
    size_t *at = xcalloc(2 * wk->n, sizeof *at), *end = at + wk->n;
    for (size_t i = 0; i < wk->n; i++) {
        const Triples *t = &wk->parts[i].tr;
        at[i] = keys_before(t->keys, t->n, r->lo);
        end[i] = j + 1 < wk->n ? keys_before(t->keys, t->n, wk->ranges[j + 1].lo) : t->n;
    }
    uint64_t host_mask = ((uint64_t)1 << t0->host_bits) - 1;
    uint64_t tenant_mask = ((uint64_t)1 << t0->tenant_bits) - 1;
    size_t n_pairs = 0, n_hosts = 0;
    Exposure *e = NULL;
    uint64_t prev = 0;
    uint64_t k;
    for (bool any = false; merge_next(wk, at, end, &k);) {
        if (any && k == prev) continue;
        if (!any || k >> t0->host_bits != prev >> t0->host_bits) {
            if (fill) {
                e = &a->exposure[r->first_pair + n_pairs];
                uint64_t pair = k >> t0->host_bits;
                e->from = wk->tenant_order[pair >> t0->tenant_bits];
                e->to = wk->tenant_order[pair & tenant_mask];
                e->hosts = a->exposure_hosts + r->first_host + n_hosts;
            }
            n_pairs++;
        }
        any = true;
        prev = k;
        size_t hr = (size_t)(k & host_mask);
        if (hr < a->scenario->n_hosts) {
            if (fill) {
                e->hosts[e->n_hosts++] = wk->host_order[hr];
            }
            n_hosts++;
        }
    }
    free(at);
    r->n_pairs = n_pairs;
    r->n_hosts = n_hosts;
}

static void exposure_count_job(void *work, size_t j)
{
    exposure_range(work, j, false);
}

static void exposure_fill_job(void *work, size_t j)
{
    exposure_range(work, j, true);
}

/* Turns the parts' triples into a->exposure, sorted by (from id, to id), each with its hosts
 * sorted by id; the hosts of all pairs share one block (a->exposure_hosts). */
static void exposure_build(Work *wk)
{
    Analysis *a = wk->parts[0].x.a;
    uint64_t host_mask = ((uint64_t)1 << wk->parts[0].tr.host_bits) - 1;
    const Triples *big = &wk->parts[0].tr;
    for (size_t i = 1; i < wk->n; i++)
        if (wk->parts[i].tr.n > big->n) big = &wk->parts[i].tr;
    wk->ranges = xcalloc(wk->n, sizeof *wk->ranges);
    for (size_t j = 1; j < wk->n; j++) {
        size_t at = big->n * j / wk->n;
        uint64_t lo = at < big->n ? big->keys[at] & ~host_mask : wk->ranges[j - 1].lo;
        wk->ranges[j].lo = lo > wk->ranges[j - 1].lo ? lo : wk->ranges[j - 1].lo;
    }
    run_parts(wk, exposure_count_job);
    size_t n_pairs = 0, n_hosts = 0;
    for (size_t j = 0; j < wk->n; j++) {
        wk->ranges[j].first_pair = n_pairs;
        wk->ranges[j].first_host = n_hosts;
        n_pairs += wk->ranges[j].n_pairs;
        n_hosts += wk->ranges[j].n_hosts;
    }
    a->exposure = xcalloc(n_pairs + 1, sizeof *a->exposure);
    a->exposure_hosts = xmalloc((n_hosts + 1) * sizeof *a->exposure_hosts);
    a->n_exposure = n_pairs;
    run_parts(wk, exposure_fill_job);
    free(wk->ranges);
    wk->ranges = NULL;
}

/* Joins the parts' walks: flags, the kept paths (the best max_paths of all), exposure. */
static void walk_join(Work *wk)
{
    Analysis *a = wk->parts[0].x.a;
    const Scenario *s = a->scenario;
    PathSet all = {.a = a, .max = wk->parts[0].ps.max};
    for (size_t i = 0; i < wk->n; i++) {
        Part *p = &wk->parts[i];
        for (size_t t = 0; t < s->n_tenants; t++)
            a->tenant_exposed[t] |= p->tenant_exposed[t];
        a->paths_total += p->paths_total;
        for (size_t k = 0; k < p->ps.n; k++)
            if (pathset_wants(&all, &p->ps.items[k]))
                pathset_add(&all, p->ps.items[k]);
            else
                free(p->ps.items[k].steps);
        free(p->ps.items);
    }
    xqsort_r(all.items, all.n, sizeof *all.items, path_qsort, a);
    a->paths = all.items;
    a->n_paths = all.n;
    if (wk->host_rank) exposure_build(wk);
    for (size_t i = 0; i < wk->n; i++)
        free(wk->parts[i].tr.keys);
}

/* ---- boundaries -------------------------------------------------------------------------- */

static int technique_index_cmp(const void *x, const void *y, void *rank)
{
    uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
    return technique_cmp(rank, p, q);
}

/* Which workload boundary an edge leaving workload w breaks, or NONE. */
static BoundaryKind breaks(const Analysis *a, const Edge *e, size_t w)
{
    if (!state_is_host(a, e->to) && state_owner(a, e->to) == w) return BOUNDARY_NONE;
    if (e->crosses == BOUNDARY_ISOLATION || e->crosses == BOUNDARY_HOST_VOLUME)
        return (BoundaryKind)e->crosses;
    return BOUNDARY_NONE;
}

/* Why boundary `kind` holds for workload w whose attacker holds the levels in `held`: appends
 * to *list (reasons owned by the list). */
static void explain_holds(Ctx *x, size_t w, BoundaryKind bkind, const bool held[3], WhyNot **list,
                          size_t *n_list)
{
    const Catalog *c = x->c;
    const Workload *wl = &x->s->workloads[w];
    for (size_t t = 0; t < c->n; t++) {
        const Technique *tq = &c->techniques[t];
        BoundaryKind kind = tq->boundary == BOUNDARY_NONE ? BOUNDARY_ISOLATION : tq->boundary;
        if (kind != bkind) continue;
        char *best = NULL;
        int best_failed = 1 << 30;
        bool contained = false, applies = false;
        for (size_t k = 0; k < tq->n_clauses; k++) {
            const Clause *cl = &tq->clauses[k];
            if (!(cl->from & (FROM_WORKLOAD | FROM_VM))) continue;
            applies = true;
            for (int level = LEVEL_USER; level <= LEVEL_VM; level++) {
                /* judge from the levels the attacker holds, or from the account's own
                 * level when the clause wants another one, to say what is missing */
                bool from_held = held[level];
                if (!from_held &&
                    !(level == (wl->account == ACCOUNT_ADMIN ? LEVEL_ADMIN : LEVEL_USER)))
                    continue;
                /* count first; format the reason only for a new best clause */
                int failed = clause_eval(x, t, k, false, w, (Level)level, NULL, NULL);
                if (failed == 0) {
                    contained |= cl->effect == EFFECT_VM;
                    continue; /* applies: contained, or leads nowhere new */
                }
                if (cl->os && !(cl->os & (1u << x->s->hosts[x->a->host_of[w]].os)))
                    continue; /* for another OS: not worth explaining */
                if (failed < best_failed) {
                    free(best);
                    clause_eval(x, t, k, false, w, (Level)level, NULL, &best);
                    best_failed = failed;
                }
            }
        }
        if (!applies) continue;
        char *reason = NULL;
        if (contained)
            reason = xasprintf("contained in the %s (isolation is %s)",
                               wl->isolation == ISOLATION_SANDBOX ? "sandbox" : "utility VM",
                               isolation_name(wl->isolation));
        else if (best)
            reason = xstrdup(best);
        free(best);
        if (!reason) continue;
        if (*n_list && strcmp(reason, "the workload mounts nothing from the host") == 0 &&
            strcmp((*list)[0].reason, reason) == 0) {
            free(reason); /* said once is enough */
            continue;
        }
        *list = xrealloc(*list, (*n_list + 1) * sizeof **list);
        (*list)[(*n_list)++] = (WhyNot){(uint32_t)t, reason};
    }
}

/* Why-not lists are shared: a workload's list follows from its shape (the facts clause_eval
 * reads: its settings, mounts, its host's OS, SSH and key files, the levels the attacker
 * holds), and a fleet has few shapes, so each distinct list is made once and its reasons
 * interned. Owned by the analysis (Analysis.why_not_pool). */
typedef struct {
    WhyNot *why[2]; /* per kind (isolation, host-volume); reasons borrowed from the pool */
    size_t n[2];
    bool made[2];
} ShapeLists;

struct WhyNotPool {
    StrMap shapes;     /* shape key -> index in keys and lists */
    char **keys;       /* owned */
    ShapeLists *lists; /* owned */
    size_t n, cap;
    StrMap reasons; /* reason -> index in texts */
    char **texts;   /* owned */
    size_t n_texts, cap_texts;
    KeyBuf key;           /* the key being built */
    struct Chunk *chunks; /* boundaries' technique lists */
};

/* A block of technique lists; blocks never move, so lists can point into them. */
typedef struct Chunk {
    struct Chunk *next;
    size_t used, cap;
    uint32_t items[];
} Chunk;

/* A copy of list (n items) in the pool; NULL when n is 0. */
static uint32_t *pool_copy(WhyNotPool *p, const uint32_t *list, size_t n)
{
    if (!n) return NULL;
    if (!p->chunks || p->chunks->cap - p->chunks->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        Chunk *c = xmalloc(sizeof *c + cap * sizeof *c->items);
        c->next = p->chunks;
        c->used = 0;
        c->cap = cap;
        p->chunks = c;
    }
    uint32_t *out = p->chunks->items + p->chunks->used;
    memcpy(out, list, n * sizeof *list);
    p->chunks->used += n;
    return out;
}

/* The shape key of workload w (in p->key): its host's part (made once per host, the host
 * and key files), then its own. Fixed fields are one byte each ('A' + value: all are small),
 * lists are counted and strings length-prefixed, so no two shapes share a key. */
static void shape_key(Ctx *x, WhyNotPool *p, size_t w, const bool held[3])
{
    key_begin(&p->key, x, x->a->host_of[w]);
    char fixed[1] = {(char)('A' + (held[0] | held[1] << 1 | held[2] << 2))};
    keybuf_add(&p->key, fixed, sizeof fixed);
    key_workload(&p->key, x, w);
}

/* The pool's copy of reason (which is freed). */
static const char *intern(WhyNotPool *p, char *reason)
{
    size_t i;
    if (strmap_get(&p->reasons, reason, &i)) {
        free(reason);
        return p->texts[i];
    }
    xgrow((void **)&p->texts, &p->cap_texts, p->n_texts + 1, sizeof *p->texts);
    p->texts[p->n_texts] = reason;
    strmap_put(&p->reasons, reason, p->n_texts);
    return p->texts[p->n_texts++];
}

/* Points workload w's holding boundaries at the shared why-not lists of its shape. */
static void explain_shape(Ctx *x, WhyNotPool *p, size_t w, const bool held[3])
{
    BoundaryResult *b[2] = {&x->a->boundaries[2 * w], &x->a->boundaries[2 * w + 1]};
    if (b[0]->fails && b[1]->fails) return;
    size_t i;
    shape_key(x, p, w, held);
    if (!strmap_get(&p->shapes, keybuf_text(&p->key), &i)) {
        i = p->n;
        xgrow((void **)&p->keys, &p->cap, p->n + 1, sizeof *p->keys);
        p->lists = xrealloc(p->lists, p->cap * sizeof *p->lists);
        p->keys[i] = xstrdup(keybuf_text(&p->key));
        memset(&p->lists[i], 0, sizeof p->lists[i]);
        strmap_put(&p->shapes, p->keys[i], i);
        p->n++;
    }
    ShapeLists *l = &p->lists[i];
    for (int kind = 0; kind < 2; kind++) {
        if (b[kind]->fails) continue;
        if (!l->made[kind]) {
            l->made[kind] = true;
            explain_holds(x, w, b[kind]->kind, held, &l->why[kind], &l->n[kind]);
            for (size_t k = 0; k < l->n[kind]; k++)
                l->why[kind][k].reason = (char *)intern(p, l->why[kind][k].reason);
        }
        b[kind]->why_not = l->why[kind];
        b[kind]->n_why_not = l->n[kind];
    }
}

static WhyNotPool *why_not_pool_new(void)
{
    WhyNotPool *p = xcalloc(1, sizeof *p);
    strmap_init(&p->shapes);
    strmap_init(&p->reasons);
    return p;
}

static void why_not_pool_free(WhyNotPool *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->keys[i]);
        free(p->lists[i].why[0]);
        free(p->lists[i].why[1]);
    }
    free(p->keys);
    free(p->lists);
    for (size_t i = 0; i < p->n_texts; i++)
        free(p->texts[i]);
    free(p->texts);
    strmap_done(&p->shapes);
    strmap_done(&p->reasons);
    keybuf_done(&p->key);
    for (Chunk *c = p->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(p);
}

/* What a lazy analysis keeps to explain holding boundaries later (engine_explain). */
struct Lazy {
    Ctx ctx;
    uint8_t *held;    /* per workload: bit L set when the attacker holds level L inside it */
    bool *explained;  /* per workload */
    WhyNotPool *pool; /* engine_explain's lists (one of the analysis' pools) */
};

/* A workload's two boundaries as judged, for the workloads alike (see judge_job). */
typedef struct {
    bool made;
    uint8_t held; /* bit L: the attacker holds level L inside the workload */
    BoundaryResult b[2];
} Judged;

/* Judges workload w's boundaries into iso and vol from its edges; sets held. */
static void judge_workload(Part *pt, size_t w, BoundaryResult *iso, BoundaryResult *vol,
                           bool held[3])
{
    Ctx *x = &pt->x;
    Analysis *a = x->a;
    const EdgeRange *range = pt->sr.range;
    const Workload *wl = &x->s->workloads[w];
    /* the attacker's own states in w: its account's level and what it reaches inside */
    Level own = wl->account == ACCOUNT_ADMIN ? LEVEL_ADMIN : LEVEL_USER;
    held[own] = true;
    for (int round = 0; round < 3; round++)
        for (int level = LEVEL_USER; level <= LEVEL_VM; level++) {
            if (!held[level]) continue;
            uint32_t st = workload_state(w, (Level)level);
            for (size_t i = range[st].begin; i < range[st].end; i++) {
                const Edge *e = &a->edges[i];
                if (!state_is_host(a, e->to) && state_owner(a, e->to) == w)
                    held[state_level(a, e->to)] = true;
            }
        }
    /* the techniques that break each boundary: gathered here, then kept in the part's pool
     * (a catalog lists each technique once) */
    size_t n_found[2] = {0, 0};
    for (int level = LEVEL_USER; level <= LEVEL_VM; level++) {
        if (!held[level]) continue;
        uint32_t st = workload_state(w, (Level)level);
        for (size_t i = range[st].begin; i < range[st].end; i++) {
            const Edge *e = &a->edges[i];
            BoundaryKind k = breaks(a, e, w);
            if (k == BOUNDARY_NONE) continue;
            int v = k == BOUNDARY_HOST_VOLUME;
            BoundaryResult *b = v ? vol : iso;
            b->fails = true;
            bool seen = false;
            for (size_t t = 0; t < n_found[v]; t++)
                seen |= pt->found[v][t] == e->technique;
            if (!seen) pt->found[v][n_found[v]++] = e->technique;
            if (b->servicing == SERVICING_NONE || e->servicing < b->servicing)
                b->servicing = (Servicing)e->servicing;
        }
    }
    for (int v = 0; v < 2; v++) {
        BoundaryResult *b = v ? vol : iso;
        xqsort_r(pt->found[v], n_found[v], sizeof(uint32_t), technique_index_cmp,
                 a->technique_rank);
        b->techniques = pool_copy(pt->pool, pt->found[v], n_found[v]);
        b->n_techniques = n_found[v];
    }
}

/* Judges the boundaries of part i's workloads. A workload's edges follow from its shape (the
 * edge memo's) and, for a technique that reaches the other workloads of its host, whether
 * there are any: workloads alike in both are judged once and the rest get the same verdicts,
 * technique lists and why-not lists. */
static void judge_job(void *work, size_t part)
{
    Work *wk = work;
    Part *pt = &wk->parts[part];
    Ctx *x = &pt->x;
    Analysis *a = x->a;
    const Scenario *s = x->s;
    const bool *attacked = wk->attacked;
    Lazy *lazy = wk->lazy;
    Judged *judged = xcalloc(2 * x->n_edge_shapes + 1, sizeof *judged);
    for (size_t w = 0; w < s->n_workloads; w++) {
        size_t h = a->host_of[w];
        if (h < pt->h0 || h >= pt->h1) continue;
        BoundaryResult *iso = &a->boundaries[2 * w], *vol = &a->boundaries[2 * w + 1];
        Judged *j = &judged[2 * x->edge_shape[w] + (x->host_first[h + 1] - x->host_first[h] > 1)];
        if (j->made) {
            *iso = j->b[0];
            *vol = j->b[1];
        } else {
            bool held[3] = {false, false, false};
            iso->kind = BOUNDARY_ISOLATION;
            vol->kind = BOUNDARY_HOST_VOLUME;
            judge_workload(pt, w, iso, vol, held);
            if (!lazy) explain_shape(x, pt->pool, w, held);
            *j = (Judged){true, (uint8_t)(held[0] | held[1] << 1 | held[2] << 2), {*iso, *vol}};
        }
        iso->workload = vol->workload = w;
        iso->attacked = vol->attacked = attacked[w];
        if (lazy) lazy->held[w] = j->held;
    }
    free(judged);
    if (lazy) return; /* engine_explain reads the rest later */
    /* freed here, on the part's thread, rather than all by ctx_done */
    for (size_t i = x->host_first[pt->h0]; i < x->host_first[pt->h1]; i++) {
        size_t w = x->host_workloads[i];
        for (size_t m = 0; x->mount_paths[w] && m < s->workloads[w].n_mounts; m++)
            free(x->mount_paths[w][m]);
        free(x->mount_paths[w]);
        x->mount_paths[w] = NULL;
    }
}

void engine_explain(Analysis *a, size_t w)
{
    Lazy *lazy = a->lazy;
    assert(w < a->scenario->n_workloads);
    if (!lazy || lazy->explained[w]) return;
    lazy->explained[w] = true;
    bool held[3] = {lazy->held[w] & 1, (lazy->held[w] >> 1) & 1, (lazy->held[w] >> 2) & 1};
    explain_shape(&lazy->ctx, lazy->pool, w, held);
}

void engine_mount_risk(const Analysis *a, size_t w, size_t m, bool *key_file, bool *writable_risk,
                       bool *any_risk)
{
    uint8_t risk = a->mount_risk[a->mount_first[w] + m];
    *key_file = risk & RISK_KEY;
    *writable_risk = risk & RISK_WRITABLE;
    *any_risk = risk & RISK_ANY;
}

const BoundaryResult *analysis_boundary(const Analysis *a, size_t w, BoundaryKind kind)
{
    assert(w < a->scenario->n_workloads);
    return &a->boundaries[2 * w + (kind == BOUNDARY_HOST_VOLUME ? 1 : 0)];
}

/* ---- entry points ------------------------------------------------------------------------ */

/* The host an edge is on (every edge stays on its host). */
static size_t edge_host(const Analysis *a, const Edge *e)
{
    return state_is_host(a, e->from) ? state_owner(a, e->from)
                                     : a->host_of[state_owner(a, e->from)];
}

/* Cuts the hosts into n parts of about as many workloads each (parts may be empty). */
static void split_hosts(const Ctx *x, Part *parts, size_t n)
{
    size_t n_hosts = x->s->n_hosts, total = x->host_first[n_hosts], h = 0;
    for (size_t i = 0; i < n; i++) {
        parts[i].h0 = h;
        size_t goal = total * (i + 1) / n;
        while (h < n_hosts && (i == n - 1 || x->host_first[h + 1] <= goal))
            h++;
        parts[i].h1 = h;
    }
}

Analysis *engine_analyze(const Scenario *s, const Catalog *c, const EngineOptions *opt)
{
    Analysis *a = xcalloc(1, sizeof *a);
    a->scenario = s;
    a->catalog = c;
    a->n_states = 3 * s->n_workloads + 2 * s->n_hosts;
    a->host_compromised = xcalloc(s->n_hosts + 1, sizeof *a->host_compromised);
    a->tenant_exposed = xcalloc(s->n_tenants + 1, sizeof *a->tenant_exposed);
    a->is_start = xcalloc(s->n_workloads + 1, sizeof *a->is_start);

    Ctx x = {.s = s, .c = c, .a = a};
    index_scenario(&x, opt ? opt->runner : NULL);
    x.edge_shape = xmalloc((s->n_workloads + 1) * sizeof *x.edge_shape);
    a->technique_rank = technique_ranks(c);
    for (size_t w = 0; w < s->n_workloads; w++) {
        const Workload *wl = &s->workloads[w];
        a->is_start[w] = wl->compromised || s->tenants[a->tenant_of[w]].trust == TRUST_UNTRUSTED;
        a->n_starts += a->is_start[w];
    }
    FromLists from = from_lists(&x);
    size_t n_parts = opt && opt->runner && opt->runner->parts > 1 ? opt->runner->parts : 1;
    if (n_parts > s->n_hosts) n_parts = s->n_hosts ? s->n_hosts : 1;
    Work wk = {.parts = xcalloc(n_parts, sizeof *wk.parts),
               .n = n_parts,
               .opt = opt,
               .from = &from,
               .attacked = xcalloc(s->n_workloads + 1, sizeof *wk.attacked)};
    split_hosts(&x, wk.parts, n_parts);
    for (size_t i = 0; i < n_parts; i++) {
        Part *p = &wk.parts[i];
        p->x = x;
        p->ps = (PathSet){.a = a, .max = opt ? opt->max_paths : 1000};
        p->tr = (Triples){.host_bits = bits_for(s->n_hosts), .tenant_bits = bits_for(s->n_tenants)};
        p->tenant_exposed = xcalloc(s->n_tenants + 1, sizeof *p->tenant_exposed);
        p->pool = why_not_pool_new();
        p->found[0] = xcalloc(c->n + 1, sizeof *p->found[0]);
        p->found[1] = xcalloc(c->n + 1, sizeof *p->found[1]);
    }

    /* the edges, joined in host order whatever ran first */
    run_parts(&wk, edges_job);
    for (size_t i = 0; i < n_parts; i++)
        a->n_edges += wk.parts[i].x.n_edges;
    /* joined host by host, each host's in the order made (a state's stay together): a search
     * stays on one host, so the edges it reads then lie together */
    a->edges = xmalloc((a->n_edges + 1) * sizeof *a->edges);
    size_t *at = xcalloc(s->n_hosts + 2, sizeof *at);
    for (size_t i = 0; i < n_parts; i++)
        for (size_t k = 0; k < wk.parts[i].x.n_edges; k++)
            at[edge_host(a, &wk.parts[i].x.edges[k]) + 1]++;
    for (size_t h = 0; h < s->n_hosts; h++)
        at[h + 1] += at[h];
    for (size_t i = 0; i < n_parts; i++) {
        Part *p = &wk.parts[i];
        for (size_t k = 0; k < p->x.n_edges; k++)
            a->edges[at[edge_host(a, &p->x.edges[k])]++] = p->x.edges[k];
        free(p->x.edges);
        p->x.edges = NULL;
    }
    free(at);
    EdgeRange *ranges = edge_ranges(a);

    size_t *host_order = NULL, *host_rank = NULL, *tenant_order = NULL, *tenant_rank = NULL;
    if (!(opt && opt->skip_exposure)) {
        id_order_rank(s, s->n_hosts, host_id_order, &host_order, &host_rank);
        id_order_rank(s, s->n_tenants, tenant_id_order, &tenant_order, &tenant_rank);
        wk.host_rank = host_rank;
        wk.host_order = host_order;
        wk.tenant_order = tenant_order;
        /* ids are far fewer than 2^21 in any scenario a file can hold */
        assert(2 * bits_for(s->n_tenants) + bits_for(s->n_hosts) <= 64);
    }
    for (size_t i = 0; i < n_parts; i++) {
        Part *p = &wk.parts[i];
        p->tr.host_rank = host_rank;
        p->tr.tenant_rank = tenant_rank;
        p->sr.range = ranges;
        p->sp.range = ranges;
    }
    run_parts(&wk, walk_job);
    walk_join(&wk);
    free(host_order);
    free(host_rank);
    free(tenant_order);
    free(tenant_rank);

    if (opt && opt->lazy_why_not) {
        wk.lazy = xcalloc(1, sizeof *wk.lazy);
        wk.lazy->held = xcalloc(s->n_workloads + 1, sizeof *wk.lazy->held);
        wk.lazy->explained = xcalloc(s->n_workloads + 1, sizeof *wk.lazy->explained);
        wk.lazy->pool = wk.parts[0].pool;
    }
    a->n_boundaries = 2 * s->n_workloads;
    a->boundaries = xcalloc(a->n_boundaries ? a->n_boundaries : 1, sizeof *a->boundaries);
    run_parts(&wk, judge_job);

    WhyNotPool **pools = xcalloc(n_parts + 1, sizeof *pools);
    for (size_t i = 0; i < n_parts; i++) {
        pools[i] = wk.parts[i].pool;
        free(wk.parts[i].tenant_exposed);
        free(wk.parts[i].found[0]);
        free(wk.parts[i].found[1]);
    }
    a->why_not_pool = pools;
    free(wk.attacked);
    free(wk.parts);
    free(from.refs);
    free(ranges);
    if (wk.lazy) {
        wk.lazy->ctx = x; /* kept for engine_explain; freed by analysis_free */
        a->lazy = wk.lazy;
    } else {
        ctx_done(&x);
    }
    return a;
}

void analysis_free(Analysis *a)
{
    if (!a) return;
    if (a->lazy) {
        Lazy *lazy = a->lazy;
        ctx_done(&lazy->ctx);
        free(lazy->held);
        free(lazy->explained);
        free(lazy);
    }
    for (size_t i = 0; i < a->n_paths; i++)
        free(a->paths[i].steps);
    free(a->paths);
    WhyNotPool **pools = a->why_not_pool;
    for (size_t i = 0; pools && pools[i]; i++)
        why_not_pool_free(pools[i]);
    free(pools);
    free(a->boundaries);
    free(a->exposure);
    free(a->exposure_hosts);
    free(a->edges);
    free(a->technique_rank);
    free(a->mount_first);
    free(a->mount_risk);
    free(a->host_of);
    free(a->tenant_of);
    free(a->is_start);
    free(a->host_compromised);
    free(a->tenant_exposed);
    free(a);
}
