/* Engine properties over seeded random scenarios: safer settings never add a path, hardening
 * never removes one, and the summary does not depend on the order of the lists. A failure
 * prints the seed and the scenario. BREAKOUT_SEED=N replays from another seed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_json.h"
#include "engine.h"
#include "findings.h"
#include "scenario.h"
#include "scenario_json.h"
#include "../support/gen.h"

#define RUNS 1000

static Catalog *cat;

static void setup(void)
{
    cat = catalog_load_builtin();
}

static void teardown(void)
{
    catalog_free(cat);
}

TestSuite(properties, .init = setup, .fini = teardown);

/* A path's identity: start workload and target, as a string set for comparisons. */
typedef struct {
    char **keys;
    size_t n;
} PathSet;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static PathSet paths_of(const Scenario *s)
{
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, cat, &o);
    PathSet ps = {calloc(a->n_paths + 1, sizeof(char *)), a->n_paths};
    for (size_t i = 0; i < a->n_paths; i++) {
        const Path *p = &a->paths[i];
        const char *t = p->kind == TARGET_HOST ? s->hosts[p->target].id : s->tenants[p->target].id;
        size_t len = strlen(s->workloads[p->start].id) + strlen(t) + 16;
        ps.keys[i] = malloc(len);
        snprintf(ps.keys[i], len, "%s>%s:%s", s->workloads[p->start].id,
                 p->kind == TARGET_HOST ? "host" : "tenant", t);
    }
    qsort(ps.keys, ps.n, sizeof *ps.keys, cmp_str);
    analysis_free(a);
    return ps;
}

static void pathset_free(PathSet *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->keys[i]);
    free(ps->keys);
}

/* The first key of `more` missing from `less`, or NULL when more is a subset of less. */
static const char *extra_key(const PathSet *more, const PathSet *less)
{
    for (size_t i = 0; i < more->n; i++)
        if (!bsearch(&more->keys[i], less->keys, less->n, sizeof *less->keys, cmp_str))
            return more->keys[i];
    return NULL;
}

static void report(unsigned long long seed, const Scenario *s, const char *what, const char *key)
{
    char *json = scenario_to_json(s);
    cr_log_error("seed %llu: %s (path %s)\nscenario:\n%s", seed, what, key, json);
    free(json);
}

/* Applies change to each candidate of a random scenario and checks the path sets:
 * after must be a subset of before (or, with grows, a superset). */
typedef bool (*Change)(Scenario *s, size_t index); /* false when index is not a candidate */

static void check_property(const char *what, Change change, size_t (*count)(const Scenario *),
                           bool grows)
{
    unsigned long long seed0 = base_seed();
    size_t checked = 0;
    for (unsigned long long r = 0; r < RUNS; r++) {
        unsigned long long seed = seed0 + r;
        Scenario *s = generate(seed);
        PathSet before = paths_of(s);
        size_t n = count(s);
        for (size_t i = 0; i < n; i++) {
            Scenario *t = scenario_clone(s);
            if (change(t, i)) {
                PathSet after = paths_of(t);
                const char *bad = grows ? extra_key(&before, &after) : extra_key(&after, &before);
                if (bad) {
                    report(seed, s, what, bad);
                    cr_assert_fail("%s (seed %llu, candidate %zu)", what, seed, i);
                }
                checked++;
                pathset_free(&after);
            }
            scenario_free(t);
        }
        pathset_free(&before);
        scenario_free(s);
    }
    cr_assert_gt(checked, RUNS / 4, "too few candidates exercised: %zu", checked);
}

static size_t n_mount_slots(const Scenario *s)
{
    return s->n_workloads * 2;
}

static bool make_read_only(Scenario *s, size_t i)
{
    Workload *w = &s->workloads[i / 2];
    if (i % 2 >= w->n_mounts || w->mounts[i % 2].read_only) return false;
    w->mounts[i % 2].read_only = true;
    return true;
}

static size_t n_workloads(const Scenario *s)
{
    return s->n_workloads;
}

static size_t n_tenants(const Scenario *s)
{
    return s->n_tenants;
}

