/* The fix plan: candidate changes, applying them, and the search for the fewest that close
 * every closable path. See fixplan.h. */
#include "fixplan.h"

#include <stdlib.h>
#include <string.h>

#include "idkey.h"
#include "keybuf.h"
#include "strmap.h"
#include "xalloc.h"

static const char *const kind_names[] = {"isolation",    "account", "mount-read-only",
                                         "mount-remove", "ssh-off", "dedicated-hosts"};

const char *change_kind_name(ChangeKind k)
{
    return kind_names[k];
}

/* ---- applying changes -------------------------------------------------------------------- */

static bool tenant_shares(const Scenario *s, const char *tenant, const char *host)
{
    for (size_t i = 0; i < s->n_workloads; i++)
        if (strcmp(s->workloads[i].host, host) == 0 && strcmp(s->workloads[i].tenant, tenant) != 0)
            return true;
    return false;
}

/* Moves the workloads of tenant t that share a host with another tenant onto a new host
 * "TENANT@HOST" with the same OS, SSH and users. */
static void dedicate(Scenario *s, size_t t, size_t only_host)
{
    char *tenant = xstrdup(s->tenants[t].id);
    size_t n_hosts = s->n_hosts;
    for (size_t h = 0; h < n_hosts; h++) {
        if (only_host != CHANGE_ALL_HOSTS && h != only_host) continue;
        char *host = xstrdup(s->hosts[h].id);
        if (!tenant_shares(s, tenant, host)) {
            free(host);
            continue;
        }
        bool used = false;
        for (size_t w = 0; w < s->n_workloads && !used; w++)
            used = strcmp(s->workloads[w].host, host) == 0 &&
                   strcmp(s->workloads[w].tenant, tenant) == 0;
        if (used) {
            char *id = xasprintf("%s@%s", tenant, host);
            if (!scenario_host(s, id)) {
                const Host src = s->hosts[h]; /* copy: adding may move the array */
                Host *nh = scenario_add_host(s, id, src.os);
                nh->ssh = src.ssh;
                for (size_t u = 0; u < src.n_users; u++)
                    host_add_user(nh, src.users[u].name, src.users[u].admin);
            }
            for (size_t w = 0; w < s->n_workloads; w++) {
                Workload *wl = &s->workloads[w];
                if (strcmp(wl->host, host) == 0 && strcmp(wl->tenant, tenant) == 0) {
                    free(wl->host);
                    wl->host = xstrdup(id);
                }
            }
            free(id);
        }
        free(host);
    }
    free(tenant);
}

static int removal_order(const void *x, const void *y)
{
    const Change *a = x, *b = y;
    if (a->target != b->target) return a->target < b->target ? -1 : 1;
    return a->mount > b->mount ? -1 : a->mount < b->mount; /* highest index first */
}

void change_apply_all(Scenario *s, const Change *changes, size_t n)
{
    Change *removals = xcalloc(n + 1, sizeof *removals);
    size_t n_removals = 0;
    for (size_t i = 0; i < n; i++) {
        const Change *c = &changes[i];
        switch (c->kind) {
        case CHANGE_ISOLATION_HYPERV: s->workloads[c->target].isolation = ISOLATION_HYPERV; break;
        case CHANGE_ACCOUNT_USER: s->workloads[c->target].account = ACCOUNT_USER; break;
        case CHANGE_MOUNT_READ_ONLY:
            s->workloads[c->target].mounts[c->mount].read_only = true;
            break;
        case CHANGE_MOUNT_REMOVE: removals[n_removals++] = *c; break;
        case CHANGE_SSH_OFF: s->hosts[c->target].ssh = false; break;
        case CHANGE_TENANT_DEDICATED: dedicate(s, c->target, c->host); break;
        }
    }
    xqsort(removals, n_removals, sizeof *removals, removal_order);
    for (size_t i = 0; i < n_removals; i++)
        if (i == 0 || removals[i].target != removals[i - 1].target ||
            removals[i].mount != removals[i - 1].mount)
            workload_remove_mount(&s->workloads[removals[i].target], removals[i].mount);
    free(removals);
}

char *change_describe(const Scenario *s, const Change *c)
{
    switch (c->kind) {
    case CHANGE_ISOLATION_HYPERV: {
        const Workload *w = &s->workloads[c->target];
        return xasprintf("%s: isolation %s -> hyperv", w->id, isolation_name(w->isolation));
    }
    case CHANGE_ACCOUNT_USER:
        return xasprintf("%s: account admin -> user", s->workloads[c->target].id);
    case CHANGE_MOUNT_READ_ONLY:
        return xasprintf("%s: mount %s read-only", s->workloads[c->target].id,
                         s->workloads[c->target].mounts[c->mount].host_path);
    case CHANGE_MOUNT_REMOVE:
        return xasprintf("%s: remove mount %s", s->workloads[c->target].id,
                         s->workloads[c->target].mounts[c->mount].host_path);
    case CHANGE_SSH_OFF: return xasprintf("%s: SSH off", s->hosts[c->target].id);
    case CHANGE_TENANT_DEDICATED:
        if (c->host != CHANGE_ALL_HOSTS)
            return xasprintf("%s: move its workloads on %s to a host of their own",
                             s->tenants[c->target].id, s->hosts[c->host].id);
        return xasprintf("%s: move its workloads to hosts of their own", s->tenants[c->target].id);
    }
    return xstrdup("?");
}

/* ---- path keys --------------------------------------------------------------------------- */

static int key_cmp(const void *x, const void *y)
{
    const PathKey *a = x, *b = y;
    int c = strcmp(a->from, b->from);
    return c ? c : strcmp(a->to, b->to);
}

PathKey *pathkeys_of(const Analysis *a, size_t *n)
{
    const Scenario *s = a->scenario;
    PathKey *keys = xcalloc(a->n_paths + 1, sizeof *keys);
    for (size_t i = 0; i < a->n_paths; i++) {
        const Path *p = &a->paths[i];
        keys[i].from = xstrdup(s->workloads[p->start].id);
        keys[i].to = p->kind == TARGET_HOST ? xasprintf("host:%s", s->hosts[p->target].id)
                                            : xasprintf("tenant:%s", s->tenants[p->target].id);
    }
    xqsort(keys, a->n_paths, sizeof *keys, key_cmp);
    *n = a->n_paths;
    return keys;
}

void pathkeys_free(PathKey *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(keys[i].from);
        free(keys[i].to);
    }
    free(keys);
}

static bool keys_has(const PathKey *keys, size_t n, const PathKey *k)
{
    return bsearch(k, keys, n, sizeof *keys, key_cmp) != NULL;
}

/* ---- candidates -------------------------------------------------------------------------- */

/* Appends a candidate. Each is made once, in a fixed order (workload by workload, then
 * hosts, then tenants), so there is nothing to deduplicate. */
static void add_candidate(Change **list, size_t *n, size_t *cap, Change c)
{
    xgrow((void **)list, cap, *n + 1, sizeof **list);
    (*list)[(*n)++] = c;
}

