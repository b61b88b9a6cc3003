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

Test(fixplan, bundled_scenarios_get_the_minimum_plan)
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
        check_plan(s, path);
        scenario_free(s);
        count++;
    }
    closedir(d);
    cr_assert_geq(count, 15);
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

Test(fixplan, large_scenarios_are_planned_host_by_host_and_the_plan_works)
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