static bool make_user(Scenario *s, size_t i)
{
    if (s->workloads[i].account == ACCOUNT_USER) return false;
    s->workloads[i].account = ACCOUNT_USER;
    return true;
}

static bool make_hyperv(Scenario *s, size_t i)
{
    Workload *w = &s->workloads[i];
    if (w->isolation != ISOLATION_PROCESS) return false;
    for (size_t m = 0; m < w->n_mounts; m++)
        if (!w->mounts[m].read_only) return false;
    w->isolation = ISOLATION_HYPERV;
    return true;
}

static bool add_hardening(Scenario *s, size_t i)
{
    Workload *w = &s->workloads[i];
    bool added = false;
    for (size_t k = 0; k < 5; k++)
        if (!strlist_has(&w->hardening, gen_hardening[k])) {
            strlist_add(&w->hardening, gen_hardening[k]);
            added = true;
        }
    return added;
}

static bool make_trusted(Scenario *s, size_t i)
{
    if (s->tenants[i].trust == TRUST_TRUSTED) return false;
    s->tenants[i].trust = TRUST_TRUSTED;
    return true;
}

Test(properties, read_only_mount_never_adds_a_path, .timeout = 120)
{
    check_property("making a mount read-only added a path", make_read_only, n_mount_slots, false);
}

Test(properties, admin_to_user_never_adds_a_path, .timeout = 120)
{
    check_property("admin to user added a path", make_user, n_workloads, false);
}

Test(properties, hyperv_without_writable_mounts_never_adds_a_path, .timeout = 120)
{
    check_property("process to hyperv added a path", make_hyperv, n_workloads, false);
}

Test(properties, hardening_never_removes_a_path, .timeout = 120)
{
    check_property("adding hardening removed a path", add_hardening, n_workloads, true);
}

Test(properties, trusting_a_tenant_never_adds_a_path, .timeout = 120)
{
    check_property("marking a tenant trusted added a path", make_trusted, n_tenants, false);
}

/* The summary as sorted id lists. */
static char *summary_of(const Scenario *s)
{
    EngineOptions o = {.max_paths = 1};
    Analysis *a = engine_analyze(s, cat, &o);
    const char *ids[64];
    size_t n = 0;
    for (size_t i = 0; i < s->n_hosts; i++)
        if (a->host_compromised[i]) ids[n++] = s->hosts[i].id;
    qsort(ids, n, sizeof *ids, cmp_str);
    char buf[2048] = "hosts:";
    for (size_t i = 0; i < n; i++)
        strcat(strcat(buf, " "), ids[i]);
    n = 0;
    for (size_t i = 0; i < s->n_tenants; i++)
        if (a->tenant_exposed[i]) ids[n++] = s->tenants[i].id;
    qsort(ids, n, sizeof *ids, cmp_str);
    strcat(buf, " tenants:");
    for (size_t i = 0; i < n; i++)
        strcat(strcat(buf, " "), ids[i]);
    char total[32];
    snprintf(total, sizeof total, " paths: %zu", a->paths_total);
    strcat(buf, total);
    analysis_free(a);
    return strdup(buf);
}

#define SHUFFLE(arr, n, type)                                                                      \
    for (size_t i_ = (n); i_ > 1; i_--) {                                                          \
        size_t j_ = rnd((unsigned)i_);                                                             \
        type tmp_ = (arr)[i_ - 1];                                                                 \
        (arr)[i_ - 1] = (arr)[j_];                                                                 \
        (arr)[j_] = tmp_;                                                                          \
    }

Test(properties, summary_does_not_depend_on_list_order, .timeout = 120)
{
    unsigned long long seed0 = base_seed();
    for (unsigned long long r = 0; r < RUNS; r++) {
        Scenario *s = generate(seed0 + r);
        char *before = summary_of(s);
        Scenario *t = scenario_clone(s);
        SHUFFLE(t->tenants, t->n_tenants, Tenant);
        SHUFFLE(t->hosts, t->n_hosts, Host);
        SHUFFLE(t->workloads, t->n_workloads, Workload);
        for (size_t w = 0; w < t->n_workloads; w++)
            SHUFFLE(t->workloads[w].mounts, t->workloads[w].n_mounts, Mount);
        char *after = summary_of(t);
        if (strcmp(before, after) != 0) {
            report(seed0 + r, s, "reordering changed the summary", after);
            cr_assert_fail("summary changed: %s vs %s", before, after);
        }
        free(before);
        free(after);
        scenario_free(t);
        scenario_free(s);
    }
}