Change *fixplan_candidates(const Scenario *s, const Analysis *a, size_t *n)
{
    Change *list = NULL;
    size_t cap = 0;
    *n = 0;
    bool *on_path = xcalloc(s->n_workloads + 1, sizeof *on_path);
    bool *host_on_path = xcalloc(s->n_hosts + 1, sizeof *host_on_path);
    bool *mount_used = NULL;
    size_t *mount_base = xcalloc(s->n_workloads + 1, sizeof *mount_base);
    size_t total_mounts = 0;
    for (size_t w = 0; w < s->n_workloads; w++) {
        mount_base[w] = total_mounts;
        total_mounts += s->workloads[w].n_mounts;
    }
    mount_used = xcalloc(total_mounts + 1, sizeof *mount_used);
    bool *ssh_used = xcalloc(s->n_hosts + 1, sizeof *ssh_used);
    /* Everything a start can reach, not only what the lowest-effort paths use: closing one
     * path may open the next cheapest. */
    for (size_t w = 0; w < s->n_workloads; w++)
        on_path[w] = a->is_start[w] || analysis_boundary(a, w, BOUNDARY_ISOLATION)->attacked;
    for (size_t i = 0; i < a->n_edges; i++) {
        const Edge *e = &a->edges[i];
        if (state_is_host(a, e->from)) {
            host_on_path[state_owner(a, e->from)] = true;
            continue;
        }
        size_t w = state_owner(a, e->from);
        if (!on_path[w]) continue;
        if (e->mount >= 0) mount_used[mount_base[w] + (size_t)e->mount] = true;
        if (e->user != -2) ssh_used[a->host_of[w]] = true; /* a key file can be written */
    }
    /* workload changes, in workload order */
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (!on_path[w]) continue;
        const Workload *wl = &s->workloads[w];
        if (wl->isolation != ISOLATION_HYPERV)
            add_candidate(&list, n, &cap,
                          (Change){CHANGE_ISOLATION_HYPERV, w, 0, CHANGE_ALL_HOSTS});
        if (wl->account == ACCOUNT_ADMIN)
            add_candidate(&list, n, &cap, (Change){CHANGE_ACCOUNT_USER, w, 0, CHANGE_ALL_HOSTS});
        for (size_t m = 0; m < wl->n_mounts; m++) {
            if (!mount_used[mount_base[w] + m]) continue;
            if (!wl->mounts[m].read_only)
                add_candidate(&list, n, &cap,
                              (Change){CHANGE_MOUNT_READ_ONLY, w, m, CHANGE_ALL_HOSTS});
            add_candidate(&list, n, &cap, (Change){CHANGE_MOUNT_REMOVE, w, m, CHANGE_ALL_HOSTS});
        }
    }
    for (size_t h = 0; h < s->n_hosts; h++)
        if (ssh_used[h] && s->hosts[h].ssh)
            add_candidate(&list, n, &cap, (Change){CHANGE_SSH_OFF, h, 0, CHANGE_ALL_HOSTS});
    /* placement: start tenants that share a host with another tenant (a host's first tenant
     * seen, and whether another one is there, found in one pass) */
    size_t *first_tenant = xmalloc((s->n_hosts + 1) * sizeof *first_tenant);
    bool *multi = xcalloc(s->n_hosts + 1, sizeof *multi);
    for (size_t h = 0; h < s->n_hosts; h++)
        first_tenant[h] = (size_t)-1;
    for (size_t w = 0; w < s->n_workloads; w++) {
        size_t h = a->host_of[w];
        if (first_tenant[h] == (size_t)-1)
            first_tenant[h] = a->tenant_of[w];
        else if (first_tenant[h] != a->tenant_of[w])
            multi[h] = true;
    }
    bool *shares_host = xcalloc(s->n_tenants + 1, sizeof *shares_host);
    for (size_t w = 0; w < s->n_workloads; w++)
        if (a->is_start[w] && multi[a->host_of[w]]) shares_host[a->tenant_of[w]] = true;
    free(first_tenant);
    free(multi);
    for (size_t t = 0; t < s->n_tenants; t++) {
        bool shares = shares_host[t];
        if (shares)
            add_candidate(&list, n, &cap,
                          (Change){CHANGE_TENANT_DEDICATED, t, 0, CHANGE_ALL_HOSTS});
    }
    free(shares_host);
    free(on_path);
    free(host_on_path);
    free(mount_base);
    free(mount_used);
    free(ssh_used);
    return list;
}

/* ---- search ------------------------------------------------------------------------------ */

typedef struct {
    const Scenario *s;
    const Catalog *c;
    const Change *cands;
    size_t n_cands;
    PathKey *unclosable;
    size_t n_unclosable;
} Search;

/* A copy of s with the changes cands[chosen[0]] .. cands[chosen[k - 1]] applied. Owned. */
static Scenario *with_changes(const Scenario *s, const Change *cands, const size_t *chosen,
                              size_t k)
{
    Scenario *t = scenario_clone(s);
    Change *changes = xcalloc(k + 1, sizeof *changes);
    for (size_t i = 0; i < k; i++)
        changes[i] = cands[chosen[i]];
    change_apply_all(t, changes, k);
    free(changes);
    return t;
}

/* Paths left after applying the chosen candidates (owned keys). */
static PathKey *paths_after(const Search *x, const size_t *chosen, size_t k, size_t *n)
{
    Scenario *t = with_changes(x->s, x->cands, chosen, k);
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(t, x->c, &o);
    PathKey *keys = pathkeys_of(a, n);
    analysis_free(a);
    scenario_free(t);
    return keys;
}

/* How many of the paths left by the chosen candidates are closable (not unclosable). */
static size_t closable_left(const Search *x, const size_t *chosen, size_t k)
{
    size_t n;
    PathKey *keys = paths_after(x, chosen, k, &n);
    size_t left = 0;
    for (size_t i = 0; i < n; i++)
        left += !keys_has(x->unclosable, x->n_unclosable, &keys[i]);
    pathkeys_free(keys, n);
    return left;
}

/* Tries every k-subset of the candidates in lexicographic order; true with chosen set when
 * one leaves no closable path. */
static bool subsets(const Search *x, size_t k, size_t *chosen)
{
    for (size_t i = 0; i < k; i++)
        chosen[i] = i;
    for (;;) {
        if (closable_left(x, chosen, k) == 0) return true;
        size_t i = k;
        while (i > 0 && chosen[i - 1] == x->n_cands - k + i - 1)
            i--;
        if (i == 0) return false;
        chosen[i - 1]++;
        for (size_t j = i; j < k; j++)
            chosen[j] = chosen[j - 1] + 1;
    }
}

FixPlan *fixplan_compute_with(const Scenario *s, const Catalog *c, const Analysis *a,
                              bool force_exact, bool force_greedy)
{
    FixPlan *plan = xcalloc(1, sizeof *plan);
    Search x = {.s = s, .c = c};
    size_t n_cands = 0;
    Change *cands = fixplan_candidates(s, a, &n_cands);
    x.cands = cands;
    x.n_cands = n_cands;
    plan->n_candidates = n_cands;
    plan->paths_before = a->paths_total;

    size_t *all = xcalloc(n_cands + 1, sizeof *all);
    for (size_t i = 0; i < n_cands; i++)
        all[i] = i;
    x.unclosable = paths_after(&x, all, n_cands, &x.n_unclosable);
    free(all);

    size_t *chosen = xcalloc(n_cands + 1, sizeof *chosen);
    size_t k = 0;
    plan->exact = force_exact || (!force_greedy && n_cands <= FIXPLAN_EXACT_MAX);
    if (plan->exact) {
        for (k = 0; k <= n_cands; k++)
            if (subsets(&x, k, chosen)) break;
    } else {
        /* Lazy greedy: a candidate's gain only shrinks as others are chosen (in practice),
         * so re-evaluate the most promising one and take it if it still leads. */
        bool *used = xcalloc(n_cands + 1, sizeof *used);
        size_t *gain = xcalloc(n_cands + 1, sizeof *gain);
        size_t left = closable_left(&x, chosen, 0);
        for (size_t i = 0; i < n_cands; i++) {
            chosen[0] = i;
            size_t l = closable_left(&x, chosen, 1);
            gain[i] = l < left ? left - l : 0;
        }
        bool *fresh = xcalloc(n_cands + 1, sizeof *fresh);
        while (left > 0) {
            size_t best = n_cands;
            for (size_t i = 0; i < n_cands; i++)
                if (!used[i] && gain[i] > 0 && (best == n_cands || gain[i] > gain[best])) best = i;
            if (best == n_cands) {
                /* No stale gain left: a change that helped nothing alone may help now. */
                bool recomputed = false;
                for (size_t i = 0; i < n_cands; i++) {
                    if (used[i] || fresh[i]) continue;
                    chosen[k] = i;
                    size_t l = closable_left(&x, chosen, k + 1);
                    gain[i] = l < left ? left - l : 0;
                    fresh[i] = recomputed = true;
                }
                if (!recomputed) break; /* nothing helps any more */
                continue;
            }
            if (!fresh[best]) {
                chosen[k] = best;
                size_t l = closable_left(&x, chosen, k + 1);
                gain[best] = l < left ? left - l : 0;
                fresh[best] = true;
                continue; /* compare its true gain with the others' again */
            }
            used[best] = true;
            chosen[k++] = best;
            left -= gain[best];
            memset(fresh, 0, (n_cands + 1) * sizeof *fresh);
        }
        if (left > 0) {
            /* Stuck: some paths need two changes at once (Hyper-V and a read-only mount, say),
             * which no single step shows. Take every change (that leaves only the unclosable
             * paths, by definition), then drop, latest first, each one not needed. */
            for (size_t i = 0; i < n_cands; i++)
                if (!used[i]) chosen[k++] = i;
            for (size_t i = k; i-- > 0;) {
                size_t dropped = chosen[i];
                memmove(&chosen[i], &chosen[i + 1], (k - i - 1) * sizeof *chosen);
                if (closable_left(&x, chosen, k - 1) == 0) {
                    k--;
                } else {
                    memmove(&chosen[i + 1], &chosen[i], (k - i - 1) * sizeof *chosen);
                    chosen[i] = dropped;
                }
            }
        }
        free(fresh);
        free(gain);
        free(used);
        /* keep the plan in candidate order */
        for (size_t i = 1; i < k; i++)
            for (size_t j = i; j > 0 && chosen[j - 1] > chosen[j]; j--) {
                size_t tmp = chosen[j];
                chosen[j] = chosen[j - 1];
                chosen[j - 1] = tmp;
            }
    }

    size_t n_before;
    PathKey *before = pathkeys_of(a, &n_before);
    plan->items = xcalloc(k + 1, sizeof *plan->items);
    for (size_t i = 0; i < k; i++) {
        FixItem *item = &plan->items[plan->n_items++];
        item->change = cands[chosen[i]];
        size_t n_after;
        PathKey *after = paths_after(&x, &chosen[i], 1, &n_after);
        for (size_t p = 0; p < n_before; p++) {
            if (keys_has(after, n_after, &before[p])) continue;
            item->closes = xrealloc(item->closes, (item->n_closes + 1) * sizeof *item->closes);
            item->closes[item->n_closes++] =
                (PathKey){xstrdup(before[p].from), xstrdup(before[p].to)};
        }
        pathkeys_free(after, n_after);
    }
    pathkeys_free(before, n_before);
    plan->unclosable = x.unclosable;
    plan->n_unclosable = x.n_unclosable;
    free(chosen);
    free(cands);
    return plan;
}

