/* The explorer's incremental analysis (ui/reanalysis.c) must read exactly like a fresh engine
 * analysis: on the bundled scenarios, on random scenarios, and after random edits, with the
 * hosts analysed one after the other or on several threads. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/gen.h"
#include "catalog_json.h"
#include "edit.h"
#include "engine.h"
#include "reanalysis.h"
#include "scenario_json.h"
#include "xalloc.h"

static Catalog *cat;

static void setup(void)
{
    cat = catalog_load_builtin();
    cr_assert(cat);
}

static void teardown(void)
{
    catalog_free(cat);
}

static void same_edge(const Edge *x, const Edge *y, const char *what)
{
    cr_assert(x->from == y->from && x->to == y->to, "%s: states %u->%u vs %u->%u", what, x->from,
              x->to, y->from, y->to);
    cr_assert(x->technique == y->technique && x->effort == y->effort &&
                  x->servicing == y->servicing && x->crosses == y->crosses &&
                  x->mount == y->mount && x->user == y->user,
              "%s: edge fields differ", what);
}

/* The merged analysis m (why-not explained for every workload) against the engine's full. */
static void same_analysis(Reanalysis *r, const Analysis *full, const char *what)
{
    const Scenario *s = full->scenario;
    for (size_t w = 0; w < s->n_workloads; w++)
        reanalysis_explain(r, w);
    const Analysis *m = reanalysis_result(r);
    cr_assert_eq(m->n_states, full->n_states, "%s: states", what);
    cr_assert_eq(m->n_starts, full->n_starts, "%s: starts", what);
    cr_assert_eq(m->paths_total, full->paths_total, "%s: paths total", what);
    cr_assert_eq(m->n_paths, full->n_paths, "%s: paths kept", what);
    for (size_t i = 0; i < m->n_paths; i++) {
        const Path *x = &m->paths[i], *y = &full->paths[i];
        cr_assert(x->start == y->start && x->kind == y->kind && x->target == y->target &&
                      x->effort == y->effort && x->n_steps == y->n_steps,
                  "%s: path %zu differs (%s vs %s)", what, i, s->workloads[x->start].id,
                  s->workloads[y->start].id);
        for (size_t k = 0; k < x->n_steps; k++)
            same_edge(&m->edges[x->steps[k]], &full->edges[y->steps[k]], what);
    }
    for (size_t w = 0; w < s->n_workloads; w++) {
        cr_assert_eq(m->is_start[w], full->is_start[w], "%s: start %zu", what, w);
        cr_assert_eq(m->host_of[w], full->host_of[w], "%s: host_of %zu", what, w);
        cr_assert_eq(m->tenant_of[w], full->tenant_of[w], "%s: tenant_of %zu", what, w);
        for (int k = 0; k < 2; k++) {
            const BoundaryResult *x = &m->boundaries[2 * w + k], *y = &full->boundaries[2 * w + k];
            cr_assert(x->workload == w && x->kind == y->kind && x->fails == y->fails &&
                          x->servicing == y->servicing && x->attacked == y->attacked &&
                          x->n_techniques == y->n_techniques && x->n_why_not == y->n_why_not,
                      "%s: boundary %d of %s differs", what, k, s->workloads[w].id);
            for (size_t t = 0; t < x->n_techniques; t++)
                cr_assert_eq(x->techniques[t], y->techniques[t], "%s", what);
            for (size_t t = 0; t < x->n_why_not; t++) {
                cr_assert_eq(x->why_not[t].technique, y->why_not[t].technique, "%s", what);
                cr_assert_str_eq(x->why_not[t].reason, y->why_not[t].reason, "%s", what);
            }
        }
        for (size_t k = 0; k < s->workloads[w].n_mounts; k++) {
            bool a1, a2, a3, b1, b2, b3;
            engine_mount_risk(m, w, k, &a1, &a2, &a3);
            engine_mount_risk(full, w, k, &b1, &b2, &b3);
            cr_assert(a1 == b1 && a2 == b2 && a3 == b3, "%s: mount risk of %s", what,
                      s->workloads[w].id);
        }
    }
    for (size_t h = 0; h < s->n_hosts; h++)
        cr_assert_eq(m->host_compromised[h], full->host_compromised[h], "%s: host %zu", what, h);
    for (size_t t = 0; t < s->n_tenants; t++)
        cr_assert_eq(m->tenant_exposed[t], full->tenant_exposed[t], "%s: tenant %zu", what, t);
}