/* Runs an analysis' parts last first, on this thread: a runner whose order differs from the
 * serial one, as threads' may. */
static void run_backwards(void *runner, EngineJob job, void *ctx, size_t n)
{
    (void)runner;
    for (size_t i = n; i-- > 0;)
        job(ctx, i);
}

/* Everything an analysis reports, as text, for comparing two runs; with parts > 1 the work is
 * cut into that many parts, run last first. */
static char *everything_in_parts(const Scenario *s, bool reference, size_t parts)
{
    EngineRunner runner = {.run = run_backwards, .parts = parts};
    EngineOptions o = {.max_paths = 0, .reference = reference, .runner = &runner};
    Analysis *a = engine_analyze(s, cat, &o);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
#define OUT(...)                                                                                   \
    do {                                                                                           \
        int n_ = snprintf(buf + len, cap - len, __VA_ARGS__);                                      \
        if ((size_t)n_ >= cap - len) {                                                             \
            cap = 2 * (cap + (size_t)n_);                                                          \
            buf = realloc(buf, cap);                                                               \
            n_ = snprintf(buf + len, cap - len, __VA_ARGS__);                                      \
        }                                                                                          \
        len += (size_t)n_;                                                                         \
    } while (0)
    for (size_t i = 0; i < a->n_paths; i++) {
        const Path *p = &a->paths[i];
        OUT("%zu>%d:%zu e%d:", p->start, p->kind, p->target, p->effort);
        for (size_t k = 0; k < p->n_steps; k++)
            OUT(" %u", a->edges[p->steps[k]].technique);
        OUT("\n");
    }
    for (size_t i = 0; i < a->n_exposure; i++) {
        OUT("x %zu>%zu:", a->exposure[i].from, a->exposure[i].to);
        for (size_t k = 0; k < a->exposure[i].n_hosts; k++)
            OUT(" %zu", a->exposure[i].hosts[k]);
        OUT("\n");
    }
    for (size_t i = 0; i < a->n_boundaries; i++)
        OUT("b %d%d", a->boundaries[i].fails, a->boundaries[i].attacked);
    for (size_t i = 0; i < s->n_hosts; i++)
        OUT("h%d", a->host_compromised[i]);
    for (size_t i = 0; i < s->n_tenants; i++)
        OUT("t%d", a->tenant_exposed[i]);
    for (size_t i = 0; i < a->n_boundaries; i++)
        for (size_t k = 0; k < a->boundaries[i].n_why_not; k++)
            OUT("w%zu %u %s\n", i, a->boundaries[i].why_not[k].technique,
                a->boundaries[i].why_not[k].reason);
    OUT("total %zu\n", a->paths_total);
#undef OUT
    analysis_free(a);
    return buf;
}

static char *everything(const Scenario *s, bool reference)
{
    return everything_in_parts(s, reference, 1);
}

Test(properties, shared_portals_give_the_same_analysis_as_full_searches, .timeout = 120)
{
    unsigned long long seed0 = base_seed();
    for (unsigned long long r = 0; r < RUNS; r++) {
        Scenario *s = generate(seed0 + r);
        char *fast = everything(s, false), *full = everything(s, true);
        if (strcmp(fast, full) != 0) {
            report(seed0 + r, s, "portals and full searches disagree", "");
            cr_assert_fail("seed %llu:\nportals:\n%s\nfull:\n%s", seed0 + r, fast, full);
        }
        free(fast);
        free(full);
        scenario_free(s);
    }
}