/* ---- large scenarios, for catalogs the per-start search does not fit: one host at a time ----
 * Every technique's effect stays on the workload's own host, so the paths of one host are
 * closed by changes to that host and its workloads alone (and by moving tenants off it).
 * Each host's plan is found on a scenario holding just that host, then the plans are joined.
 * Each candidate is judged by analysing the host again: slow on large hosts. */

static size_t index_of_workload(const Scenario *s, const char *id)
{
    for (size_t i = 0; i < s->n_workloads; i++)
        if (strcmp(s->workloads[i].id, id) == 0) return i;
    return (size_t)-1;
}

/* The scenario of host h alone: the host, its workloads and the tenants they belong to. */
static Scenario *host_scenario(const Scenario *s, const Analysis *a, size_t h)
{
    Scenario *sub = scenario_new(s->name);
    memcpy(sub->assume, s->assume, sizeof sub->assume);
    scenario_copy_host(sub, &s->hosts[h]);
    bool *tenant = xcalloc(s->n_tenants + 1, sizeof *tenant);
    for (size_t w = 0; w < s->n_workloads; w++)
        if (a->host_of[w] == h) tenant[a->tenant_of[w]] = true;
    for (size_t t = 0; t < s->n_tenants; t++)
        if (tenant[t]) scenario_copy_tenant(sub, &s->tenants[t]);
    for (size_t w = 0; w < s->n_workloads; w++)
        if (a->host_of[w] == h) scenario_copy_workload(sub, &s->workloads[w]);
    free(tenant);
    return sub;
}

/* Maps a change made for sub back to s. */
static Change map_change(const Scenario *s, const Scenario *sub, Change c, size_t h)
{
    switch (c.kind) {
    case CHANGE_SSH_OFF: {
        const char *id = sub->hosts[c.target].id;
        for (size_t k = 0; k < s->n_hosts; k++)
            if (strcmp(s->hosts[k].id, id) == 0) c.target = k;
        break;
    }
    case CHANGE_TENANT_DEDICATED: {
        const char *id = sub->tenants[c.target].id;
        for (size_t t = 0; t < s->n_tenants; t++)
            if (strcmp(s->tenants[t].id, id) == 0) c.target = t;
        c.host = h; /* planned for this host alone: moving it elsewhere too is another change */
        break;
    }
    default: c.target = index_of_workload(s, sub->workloads[c.target].id); break;
    }
    return c;
}

static void append_keys(PathKey **list, size_t *n, const PathKey *add, size_t n_add)
{
    *list = xrealloc(*list, (*n + n_add + 1) * sizeof **list);
    for (size_t i = 0; i < n_add; i++)
        (*list)[(*n)++] = (PathKey){xstrdup(add[i].from), xstrdup(add[i].to)};
}

static FixPlan *plan_by_host(const Scenario *s, const Catalog *c, const Analysis *a, size_t n_cands)
{
    FixPlan *plan = xcalloc(1, sizeof *plan);
    plan->exact = true;
    plan->n_candidates = n_cands;
    plan->paths_before = a->paths_total;
    bool *has_start = xcalloc(s->n_hosts + 1, sizeof *has_start);
    for (size_t w = 0; w < s->n_workloads; w++)
        if (a->is_start[w]) has_start[a->host_of[w]] = true;
    size_t *dedicated_in = xcalloc(s->n_tenants + 1, sizeof *dedicated_in); /* components */
    for (size_t h = 0; h < s->n_hosts; h++) {
        if (!has_start[h]) continue;
        Scenario *sub = host_scenario(s, a, h);
        EngineOptions o = {.max_paths = 0};
        Analysis *sa = engine_analyze(sub, c, &o);
        FixPlan *p = fixplan_compute_with(sub, c, sa, false, false);
        plan->exact &= p->exact;
        size_t n_sub;
        Change *sub_cands = fixplan_candidates(sub, sa, &n_sub);
        for (size_t i = 0; i < n_sub; i++)
            if (sub_cands[i].kind == CHANGE_TENANT_DEDICATED)
                dedicated_in[map_change(s, sub, sub_cands[i], h).target]++;
        free(sub_cands);
        for (size_t i = 0; i < p->n_items; i++) {
            Change g = map_change(s, sub, p->items[i].change, h);
            FixItem *item = NULL;
            for (size_t k = 0; k < plan->n_items && !item; k++)
                if (plan->items[k].change.kind == g.kind &&
                    plan->items[k].change.target == g.target &&
                    plan->items[k].change.mount == g.mount && plan->items[k].change.host == g.host)
                    item = &plan->items[k];
            if (!item) {
                plan->items = xrealloc(plan->items, (plan->n_items + 1) * sizeof *plan->items);
                item = &plan->items[plan->n_items++];
                memset(item, 0, sizeof *item);
                item->change = g;
            }
            append_keys(&item->closes, &item->n_closes, p->items[i].closes, p->items[i].n_closes);
        }
        append_keys(&plan->unclosable, &plan->n_unclosable, p->unclosable, p->n_unclosable);
        fixplan_free(p);
        analysis_free(sa);
        scenario_free(sub);
    }
    /* a tenant that could move off several hosts at once may make a smaller plan than the
     * hosts' minima joined: then the plan is not proven minimal */
    for (size_t t = 0; t < s->n_tenants; t++)
        if (dedicated_in[t] > 1) plan->exact = false;
    for (size_t i = 0; i < plan->n_items; i++)
        xqsort(plan->items[i].closes, plan->items[i].n_closes, sizeof(PathKey), key_cmp);
    xqsort(plan->unclosable, plan->n_unclosable, sizeof(PathKey), key_cmp);
    free(dedicated_in);
    free(has_start);
    return plan;
}

/* ---- large scenarios: one start at a time ---------------------------------------------------
 * Every technique's effect stays on the attacker's host, and once the host's workloads are
 * taken over (from the host: host-controls-workloads), all of them are, so a start reaches its
 * host or not, and its host's workloads (every other tenant there) or not. That depends only on
 * the start itself, its host's OS, SSH and users, and the assumptions (given a catalog in which
 * no workload takes over other workloads without the host: catalog_fits). So each start is
 * probed on a scenario of its own: its host, itself (compromised, in a trusted tenant, so that
 * it is the only start) and a victim of another tenant, to see the host's workloads reached.
 * Starts alike in all the engine reads (their shape) share one probe. Per host, the answers are
 * joined: SSH off serves every start of the host, a tenant moved off the host every start of
 * that tenant there, the other candidates one start each. */

enum { REACH_HOST = 1, REACH_WORKLOADS = 2 }; /* what a start reaches, as bits */
enum { NEED_NOTHING, NEED_NO_HOST, NEED_NO_WORKLOADS };
#define NO_SET                 ((size_t)-1)
#define PROBE_MOUNTS_EXACT_MAX 8            /* used mounts up to which a start's search is exact */
#define PROBE_MEMO_MAX         12           /* own candidates up to which probes are remembered */
#define COST_NONE              ((size_t)-1) /* no set of changes does it */

