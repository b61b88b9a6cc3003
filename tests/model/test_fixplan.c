/* Fix plan tests: on every bundled scenario and on 200 random small ones, the plan closes
 * every closable path, leaves only the unclosable ones, and no smaller set of candidates
 * does (checked here by trying every smaller subset). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/gen.h"
#include "catalog_json.h"
#include "engine.h"
#include "fixplan.h"
#include "scenario_json.h"
#include "xalloc.h"

static Catalog *cat;

static void setup(void)
{
    cat = catalog_load_builtin();
}

static void teardown(void)
{
    catalog_free(cat);
}

TestSuite(fixplan, .init = setup, .fini = teardown);

static int key_cmp(const void *x, const void *y)
{
    const PathKey *a = x, *b = y;
    int c = strcmp(a->from, b->from);
    return c ? c : strcmp(a->to, b->to);
}

/* Paths left (not in unclosable) after applying the chosen candidates. */
static size_t left_after(const Scenario *s, const Change *cands, const size_t *chosen, size_t k,
                         const FixPlan *plan)
{
    Scenario *t = scenario_clone(s);
    Change changes[64];
    for (size_t i = 0; i < k; i++)
        changes[i] = cands[chosen[i]];
    change_apply_all(t, changes, k);
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(t, cat, &o);
    size_t n;
    PathKey *keys = pathkeys_of(a, &n);
    size_t left = 0;
    for (size_t i = 0; i < n; i++)
        left += !bsearch(&keys[i], plan->unclosable, plan->n_unclosable, sizeof(PathKey), key_cmp);
    pathkeys_free(keys, n);
    analysis_free(a);
    scenario_free(t);
    return left;
}

/* True if some subset of exactly k candidates leaves no closable path. */
static bool some_subset_works(const Scenario *s, const Change *cands, size_t n, size_t k,
                              const FixPlan *plan)
{
    size_t idx[64];
    for (size_t i = 0; i < k; i++)
        idx[i] = i;
    for (;;) {
        if (left_after(s, cands, idx, k, plan) == 0) return true;
        size_t i = k;
        while (i > 0 && idx[i - 1] == n - k + i - 1)
            i--;
        if (i == 0) return false;
        idx[i - 1]++;
        for (size_t j = i; j < k; j++)
            idx[j] = idx[j - 1] + 1;
    }
}

static void check_plan(const Scenario *s, const char *label)
{
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, cat, &o);
    FixPlan *plan = fixplan_compute(s, cat, a);
    size_t n;
    Change *cands = fixplan_candidates(s, a, &n);
    cr_assert_eq(plan->n_candidates, n);
    cr_assert(n <= FIXPLAN_EXACT_MAX, "%s: %zu candidates, too many for this test", label, n);
    cr_assert(plan->exact, "%s: at most %d candidates must give the exact plan", label,
              FIXPLAN_EXACT_MAX);

    /* applying the plan leaves only unclosable paths */
    Scenario *t = scenario_clone(s);
    Change changes[64];
    for (size_t i = 0; i < plan->n_items; i++)
        changes[i] = plan->items[i].change;
    change_apply_all(t, changes, plan->n_items);
    Analysis *after = engine_analyze(t, cat, &o);
    size_t n_left;
    PathKey *left = pathkeys_of(after, &n_left);
    for (size_t i = 0; i < n_left; i++)
        cr_assert_not_null(
            bsearch(&left[i], plan->unclosable, plan->n_unclosable, sizeof(PathKey), key_cmp),
            "%s: after the plan, %s -> %s remains and is not unclosable", label, left[i].from,
            left[i].to);
    pathkeys_free(left, n_left);
    analysis_free(after);
    scenario_free(t);

    /* no smaller plan exists */
    if (plan->n_items > 0)
        cr_assert_not(some_subset_works(s, cands, n, plan->n_items - 1, plan),
                      "%s: a plan of %zu changes exists, smaller than the %zu proposed", label,
                      plan->n_items - 1, plan->n_items);
    /* and every change in it says which current paths it closes on its own */
    for (size_t i = 0; i < plan->n_items; i++)
        cr_assert_leq(plan->items[i].n_closes, a->paths_total);

    free(cands);
    fixplan_free(plan);
    analysis_free(a);
}

/* Calls check(s, path) on every bundled scenario; returns how many there are. */
static size_t each_bundled(void (*check)(const Scenario *s, const char *path, void *ctx), void *ctx)
{
    DIR *d = opendir("scenarios");
    cr_assert_not_null(d);
    struct dirent *e;
    size_t count = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
        char path[512];
        snprintf(path, sizeof path, "scenarios/%s", e->d_name);
        char *err = NULL;
        Scenario *s = scenario_load_file(path, &err);
        cr_assert_not_null(s, "%s", err);
        check(s, path, ctx);
        scenario_free(s);
        count++;
    }
    closedir(d);
    return count;
}

