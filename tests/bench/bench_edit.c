/* Benchmark of the explorer's edit loop (issue 6): loads a scenario into a temporary
 * workspace, then times (a) opening it (store_load + analysis + tree + one headless render)
 * and (b) edits end to end (edit_apply + store_record_edit + re-analysis + tree + headless
 * render), with a breakdown of an edit's steps and the peak memory. A program that prints
 * figures, not a test. Usage: bench_edit SCENARIO.json [EDITS] */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_json.h"
#include "bench.h"
#include "edit.h"
#include "engine.h"
#include "explorer_int.h"
#include "reanalysis.h"
#include "scenario_json.h"
#include "store.h"
#include "xalloc.h"

/* Prints "NAME median M ms, max X ms (n runs)". Sorts v. */
static void report(const char *name, double *v, size_t n)
{
    bench_sort(v, n);
    double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    printf("  %-44s median %7.1f ms   max %7.1f ms   (%zu runs)\n", name, median, v[n - 1], n);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_edit SCENARIO.json [EDITS]\n");
        return 2;
    }
    size_t n_edits = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 20;
    if (n_edits < 1) n_edits = 1;
    if (!setlocale(LC_ALL, "C.UTF-8")) setlocale(LC_ALL, "");
    char *err = NULL;
    Scenario *s = scenario_load_file(argv[1], &err);
    if (!s) {
        fprintf(stderr, "bench_edit: %s\n", err);
        return 2;
    }
    char dir[] = "/tmp/bench-edit-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("bench_edit: mkdtemp");
        return 2;
    }
    char db[64];
    snprintf(db, sizeof db, "%s/ws.db", dir);
    Store *st = store_open(db, true, &err);
    if (!st || !store_save(st, s, false, NULL, &err)) {
        fprintf(stderr, "bench_edit: %s\n", err);
        return 2;
    }
    Catalog *cat = catalog_load_builtin();
    printf("scenario: %s (%zu tenants, %zu hosts, %zu workloads); workspace %s\n", s->name,
           s->n_tenants, s->n_hosts, s->n_workloads, db);
    printf("load average at start: ");
    FILE *la = fopen("/proc/loadavg", "r");
    char line[128] = "?";
    if (la && fgets(line, sizeof line, la)) line[strcspn(line, "\n")] = 0;
    if (la) fclose(la);
    printf("%s\n", line);

    /* (a) opening, and its parts */
    enum { OPENS = 7 };
    double open_t[OPENS], load_t[OPENS], an_t[OPENS], full_t[OPENS];
    for (int i = 0; i < OPENS; i++) {
        double t0 = bench_now_ms();
        Scenario *l = store_load(st, s->name, &err);
        double t1 = bench_now_ms();
        Reanalysis *r = reanalysis_new(l, cat, EXPLORER_MAX_PATHS);
        double t2 = bench_now_ms();
        EngineOptions opt = {.max_paths = EXPLORER_MAX_PATHS, .lazy_why_not = true};
        Analysis *a = engine_analyze(l, cat, &opt);
        double t3 = bench_now_ms();
        load_t[i] = t1 - t0;
        an_t[i] = t2 - t1;
        full_t[i] = t3 - t2;
        analysis_free(a);
        reanalysis_free(r);
        scenario_free(l);
    }
    Headless *h = explorer_headless_new(st, cat, 120, 40);
    if (!h) {
        fprintf(stderr, "bench_edit: cannot start a headless terminal\n");
        return 2;
    }
    Explorer *ex = explorer_headless_explorer(h);
    for (int i = 0; i < OPENS; i++) {
        ex->depth = 1; /* back to the scenario list */
        double t0 = bench_now_ms();
        if (!explorer_headless_open(h, s->name)) {
            fprintf(stderr, "bench_edit: %s\n", ex->status);
            return 2;
        }
        explorer_headless_draw(h);
        open_t[i] = bench_now_ms() - t0;
    }
    printf("opening (to the first screen):\n");
    report("store_load + analysis + tree + render", open_t, OPENS);
    report("  store_load", load_t, OPENS);
    report("  analysis, host by host (reanalysis_new)", an_t, OPENS);
    report("  for comparison: one engine_analyze, lazy", full_t, OPENS);

    /* (b) edits end to end: i on workloads spread over the scenario, then undo and redo */
    double *edit_t = xcalloc(n_edits, sizeof *edit_t), *undo_t = xcalloc(n_edits, sizeof *undo_t);
    double *redo_t = xcalloc(n_edits, sizeof *redo_t);
    size_t made = 0;
    for (size_t k = 0; k < n_edits; k++) {
        const char *id = ex->sc->workloads[(k * 7919) % ex->sc->n_workloads].id;
        explorer_select(ex, ITEM_WORKLOAD, id, 0);
        double t0 = bench_now_ms();
        explorer_toggle(ex, ACT_ISOLATION);
        explorer_headless_draw(h);
        edit_t[made++] = bench_now_ms() - t0;
        if (strstr(ex->status, " -> ") == NULL) fprintf(stderr, "edit refused: %s\n", ex->status);
    }
    for (size_t k = 0; k < made; k++) {
        double t0 = bench_now_ms();
        explorer_undo(ex, false);
        explorer_headless_draw(h);
        undo_t[k] = bench_now_ms() - t0;
    }
    for (size_t k = 0; k < made; k++) {
        double t0 = bench_now_ms();
        explorer_undo(ex, true);
        explorer_headless_draw(h);
        redo_t[k] = bench_now_ms() - t0;
    }
    printf("edits (key to repainted analysis):\n");
    report("toggle isolation: edit + record + analysis + render", edit_t, made);
    report("undo", undo_t, made);
    report("redo", redo_t, made);

    /* edits that reach many hosts: a tenant's trust (every host with its workloads) and an
     * assumption (every host) */
    enum { WIDE = 6 };
    double trust_t[WIDE], assume_t[WIDE];
    size_t tenant_hosts = 0;
    bool *on = xcalloc(ex->sc->n_hosts + 1, sizeof *on);
    for (size_t w = 0; w < ex->sc->n_workloads; w++)
        if (ex->an->tenant_of[w] == 0 && !on[ex->an->host_of[w]]) {
            on[ex->an->host_of[w]] = true;
            tenant_hosts++;
        }
    free(on);
    for (int k = 0; k < WIDE; k++) {
        explorer_select(ex, ITEM_TENANT, ex->sc->tenants[0].id, 0);
        double t0 = bench_now_ms();
        explorer_toggle(ex, ACT_TRUST);
        explorer_headless_draw(h);
        trust_t[k] = bench_now_ms() - t0;
        Edit *e = edit_change(ex->sc, EDIT_SETTINGS, NULL);
        e->after->assume[ASSUME_HYPERVISOR_EXPLOIT] = !e->after->assume[ASSUME_HYPERVISOR_EXPLOIT];
        edit_set_label(e, "bench: hypervisor_exploit");
        t0 = bench_now_ms();
        explorer_commit(ex, e);
        explorer_headless_draw(h);
        assume_t[k] = bench_now_ms() - t0;
    }
    char what[96];
    snprintf(what, sizeof what, "a tenant's trust (its workloads on %zu hosts)", tenant_hosts);
    report(what, trust_t, WIDE);
    report("an assumption (every host)", assume_t, WIDE);

    /* the steps of an edit, on a copy of the scenario */
    Scenario *c = scenario_clone(ex->sc);
    Reanalysis *r = reanalysis_new(c, cat, EXPLORER_MAX_PATHS);
    double *apply_t = xcalloc(n_edits, sizeof *apply_t), *rec_t = xcalloc(n_edits, sizeof *rec_t);
    double *re_t = xcalloc(n_edits, sizeof *re_t);
    for (size_t k = 0; k < n_edits; k++) {
        const Workload *w = &c->workloads[(k * 104729) % c->n_workloads];
        Edit *e = edit_change(c, EDIT_WORKLOAD, w->id);
        edit_workload(e->after)->compromised = !w->compromised;
        edit_set_label(e, "bench");
        double t0 = bench_now_ms();
        bool ok = edit_apply(c, e, &err);
        double t1 = bench_now_ms();
        ok = ok && store_record_edit(st, c->name, e, &err);
        double t2 = bench_now_ms();
        reanalysis_update(r, e);
        double t3 = bench_now_ms();
        if (!ok) {
            fprintf(stderr, "bench_edit: %s\n", err);
            return 2;
        }
        apply_t[k] = t1 - t0;
        rec_t[k] = t2 - t1;
        re_t[k] = t3 - t2;
        edit_free(e);
    }
    printf("the steps of an edit:\n");
    report("edit_apply (in memory, whole-scenario check)", apply_t, n_edits);
    report("store_record_edit (one transaction)", rec_t, n_edits);
    report("re-analysis of the edited host + merge", re_t, n_edits);

    /* the re-analysis alone of the wide edits: on the threads reanalysis_new chose (the online
     * CPUs, at most 4), then on one */
    printf("re-analysis of the wide edits + merge (%ld CPUs online):\n",
           sysconf(_SC_NPROCESSORS_ONLN));
    for (int serial = 0; serial < 2; serial++) {
        if (serial) reanalysis_set_threads(r, 1, 1);
        double wide_trust[WIDE], wide_assume[WIDE];
        for (int k = 0; k < WIDE; k++) {
            Edit *e = edit_change(c, EDIT_TENANT, c->tenants[0].id);
            Tenant *t = edit_tenant(e->after);
            t->trust = t->trust == TRUST_TRUSTED ? TRUST_UNTRUSTED : TRUST_TRUSTED;
            if (!edit_apply(c, e, &err)) {
                fprintf(stderr, "bench_edit: %s\n", err);
                return 2;
            }
            double t0 = bench_now_ms();
            reanalysis_update(r, e);
            wide_trust[k] = bench_now_ms() - t0;
            edit_free(e);
            e = edit_change(c, EDIT_SETTINGS, NULL);
            e->after->assume[ASSUME_HYPERVISOR_EXPLOIT] =
                !e->after->assume[ASSUME_HYPERVISOR_EXPLOIT];
            if (!edit_apply(c, e, &err)) {
                fprintf(stderr, "bench_edit: %s\n", err);
                return 2;
            }
            t0 = bench_now_ms();
            reanalysis_update(r, e);
            wide_assume[k] = bench_now_ms() - t0;
            edit_free(e);
        }
        report(serial ? "a tenant's trust, one thread" : "a tenant's trust", wide_trust, WIDE);
        report(serial ? "an assumption, one thread" : "an assumption", wide_assume, WIDE);
    }
    printf("peak memory (getrusage maxrss): %.1f MB\n", bench_peak_mb());

    reanalysis_free(r);
    scenario_free(c);
    free(edit_t);
    free(undo_t);
    free(redo_t);
    free(apply_t);
    free(rec_t);
    free(re_t);
    explorer_headless_free(h);
    catalog_free(cat);
    store_close(st);
    scenario_free(s);
    char path[96];
    unlink(db);
    snprintf(path, sizeof path, "%s-wal", db);
    unlink(path);
    snprintf(path, sizeof path, "%s-shm", db);
    unlink(path);
    rmdir(dir);
    return 0;
}