static bool catalog_fits(const Catalog *c)
{
    for (size_t t = 0; t < c->n; t++)
        for (size_t k = 0; k < c->techniques[t].n_clauses; k++) {
            const Clause *cl = &c->techniques[t].clauses[k];
            if ((cl->from & (FROM_WORKLOAD | FROM_VM)) && cl->effect == EFFECT_HOST_WORKLOADS)
                return false;
        }
    return true;
}

typedef struct {
    size_t *idx; /* indices among the start's own candidates, ascending; owned */
    size_t n;    /* NO_SET: no set of them does it */
} PickSet;

/* What a start of some shape reaches under its candidate changes. */
typedef struct {
    size_t n_own;           /* its own candidates (isolation, account, mounts) */
    bool ssh_candidate;     /* its host's SSH off is a candidate */
    bool approx;            /* too many mounts to search in full: minimal sets, not minimum */
    unsigned reach;         /* REACH_* as it is */
    unsigned reach_ssh_off; /* with only its host's SSH off */
    unsigned *reach_one;    /* with only own candidate i; owned */
    bool host_full;         /* the host is still reached with every candidate of its own */
    PickSet close[2][2];    /* [SSH off][0: the host not reached, 1: no workload reached] */
} Shape;

typedef struct {
    const Catalog *c;
    Scenario *base; /* host 0; the start, workload 0; a victim, workload 1 */
    Change *own;    /* the start's own candidates, made for base */
    size_t n_own;
    unsigned char *memo; /* per (set, SSH off): REACH_* + 1, 0 not probed; NULL if too many */
} Probe;

static void replace_str(char **field, const char *value)
{
    char *copy = xstrdup(value);
    free(*field);
    *field = copy;
}

/* The probe scenario of start w: its host, w (compromised, alone in a trusted tenant) and a
 * plain victim workload of another trusted tenant. anonymous: neutral ids, as shapes share it. */
static Scenario *probe_base(const Scenario *s, const Analysis *a, size_t w, bool anonymous)
{
    Scenario *p = scenario_new("probe");
    memcpy(p->assume, s->assume, sizeof p->assume);
    Host *h = scenario_copy_host(p, &s->hosts[a->host_of[w]]);
    if (anonymous) replace_str(&h->id, "host");
    const char *host = p->hosts[0].id;
    const char *tenant = anonymous ? "start" : s->tenants[a->tenant_of[w]].id;
    char *victim_tenant = xasprintf("%s~victim", tenant);
    scenario_add_tenant(p, tenant, TRUST_TRUSTED);
    scenario_add_tenant(p, victim_tenant, TRUST_TRUSTED);
    Workload *start = scenario_copy_workload(p, &s->workloads[w]);
    start->compromised = true;
    replace_str(&start->tenant, tenant);
    replace_str(&start->host, host);
    if (anonymous) replace_str(&start->id, "start");
    char *victim_id = xasprintf("%s~victim", start->id);
    Workload *victim = scenario_add_workload(p, victim_id, victim_tenant, host);
    victim->isolation = ISOLATION_PROCESS;
    victim->account = ACCOUNT_USER;
    free(victim_id);
    free(victim_tenant);
    return p;
}

/* What the probe's start reaches with the chosen own candidates applied (and SSH off). */
static unsigned probe_reach(Probe *p, const size_t *chosen, size_t k, bool ssh_off)
{
    size_t slot = 0;
    if (p->memo) {
        for (size_t i = 0; i < k; i++)
            slot |= (size_t)1 << chosen[i];
        slot = slot * 2 + ssh_off;
        if (p->memo[slot]) return p->memo[slot] - 1u;
    }
    Scenario *t = with_changes(p->base, p->own, chosen, k);
    if (ssh_off) t->hosts[0].ssh = false;
    EngineOptions o = {.max_paths = 0, .lazy_why_not = true, .skip_exposure = true};
    Analysis *a = engine_analyze(t, p->c, &o);
    unsigned r = 0;
    for (size_t i = 0; i < a->n_paths; i++)
        r |= a->paths[i].kind == TARGET_HOST ? REACH_HOST : REACH_WORKLOADS;
    analysis_free(a);
    scenario_free(t);
    if (p->memo) p->memo[slot] = (unsigned char)(r + 1);
    return r;
}

static void pick_set(PickSet *ps, const size_t *chosen, size_t k)
{
    ps->idx = xcalloc(k + 1, sizeof *ps->idx);
    memcpy(ps->idx, chosen, k * sizeof *chosen);
    ps->n = k;
}

/* Lexicographic order of two index sets of one size. */
static bool set_less(const size_t *x, const size_t *y, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (x[i] != y[i]) return x[i] < y[i];
    return false;
}

/* The probe's own candidates, arranged: isolation and account first (fixed[]), then per mount
 * its read-only candidate (NO_SET if it is read-only already) and its removal. */
typedef struct {
    size_t fixed[2], n_fixed;
    size_t (*mounts)[2]; /* [read-only, remove] candidate indices */
    size_t n_mounts;
} OwnLayout;

/* The set made of the isolation and account choice `bits`, and per mount of the mount set `x`
 * (ascending mount indices) its removal, or its read-only change where `ro` has the bit. */
static size_t make_set(const OwnLayout *l, size_t bits, const size_t *x, size_t m, size_t ro,
                       size_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n_fixed; i++)
        if (bits >> i & 1) out[k++] = l->fixed[i];
    for (size_t i = 0; i < m; i++)
        out[k++] = l->mounts[x[i]][(ro >> i & 1) ? 0 : 1];
    return k;
}

/* Steps x (m ascending indices below n) to the next m-subset; false after the last. */
static bool next_subset(size_t *x, size_t m, size_t n)
{
    size_t i = m;
    while (i > 0 && x[i - 1] == n - m + i - 1)
        i--;
    if (i == 0) return false;
    x[i - 1]++;
    for (size_t j = i; j < m; j++)
        x[j] = x[j - 1] + 1;
    return true;
}

static void first_subset(size_t *x, size_t m)
{
    for (size_t i = 0; i < m; i++)
        x[i] = i;
}

/* The smallest set of the probe's own candidates that leaves `bit` (REACH_HOST or
 * REACH_WORKLOADS) unreached, the first in candidate order among sets of that size (as the
 * brute force picks). Mount changes only take edges away (no catalog condition wants a mount
 * read-only or absent) and removing a mount takes at least what making it read-only takes, so
 * a smallest set changes each mount it touches once, and the mounts it touches, removed, do
 * too: per choice of isolation and account (which can add edges: Hyper-V lets a Windows user
 * write through a mount), the fewest mounts to remove are found first, then among the sets of
 * that size the first whose read-only or removal changes work. */
static void probe_search_exact(Probe *p, const OwnLayout *l, bool ssh_off, unsigned bit,
                               PickSet *out)
{
    size_t n_m = l->n_mounts, best = NO_SET, fewest[4];
    size_t *x = xcalloc(n_m + 1, sizeof *x), *set = xcalloc(p->n_own + 1, sizeof *set);
    size_t *found = xcalloc(p->n_own + 1, sizeof *found);
    for (size_t bits = 0; bits < (size_t)1 << l->n_fixed; bits++) {
        size_t pop = (bits & 1) + (bits >> 1 & 1);
        fewest[bits] = NO_SET;
        for (size_t i = 0; i < n_m; i++)
            x[i] = i;
        if (probe_reach(p, set, make_set(l, bits, x, n_m, 0, set), ssh_off) & bit) continue;
        for (size_t m = 0; m <= n_m && fewest[bits] == NO_SET; m++) {
            if (best != NO_SET && pop + m > best) break;
            first_subset(x, m);
            do {
                size_t k = make_set(l, bits, x, m, 0, set);
                if (!(probe_reach(p, set, k, ssh_off) & bit)) fewest[bits] = m;
            } while (fewest[bits] == NO_SET && next_subset(x, m, n_m));
        }
        if (fewest[bits] != NO_SET && (best == NO_SET || pop + fewest[bits] < best))
            best = pop + fewest[bits];
    }
    out->n = NO_SET;
    for (size_t bits = 0; best != NO_SET && bits < (size_t)1 << l->n_fixed; bits++) {
        size_t pop = (bits & 1) + (bits >> 1 & 1), m = fewest[bits];
        if (m == NO_SET || pop + m != best) continue;
        first_subset(x, m);
        do {
            if (probe_reach(p, set, make_set(l, bits, x, m, 0, set), ssh_off) & bit) continue;
            for (size_t ro = 0; ro < (size_t)1 << m; ro++) {
                bool usable = true;
                for (size_t i = 0; i < m; i++)
                    if ((ro >> i & 1) && l->mounts[x[i]][0] == NO_SET) usable = false;
                if (!usable) continue;
                size_t k = make_set(l, bits, x, m, ro, set);
                if (out->n != NO_SET && !set_less(set, found, k)) continue;
                if (probe_reach(p, set, k, ssh_off) & bit) continue;
                memcpy(found, set, k * sizeof *set);
                out->n = k;
            }
        } while (next_subset(x, m, n_m));
    }
    if (out->n != NO_SET) pick_set(out, found, out->n);
    free(x);
    free(set);
    free(found);
}