static void check_plan_of(const Scenario *s, const char *path, void *ctx)
{
    (void)ctx;
    check_plan(s, path);
}

Test(fixplan, bundled_scenarios_get_the_minimum_plan)
{
    cr_assert_geq(each_bundled(check_plan_of, NULL), 15);
}

Test(fixplan, random_scenarios_get_the_minimum_plan)
{
    unsigned long long seed0 = base_seed();
    size_t checked = 0;
    for (unsigned long long r = 0; checked < 200; r++) {
        Scenario *s = generate(seed0 + 7919 * r);
        EngineOptions o = {.max_paths = 0};
        Analysis *a = engine_analyze(s, cat, &o);
        size_t n;
        Change *c = fixplan_candidates(s, a, &n);
        free(c);
        analysis_free(a);
        if (n <= 12) { /* keep the independent brute force quick */
            char label[64];
            snprintf(label, sizeof label, "random scenario, seed %llu", seed0 + 7919 * r);
            check_plan(s, label);
            checked++;
        }
        scenario_free(s);
        cr_assert_lt(r, 5000, "the generator rarely gives small candidate sets");
    }
}

Test(fixplan, greedy_plan_is_valid_and_says_so)
{
    Scenario *s = generate(base_seed() + 3);
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, cat, &o);
    FixPlan *g = fixplan_compute_with(s, cat, a, false, true);
    FixPlan *x = fixplan_compute_with(s, cat, a, true, false);
    cr_assert_not(g->exact);
    cr_assert(x->exact);
    cr_assert_geq(g->n_items, x->n_items, "greedy never beats the exact minimum");
    fixplan_free(g);
    fixplan_free(x);
    analysis_free(a);
    scenario_free(s);
}

Test(fixplan, hyperv_alone_does_not_fix_a_writable_ssh_mount_on_windows)
{
    char *err = NULL;
    Scenario *s = scenario_load_file("scenarios/hyperv-ssh-mount.json", &err);
    cr_assert_not_null(s, "%s", err);
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, cat, &o);
    FixPlan *p = fixplan_compute(s, cat, a);
    cr_assert_eq(p->n_items, 1);
    cr_assert_eq(p->items[0].change.kind, CHANGE_MOUNT_READ_ONLY,
                 "the fix is the mount, not the isolation");
    cr_assert_eq(p->n_unclosable, 0);
    fixplan_free(p);
    analysis_free(a);
    scenario_free(s);
}

Test(fixplan, a_scenario_beyond_the_exact_limit_gets_a_plan_that_works)
{
    Scenario *s = scenario_new("fleet");
    rng_state = 7;
    char id[32], tid[32], hid[32];
    for (int i = 0; i < 4; i++) {
        snprintf(id, sizeof id, "t%d", i);
        scenario_add_tenant(s, id, i % 2 ? TRUST_TRUSTED : TRUST_UNTRUSTED);
        snprintf(id, sizeof id, "h%d", i);
        Host *h = scenario_add_host(s, id, i % 2 ? OS_LINUX : OS_WINDOWS);
        h->ssh = true;
        host_add_user(h, "alice", false);
    }
    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof id, "w%d", i);
        snprintf(tid, sizeof tid, "t%u", rnd(4));
        snprintf(hid, sizeof hid, "h%u", rnd(4));
        Workload *w = scenario_add_workload(s, id, tid, hid);
        w->isolation = (Isolation)rnd(3);
        w->account = (Account)rnd(2);
        if (rnd(2))
            workload_add_mount(w,
                               scenario_host(s, hid)->os == OS_LINUX ? "/home/alice/.ssh"
                                                                     : "C:\\Users\\alice\\.ssh",
                               NULL, false);
    }
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, cat, &o);
    FixPlan *plan = fixplan_compute(s, cat, a);
    cr_assert_gt(plan->n_candidates, FIXPLAN_EXACT_MAX, "the test needs a large candidate set");
    cr_assert_gt(plan->n_items, 0);
    Scenario *t = scenario_clone(s);
    Change changes[256];
    cr_assert_lt(plan->n_items, 256);
    for (size_t i = 0; i < plan->n_items; i++)
        changes[i] = plan->items[i].change;
    change_apply_all(t, changes, plan->n_items);
    Analysis *after = engine_analyze(t, cat, &o);
    size_t n_left;
    PathKey *left = pathkeys_of(after, &n_left);
    for (size_t i = 0; i < n_left; i++)
        cr_assert_not_null(
            bsearch(&left[i], plan->unclosable, plan->n_unclosable, sizeof(PathKey), key_cmp),
            "after the plan, %s -> %s remains", left[i].from, left[i].to);
    size_t closed = 0;
    for (size_t i = 0; i < plan->n_items; i++)
        closed += plan->items[i].n_closes;
    cr_assert_gt(closed, 0, "each change says which paths it closes");
    pathkeys_free(left, n_left);
    analysis_free(after);
    scenario_free(t);
    fixplan_free(plan);
    analysis_free(a);
    scenario_free(s);
}