static void check(Reanalysis *r, const Scenario *s, size_t max_paths, const char *what)
{
    EngineOptions opt = {.max_paths = max_paths};
    Analysis *full = engine_analyze(s, cat, &opt);
    same_analysis(r, full, what);
    analysis_free(full);
}

TestSuite(reanalysis, .init = setup, .fini = teardown);

Test(reanalysis, bundled_scenarios_read_like_the_engine)
{
    DIR *d = opendir(SOURCE_DIR "/scenarios");
    cr_assert(d);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        if (!strstr(de->d_name, ".json")) continue;
        char path[512], *err = NULL;
        snprintf(path, sizeof path, "%s/scenarios/%s", SOURCE_DIR, de->d_name);
        Scenario *s = scenario_load_file(path, &err);
        cr_assert(s, "%s", err);
        for (size_t max = 0; max < 3; max += 2) {
            Reanalysis *r = reanalysis_new(s, cat, max);
            check(r, s, max, de->d_name);
            reanalysis_free(r);
        }
        scenario_free(s);
        n++;
    }
    closedir(d);
    cr_assert_gt(n, 10);
}

Test(reanalysis, random_scenarios_read_like_the_engine)
{
    unsigned long long seed = base_seed();
    for (unsigned i = 0; i < 300; i++) {
        Scenario *s = generate(seed + i);
        char what[64];
        snprintf(what, sizeof what, "seed %llu", seed + i);
        Reanalysis *r = reanalysis_new(s, cat, i % 2 ? 3 : 0);
        check(r, s, i % 2 ? 3 : 0, what);
        reanalysis_set_threads(r, 4, 1); /* threads even for one host */
        reanalysis_update_all(r);
        check(r, s, i % 2 ? 3 : 0, what);
        reanalysis_free(r);
        scenario_free(s);
    }
}

/* A random edit of s, or NULL when the dice chose something impossible. */
static Edit *random_edit(const Scenario *s)
{
    unsigned k = rnd(9);
    if (k <= 3 && s->n_workloads) {
        const Workload *src = &s->workloads[rnd((unsigned)s->n_workloads)];
        Edit *e = edit_change(s, EDIT_WORKLOAD, src->id);
        Workload *w = edit_workload(e->after);
        switch (rnd(6)) {
        case 0: w->isolation = (Isolation)rnd(4); break;
        case 1: w->account = w->account == ACCOUNT_ADMIN ? ACCOUNT_USER : ACCOUNT_ADMIN; break;
        case 2:
            free(w->host);
            w->host = xstrdup(s->hosts[rnd((unsigned)s->n_hosts)].id);
            break;
        case 3:
            free(w->tenant);
            w->tenant = xstrdup(s->tenants[rnd((unsigned)s->n_tenants)].id);
            break;
        case 4:
            if (w->n_mounts) w->mounts[0].read_only = !w->mounts[0].read_only;
            break;
        default: w->compromised = !w->compromised; break;
        }
        return e;
    }
    if (k == 4 && s->n_hosts) {
        Edit *e = edit_change(s, EDIT_HOST, s->hosts[rnd((unsigned)s->n_hosts)].id);
        Host *h = edit_host(e->after);
        h->ssh = !h->ssh;
        return e;
    }
    if (k == 5 && s->n_tenants) {
        Edit *e = edit_change(s, EDIT_TENANT, s->tenants[rnd((unsigned)s->n_tenants)].id);
        Tenant *t = edit_tenant(e->after);
        t->trust = t->trust == TRUST_TRUSTED ? TRUST_UNTRUSTED : TRUST_TRUSTED;
        return e;
    }
    if (k == 6) {
        Edit *e = edit_change(s, EDIT_SETTINGS, NULL);
        int a = (int)rnd(ASSUME_COUNT);
        e->after->assume[a] = !e->after->assume[a];
        return e;
    }
    if (k == 7 && s->n_workloads > 1)
        return edit_remove(s, EDIT_WORKLOAD, s->workloads[rnd((unsigned)s->n_workloads)].id);
    if (k == 8 && s->n_hosts && s->n_tenants) {
        static unsigned serial;
        char id[32];
        snprintf(id, sizeof id, "added-%u", serial++);
        Scenario *f = scenario_new(s->name);
        if (rnd(2)) {
            Workload *w = scenario_add_workload(f, id, s->tenants[rnd((unsigned)s->n_tenants)].id,
                                                s->hosts[rnd((unsigned)s->n_hosts)].id);
            w->isolation = (Isolation)rnd(4);
            return edit_add(EDIT_WORKLOAD, f);
        }
        scenario_add_host(f, id, rnd(2) ? OS_LINUX : OS_WINDOWS);
        return edit_add(EDIT_HOST, f);
    }
    return NULL;
}