/* The smallest sets of the probe's own candidates that leave the host unreached (out[0]) and
 * the host's workloads unreached (out[1]): exact up to PROBE_MOUNTS_EXACT_MAX mounts; beyond,
 * all of them and then each dropped that is not needed, latest first: minimal sets, and
 * *approx is set. */
static void probe_search(Probe *p, bool ssh_off, PickSet out[2], bool *approx)
{
    size_t n = p->n_own;
    OwnLayout l = {.mounts = xcalloc(n + 1, sizeof *l.mounts)};
    for (size_t i = 0; i < n; i++) {
        const Change *c = &p->own[i];
        if (c->kind <= CHANGE_ACCOUNT_USER) {
            l.fixed[l.n_fixed++] = i;
        } else if (c->kind == CHANGE_MOUNT_READ_ONLY) {
            l.mounts[l.n_mounts][0] = i;
        } else {
            if (i == 0 || p->own[i - 1].kind != CHANGE_MOUNT_READ_ONLY ||
                p->own[i - 1].mount != c->mount)
                l.mounts[l.n_mounts][0] = NO_SET;
            l.mounts[l.n_mounts++][1] = i;
        }
    }
    if (l.n_mounts <= PROBE_MOUNTS_EXACT_MAX) {
        probe_search_exact(p, &l, ssh_off, REACH_HOST, &out[0]);
        probe_search_exact(p, &l, ssh_off, REACH_WORKLOADS, &out[1]);
        free(l.mounts);
        return;
    }
    free(l.mounts);
    *approx = true;
    size_t *chosen = xcalloc(n + 1, sizeof *chosen);
    for (int what = 0; what < 2; what++) {
        unsigned bit = what ? REACH_WORKLOADS : REACH_HOST;
        out[what].n = NO_SET;
        size_t k = n;
        for (size_t i = 0; i < n; i++)
            chosen[i] = i;
        if (probe_reach(p, chosen, k, ssh_off) & bit) continue;
        for (size_t i = k; i-- > 0;) {
            size_t dropped = chosen[i];
            memmove(&chosen[i], &chosen[i + 1], (k - i - 1) * sizeof *chosen);
            if (!(probe_reach(p, chosen, k - 1, ssh_off) & bit)) {
                k--;
            } else {
                memmove(&chosen[i + 1], &chosen[i], (k - i - 1) * sizeof *chosen);
                chosen[i] = dropped;
            }
        }
        pick_set(&out[what], chosen, k);
    }
    free(chosen);
}

/* Probes start w (with its own candidates own[n], made for the scenario) into sh. */
static void shape_build(Shape *sh, const Scenario *s, const Catalog *c, const Analysis *a, size_t w,
                        const Change *own, size_t n, bool ssh_candidate, bool anonymous)
{
    Probe p = {.c = c, .base = probe_base(s, a, w, anonymous), .n_own = n};
    p.own = xcalloc(n + 1, sizeof *p.own);
    for (size_t i = 0; i < n; i++) {
        p.own[i] = own[i];
        p.own[i].target = 0;
    }
    if (n <= PROBE_MEMO_MAX) p.memo = xcalloc((size_t)2 << n, 1);
    sh->n_own = n;
    sh->ssh_candidate = ssh_candidate;
    sh->reach = probe_reach(&p, NULL, 0, false);
    sh->reach_ssh_off = ssh_candidate ? probe_reach(&p, NULL, 0, true) : sh->reach;
    size_t *all = xcalloc(n + 1, sizeof *all);
    sh->reach_one = xcalloc(n + 1, sizeof *sh->reach_one);
    for (size_t i = 0; i < n; i++) {
        all[i] = i;
        sh->reach_one[i] = probe_reach(&p, &all[i], 1, false);
    }
    sh->host_full = probe_reach(&p, all, n, ssh_candidate) & REACH_HOST;
    free(all);
    probe_search(&p, false, sh->close[0], &sh->approx);
    if (ssh_candidate)
        probe_search(&p, true, sh->close[1], &sh->approx);
    else
        sh->close[1][0].n = sh->close[1][1].n = NO_SET;
    free(p.memo);
    free(p.own);
    scenario_free(p.base);
}

static void shape_done(Shape *sh)
{
    free(sh->reach_one);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            free(sh->close[i][j].idx);
}

/* ---- the shape key: everything the engine reads about a start and its host */

/* Builds the key of start w (reusing b's buffer): strings are length-prefixed, so distinct
 * shapes cannot give one key. Hardening is left out: it changes efforts, never reachability. */
static const char *shape_key(KeyBuf *b, const Scenario *s, const Analysis *a, size_t w,
                             const Change *own, size_t n_own, bool ssh_candidate)
{
    const Workload *wl = &s->workloads[w];
    const Host *h = &s->hosts[a->host_of[w]];
    b->n = 0;
    keybuf_num(b, (size_t)h->os);
    keybuf_num(b, h->ssh);
    keybuf_num(b, ssh_candidate);
    keybuf_num(b, h->n_users);
    for (size_t u = 0; u < h->n_users; u++) {
        keybuf_str(b, h->users[u].name);
        keybuf_num(b, h->users[u].admin);
    }
    keybuf_num(b, (size_t)wl->isolation);
    keybuf_num(b, (size_t)wl->account);
    keybuf_num(b, wl->privileged);
    keybuf_num(b, wl->host_namespaces);
    keybuf_num(b, wl->capabilities.n);
    for (size_t i = 0; i < wl->capabilities.n; i++)
        keybuf_str(b, wl->capabilities.items[i]);
    keybuf_num(b, wl->n_mounts);
    for (size_t m = 0; m < wl->n_mounts; m++) {
        keybuf_str(b, wl->mounts[m].host_path);
        keybuf_num(b, wl->mounts[m].read_only);
    }
    keybuf_num(b, n_own);
    for (size_t i = 0; i < n_own; i++) {
        keybuf_num(b, (size_t)own[i].kind);
        keybuf_num(b, own[i].mount);
    }
    return keybuf_text(b);
}

/* ---- joining the starts, host by host */

typedef struct {
    size_t tenant, host;
} Move;

typedef struct {
    PathKey *keys;
    size_t n, cap;
} KeyList;

static inline void key_push(KeyList *l, const char *from, const char *to)
{
    if (l->n == l->cap) xgrow((void **)&l->keys, &l->cap, l->n + 1, sizeof *l->keys);
    l->keys[l->n++] = (PathKey){(char *)from, (char *)to};
}

/* Takes an owned string into the plan's pool and returns it. */
static const char *pool_take(StrList *pool, char *owned)
{
    xgrow((void **)&pool->items, &pool->cap, pool->n + 1, sizeof *pool->items);
    pool->items[pool->n++] = owned;
    return owned;
}

/* Everything the per-start search holds while it works. */
typedef struct {
    const Scenario *s;
    const Catalog *c;
    const Analysis *a;
    const Change *cands; /* every candidate, in candidate order */
    size_t n_cands;
    size_t *own_first; /* per workload: its first candidate; own_first[w + 1] ends them */
    size_t *ssh_cand;  /* per host: index of its SSH-off candidate, or NO_SET */
    size_t *starts;    /* the starts, sorted by id */
    size_t n_starts;
    size_t *by_host_first;  /* per host: its starts, sorted by id, in starts_by_host */
    size_t *starts_by_host; /* workload indices */
    size_t *ten_first;      /* per host: the tenants with workloads on it, sorted by id */
    size_t *ten_list;       /* tenant indices */
    Shape *shapes;          /* probed */
    size_t n_shapes;
    bool approx;            /* some shape's sets are minimal, not minimum */
    const Shape **shape_of; /* per workload (starts) */
    /* the choices */
    bool *ssh_off;       /* per host */
    unsigned char *need; /* per workload (starts): NEED_* of its own candidates */
    Move *moves;         /* tenants moved off hosts */
    size_t n_moves;
    size_t *move_hosts; /* per tenant: shared hosts where it has a start (could move off) */
    size_t *stays;      /* per host: the tenant never moved off it, or NO_SET */
    /* the plan's strings (in its pool) */
    const char **from;      /* per workload (starts): its id */
    const char **host_to;   /* per host: "host:ID" */
    const char **tenant_to; /* per tenant: "tenant:ID" */
} Join;