/* ---- beyond the exact limit: the plan searched start by start --------------------------- */

static const char *const fleet_linux_paths[] = {
    "/home/ops/.ssh", "/root/.ssh", "/var/run/docker.sock", "/etc", "/var/log", "/data", "/"};
static const char *const fleet_windows_paths[] = {"C:\\Users\\ops\\.ssh",
                                                  "C:\\ProgramData\\ssh",
                                                  "C:\\Windows",
                                                  "\\\\.\\pipe\\docker_engine",
                                                  "C:\\data",
                                                  "C:\\"};

/* A fleet of n_hosts x per_host workloads in n_tenants tenants placed at random, with the
 * variety of the random scenarios (users, capabilities, privileged, host PID, hardening, many
 * mounts now and then, compromised workloads of trusted tenants). */
static Scenario *fleet(unsigned long long seed, unsigned n_hosts, unsigned per_host,
                       unsigned n_tenants)
{
    rng_state = seed * 2654435761ull + 17;
    Scenario *s = scenario_new("fleet");
    for (int a = 0; a < ASSUME_COUNT; a++)
        s->assume[a] = rnd(3) == 0;
    s->assume[ASSUME_KERNEL_EXPLOIT] = rnd(4) != 0;
    char id[32], tid[32], hid[32];
    for (unsigned i = 0; i < n_tenants; i++) {
        snprintf(id, sizeof id, "t%u", i);
        scenario_add_tenant(s, id, rnd(3) == 0 ? TRUST_UNTRUSTED : TRUST_TRUSTED);
    }
    for (unsigned i = 0; i < n_hosts; i++) {
        snprintf(id, sizeof id, "h%u", i);
        Host *h = scenario_add_host(s, id, rnd(2) ? OS_LINUX : OS_WINDOWS);
        h->ssh = rnd(2);
        host_add_user(h, rnd(3) ? "ops" : "alice", rnd(4) == 0);
    }
    for (unsigned i = 0; i < n_hosts * per_host; i++) {
        snprintf(id, sizeof id, "w%u", i);
        snprintf(tid, sizeof tid, "t%u", rnd(n_tenants));
        snprintf(hid, sizeof hid, "h%u", i % n_hosts);
        Workload *w = scenario_add_workload(s, id, tid, hid);
        Os os = scenario_host(s, hid)->os;
        w->isolation = (Isolation)rnd(4);
        w->account = (Account)rnd(2);
        w->privileged = rnd(8) == 0;
        w->compromised = rnd(12) == 0;
        w->host_namespaces = rnd(8) == 0 ? HOSTNS_PID : 0;
        unsigned nm = rnd(40) == 0 ? 12 : rnd(3); /* 12: more than the search does in full */
        for (unsigned m = 0; m < nm; m++) {
            const char *p =
                os == OS_LINUX
                    ? fleet_linux_paths[rnd(sizeof fleet_linux_paths / sizeof *fleet_linux_paths)]
                    : fleet_windows_paths[rnd(sizeof fleet_windows_paths /
                                              sizeof *fleet_windows_paths)];
            workload_add_mount(w, p, NULL, rnd(3) == 0);
        }
        if (rnd(4) == 0) strlist_add(&w->hardening, gen_hardening[rnd(5)]);
        if (rnd(3) == 0) strlist_add(&w->capabilities, caps[rnd(4)]);
    }
    return s;
}

/* The paths (sorted keys) of s with changes applied. */
static PathKey *keys_after_with(const Catalog *c, const Scenario *s, const Change *changes,
                                size_t n, size_t *n_keys)
{
    Scenario *t = scenario_clone(s);
    change_apply_all(t, changes, n);
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(t, c, &o);
    PathKey *keys = pathkeys_of(a, n_keys);
    analysis_free(a);
    scenario_free(t);
    return keys;
}

static PathKey *keys_after(const Scenario *s, const Change *changes, size_t n, size_t *n_keys)
{
    return keys_after_with(cat, s, changes, n, n_keys);
}

static Change *plan_changes(const FixPlan *p)
{
    Change *changes = calloc(p->n_items + 1, sizeof *changes);
    for (size_t i = 0; i < p->n_items; i++)
        changes[i] = p->items[i].change;
    return changes;
}

/* How many keys of a (sorted) are not in b (sorted); the first such one in *first. */
static size_t keys_missing(const PathKey *a, size_t na, const PathKey *b, size_t nb,
                           const PathKey **first)
{
    size_t missing = 0;
    for (size_t i = 0; i < na; i++)
        if ((!nb || !bsearch(&a[i], b, nb, sizeof *b, key_cmp)) && missing++ == 0) *first = &a[i];
    return missing;
}

/* Every candidate applied, tenants moved off each host where one of their starts shares it
 * (the per-start search's candidates), in candidate order. */