Test(reanalysis, random_edits_and_their_undo_read_like_the_engine)
{
    unsigned long long seed = base_seed();
    for (unsigned i = 0; i < 120; i++) {
        Scenario *s = generate(seed + 1000 + i);
        size_t max = i % 2 ? 2 : 0;
        Reanalysis *r = reanalysis_new(s, cat, max);
        if (i % 4 < 2) reanalysis_set_threads(r, 1 + i % 4 * 3, 1); /* serial, or 4 threads */
        for (int step = 0; step < 12; step++) {
            Edit *e = random_edit(s);
            char *err = NULL;
            if (!e) continue;
            if (!edit_apply(s, e, &err)) {
                free(err);
                edit_free(e);
                continue;
            }
            reanalysis_update(r, e);
            char what[96];
            snprintf(what, sizeof what, "seed %llu step %d", seed + 1000 + i, step);
            check(r, s, max, what);
            if (rnd(3) == 0) { /* and undo it */
                edit_invert(e);
                cr_assert(edit_apply(s, e, &err), "%s", err);
                reanalysis_update(r, e);
                check(r, s, max, what);
            }
            edit_free(e);
        }
        reanalysis_free(r);
        scenario_free(s);
    }
}

Test(reanalysis, an_edit_analyses_only_the_hosts_it_touches)
{
    Scenario *s = scenario_new("three hosts");
    scenario_add_tenant(s, "a", TRUST_UNTRUSTED);
    for (int h = 0; h < 3; h++) {
        char id[16];
        snprintf(id, sizeof id, "h%d", h);
        scenario_add_host(s, id, OS_LINUX);
        snprintf(id, sizeof id, "w%d", h);
        Workload *w = scenario_add_workload(s, id, "a", s->hosts[h].id);
        w->isolation = ISOLATION_PROCESS;
    }
    Reanalysis *r = reanalysis_new(s, cat, 0);
    cr_expect_eq(reanalysis_last_runs(r), 3);
    Edit *e = edit_change(s, EDIT_WORKLOAD, "w1");
    edit_workload(e->after)->isolation = ISOLATION_HYPERV;
    char *err = NULL;
    cr_assert(edit_apply(s, e, &err), "%s", err);
    reanalysis_update(r, e);
    cr_expect_eq(reanalysis_last_runs(r), 1, "a workload edit re-analyses its host only");
    check(r, s, 0, "after the edit");
    edit_free(e);
    e = edit_change(s, EDIT_WORKLOAD, "w2");
    free(edit_workload(e->after)->host);
    edit_workload(e->after)->host = xstrdup("h0");
    cr_assert(edit_apply(s, e, &err), "%s", err);
    reanalysis_update(r, e);
    cr_expect_eq(reanalysis_last_runs(r), 2, "a move re-analyses both hosts");
    check(r, s, 0, "after the move");
    edit_free(e);
    e = edit_change(s, EDIT_SETTINGS, NULL);
    e->after->assume[ASSUME_HYPERVISOR_EXPLOIT] = true;
    cr_assert(edit_apply(s, e, &err), "%s", err);
    reanalysis_update(r, e);
    cr_expect_eq(reanalysis_last_runs(r), 3, "an assumption changes every host");
    check(r, s, 0, "after the assumption");
    edit_free(e);
    reanalysis_free(r);
    scenario_free(s);
}

Test(reanalysis, a_host_with_most_of_the_lowest_paths_keeps_enough)
{
    /* node-0 holds 60 admin guests with SSH key mounts: the lowest-effort paths; twenty other
     * hosts hold one guest each. Each host keeps a few paths at first; node-0 must be
     * analysed again keeping more, or the merged list would miss its paths. */
    Scenario *s = scenario_new("crowded");
    scenario_add_tenant(s, "victim", TRUST_TRUSTED);
    char id[32];
    for (int h = 0; h < 21; h++) {
        snprintf(id, sizeof id, "node-%d", h);
        Host *hs = scenario_add_host(s, id, OS_LINUX);
        hs->ssh = true;
        host_add_user(hs, "ops", false);
        snprintf(id, sizeof id, "victim-%d", h);
        scenario_add_workload(s, id, "victim", s->hosts[h].id);
    }
    for (int i = 0; i < 80; i++) {
        snprintf(id, sizeof id, "t%02d", i);
        scenario_add_tenant(s, id, TRUST_UNTRUSTED);
        char wid[32];
        snprintf(wid, sizeof wid, "guest-%02d", i);
        Workload *w = scenario_add_workload(s, wid, id, i < 60 ? "node-0" : s->hosts[i - 59].id);
        workload_add_mount(w, "/home/ops/.ssh", "/mnt", false);
    }
    Reanalysis *r = reanalysis_new(s, cat, 100);
    cr_expect_gt(reanalysis_last_runs(r), 21, "node-0 was analysed again (%zu runs)",
                 reanalysis_last_runs(r));
    check(r, s, 100, "crowded host");
    reanalysis_free(r);
    scenario_free(s);
}