static size_t n_tenants_on(const Join *j, size_t h)
{
    return j->ten_first[h + 1] - j->ten_first[h];
}

/* Appends start w's original paths that are lost when it reaches only what `reach` says. */
static void lost_keys(const Join *j, size_t w, unsigned reach, KeyList *out)
{
    const Shape *sh = j->shape_of[w];
    unsigned lost = sh->reach & ~reach; /* no host, then no workload either */
    size_t h = j->a->host_of[w], own = j->a->tenant_of[w];
    if (lost & REACH_HOST) key_push(out, j->from[w], j->host_to[h]);
    if (lost & REACH_WORKLOADS)
        for (size_t i = j->ten_first[h]; i < j->ten_first[h + 1]; i++)
            if (j->ten_list[i] != own) key_push(out, j->from[w], j->tenant_to[j->ten_list[i]]);
}

static size_t cost_add(size_t x, size_t y)
{
    return x == COST_NONE || y == COST_NONE ? COST_NONE : x + y;
}

static size_t pick_cost(const Shape *sh, bool ssh_off, int need)
{
    if (need == NEED_NOTHING) return 0;
    return sh->close[ssh_off][need == NEED_NO_WORKLOADS].n; /* NO_SET is COST_NONE */
}

/* One tenant's starts on a host (a run of the host's starts, sorted by tenant). */
typedef struct {
    size_t tenant;
    size_t first, end; /* range in the host's starts */
    bool moved;        /* the plan moves it off the host */
} Group;

static int by_tenant(const void *x, const void *y, void *ctx)
{
    const Analysis *a = ctx;
    size_t wx = *(const size_t *)x, wy = *(const size_t *)y;
    if (a->tenant_of[wx] != a->tenant_of[wy]) return a->tenant_of[wx] < a->tenant_of[wy] ? -1 : 1;
    return wx < wy ? -1 : wx > wy;
}

/* The cost of one tenant's starts when they stay on the host (alone: no other tenant left
 * there) or are moved off it, under the host's SSH choice. A start must end with no path but
 * those it keeps with every candidate applied: when those move it to a host of its own, only
 * the path to that host (so it must not reach its host unless moved); when its tenant stays
 * alone on the host (the last one), only the path to the host. */
static size_t group_cost(const Join *j, const size_t *st, const Group *g, bool ssh_off, bool moved,
                         bool alone)
{
    size_t cost = moved ? 1 : 0;
    for (size_t i = g->first; i < g->end; i++) {
        const Shape *sh = j->shape_of[st[i]];
        int need = NEED_NO_HOST;
        if (moved || alone) need = sh->host_full ? NEED_NOTHING : NEED_NO_HOST;
        cost = cost_add(cost, pick_cost(sh, ssh_off, need));
    }
    return cost;
}

/* Host h's choices: SSH off or not, which tenants move off it, and what each start needs of
 * its own candidates (need, per workload). Returns false when nothing works (the
 * decomposition failed). */
static bool join_host(const Join *j, size_t h, bool *ssh_off_out, Group *groups, size_t *n_groups,
                      size_t *st, unsigned char *need)
{
    const Analysis *a = j->a;
    size_t n_st = j->by_host_first[h + 1] - j->by_host_first[h];
    memcpy(st, &j->starts_by_host[j->by_host_first[h]], n_st * sizeof *st);
    xqsort_r(st, n_st, sizeof *st, by_tenant, (void *)a);
    size_t ng = 0;
    for (size_t i = 0; i < n_st; i++) {
        if (i == 0 || a->tenant_of[st[i]] != a->tenant_of[st[i - 1]])
            groups[ng++] = (Group){a->tenant_of[st[i]], i, i, false};
        groups[ng - 1].end = i + 1;
    }
    *n_groups = ng;
    bool shared = n_tenants_on(j, h) > 1;
    /* every tenant on the host has a start here: with every candidate applied, all but the
     * last move off (the last is then alone, change_apply_all moves it nowhere) */
    bool all_start = shared && ng == n_tenants_on(j, h);
    size_t best = COST_NONE;
    bool best_ssh = false, best_all = false;
    for (int off = 0; off <= (j->ssh_cand[h] != NO_SET); off++) {
        size_t cost = (size_t)off, forced = (size_t)off;
        bool all_moved = true;
        for (size_t g = 0; g < ng; g++) {
            bool last = all_start && g == ng - 1;
            if (!shared) {
                cost = cost_add(cost, group_cost(j, st, &groups[g], off, false, true));
            } else if (!last) {
                size_t stay = group_cost(j, st, &groups[g], off, false, false);
                size_t move = group_cost(j, st, &groups[g], off, true, false);
                all_moved &= move < stay;
                cost = cost_add(cost, move < stay ? move : stay);
                forced = cost_add(forced, move);
            }
        }
        bool all = false;
        if (all_start) {
            const Group *l = &groups[ng - 1];
            /* the last tenant stays; unless every other one moves, its starts must not reach
             * the host's workloads */
            size_t alone = group_cost(j, st, l, off, false, true);
            size_t crowded = 0;
            for (size_t i = l->first; i < l->end; i++) {
                const Shape *sh = j->shape_of[st[i]];
                crowded = cost_add(
                    crowded, pick_cost(sh, off, sh->host_full ? NEED_NO_WORKLOADS : NEED_NO_HOST));
            }
            cost = cost_add(cost, all_moved ? alone : crowded);
            forced = cost_add(forced, alone);
            all = all_moved || forced < cost;
            if (forced < cost) cost = forced;
        }
        if (cost < best) {
            best = cost;
            best_ssh = off;
            best_all = all;
        }
    }
    if (best == COST_NONE) return false;
    *ssh_off_out = best_ssh;
    for (size_t g = 0; g < ng; g++) {
        Group *gr = &groups[g];
        bool last = all_start && g == ng - 1;
        if (shared && !last) {
            size_t stay = group_cost(j, st, gr, best_ssh, false, false);
            size_t move = group_cost(j, st, gr, best_ssh, true, false);
            gr->moved = best_all || move < stay;
        }
        for (size_t i = gr->first; i < gr->end; i++) {
            const Shape *sh = j->shape_of[st[i]];
            unsigned char n = NEED_NO_HOST;
            if (!shared || gr->moved || (last && best_all))
                n = sh->host_full ? NEED_NOTHING : NEED_NO_HOST;
            else if (last)
                n = sh->host_full ? NEED_NO_WORKLOADS : NEED_NO_HOST;
            need[st[i]] = n;
        }
    }
    return true;
}

static int move_order(const void *x, const void *y)
{
    const Move *a = x, *b = y;
    if (a->tenant != b->tenant) return a->tenant < b->tenant ? -1 : 1;
    return a->host < b->host ? -1 : a->host > b->host;
}

static int cmp_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

static const char *workload_id(const void *ctx, size_t i)
{
    return ((const Scenario *)ctx)->workloads[i].id;
}

static const char *tenant_id(const void *ctx, size_t i)
{
    return ((const Scenario *)ctx)->tenants[i].id;
}

/* Appends an item closing the keys of `closes` (copied into a block of their own, never NULL,
 * as pathkeys_of gives; closes is emptied for the next item). */
static FixItem *plan_add(FixPlan *plan, size_t *cap, Change change, KeyList *closes)
{
    PathKey *keys = xmalloc((closes->n + 1) * sizeof *keys);
    if (closes->n) memcpy(keys, closes->keys, closes->n * sizeof *keys);
    xgrow((void **)&plan->items, cap, plan->n_items + 1, sizeof *plan->items);
    FixItem *it = &plan->items[plan->n_items++];
    *it = (FixItem){change, keys, closes->n};
    closes->n = 0;
    return it;
}

/* Indexes the scenario: each start's own candidates, the starts by id and by host, the
 * tenants on each host. */