static PathKey *keys_with_every_candidate(const Scenario *s, const Analysis *a, size_t *n_keys)
{
    size_t n;
    Change *cands = fixplan_candidates(s, a, &n);
    Change *all = calloc(n + s->n_tenants * s->n_hosts + 1, sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (cands[i].kind != CHANGE_TENANT_DEDICATED) all[k++] = cands[i];
    for (size_t t = 0; t < s->n_tenants; t++)
        for (size_t h = 0; h < s->n_hosts; h++) {
            bool start = false, other = false;
            for (size_t w = 0; w < s->n_workloads; w++) {
                if (a->host_of[w] != h) continue;
                if (a->tenant_of[w] != t)
                    other = true;
                else if (a->is_start[w])
                    start = true;
            }
            if (start && other) all[k++] = (Change){CHANGE_TENANT_DEDICATED, t, 0, h};
        }
    PathKey *keys = keys_after(s, all, k, n_keys);
    free(all);
    free(cands);
    return keys;
}

/* The plan for a fleet beyond the exact limit: it leaves only its unclosable paths, those are
 * the paths left with every candidate applied, each change closes on its own the paths it
 * says, and every change is needed (without it a closable path remains). */
static bool check_fleet_plan(const Scenario *s, const char *label, bool each_change)
{
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, cat, &o);
    FixPlan *plan = fixplan_compute(s, cat, a);
    if (plan->n_candidates <= FIXPLAN_EXACT_MAX || plan->n_items == 0) {
        fixplan_free(plan);
        analysis_free(a);
        return false; /* brute force, or nothing to close */
    }
    FixPlan *by_start = fixplan_compute_by_start(s, cat, a, true);
    cr_assert_not_null(by_start, "%s: the per-start search applies", label);
    cr_assert_eq(plan->n_items, by_start->n_items, "%s: and is what fixplan_compute uses", label);
    fixplan_free(by_start);

    Change *changes = plan_changes(plan);
    size_t n_left;
    PathKey *left = keys_after(s, changes, plan->n_items, &n_left);
    const PathKey *k = NULL;
    cr_assert_eq(keys_missing(left, n_left, plan->unclosable, plan->n_unclosable, &k), 0,
                 "%s: after the plan, %s -> %s remains and is not unclosable", label,
                 k ? k->from : "", k ? k->to : "");
    pathkeys_free(left, n_left);

    size_t n_all;
    PathKey *all = keys_with_every_candidate(s, a, &n_all);
    cr_assert_eq(keys_missing(all, n_all, plan->unclosable, plan->n_unclosable, &k), 0,
                 "%s: with every candidate applied %s -> %s remains, not listed unclosable", label,
                 k ? k->from : "", k ? k->to : "");
    cr_assert_eq(keys_missing(plan->unclosable, plan->n_unclosable, all, n_all, &k), 0,
                 "%s: %s -> %s is listed unclosable, but every candidate closes it", label,
                 k ? k->from : "", k ? k->to : "");
    pathkeys_free(all, n_all);

    size_t n_before;
    PathKey *before = pathkeys_of(a, &n_before);
    for (size_t i = 0; each_change && i < plan->n_items; i++) {
        const FixItem *it = &plan->items[i];
        char *d = change_describe(s, &it->change);
        size_t n_after;
        PathKey *after = keys_after(s, &it->change, 1, &n_after);
        size_t closed = 0;
        for (size_t p = 0; p < n_before; p++) {
            if (bsearch(&before[p], after, n_after, sizeof *after, key_cmp)) continue;
            cr_assert_lt(closed, it->n_closes, "%s: %s closes more than the %zu paths it says",
                         label, d, it->n_closes);
            cr_assert_eq(key_cmp(&before[p], &it->closes[closed]), 0,
                         "%s: %s closes %s -> %s, it says %s -> %s", label, d, before[p].from,
                         before[p].to, it->closes[closed].from, it->closes[closed].to);
            closed++;
        }
        cr_assert_eq(closed, it->n_closes, "%s: %s closes %zu paths, it says %zu", label, d, closed,
                     it->n_closes);
        pathkeys_free(after, n_after);

        /* without it */
        memmove(&changes[i], &changes[i + 1], (plan->n_items - i - 1) * sizeof *changes);
        PathKey *without = keys_after(s, changes, plan->n_items - 1, &n_after);
        cr_assert_gt(keys_missing(without, n_after, plan->unclosable, plan->n_unclosable, &k), 0,
                     "%s: the plan works without %s", label, d);
        pathkeys_free(without, n_after);
        memmove(&changes[i + 1], &changes[i], (plan->n_items - i - 1) * sizeof *changes);
        changes[i] = it->change;
        free(d);
    }
    pathkeys_free(before, n_before);
    free(changes);
    fixplan_free(plan);
    analysis_free(a);
    return true;
}