/* The findings as text, computed in the given number of parts (run last first). */
static char *findings_text(const Scenario *s, size_t parts)
{
    EngineOptions o = {.max_paths = 0};
    Analysis *a = engine_analyze(s, cat, &o);
    EngineRunner runner = {.run = run_backwards, .parts = parts};
    Findings *f = findings_compute_in_parts(a, &runner);
    size_t cap = 1 << 12, len = 0;
    char *buf = malloc(cap);
    buf[0] = '\0';
    for (size_t i = 0; i < f->n; i++) {
        const Finding *x = &f->items[i];
        char line[1024];
        int n = snprintf(line, sizeof line, "%d %d %zu %s:", (int)x->kind, (int)x->severity,
                         x->host, x->detail);
        for (size_t k = 0; k < x->n_workloads && n < 900; k++)
            n += snprintf(line + n, sizeof line - (size_t)n, " w%zu", x->workloads[k]);
        for (size_t k = 0; k < x->n_tenants && n < 1000; k++)
            n += snprintf(line + n, sizeof line - (size_t)n, " t%zu", x->tenants[k]);
        while (len + (size_t)n + 2 > cap)
            buf = realloc(buf, cap *= 2);
        memcpy(buf + len, line, (size_t)n);
        len += (size_t)n;
        buf[len++] = '\n';
        buf[len] = '\0';
    }
    findings_free(f);
    analysis_free(a);
    return buf;
}

/* The analysis as text in the given number of parts (run last first). */
static char *analysis_text(const Scenario *s, size_t parts)
{
    return everything_in_parts(s, false, parts);
}

/* On every seeded scenario, text(s, 2) and text(s, 3) equal text(s, 1). */
static void parts_agree(char *(*text)(const Scenario *s, size_t parts), const char *what)
{
    unsigned long long seed0 = base_seed();
    for (unsigned long long r = 0; r < RUNS; r++) {
        Scenario *s = generate(seed0 + r);
        char *one = text(s, 1);
        for (size_t parts = 2; parts <= 3; parts++) {
            char *split = text(s, parts);
            if (strcmp(one, split) != 0) {
                report(seed0 + r, s, what, "");
                cr_assert_fail("seed %llu, %zu parts:\none:\n%s\nparts:\n%s", seed0 + r, parts, one,
                               split);
            }
            free(split);
        }
        free(one);
        scenario_free(s);
    }
}

Test(properties, an_analysis_in_parts_is_the_analysis_in_one, .timeout = 120)
{
    parts_agree(analysis_text, "an analysis in parts differs");
}

Test(properties, findings_in_parts_are_the_findings_in_one, .timeout = 120)
{
    parts_agree(findings_text, "findings in parts differ");
}

Test(properties, a_fleet_with_many_portals_matches_full_searches, .timeout = 120)
{
    /* many hosts, so the table of portals grows while candidates refer to it */
    Scenario *s = scenario_new("fleet");
    rng_state = 99;
    char id[32], tid[32], hid[32];
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof id, "t%d", i);
        scenario_add_tenant(s, id, i % 3 ? TRUST_TRUSTED : TRUST_UNTRUSTED);
        snprintf(id, sizeof id, "h%d", i);
        Host *h = scenario_add_host(s, id, i % 2 ? OS_LINUX : OS_WINDOWS);
        h->ssh = true;
        host_add_user(h, "alice", false);
    }
    for (int i = 0; i < 400; i++) {
        snprintf(id, sizeof id, "w%d", i);
        snprintf(tid, sizeof tid, "t%u", rnd(12));
        snprintf(hid, sizeof hid, "h%u", rnd(12));
        Workload *w = scenario_add_workload(s, id, tid, hid);
        w->isolation = (Isolation)rnd(4);
        w->account = (Account)rnd(2);
        if (rnd(2))
            workload_add_mount(w,
                               scenario_host(s, hid)->os == OS_LINUX ? "/home/alice/.ssh"
                                                                     : "C:\\Users\\alice\\.ssh",
                               NULL, rnd(2));
    }
    char *fast = everything(s, false), *full = everything(s, true);
    cr_assert_str_eq(fast, full);
    free(fast);
    free(full);
    scenario_free(s);
}