static void join_index(Join *j)
{
    const Scenario *s = j->s;
    const Analysis *a = j->a;
    size_t nw = s->n_workloads, nh = s->n_hosts, nt = s->n_tenants;
    j->own_first = xcalloc(nw + 2, sizeof *j->own_first);
    j->ssh_cand = xmalloc((nh + 1) * sizeof *j->ssh_cand);
    for (size_t h = 0; h < nh; h++)
        j->ssh_cand[h] = NO_SET;
    size_t i_c = 0; /* workload candidates come first, in workload order */
    for (size_t w = 0; w < nw; w++) {
        j->own_first[w] = i_c;
        while (i_c < j->n_cands && j->cands[i_c].kind <= CHANGE_MOUNT_REMOVE &&
               j->cands[i_c].target == w)
            i_c++;
    }
    j->own_first[nw] = i_c;
    for (; i_c < j->n_cands; i_c++)
        if (j->cands[i_c].kind == CHANGE_SSH_OFF) j->ssh_cand[j->cands[i_c].target] = i_c;

    j->starts = xmalloc((nw + 1) * sizeof *j->starts);
    for (size_t w = 0; w < nw; w++)
        if (a->is_start[w]) j->starts[j->n_starts++] = w;
    id_sort(j->starts, j->n_starts, workload_id, s);
    j->by_host_first = xcalloc(nh + 2, sizeof *j->by_host_first);
    for (size_t i = 0; i < j->n_starts; i++)
        j->by_host_first[a->host_of[j->starts[i]] + 1]++;
    for (size_t h = 0; h < nh; h++)
        j->by_host_first[h + 1] += j->by_host_first[h];
    j->starts_by_host = xmalloc((j->n_starts + 1) * sizeof *j->starts_by_host);
    size_t *fill = xmalloc((nh + 1) * sizeof *fill);
    memcpy(fill, j->by_host_first, nh * sizeof *fill);
    for (size_t i = 0; i < j->n_starts; i++)
        j->starts_by_host[fill[a->host_of[j->starts[i]]]++] = j->starts[i];

    size_t *tenant_order = xmalloc((nt + 1) * sizeof *tenant_order);
    for (size_t t = 0; t < nt; t++)
        tenant_order[t] = t;
    id_sort(tenant_order, nt, tenant_id, s);
    size_t *tenant_rank = xmalloc((nt + 1) * sizeof *tenant_rank);
    for (size_t r = 0; r < nt; r++)
        tenant_rank[tenant_order[r]] = r;
    size_t *wl_first = xcalloc(nh + 2, sizeof *wl_first);
    size_t *wl_by_host = xmalloc((nw + 1) * sizeof *wl_by_host);
    for (size_t w = 0; w < nw; w++)
        wl_first[a->host_of[w] + 1]++;
    for (size_t h = 0; h < nh; h++)
        wl_first[h + 1] += wl_first[h];
    memcpy(fill, wl_first, nh * sizeof *fill);
    for (size_t w = 0; w < nw; w++)
        wl_by_host[fill[a->host_of[w]]++] = w;
    size_t *seen = xmalloc((nt + 1) * sizeof *seen);
    for (size_t t = 0; t < nt; t++)
        seen[t] = NO_SET;
    j->ten_first = xcalloc(nh + 2, sizeof *j->ten_first);
    j->ten_list = xmalloc((nw + 1) * sizeof *j->ten_list);
    size_t n_ten = 0;
    for (size_t h = 0; h < nh; h++) {
        j->ten_first[h] = n_ten;
        for (size_t i = wl_first[h]; i < wl_first[h + 1]; i++) {
            size_t t = a->tenant_of[wl_by_host[i]];
            if (seen[t] == h) continue;
            seen[t] = h;
            j->ten_list[n_ten++] = tenant_rank[t]; /* sorted as ranks, turned back below */
        }
        size_t *list = &j->ten_list[j->ten_first[h]], len = n_ten - j->ten_first[h];
        xqsort(list, len, sizeof *list, cmp_size);
        for (size_t k = 0; k < len; k++)
            list[k] = tenant_order[list[k]];
    }
    j->ten_first[nh] = n_ten;
    free(seen);
    free(wl_first);
    free(wl_by_host);
    free(tenant_order);
    free(tenant_rank);
    free(fill);
}

/* Probes every start, once per shape with share_shapes. False when the probes do not predict
 * the paths of the analysis (the decomposition does not hold): each start's when it kept every
 * path, their number otherwise. */
static bool join_probe(Join *j, bool share_shapes)
{
    const Analysis *a = j->a;
    size_t nw = j->s->n_workloads, total = 0;
    bool every_path = a->n_paths == a->paths_total;
    size_t *n_paths = xcalloc(nw + 1, sizeof *n_paths);
    for (size_t i = 0; every_path && i < a->n_paths; i++)
        n_paths[a->paths[i].start]++;
    size_t cap = 0, *shape_idx = xmalloc((nw + 1) * sizeof *shape_idx);
    StrMap memo;
    strmap_init(&memo);
    StrList keys = {0};
    KeyBuf buf = {0};
    bool ok = true;
    for (size_t i = 0; i < j->n_starts && ok; i++) {
        size_t w = j->starts[i], h = a->host_of[w];
        const Change *own = &j->cands[j->own_first[w]];
        size_t n_own = j->own_first[w + 1] - j->own_first[w];
        bool ssh_candidate = j->ssh_cand[h] != NO_SET;
        size_t k = j->n_shapes;
        const char *key = NULL;
        if (share_shapes) {
            key = shape_key(&buf, j->s, a, w, own, n_own, ssh_candidate);
            if (!strmap_get(&memo, key, &k)) k = j->n_shapes;
        }
        if (k == j->n_shapes) {
            xgrow((void **)&j->shapes, &cap, j->n_shapes + 1, sizeof *j->shapes);
            Shape *sh = &j->shapes[j->n_shapes++];
            memset(sh, 0, sizeof *sh);
            shape_build(sh, j->s, j->c, a, w, own, n_own, ssh_candidate, share_shapes);
            j->approx |= sh->approx;
            if (share_shapes) {
                strlist_add(&keys, key);
                strmap_put(&memo, keys.items[keys.n - 1], k);
            }
        }
        shape_idx[w] = k;
        unsigned r = j->shapes[k].reach;
        size_t predicted =
            (r & REACH_HOST ? 1 : 0) + (r & REACH_WORKLOADS ? n_tenants_on(j, h) - 1 : 0);
        ok = !every_path || predicted == n_paths[w];
        total += predicted;
    }
    ok = ok && total == a->paths_total;
    keybuf_done(&buf);
    strmap_done(&memo);
    strlist_done(&keys);
    free(n_paths);
    j->shape_of = xcalloc(nw + 1, sizeof *j->shape_of);
    for (size_t i = 0; ok && i < j->n_starts; i++)
        j->shape_of[j->starts[i]] = &j->shapes[shape_idx[j->starts[i]]];
    free(shape_idx);
    return ok;
}

/* Chooses, host by host, SSH, the tenants moved off and what each start needs. */
static bool join_choose(Join *j)
{
    size_t nh = j->s->n_hosts, nt = j->s->n_tenants, cap_moves = 0;
    j->ssh_off = xcalloc(nh + 1, sizeof *j->ssh_off);
    j->need = xcalloc(j->s->n_workloads + 1, 1);
    j->move_hosts = xcalloc(nt + 1, sizeof *j->move_hosts);
    j->stays = xmalloc((nh + 1) * sizeof *j->stays);
    size_t *st = xmalloc((j->n_starts + 1) * sizeof *st);
    Group *groups = xmalloc((j->n_starts + 1) * sizeof *groups);
    bool ok = true;
    for (size_t h = 0; h < nh && ok; h++) {
        j->stays[h] = NO_SET;
        if (j->by_host_first[h] == j->by_host_first[h + 1]) continue;
        size_t ng;
        ok = join_host(j, h, &j->ssh_off[h], groups, &ng, st, j->need);
        /* with every candidate applied, each tenant with a start here moves off, but when all
         * tenants here have one, the last (change_apply_all then finds it alone) */
        if (ok && n_tenants_on(j, h) > 1 && ng == n_tenants_on(j, h))
            j->stays[h] = groups[ng - 1].tenant;
        for (size_t g = 0; g < ng && ok; g++) {
            if (n_tenants_on(j, h) > 1) j->move_hosts[groups[g].tenant]++;
            if (!groups[g].moved) continue;
            xgrow((void **)&j->moves, &cap_moves, j->n_moves + 1, sizeof *j->moves);
            j->moves[j->n_moves++] = (Move){groups[g].tenant, h};
        }
    }
    free(st);
    free(groups);
    return ok;
}

/* Whether the plan is proven minimal: every shape searched in full, and no tenant that one
 * change (every host) might move off several shared hosts at once, its workloads that are no
 * start included. */