Test(fixplan, large_fleets_are_planned_start_by_start_and_the_plan_works)
{
    /* 15 tenants on 20 hosts: every host shared; 3 tenants on 10 small hosts: some hosts hold
     * only tenants with starts (all but the last move off, with every candidate applied) */
    static const unsigned sizes[][3] = {{20, 30, 15}, {10, 6, 3}};
    size_t checked = 0;
    for (unsigned long long seed = 0; seed < 12; seed++) {
        const unsigned *z = sizes[seed % 2];
        Scenario *s = fleet(base_seed() + seed, z[0], z[1], z[2]);
        char label[64];
        snprintf(label, sizeof label, "fleet of %u x %u, seed %llu", z[0], z[1],
                 base_seed() + seed);
        checked += check_fleet_plan(s, label, seed < 2 || z[0] == 10);
        scenario_free(s);
    }
    cr_assert_geq(checked, 10);
}

static bool same_key(const PathKey *x, const PathKey *y)
{
    return strcmp(x->from, y->from) == 0 && strcmp(x->to, y->to) == 0;
}

/* The builtin catalog and techniques through which a start's capabilities, privileged flag and
 * host PID namespace decide on their own whether it reaches its host (in the builtin one they
 * only add paths that its isolation and account already decide): starts differing only in
 * those must not share a search. */
static Catalog *catalog_with_flags(void)
{
    Catalog *c = catalog_load_builtin();
    static const char *const ids[] = {"test-net-admin", "test-privileged-user", "test-host-pid"};
    for (int i = 0; i < 3; i++) {
        Technique *t = catalog_add(c, ids[i]);
        t->name = xstrdup(ids[i]);
        t->teaching = xstrdup("a test technique");
        t->source = xstrdup("tests/model/test_fixplan.c");
        t->boundary = BOUNDARY_ISOLATION;
        t->servicing = t->servicing_admin = SERVICING_BY_DESIGN;
        t->effort = 2;
        Clause *k = technique_add_clause(t);
        k->effect = EFFECT_HOST_USER;
        if (i == 0) {
            k->from = FROM_WORKLOAD;
            k->os = 1u << OS_LINUX;
            strlist_add(&k->capabilities, "NET_ADMIN");
        } else if (i == 1) {
            k->from = FROM_WORKLOAD_USER;
            k->privileged = 1;
        } else {
            k->from = FROM_VM;
            k->host_ns = HOSTNS_PID;
        }
    }
    return c;
}

/* Asserts two plans list the same changes, closing the same paths, and the same unclosable
 * paths. */
static void assert_same_plan(const FixPlan *x, const FixPlan *y, const char *label)
{
    cr_assert_eq(x->exact, y->exact, "%s", label);
    cr_assert_eq(x->n_candidates, y->n_candidates, "%s", label);
    cr_assert_eq(x->paths_before, y->paths_before, "%s", label);
    cr_assert_eq(x->n_items, y->n_items, "%s: %zu changes and %zu", label, x->n_items, y->n_items);
    for (size_t i = 0; i < x->n_items; i++) {
        const FixItem *a = &x->items[i], *b = &y->items[i];
        cr_assert(a->change.kind == b->change.kind && a->change.target == b->change.target &&
                      a->change.mount == b->change.mount && a->change.host == b->change.host,
                  "%s: change %zu differs", label, i);
        cr_assert_eq(a->n_closes, b->n_closes, "%s: change %zu", label, i);
        for (size_t k = 0; k < a->n_closes; k++)
            cr_assert(same_key(&a->closes[k], &b->closes[k]), "%s: change %zu", label, i);
    }
    cr_assert_eq(x->n_unclosable, y->n_unclosable, "%s", label);
    for (size_t k = 0; k < x->n_unclosable; k++)
        cr_assert(same_key(&x->unclosable[k], &y->unclosable[k]), "%s", label);
}

static void check_shared_search(const Catalog *c, unsigned long long seed, const char *catalog)
{
    Scenario *s = fleet(seed, 20, 30, 15);
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, c, &o);
    FixPlan *shared = fixplan_compute_by_start(s, c, a, true);
    FixPlan *alone = fixplan_compute_by_start(s, c, a, false);
    cr_assert_not_null(shared);
    cr_assert_not_null(alone);
    cr_assert_gt(shared->n_items, 0);
    char label[96];
    snprintf(label, sizeof label, "%s, seed %llu: shared and alone", catalog, seed);
    assert_same_plan(shared, alone, label);
    fixplan_free(shared);
    fixplan_free(alone);
    analysis_free(a);
    scenario_free(s);
}

Test(fixplan, starts_alike_share_a_search_and_get_the_plan_of_starts_searched_alone)
{
    Catalog *flags = catalog_with_flags();
    for (unsigned long long seed = 0; seed < 6; seed++) {
        check_shared_search(cat, base_seed() + 100 + seed, "builtin catalog");
        check_shared_search(flags, base_seed() + 100 + seed, "catalog with flag techniques");
    }
    catalog_free(flags);
}

