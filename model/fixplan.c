/* The fix plan: candidate changes, applying them, and the search for the fewest that close
 * every closable path. See fixplan.h. */
#include "fixplan.h"

#include <stdlib.h>
#include <string.h>

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

/* Paths left after applying the chosen candidates (owned keys). */
static PathKey *paths_after(const Search *x, const size_t *chosen, size_t k, size_t *n)
{
    Scenario *t = scenario_clone(x->s);
    Change *changes = xcalloc(k + 1, sizeof *changes);
    for (size_t i = 0; i < k; i++)
        changes[i] = x->cands[chosen[i]];
    change_apply_all(t, changes, k);
    free(changes);
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

/* ---- large scenarios: one host at a time ---------------------------------------------------
 * Every technique's effect stays on the workload's own host, so the paths of one host are
 * closed by changes to that host and its workloads alone (and by moving tenants off it).
 * Each host's plan is found on a scenario holding just that host, then the plans are joined. */

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

FixPlan *fixplan_compute(const Scenario *s, const Catalog *c, const Analysis *a)
{
    size_t n_cands, hosts_with_starts = 0;
    free(fixplan_candidates(s, a, &n_cands));
    bool *seen = xcalloc(s->n_hosts + 1, sizeof *seen);
    for (size_t w = 0; w < s->n_workloads; w++)
        if (a->is_start[w] && !seen[a->host_of[w]]) {
            seen[a->host_of[w]] = true;
            hosts_with_starts++;
        }
    free(seen);
    if (n_cands > FIXPLAN_EXACT_MAX && hosts_with_starts > 1) return plan_by_host(s, c, a, n_cands);
    return fixplan_compute_with(s, c, a, false, false);
}

void fixplan_free(FixPlan *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n_items; i++)
        pathkeys_free(p->items[i].closes, p->items[i].n_closes);
    free(p->items);
    pathkeys_free(p->unclosable, p->n_unclosable);
    free(p);
}

FixPlan *fixplan_compute_limited(const Scenario *s, const Catalog *c, const Analysis *a,
                                 size_t max_candidates)
{
    size_t n;
    free(fixplan_candidates(s, a, &n));
    if (max_candidates == 0 || n <= max_candidates) return fixplan_compute(s, c, a);
    FixPlan *plan = xcalloc(1, sizeof *plan);
    plan->skipped = true;
    plan->n_candidates = n;
    plan->paths_before = a->paths_total;
    return plan;
}