static bool join_exact(const Join *j)
{
    if (j->approx) return false;
    size_t nt = j->s->n_tenants;
    size_t *shared_hosts = xcalloc(nt + 1, sizeof *shared_hosts);
    for (size_t h = 0; h < j->s->n_hosts; h++)
        if (n_tenants_on(j, h) > 1)
            for (size_t k = j->ten_first[h]; k < j->ten_first[h + 1]; k++)
                shared_hosts[j->ten_list[k]]++;
    bool exact = true;
    for (size_t t = 0; t < nt; t++)
        if (j->move_hosts[t] > 0 && shared_hosts[t] > 1) exact = false;
    free(shared_hosts);
    return exact;
}

/* The plan of the choices: items in candidate order (each start's own changes, SSH, tenants
 * moved), what each closes on its own, and what every candidate leaves. */
static FixPlan *join_plan(Join *j)
{
    const Scenario *s = j->s;
    const Analysis *a = j->a;
    size_t nw = s->n_workloads, nh = s->n_hosts, nt = s->n_tenants;
    FixPlan *plan = xcalloc(1, sizeof *plan);
    plan->n_candidates = j->n_cands;
    plan->paths_before = a->paths_total;
    plan->exact = join_exact(j);
    StrList *pool = xcalloc(1, sizeof *pool);
    plan->strings = pool;
    j->from = xcalloc(nw + 1, sizeof *j->from);
    j->host_to = xcalloc(nh + 1, sizeof *j->host_to);
    j->tenant_to = xcalloc(nt + 1, sizeof *j->tenant_to);
    for (size_t i = 0; i < j->n_starts; i++)
        j->from[j->starts[i]] = pool_take(pool, xstrdup(s->workloads[j->starts[i]].id));
    for (size_t h = 0; h < nh; h++)
        j->host_to[h] = pool_take(pool, xasprintf("host:%s", s->hosts[h].id));
    for (size_t t = 0; t < nt; t++)
        j->tenant_to[t] = pool_take(pool, xasprintf("tenant:%s", s->tenants[t].id));

    size_t cap_items = 0;
    KeyList closes = {0};
    for (size_t w = 0; w < nw; w++) {
        if (!a->is_start[w] || j->need[w] == NEED_NOTHING) continue;
        const Shape *sh = j->shape_of[w];
        const PickSet *ps = &sh->close[j->ssh_off[a->host_of[w]]][j->need[w] == NEED_NO_WORKLOADS];
        for (size_t i = 0; i < ps->n; i++) {
            lost_keys(j, w, sh->reach_one[ps->idx[i]], &closes);
            plan_add(plan, &cap_items, j->cands[j->own_first[w] + ps->idx[i]], &closes);
        }
    }
    for (size_t h = 0; h < nh; h++) {
        if (!j->ssh_off[h]) continue;
        for (size_t i = j->by_host_first[h]; i < j->by_host_first[h + 1]; i++) {
            size_t w = j->starts_by_host[i];
            lost_keys(j, w, j->shape_of[w]->reach_ssh_off, &closes);
        }
        plan_add(plan, &cap_items, j->cands[j->ssh_cand[h]], &closes);
    }
    xqsort(j->moves, j->n_moves, sizeof *j->moves, move_order);
    for (size_t m = 0; m < j->n_moves; m++) {
        size_t t = j->moves[m].tenant, h = j->moves[m].host;
        for (size_t i = j->by_host_first[h]; i < j->by_host_first[h + 1]; i++) {
            size_t w = j->starts_by_host[i];
            if (a->tenant_of[w] == t)
                lost_keys(j, w, 0, &closes); /* its host path too: the host is another */
            else if (j->shape_of[w]->reach & REACH_WORKLOADS)
                key_push(&closes, j->from[w], j->tenant_to[t]);
        }
        plan_add(plan, &cap_items, (Change){CHANGE_TENANT_DEDICATED, t, 0, h}, &closes);
    }
    free(closes.keys);

    KeyList left = {0};
    for (size_t i = 0; i < j->n_starts; i++) {
        size_t w = j->starts[i], h = a->host_of[w], t = a->tenant_of[w];
        if (!j->shape_of[w]->host_full) continue;
        bool stay = n_tenants_on(j, h) == 1 || j->stays[h] == t;
        const char *to =
            stay ? j->host_to[h]
                 : pool_take(pool, xasprintf("host:%s@%s", s->tenants[t].id, s->hosts[h].id));
        key_push(&left, j->from[w], to);
    }
    xgrow((void **)&left.keys, &left.cap, 1, sizeof *left.keys);
    plan->unclosable = left.keys;
    plan->n_unclosable = left.n;
    return plan;
}

static void join_done(Join *j)
{
    for (size_t k = 0; k < j->n_shapes; k++)
        shape_done(&j->shapes[k]);
    free(j->shapes);
    free(j->shape_of);
    free(j->own_first);
    free(j->ssh_cand);
    free(j->starts);
    free(j->by_host_first);
    free(j->starts_by_host);
    free(j->ten_first);
    free(j->ten_list);
    free(j->ssh_off);
    free(j->need);
    free(j->moves);
    free(j->move_hosts);
    free(j->stays);
    free(j->from);
    free(j->host_to);
    free(j->tenant_to);
}

static FixPlan *by_start(const Scenario *s, const Catalog *c, const Analysis *a,
                         const Change *cands, size_t n_cands, bool share_shapes)
{
    if (!catalog_fits(c)) return NULL;
    /* a host named TENANT@HOST would receive the tenant moved off HOST: not modelled */
    for (size_t h = 0; h < s->n_hosts; h++)
        if (strchr(s->hosts[h].id, '@')) return NULL;
    Join j = {.s = s, .c = c, .a = a, .cands = cands, .n_cands = n_cands};
    join_index(&j);
    FixPlan *plan = join_probe(&j, share_shapes) && join_choose(&j) ? join_plan(&j) : NULL;
    join_done(&j);
    return plan;
}

FixPlan *fixplan_compute_by_start(const Scenario *s, const Catalog *c, const Analysis *a,
                                  bool share_shapes)
{
    size_t n_cands;
    Change *cands = fixplan_candidates(s, a, &n_cands);
    FixPlan *plan = by_start(s, c, a, cands, n_cands, share_shapes);
    free(cands);
    return plan;
}

static size_t hosts_with_starts(const Scenario *s, const Analysis *a)
{
    size_t n = 0;
    bool *seen = xcalloc(s->n_hosts + 1, sizeof *seen);
    for (size_t w = 0; w < s->n_workloads; w++)
        if (a->is_start[w] && !seen[a->host_of[w]]) {
            seen[a->host_of[w]] = true;
            n++;
        }
    free(seen);
    return n;
}

/* fixplan_compute given the candidates (taken). */
static FixPlan *compute(const Scenario *s, const Catalog *c, const Analysis *a, Change *cands,
                        size_t n_cands)
{
    FixPlan *plan = n_cands > FIXPLAN_EXACT_MAX ? by_start(s, c, a, cands, n_cands, true) : NULL;
    free(cands);
    if (plan) return plan;
    /* the other searches compare every path */
    Analysis *full = NULL;
    if (a->n_paths < a->paths_total) {
        EngineOptions o = {.max_paths = 0};
        a = full = engine_analyze(s, c, &o);
    }
    if (n_cands > FIXPLAN_EXACT_MAX && hosts_with_starts(s, a) > 1)
        plan = plan_by_host(s, c, a, n_cands);
    if (!plan) plan = fixplan_compute_with(s, c, a, false, false);
    analysis_free(full);
    return plan;
}

FixPlan *fixplan_compute(const Scenario *s, const Catalog *c, const Analysis *a)
{
    size_t n_cands;
    Change *cands = fixplan_candidates(s, a, &n_cands);
    return compute(s, c, a, cands, n_cands);
}

void fixplan_free(FixPlan *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n_items; i++)
        if (p->strings)
            free(p->items[i].closes);
        else
            pathkeys_free(p->items[i].closes, p->items[i].n_closes);
    free(p->items);
    if (p->strings) {
        free(p->unclosable);
        strlist_done(p->strings);
        free(p->strings);
    } else {
        pathkeys_free(p->unclosable, p->n_unclosable);
    }
    free(p);
}

FixPlan *fixplan_compute_limited(const Scenario *s, const Catalog *c, const Analysis *a,
                                 size_t max_candidates)
{
    size_t n;
    Change *cands = fixplan_candidates(s, a, &n);
    if (max_candidates == 0 || n <= max_candidates) return compute(s, c, a, cands, n);
    free(cands);
    FixPlan *plan = xcalloc(1, sizeof *plan);
    plan->skipped = true;
    plan->n_candidates = n;
    plan->paths_before = a->paths_total;
    return plan;
}