/* Every combination of a few host and start settings, one host per host setting: for each
 * setting the shape key reads, two starts differ in it alone (and, in the catalog with flag
 * techniques, are fixed differently), so a key that left it out would share their search. */
static Scenario *every_combination(void)
{
    static const char *const mounts[] = {NULL, "/home/ops/.ssh", "C:\\Users\\ops\\.ssh", "/etc"};
    /* host users: names matter where the same admin flags sit on other names */
    static const struct {
        const char *name[2];
        bool admin[2];
    } users[] = {{{"ops", NULL}, {true}},
                 {{"ops", NULL}, {false}},
                 {{"alice", NULL}, {false}},
                 {{"ops", "alice"}, {false, true}},
                 {{"alice", "ops"}, {false, true}}};
    Scenario *s = scenario_new("every combination");
    s->assume[ASSUME_KERNEL_EXPLOIT] = false; /* a host user is then not a host admin */
    scenario_add_tenant(s, "attacker", TRUST_UNTRUSTED);
    scenario_add_tenant(s, "victim", TRUST_TRUSTED);
    char id[64];
    size_t n = 0;
    for (unsigned hk = 0; hk < 20; hk++) {
        char hid[16];
        snprintf(hid, sizeof hid, "h%u", hk);
        Host *h = scenario_add_host(s, hid, hk % 2 ? OS_WINDOWS : OS_LINUX);
        h->ssh = hk / 2 % 2;
        for (int u = 0; u < 2 && users[hk / 4].name[u]; u++)
            host_add_user(h, users[hk / 4].name[u], users[hk / 4].admin[u]);
        snprintf(id, sizeof id, "victim-%u", hk);
        Workload *v = scenario_add_workload(s, id, "victim", hid);
        v->account = ACCOUNT_USER;
        for (unsigned wk = 0; wk < 128; wk++) {
            snprintf(id, sizeof id, "w%zu", n++);
            Workload *w = scenario_add_workload(s, id, "attacker", hid);
            w->isolation = wk % 2 ? ISOLATION_HYPERV : ISOLATION_PROCESS;
            w->account = wk / 2 % 2 ? ACCOUNT_USER : ACCOUNT_ADMIN;
            w->privileged = wk / 4 % 2;
            w->host_namespaces = wk / 8 % 2 ? HOSTNS_PID : 0;
            if (wk / 16 % 2) strlist_add(&w->capabilities, "NET_ADMIN");
            if (mounts[wk / 32]) workload_add_mount(w, mounts[wk / 32], NULL, false);
        }
    }
    return s;
}

Test(fixplan, the_shape_key_tells_apart_starts_that_differ_in_any_setting_it_reads)
{
    Catalog *flags = catalog_with_flags();
    Scenario *s = every_combination();
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, flags, &o);
    FixPlan *shared = fixplan_compute_by_start(s, flags, a, true);
    FixPlan *alone = fixplan_compute_by_start(s, flags, a, false);
    cr_assert_not_null(shared);
    cr_assert_not_null(alone);
    cr_assert_eq(shared->n_items, alone->n_items, "%zu changes shared, %zu alone", shared->n_items,
                 alone->n_items);
    for (size_t i = 0; i < shared->n_items; i++) {
        const FixItem *x = &shared->items[i], *y = &alone->items[i];
        char *dx = change_describe(s, &x->change), *dy = change_describe(s, &y->change);
        cr_assert_str_eq(dx, dy, "change %zu", i);
        cr_assert_eq(x->n_closes, y->n_closes, "%s", dx);
        free(dx);
        free(dy);
    }
    fixplan_free(shared);
    fixplan_free(alone);
    analysis_free(a);
    scenario_free(s);
    catalog_free(flags);
}

/* Two tenants with starts share a host and nothing else is there: with every candidate applied
 * the first moves off and the last stays alone, keeping its path to the host (here through a
 * capability no candidate removes). Unless the first moves, the last one's start must still
 * lose the host's workloads (the first tenant's). */