/* Fleet: n_hosts hosts of both OSes, tenants of both trusts, workloads placed at random. */
static Scenario *fleet(unsigned long long seed, unsigned n_hosts, unsigned n_workloads)
{
    Scenario *s = generate(seed); /* random assumptions, and a few workloads of its own */
    char id[32];
    for (unsigned t = 0; t < 12; t++) {
        snprintf(id, sizeof id, "ft%u", t);
        scenario_add_tenant(s, id, t % 3 ? TRUST_TRUSTED : TRUST_UNTRUSTED);
    }
    for (unsigned h = 0; h < n_hosts; h++) {
        snprintf(id, sizeof id, "fh%u", h);
        Host *hs = scenario_add_host(s, id, h % 2 ? OS_LINUX : OS_WINDOWS);
        hs->ssh = h % 3 == 0;
        if (h % 4 == 0) host_add_user(hs, "ops", false);
    }
    for (unsigned w = 0; w < n_workloads; w++) {
        char tid[16], hid[16];
        snprintf(id, sizeof id, "fw%u", w);
        snprintf(tid, sizeof tid, "ft%u", rnd(12));
        snprintf(hid, sizeof hid, "fh%u", rnd(n_hosts));
        Workload *wl = scenario_add_workload(s, id, tid, hid);
        wl->isolation = (Isolation)rnd(4);
        wl->account = rnd(2) ? ACCOUNT_ADMIN : ACCOUNT_USER;
        wl->privileged = rnd(5) == 0;
        if (rnd(2))
            workload_add_mount(
                wl, scenario_host(s, hid)->os == OS_LINUX ? "/home/ops/.ssh" : "C:\\data", "/mnt",
                rnd(2));
    }
    char *err = NULL;
    cr_assert(scenario_validate(s, &err), "%s", err);
    return s;
}

Test(reanalysis, a_fleet_analysed_on_several_threads_reads_like_the_engine)
{
    unsigned long long seed = base_seed();
    for (unsigned i = 0; i < 6; i++) {
        Scenario *s = fleet(seed + 5000 + i, 24, 300);
        size_t max = i % 2 ? 40 : 0;
        Reanalysis *r = reanalysis_new(s, cat, max);
        reanalysis_set_threads(r, 2 + i % 3, 8);
        reanalysis_update_all(r);
        cr_expect_geq(reanalysis_last_runs(r), s->n_hosts);
        char what[96];
        snprintf(what, sizeof what, "fleet %llu", seed + 5000 + i);
        check(r, s, max, what);
        /* an assumption: every host again (each keeps its sub-scenario) */
        for (int a = 0; a < 2; a++) {
            Edit *e = edit_change(s, EDIT_SETTINGS, NULL);
            e->after->assume[ASSUME_HYPERVISOR_EXPLOIT] =
                !e->after->assume[ASSUME_HYPERVISOR_EXPLOIT];
            char *err = NULL;
            cr_assert(edit_apply(s, e, &err), "%s", err);
            reanalysis_update(r, e);
            cr_expect_geq(reanalysis_last_runs(r), s->n_hosts, "%s", what);
            check(r, s, max, what);
            edit_free(e);
        }
        /* a tenant's trust: the hosts of its workloads */
        Edit *e = edit_change(s, EDIT_TENANT, "ft1");
        edit_tenant(e->after)->trust = TRUST_UNTRUSTED;
        char *err = NULL;
        cr_assert(edit_apply(s, e, &err), "%s", err);
        reanalysis_update(r, e);
        check(r, s, max, what);
        edit_free(e);
        /* then random edits */
        for (int step = 0; step < 6; step++) {
            e = random_edit(s);
            if (!e) continue;
            if (!edit_apply(s, e, &err)) {
                free(err);
                edit_free(e);
                continue;
            }
            reanalysis_update(r, e);
            check(r, s, max, what);
            edit_free(e);
        }
        reanalysis_free(r);
        scenario_free(s);
    }
}