Test(fixplan, the_last_tenant_left_on_a_host_keeps_only_its_path_to_the_host)
{
    Catalog *flags = catalog_with_flags();
    Scenario *s = scenario_new("last tenant");
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    scenario_add_tenant(s, "a", TRUST_UNTRUSTED);
    scenario_add_tenant(s, "b", TRUST_UNTRUSTED);
    scenario_add_host(s, "node", OS_LINUX);
    scenario_add_workload(s, "a-app", "a", "node");
    Workload *b = scenario_add_workload(s, "b-app", "b", "node");
    strlist_add(&b->capabilities, "NET_ADMIN");
    EngineOptions o = {.max_paths = 0};
    Analysis *an = engine_analyze(s, flags, &o);
    cr_assert_eq(an->paths_total, 4, "each reaches the host and the other tenant");
    FixPlan *p = fixplan_compute_by_start(s, flags, an, true);
    FixPlan *x = fixplan_compute_with(s, flags, an, true, false);
    cr_assert_not_null(p);
    cr_assert(p->exact);
    cr_assert_eq(p->n_items, x->n_items);
    cr_assert_eq(p->n_items, 2, "each start's isolation (or account)");
    cr_assert_eq(p->n_unclosable, 1);
    cr_assert_str_eq(p->unclosable[0].from, "b-app");
    cr_assert_str_eq(p->unclosable[0].to, "host:node", "b stays, alone: its host is unclosable");
    Change *changes = plan_changes(p);
    size_t n_left;
    PathKey *left = keys_after_with(flags, s, changes, p->n_items, &n_left);
    cr_assert_leq(n_left, 1);
    for (size_t i = 0; i < n_left; i++)
        cr_assert(same_key(&left[i], &p->unclosable[0]), "%s -> %s remains", left[i].from,
                  left[i].to);
    pathkeys_free(left, n_left);
    free(changes);
    fixplan_free(p);
    fixplan_free(x);
    analysis_free(an);
    scenario_free(s);
    catalog_free(flags);
}

/* A catalog in which a workload takes over its neighbours without the host: a start's paths
 * then depend on the other workloads, the per-start search refuses, and the plan is searched
 * host by host instead. */
Test(fixplan, a_catalog_outside_the_per_start_search_falls_back_to_hosts)
{
    Catalog *c = catalog_load_builtin();
    Technique *t = catalog_add(c, "test-neighbours");
    t->name = xstrdup("test-neighbours");
    t->teaching = xstrdup("a test technique");
    t->source = xstrdup("tests/model/test_fixplan.c");
    t->boundary = BOUNDARY_TENANT;
    t->servicing = t->servicing_admin = SERVICING_BY_DESIGN;
    t->effort = 3;
    Clause *k = technique_add_clause(t);
    k->from = FROM_WORKLOAD_ADMIN;
    k->isolation = 1u << ISOLATION_PROCESS;
    k->effect = EFFECT_HOST_WORKLOADS;
    Scenario *s = fleet(base_seed() + 5, 4, 6, 3);
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, c, &o);
    cr_assert_null(fixplan_compute_by_start(s, c, a, true));
    FixPlan *p = fixplan_compute(s, c, a);
    cr_assert_gt(p->n_candidates, FIXPLAN_EXACT_MAX);
    cr_assert_gt(p->n_items, 0);
    Change *changes = plan_changes(p);
    size_t n_left;
    PathKey *left = keys_after_with(c, s, changes, p->n_items, &n_left);
    const PathKey *first = NULL;
    cr_assert_eq(keys_missing(left, n_left, p->unclosable, p->n_unclosable, &first), 0,
                 "%s -> %s remains", first ? first->from : "", first ? first->to : "");
    pathkeys_free(left, n_left);
    free(changes);
    fixplan_free(p);
    analysis_free(a);
    scenario_free(s);
    catalog_free(c);
}

/* analyze lists at most --max-paths paths: a plan from such an analysis is the plan from one
 * with every path (large fleets without them, the rest analysed again). */
static void check_few_paths(const Scenario *s, const char *label)
{
    EngineOptions all = {.max_paths = 0}, few = {.max_paths = 1};
    Analysis *a = engine_analyze(s, cat, &all), *b = engine_analyze(s, cat, &few);
    FixPlan *x = fixplan_compute(s, cat, a), *y = fixplan_compute(s, cat, b);
    assert_same_plan(x, y, label);
    fixplan_free(x);
    fixplan_free(y);
    analysis_free(a);
    analysis_free(b);
}

/* check_few_paths, counting in *ctx the scenarios with more paths than one kept. */
static void check_few_paths_of(const Scenario *s, const char *path, void *ctx)
{
    check_few_paths(s, path);
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, cat, &o);
    *(size_t *)ctx += a->paths_total > 1;
    analysis_free(a);
}

Test(fixplan, an_analysis_that_kept_few_paths_gives_the_same_plan)
{
    for (unsigned long long seed = 0; seed < 4; seed++) {
        char label[64];
        snprintf(label, sizeof label, "fleet, seed %llu", base_seed() + seed);
        Scenario *s =
            fleet(base_seed() + seed, seed % 2 ? 10 : 20, seed % 2 ? 6 : 30, seed % 2 ? 3 : 15);
        check_few_paths(s, label);
        scenario_free(s);
    }
    size_t truncated = 0;
    each_bundled(check_few_paths_of, &truncated);
    cr_assert_geq(truncated, 10, "most bundled scenarios have more paths than kept");
}

/* On small scenarios the brute force is the judge: the per-start plan always works, and when
 * it says exact it has the brute force's size and unclosable paths. */
Test(fixplan, per_start_plan_matches_the_brute_force_on_small_scenarios)
{
    unsigned long long seed0 = base_seed();
    size_t checked = 0, exact = 0;
    for (unsigned long long r = 0; checked < 300; r++) {
        Scenario *s = generate(seed0 + 104729 * r);
        EngineOptions o = {.max_paths = 0};
        Analysis *a = engine_analyze(s, cat, &o);
        size_t n;
        free(fixplan_candidates(s, a, &n));
        if (n <= 12) {
            FixPlan *p = fixplan_compute_by_start(s, cat, a, true);
            cr_assert_not_null(p);
            Change *changes = plan_changes(p);
            size_t n_left;
            PathKey *left = keys_after(s, changes, p->n_items, &n_left);
            const PathKey *k = NULL;
            cr_assert_eq(keys_missing(left, n_left, p->unclosable, p->n_unclosable, &k), 0,
                         "seed %llu: %s -> %s remains", seed0 + 104729 * r, k ? k->from : "",
                         k ? k->to : "");
            pathkeys_free(left, n_left);
            free(changes);
            if (p->exact) {
                FixPlan *x = fixplan_compute_with(s, cat, a, true, false);
                cr_assert_eq(p->n_items, x->n_items, "seed %llu: %zu changes, the minimum is %zu",
                             seed0 + 104729 * r, p->n_items, x->n_items);
                cr_assert_eq(p->n_unclosable, x->n_unclosable);
                for (size_t i = 0; i < p->n_unclosable; i++)
                    cr_assert(same_key(&p->unclosable[i], &x->unclosable[i]));
                fixplan_free(x);
                exact++;
            }
            fixplan_free(p);
            checked++;
        }
        analysis_free(a);
        scenario_free(s);
        cr_assert_lt(r, 5000);
    }
    cr_assert_gt(exact, 200, "most small scenarios are within what the search proves minimal");
}

/* tests/bench/gen_fleet.py's fleet, at 15,000 workloads: every path is closable there. */
Test(fixplan, a_fleet_of_fifteen_thousand_is_planned_and_the_plan_closes_every_path)
{
    static const char *const lin[] = {"/data", "/home/ops/.ssh", "/var/run/docker.sock",
                                      "/etc",  "/var/log",       "/tmp/x"};
    static const char *const win[] = {"C:\\data", "C:\\Users\\ops\\.ssh", "C:\\ProgramData\\ssh",
                                      "C:\\logs"};
    static const Isolation iso[] = {ISOLATION_PROCESS, ISOLATION_PROCESS, ISOLATION_HYPERV,
                                    ISOLATION_SANDBOX};
    rng_state = base_seed();
    unsigned n = 15000, groups = n / 100;
    Scenario *s = scenario_new("fleet of 15000");
    char id[32], tid[32], hid[32];
    for (unsigned i = 0; i < groups; i++) {
        snprintf(id, sizeof id, "node-%u", i);
        Host *h = scenario_add_host(s, id, i % 2 ? OS_WINDOWS : OS_LINUX);
        h->ssh = rnd(2);
        host_add_user(h, "ops", false);
        snprintf(id, sizeof id, "tenant-%u", i);
        scenario_add_tenant(s, id, i % 3 == 0 ? TRUST_UNTRUSTED : TRUST_TRUSTED);
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned h = rnd(groups);
        snprintf(id, sizeof id, "w-%u", i);
        snprintf(hid, sizeof hid, "node-%u", h);
        snprintf(tid, sizeof tid, "tenant-%u", rnd(groups));
        Workload *w = scenario_add_workload(s, id, tid, hid);
        if (rnd(2)) workload_add_mount(w, h % 2 ? win[rnd(4)] : lin[rnd(6)], "/mnt/x", rnd(2));
        w->isolation = iso[rnd(4)];
        w->account = (Account)rnd(2);
    }
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, cat, &o);
    FixPlan *plan = fixplan_compute(s, cat, a);
    cr_assert_gt(a->paths_total, 10000);
    cr_assert_eq(plan->n_unclosable, 0, "with Hyper-V and no hypervisor bug, all close");
    cr_assert_geq(plan->n_items, a->n_starts / 3, "most starts need a change");
    size_t closes = 0;
    for (size_t i = 0; i < plan->n_items; i++)
        closes += plan->items[i].n_closes;
    cr_assert_geq(closes, a->paths_total / 2, "the changes say what they close");
    Change *changes = plan_changes(plan);
    size_t n_left;
    PathKey *left = keys_after(s, changes, plan->n_items, &n_left);
    cr_assert_eq(n_left, 0, "%zu paths remain after the plan, %s -> %s first", n_left,
                 n_left ? left[0].from : "", n_left ? left[0].to : "");
    pathkeys_free(left, n_left);
    free(changes);
    fixplan_free(plan);
    analysis_free(a);
    scenario_free(s);
}
