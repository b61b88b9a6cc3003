/* Tests for data/store's edits and their history: fine-grained writes that match the
 * in-memory scenario step by step, undo and redo across restarts, writes that fail or are
 * killed leaving the old state or the new one, and the time of one edit on 15k workloads. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support/gen.h"
#include "edit.h"
#include "scenario_json.h"
#include "store.h"
#include "xalloc.h"

/* The bundled scenario the edits start from (2 tenants, 2 hosts, 3 workloads). */
#define BASE "Dedicated node per tenant"

/* The temporary directory of the running test (each test runs in its own process). */
static char *dir;

/* Removes path and, when it is a directory, everything in it (no symbolic links followed). */
static void remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        for (struct dirent *de; d && (de = readdir(d));) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            char *child = xasprintf("%s/%s", path, de->d_name);
            remove_tree(child);
            free(child);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void make_dir(void)
{
    char tmpl[] = "/tmp/breakout-store-edit-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
    dir = xstrdup(tmpl);
}

static void remove_dir(void)
{
    remove_tree(dir);
    free(dir);
    dir = NULL;
}

TestSuite(store_edit, .init = make_dir, .fini = remove_dir);

/* ---- Helpers ---- */

static Store *open_ok(const char *path)
{
    char *err = NULL;
    Store *st = store_open(path, true, &err);
    cr_assert_not_null(st, "store_open %s: %s", path, err ? err : "");
    return st;
}

/* A new workspace (seeded with the bundled scenarios) in the test directory: owned path. */
static char *new_workspace(Store **st)
{
    char *path = xasprintf("%s/ws.db", dir);
    *st = open_ok(path);
    return path;
}

static Scenario *load_ok(Store *st, const char *name)
{
    char *err = NULL;
    Scenario *s = store_load(st, name, &err);
    cr_assert_not_null(s, "load %s: %s", name, err ? err : "");
    return s;
}

/* Asserts that the stored scenario named s->name has the canonical JSON want. */
static void assert_stored_json(Store *st, const char *name, const char *want, const char *when)
{
    Scenario *got = load_ok(st, name);
    char *json = scenario_to_json(got);
    cr_assert_str_eq(json, want, "%s: the workspace differs", when);
    free(json);
    scenario_free(got);
}

/* Asserts that the workspace holds exactly the in-memory scenario s. */
static void assert_stored(Store *st, const Scenario *s, const char *when)
{
    char *want = scenario_to_json(s);
    assert_stored_json(st, s->name, want, when);
    free(want);
}

/* Applies e to mem, then records it (the explorer's order); e stays the caller's. */
static void record_ok(Store *st, Scenario *mem, const Edit *e)
{
    char *err = NULL;
    cr_assert(edit_apply(mem, e, &err), "apply %s: %s", e->label, err ? err : "");
    cr_assert(store_record_edit(st, mem->name, e, &err), "record %s: %s", e->label, err ? err : "");
    cr_assert_null(err);
}

/* Undoes (or redoes) in the workspace and applies the edit handed back to mem. Returns
 * false when there was nothing to undo (redo). */
static bool step_ok(Store *st, Scenario *mem, bool redo)
{
    Edit *e = (Edit *)1;
    char *err = NULL;
    bool ok = redo ? store_redo(st, mem->name, &e, &err) : store_undo(st, mem->name, &e, &err);
    cr_assert(ok, "%s: %s", redo ? "redo" : "undo", err ? err : "");
    cr_assert_null(err);
    if (!e) return false;
    cr_assert(edit_apply(mem, e, &err), "apply the %s of %s: %s", redo ? "redo" : "undo", e->label,
              err ? err : "");
    edit_free(e);
    return true;
}

/* The history as "seq:label:undone" lines. */
static char *history_text(Store *st, const char *name)
{
    StoreHistoryEntry *h = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(store_history(st, name, &h, &n, &err), "%s", err ? err : "");
    char *out = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(strlen(h[i].created), 20, "created %s", h[i].created);
        char *next =
            xasprintf("%s%zu:%s%s\n", out, h[i].seq, h[i].label, h[i].undone ? ":undone" : "");
        free(out);
        out = next;
    }
    store_history_free(h, n);
    return out;
}

static void assert_history(Store *st, const char *name, const char *want)
{
    char *got = history_text(st, name);
    cr_assert_str_eq(got, want);
    free(got);
}

/* Runs sql on the workspace at path with a connection of its own. */
static void db_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql, msg);
    cr_assert_eq(sqlite3_close(db), SQLITE_OK);
}

static long db_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    long v = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* An edit changing workload id of s to isolation iso. */
static Edit *set_isolation(const Scenario *s, const char *id, Isolation iso)
{
    Edit *e = edit_change(s, EDIT_WORKLOAD, id);
    cr_assert_not_null(e, "no workload %s", id);
    edit_workload(e->after)->isolation = iso;
    edit_set_label(e, "%s: %s", id, isolation_name(iso));
    return e;
}

/* ---- Random edits ---- */

/* Builds a random edit of s (the label says what it does), or NULL when the one drawn does
 * not apply (e.g. no mount to remove). It may still be one edit_apply refuses (removing a
 * tenant in use, renaming onto a taken id): the caller skips those. */
static Edit *random_edit(const Scenario *s, unsigned step)
{
    char id[32];
    const Workload *w = s->n_workloads ? &s->workloads[rnd((unsigned)s->n_workloads)] : NULL;
    const Tenant *t = s->n_tenants ? &s->tenants[rnd((unsigned)s->n_tenants)] : NULL;
    const Host *h = s->n_hosts ? &s->hosts[rnd((unsigned)s->n_hosts)] : NULL;
    Edit *e = NULL;
    Workload *aw;
    unsigned what = rnd(16);
    if (!t && (what == 5 || what == 9 || what == 12 || what == 15)) return NULL;
    if (!h && (what == 5 || what == 10 || what == 12)) return NULL;
    switch (what) {
    case 0:
        if (!w) return NULL;
        e = set_isolation(s, w->id, (Isolation)((w->isolation + 1 + rnd(3)) % 4));
        break;
    case 1:
        if (!w) return NULL;
        e = edit_change(s, EDIT_WORKLOAD, w->id);
        aw = edit_workload(e->after);
        aw->account = aw->account == ACCOUNT_ADMIN ? ACCOUNT_USER : ACCOUNT_ADMIN;
        edit_set_label(e, "%s: account %s", w->id, account_name(aw->account));
        break;
    case 2:
        if (!w || !w->n_mounts) return NULL;
        e = edit_change(s, EDIT_WORKLOAD, w->id);
        aw = edit_workload(e->after);
        aw->mounts[0].read_only = !aw->mounts[0].read_only;
        edit_set_label(e, "%s: %s read-only", w->id, aw->mounts[0].host_path);
        break;
    case 3:
        if (!w) return NULL;
        e = edit_change(s, EDIT_WORKLOAD, w->id);
        workload_add_mount(edit_workload(e->after), linux_paths[rnd(11)], rnd(2) ? "/mnt" : NULL,
                           rnd(2));
        edit_set_label(e, "%s: add a mount", w->id);
        break;
    case 4:
        if (!w || !w->n_mounts) return NULL;
        e = edit_change(s, EDIT_WORKLOAD, w->id);
        aw = edit_workload(e->after);
        workload_remove_mount(aw, rnd((unsigned)aw->n_mounts));
        edit_set_label(e, "%s: remove a mount", w->id);
        break;
    case 5: {
        Scenario *f = scenario_new(s->name);
        snprintf(id, sizeof id, "new-w%u", step);
        aw = scenario_add_workload(f, id, t->id, h->id);
        aw->isolation = (Isolation)rnd(4);
        if (rnd(2)) workload_add_mount(aw, "/var/run/docker.sock", NULL, true);
        if (rnd(2)) strlist_add(&aw->hardening, "seccomp");
        if (rnd(2)) strlist_add(&aw->capabilities, "SYS_ADMIN");
        if (rnd(2)) strlist_add(&aw->notes, "added by a test");
        e = edit_add(EDIT_WORKLOAD, f);
        edit_set_label(e, "add workload %s", id);
        break;
    }
    case 6:
        if (!w) return NULL;
        e = edit_remove(s, EDIT_WORKLOAD, w->id);
        edit_set_label(e, "remove workload %s", w->id);
        break;
    case 7: {
        Scenario *f = scenario_new(s->name);
        snprintf(id, sizeof id, "new-t%u", step);
        Tenant *nt = scenario_add_tenant(f, id, rnd(2) ? TRUST_TRUSTED : TRUST_UNTRUSTED);
        free(nt->name);
        nt->name = xasprintf("Tenant %u", step);
        e = edit_add(EDIT_TENANT, f);
        edit_set_label(e, "add tenant %s", id);
        break;
    }
    case 8: {
        Scenario *f = scenario_new(s->name);
        snprintf(id, sizeof id, "new-h%u", step);
        Host *nh = scenario_add_host(f, id, rnd(2) ? OS_LINUX : OS_WINDOWS);
        nh->ssh = rnd(2);
        if (rnd(2)) host_add_user(nh, "ops", true);
        e = edit_add(EDIT_HOST, f);
        edit_set_label(e, "add host %s", id);
        break;
    }
    case 9:
        e = edit_change(s, EDIT_TENANT, t->id);
        edit_tenant(e->after)->trust = t->trust == TRUST_TRUSTED ? TRUST_UNTRUSTED : TRUST_TRUSTED;
        edit_set_label(e, "tenant %s: trust", t->id);
        break;
    case 10: {
        e = edit_change(s, EDIT_HOST, h->id);
        Host *ah = edit_host(e->after);
        ah->ssh = !ah->ssh;
        snprintf(id, sizeof id, "user%u", step);
        host_add_user(ah, id, rnd(2));
        edit_set_label(e, "host %s: ssh and a user", h->id);
        break;
    }
    case 11:
        e = edit_change(s, EDIT_SETTINGS, NULL);
        if (rnd(2)) {
            Assumption a = (Assumption)rnd(ASSUME_COUNT);
            e->after->assume[a] = !e->after->assume[a];
        } else {
            free(e->after->description);
            e->after->description = rnd(3) ? xasprintf("step %u", step) : NULL;
        }
        edit_set_label(e, "settings");
        break;
    case 12:
        e = rnd(2) ? edit_remove(s, EDIT_TENANT, t->id) : edit_remove(s, EDIT_HOST, h->id);
        edit_set_label(e, "remove a tenant or host");
        break;
    case 13:
        if (!w) return NULL;
        e = edit_change(s, EDIT_WORKLOAD, w->id);
        aw = edit_workload(e->after);
        free(aw->id);
        aw->id = xasprintf("renamed-%u", step);
        edit_set_label(e, "rename workload %s", w->id);
        break;
    case 14:
        if (!w) return NULL;
        e = edit_change(s, EDIT_WORKLOAD, w->id);
        aw = edit_workload(e->after);
        aw->privileged = !aw->privileged;
        aw->compromised = rnd(2);
        aw->host_namespaces ^= HOSTNS_NETWORK;
        strlist_add(&aw->hardening, gen_hardening[rnd(5)]);
        edit_set_label(e, "%s: privileged, compromised, host network", w->id);
        break;
    default: {
        e = edit_change(s, EDIT_TENANT, t->id);
        Tenant *at = edit_tenant(e->after);
        free(at->id);
        at->id = xasprintf("renamed-t%u", step);
        edit_set_label(e, "rename tenant %s", t->id);
        break;
    }
    }
    return e;
}

/* Every state of the test below, as canonical JSON. */
typedef struct {
    char **json;
    size_t n, cap;
} States;

static void states_push(States *s, const Scenario *mem)
{
    xgrow((void **)&s->json, &s->cap, s->n + 1, sizeof *s->json);
    s->json[s->n++] = scenario_to_json(mem);
}

Test(store_edit, random_edits_match_memory_through_undo_redo_and_restarts)
{
    size_t refused = 0; /* edits the model refused, over all rounds */
    for (unsigned long long round = 0; round < 4; round++) {
        rng_state = base_seed() + round;
        Store *st;
        char *path = new_workspace(&st);
        Scenario *mem = load_ok(st, BASE);
        States states = {0};
        states_push(&states, mem);
        for (unsigned step = 0; states.n < 40; step++) {
            cr_assert_lt(step, 1000, "too few edits apply");
            Edit *e = random_edit(mem, step);
            if (!e) continue;
            char *err = NULL;
            if (!edit_apply(mem, e, &err)) { /* refused in memory: never reaches the store */
                free(err);
                edit_free(e);
                refused++;
                continue;
            }
            cr_assert(store_record_edit(st, mem->name, e, &err), "step %u, %s: %s", step, e->label,
                      err ? err : "");
            states_push(&states, mem);
            char *when =
                xasprintf("round %llu, after edit %zu (%s)", round, states.n - 1, e->label);
            assert_stored_json(st, BASE, states.json[states.n - 1], when);
            free(when);
            edit_free(e);
        }
        size_t n = states.n - 1; /* edits recorded */

        /* undo everything, one edit at a time */
        for (size_t k = n; k > 0; k--) {
            cr_assert(step_ok(st, mem, false), "undo %zu: nothing to undo", k);
            char *want = states.json[k - 1], *got = scenario_to_json(mem);
            cr_assert_str_eq(got, want, "round %llu, undo of edit %zu: memory", round, k);
            free(got);
            assert_stored_json(st, BASE, want, "after an undo");
        }
        cr_assert_not(step_ok(st, mem, false), "nothing more to undo");
        assert_stored_json(st, BASE, states.json[0], "all undone: the original");

        /* redo everything */
        for (size_t k = 1; k <= n; k++) {
            cr_assert(step_ok(st, mem, true), "redo %zu: nothing to redo", k);
            char *got = scenario_to_json(mem);
            cr_assert_str_eq(got, states.json[k], "round %llu, redo of edit %zu: memory", round, k);
            free(got);
            assert_stored_json(st, BASE, states.json[k], "after a redo");
        }
        cr_assert_not(step_ok(st, mem, true), "nothing more to redo");

        /* a restart: the store is closed and opened again, the copy loaded again */
        store_close(st);
        scenario_free(mem);
        st = open_ok(path);
        mem = load_ok(st, BASE);
        char *got = scenario_to_json(mem);
        cr_assert_str_eq(got, states.json[n], "the final state survives a restart");
        free(got);
        cr_assert(step_ok(st, mem, false), "undo after a restart");
        got = scenario_to_json(mem);
        cr_assert_str_eq(got, states.json[n - 1]);
        free(got);
        assert_stored_json(st, BASE, states.json[n - 1], "undo after a restart");

        /* the other scenarios were never touched */
        Scenario *other = load_ok(st, "Single-tenant baseline");
        cr_assert_eq(other->n_workloads, 2);
        scenario_free(other);

        for (size_t i = 0; i < states.n; i++)
            free(states.json[i]);
        free(states.json);
        scenario_free(mem);
        store_close(st);
        remove_tree(path);
        char *wal = xasprintf("%s-wal", path);
        remove_tree(wal);
        free(wal);
        free(path);
    }
    cr_assert_gt(refused, 0, "the sequences should include edits the model refuses");
}

/* ---- Undo, redo and the history ---- */

Test(store_edit, undo_and_redo_with_nothing_to_do_hand_back_null)
{
    Store *st;
    char *path = new_workspace(&st);
    Edit *e = (Edit *)1;
    char *err = NULL;
    cr_assert(store_undo(st, BASE, &e, &err), "%s", err ? err : "");
    cr_assert_null(e);
    cr_assert_null(err);
    e = (Edit *)1;
    cr_assert(store_redo(st, BASE, &e, &err), "%s", err ? err : "");
    cr_assert_null(e);
    assert_history(st, BASE, "");

    /* a scenario that is not there is an error */
    cr_assert_not(store_undo(st, "Nowhere", &e, &err));
    cr_assert_null(e);
    cr_assert_str_eq(err, "no scenario named \"Nowhere\" in the workspace");
    free(err);
    cr_assert_not(store_history(st, "Nowhere", &(StoreHistoryEntry *){NULL}, &(size_t){0}, &err));
    cr_assert_str_eq(err, "no scenario named \"Nowhere\" in the workspace");
    free(err);
    Scenario *mem = load_ok(st, BASE);
    e = set_isolation(mem, mem->workloads[0].id, ISOLATION_SANDBOX);
    cr_assert_not(store_record_edit(st, "Nowhere", e, &err));
    cr_assert_str_eq(err, "no scenario named \"Nowhere\" in the workspace");
    free(err);
    edit_free(e);
    scenario_free(mem);
    store_close(st);
    free(path);
}

Test(store_edit, undo_hands_back_the_inverted_edit_and_the_history_follows)
{
    Store *st;
    char *path = new_workspace(&st);
    Scenario *mem = load_ok(st, BASE);
    char *orig = scenario_to_json(mem);
    const char *w = mem->workloads[1].id;
    Isolation was = mem->workloads[1].isolation;
    cr_assert_neq(was, ISOLATION_HYPERV);
    Edit *e = set_isolation(mem, w, ISOLATION_HYPERV);
    char *label = xstrdup(e->label);
    record_ok(st, mem, e);
    edit_free(e);
    Scenario *f = scenario_new(BASE);
    scenario_add_tenant(f, "audit", TRUST_TRUSTED);
    e = edit_add(EDIT_TENANT, f);
    edit_set_label(e, "add tenant audit");
    record_ok(st, mem, e);
    edit_free(e);

    char *want = xasprintf("1:%s\n2:add tenant audit\n", label);
    assert_history(st, BASE, want);
    free(want);

    char *err = NULL;
    cr_assert(store_undo(st, BASE, &e, &err), "%s", err ? err : "");
    cr_assert_not_null(e);
    cr_assert_eq(e->kind, EDIT_TENANT);
    cr_assert_str_eq(e->label, "add tenant audit");
    cr_assert_not_null(e->before, "inverted: the tenant is what goes");
    cr_assert_null(e->after);
    cr_assert_str_eq(edit_tenant(e->before)->id, "audit");
    cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
    edit_free(e);
    cr_assert(store_undo(st, BASE, &e, &err), "%s", err ? err : "");
    cr_assert_eq(e->kind, EDIT_WORKLOAD);
    cr_assert_eq(edit_workload(e->before)->isolation, ISOLATION_HYPERV);
    cr_assert_eq(edit_workload(e->after)->isolation, was);
    cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
    edit_free(e);
    char *now = scenario_to_json(mem);
    cr_assert_str_eq(now, orig);
    free(now);
    assert_stored(st, mem, "both undone");
    want = xasprintf("1:%s:undone\n2:add tenant audit:undone\n", label);
    assert_history(st, BASE, want);
    free(want);

    /* redo hands back the edit as recorded */
    cr_assert(store_redo(st, BASE, &e, &err), "%s", err ? err : "");
    cr_assert_str_eq(e->label, label);
    cr_assert_eq(edit_workload(e->after)->isolation, ISOLATION_HYPERV);
    cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
    edit_free(e);
    assert_stored(st, mem, "redone");
    want = xasprintf("1:%s\n2:add tenant audit:undone\n", label);
    assert_history(st, BASE, want);
    free(want);
    free(label);
    free(orig);
    scenario_free(mem);
    store_close(st);
    free(path);
}

Test(store_edit, a_new_edit_after_an_undo_ends_redo)
{
    Store *st;
    char *path = new_workspace(&st);
    Scenario *mem = load_ok(st, BASE);
    char *w = xstrdup(mem->workloads[0].id); /* edit_apply replaces mem's lists */
    Isolation isos[] = {ISOLATION_HYPERV, ISOLATION_SANDBOX, ISOLATION_HOST};
    for (size_t i = 0; i < 3; i++) {
        Edit *e = set_isolation(mem, w, isos[i]);
        record_ok(st, mem, e);
        edit_free(e);
    }
    cr_assert(step_ok(st, mem, false));
    cr_assert(step_ok(st, mem, false));
    cr_assert_eq(mem->workloads[0].isolation, ISOLATION_HYPERV);
    Edit *e = edit_change(mem, EDIT_WORKLOAD, w);
    edit_workload(e->after)->compromised = !edit_workload(e->after)->compromised;
    edit_set_label(e, "compromise");
    record_ok(st, mem, e);
    edit_free(e);
    char *want = xasprintf("1:%s: hyperv\n2:compromise\n", w); /* 2 and 3 were dropped */
    assert_history(st, BASE, want);
    free(want);
    cr_assert_not(step_ok(st, mem, true), "nothing to redo after a new edit");
    assert_stored(st, mem, "after the new edit");
    cr_assert(step_ok(st, mem, false));
    cr_assert(step_ok(st, mem, false));
    cr_assert_not(step_ok(st, mem, false));
    Scenario *orig = load_ok(st, BASE);
    cr_assert_eq(orig->workloads[0].isolation, mem->workloads[0].isolation);
    assert_stored(st, mem, "all undone");
    free(w);
    scenario_free(orig);
    scenario_free(mem);
    store_close(st);
    free(path);
}

Test(store_edit, replacing_a_scenario_drops_its_history)
{
    Store *st;
    char *path = new_workspace(&st);
    Scenario *mem = load_ok(st, BASE);
    Edit *e = set_isolation(mem, mem->workloads[0].id, ISOLATION_SANDBOX);
    record_ok(st, mem, e);
    edit_free(e);
    /* the same content: unchanged, the history stays */
    char *err = NULL;
    StoreSaveResult res;
    cr_assert(store_save(st, mem, true, &res, &err), "%s", err ? err : "");
    cr_assert_eq(res, STORE_UNCHANGED);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM edit"), 1);
    /* other content: the history led to the old content, and goes */
    Scenario *other = scenario_clone(mem);
    other->workloads[0].privileged = !other->workloads[0].privileged;
    cr_assert(store_save(st, other, true, &res, &err), "%s", err ? err : "");
    cr_assert_eq(res, STORE_REPLACED);
    assert_history(st, BASE, "");
    cr_assert(store_undo(st, BASE, &e, &err));
    cr_assert_null(e, "nothing to undo after a replace");
    scenario_free(other);
    scenario_free(mem);
    store_close(st);
    free(path);
}

/* ---- Places in lists ---- */

Test(store_edit, entities_keep_their_places_through_removal_and_undo)
{
    Store *st;
    char *path = new_workspace(&st);
    char *err = NULL;
    Scenario *s = scenario_new("Places");
    scenario_add_tenant(s, "t", TRUST_TRUSTED);
    scenario_add_host(s, "h", OS_LINUX);
    for (int i = 0; i < 6; i++) {
        char id[8];
        snprintf(id, sizeof id, "w%d", i);
        scenario_add_workload(s, id, "t", "h");
    }
    cr_assert(store_save(st, s, false, NULL, &err), "%s", err ? err : "");
    /* remove from the middle, the front and the end; change one; add two */
    const char *gone[] = {"w2", "w0", "w5"};
    for (size_t i = 0; i < 3; i++) {
        Edit *e = edit_remove(s, EDIT_WORKLOAD, gone[i]);
        edit_set_label(e, "remove %s", gone[i]);
        record_ok(st, s, e);
        edit_free(e);
        assert_stored(st, s, gone[i]);
    }
    Edit *e = set_isolation(s, "w3", ISOLATION_HOST);
    record_ok(st, s, e);
    edit_free(e);
    for (int i = 0; i < 2; i++) {
        Scenario *f = scenario_new("Places");
        scenario_add_workload(f, i ? "late-2" : "late-1", "t", "h");
        e = edit_add(EDIT_WORKLOAD, f);
        record_ok(st, s, e);
        edit_free(e);
    }
    assert_stored(st, s, "after the additions");
    cr_assert_str_eq(s->workloads[0].id, "w1");
    cr_assert_str_eq(s->workloads[3].id, "late-1");
    /* undo all: each one comes back where it was */
    while (step_ok(st, s, false))
        assert_stored(st, s, "an undo");
    cr_assert_eq(s->n_workloads, 6);
    for (int i = 0; i < 6; i++) {
        char id[8];
        snprintf(id, sizeof id, "w%d", i);
        cr_assert_str_eq(s->workloads[i].id, id);
    }
    /* an addition must go at the end: the store refuses a place inside the list */
    Scenario *f = scenario_new("Places");
    scenario_add_workload(f, "early", "t", "h");
    e = edit_add(EDIT_WORKLOAD, f);
    e->position = 1;
    edit_set_label(e, "early");
    cr_assert_not(store_record_edit(st, "Places", e, &err));
    cr_assert_str_eq(err, "cannot record \"early\" in scenario \"Places\": an added workload goes"
                          " at the end of its list, not at position 1");
    free(err);
    e->position = 6; /* past the last: the end */
    record_ok(st, s, e);
    assert_stored(st, s, "added at position 6");
    edit_free(e);
    scenario_free(s);
    store_close(st);
    free(path);
}

Test(store_edit, a_tenant_change_keeps_its_workloads)
{
    Store *st;
    char *path = new_workspace(&st);
    Scenario *mem = load_ok(st, BASE);
    char *tid = xstrdup(mem->workloads[0].tenant); /* edit_apply replaces mem's lists */
    char *hid = xstrdup(mem->workloads[0].host);
    size_t before = mem->n_workloads;
    Edit *e = edit_change(mem, EDIT_TENANT, tid);
    Tenant *t = edit_tenant(e->after);
    t->trust = t->trust == TRUST_TRUSTED ? TRUST_UNTRUSTED : TRUST_TRUSTED;
    free(t->name);
    t->name = xstrdup("Renamed for display");
    record_ok(st, mem, e);
    edit_free(e);
    e = edit_change(mem, EDIT_HOST, hid);
    Host *h = edit_host(e->after);
    h->ssh = !h->ssh;
    host_add_user(h, "new-admin", true);
    record_ok(st, mem, e);
    edit_free(e);
    assert_stored(st, mem, "tenant and host changed");
    cr_assert_eq(mem->n_workloads, before);
    cr_assert(step_ok(st, mem, false));
    cr_assert(step_ok(st, mem, false));
    assert_stored(st, mem, "both undone");
    free(tid);
    free(hid);
    scenario_free(mem);
    store_close(st);
    free(path);
}

/* ---- Failures leave the workspace as it was ---- */

/* A workspace where BASE has two recorded edits, the second undone (so that a failed edit
 * could wrongly end redo); mem is the in-memory copy. */
static char *edited_workspace(Store **st, Scenario **mem)
{
    char *path = new_workspace(st);
    *mem = load_ok(*st, BASE);
    Edit *e = set_isolation(*mem, (*mem)->workloads[0].id, ISOLATION_SANDBOX);
    record_ok(*st, *mem, e);
    edit_free(e);
    e = set_isolation(*mem, (*mem)->workloads[1].id, ISOLATION_HOST);
    record_ok(*st, *mem, e);
    edit_free(e);
    cr_assert(step_ok(*st, *mem, false));
    return path;
}

/* Asserts that the workspace still holds mem and the history of edited_workspace. */
static void assert_unchanged(Store *st, const Scenario *mem, const char *when)
{
    assert_stored(st, mem, when);
    char *got = history_text(st, BASE);
    cr_assert(strstr(got, "1:") == got && strstr(got, "\n2:") && strstr(got, ":undone\n"),
              "%s: the history changed: %s", when, got);
    cr_assert_null(strstr(got, "\n3:"), "%s: %s", when, got);
    free(got);
}

Test(store_edit, a_constraint_failure_rolls_the_whole_edit_back)
{
    Store *st;
    Scenario *mem;
    char *path = edited_workspace(&st, &mem);
    /* a workload on a host that is not there, recorded without edit_apply's check: the
     * workspace's foreign key refuses it */
    Scenario *f = scenario_new(BASE);
    scenario_add_workload(f, "stray", mem->tenants[0].id, "no-such-host");
    Edit *e = edit_add(EDIT_WORKLOAD, f);
    edit_set_label(e, "stray");
    char *err = NULL;
    cr_assert_not(store_record_edit(st, BASE, e, &err));
    char *want = xasprintf("%s: cannot record \"stray\" in scenario \"" BASE
                           "\": FOREIGN KEY constraint failed",
                           path);
    cr_assert_str_eq(err, want);
    free(want);
    free(err);
    edit_free(e);
    assert_unchanged(st, mem, "a foreign key failure");

    /* a change of a workload the workspace does not hold */
    Scenario *other = scenario_clone(mem);
    Workload *w = scenario_add_workload(other, "phantom", mem->tenants[0].id, mem->hosts[0].id);
    (void)w;
    e = set_isolation(other, "phantom", ISOLATION_HYPERV);
    cr_assert_not(store_record_edit(st, BASE, e, &err));
    cr_assert_str_eq(err, "cannot record \"phantom: hyperv\" in scenario \"" BASE
                          "\": no workload \"phantom\" in the workspace");
    free(err);
    edit_free(e);
    /* removing a tenant that still has workloads (its foreign key would delete them) */
    e = edit_remove(mem, EDIT_TENANT, mem->workloads[0].tenant);
    edit_set_label(e, "remove tenant");
    cr_assert_not(store_record_edit(st, BASE, e, &err));
    want = xasprintf("cannot record \"remove tenant\" in scenario \"" BASE
                     "\": tenant \"%s\" still has workload \"",
                     mem->workloads[0].tenant);
    cr_assert(strncmp(err, want, strlen(want)) == 0, "%s", err);
    free(want);
    free(err);
    edit_free(e);
    /* adding a tenant whose id is taken */
    Scenario *dup = scenario_new(BASE);
    scenario_copy_tenant(dup, &mem->tenants[0]);
    e = edit_add(EDIT_TENANT, dup);
    edit_set_label(e, "twin");
    cr_assert_not(store_record_edit(st, BASE, e, &err));
    cr_assert(strstr(err, "UNIQUE constraint failed: tenant.scenario_id, tenant.ident"), "%s", err);
    free(err);
    edit_free(e);
    assert_unchanged(st, mem, "refused edits");
    cr_assert(step_ok(st, mem, true), "the undone edit can still be redone");
    assert_stored(st, mem, "redo after the failures");
    scenario_free(other);
    scenario_free(mem);
    store_close(st);
    free(path);
}

Test(store_edit, a_failure_writing_the_history_keeps_the_scenario_as_it_was)
{
    Store *st;
    Scenario *mem;
    char *path = edited_workspace(&st, &mem);
    /* the scenario's rows are written first, then the history row, which fails here */
    db_exec(path, "CREATE TRIGGER inject BEFORE INSERT ON edit"
                  " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    char *stored = scenario_to_json(mem);
    Edit *e = set_isolation(mem, mem->workloads[2].id, ISOLATION_HYPERV);
    char *err = NULL;
    cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
    cr_assert_not(store_record_edit(st, BASE, e, &err));
    cr_assert(strstr(err, "injected failure"), "%s", err);
    free(err);
    /* the caller rolls its copy back */
    edit_invert(e);
    cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
    edit_free(e);
    char *now = scenario_to_json(mem);
    cr_assert_str_eq(now, stored);
    free(now);
    free(stored);
    assert_unchanged(st, mem, "a failed history write");

    /* undo and redo that fail to mark the history change nothing either */
    db_exec(path, "DROP TRIGGER inject; CREATE TRIGGER inject BEFORE UPDATE ON edit"
                  " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    cr_assert_not(store_undo(st, BASE, &e, &err));
    cr_assert_null(e);
    cr_assert(strstr(err, "cannot undo in scenario \"" BASE "\": injected failure"), "%s", err);
    free(err);
    cr_assert_not(store_redo(st, BASE, &e, &err));
    cr_assert_null(e);
    free(err);
    assert_unchanged(st, mem, "a failed undo");
    db_exec(path, "DROP TRIGGER inject");
    cr_assert(step_ok(st, mem, false));
    assert_stored(st, mem, "undo once the failure is gone");
    scenario_free(mem);
    store_close(st);
    free(path);
}

Test(store_edit, a_busy_workspace_refuses_the_edit_cleanly)
{
    Store *st;
    Scenario *mem;
    char *path = edited_workspace(&st, &mem);
    sqlite3 *other = NULL;
    cr_assert_eq(sqlite3_open(path, &other), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    Edit *e = set_isolation(mem, mem->workloads[2].id, ISOLATION_HYPERV);
    char *err = NULL;
    cr_assert_not(store_record_edit(st, BASE, e, &err));
    char *want = xasprintf("workspace %s is busy (another breakout is writing to it)", path);
    cr_assert_str_eq(err, want);
    free(want);
    free(err);
    cr_assert_eq(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    assert_unchanged(st, mem, "busy");
    record_ok(st, mem, e);
    assert_stored(st, mem, "once free");
    edit_free(e);
    scenario_free(mem);
    store_close(st);
    free(path);
}

Test(store_edit, an_edit_survives_being_killed_right_after_it)
{
    Store *st;
    char *path = new_workspace(&st);
    store_close(st);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) { /* the explorer: one edit, then kill -9 (no close, no checkpoint) */
        char *err = NULL;
        Store *cst = store_open(path, false, &err);
        if (!cst) _exit(2);
        Scenario *mem = store_load(cst, BASE, &err);
        Edit *e = edit_change(mem, EDIT_WORKLOAD, mem->workloads[0].id);
        edit_workload(e->after)->isolation = ISOLATION_HYPERV;
        edit_workload(e->after)->compromised = true;
        edit_set_label(e, "before the crash");
        if (!edit_apply(mem, e, &err) || !store_record_edit(cst, BASE, e, &err)) _exit(3);
        raise(SIGKILL);
        _exit(4);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
    char *wal = xasprintf("%s-wal", path);
    struct stat sb;
    cr_assert_eq(stat(wal, &sb), 0, "the edit is in the log, not yet in the file");
    free(wal);
    st = open_ok(path);
    Scenario *mem = load_ok(st, BASE);
    cr_assert_eq(mem->workloads[0].isolation, ISOLATION_HYPERV);
    cr_assert(mem->workloads[0].compromised);
    assert_history(st, BASE, "1:before the crash\n");
    cr_assert(step_ok(st, mem, false), "and it can be undone");
    assert_stored(st, mem, "undone after the crash");
    scenario_free(mem);
    store_close(st);
    free(path);
}

/* ---- Speed ---- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Prints the median and the range of n times (ms), sorting them. */
static void report(const char *what, double *ms, size_t n)
{
    qsort(ms, n, sizeof *ms, cmp_double);
    fprintf(stderr, "store speed: %-44s median %7.2f ms  (min %.2f, max %.2f, n=%zu)\n", what,
            ms[n / 2], ms[0], ms[n - 1], n);
}

/* A scenario of 15,000 workloads (100 tenants, 50 Linux hosts with a user each; every
 * workload with a mount and a hardening entry). */
static Scenario *big_scenario(void)
{
    Scenario *s = scenario_new("Fleet of 15k");
    char id[32], tid[16], hid[16];
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "tenant-%d", i);
        scenario_add_tenant(s, id, i % 3 ? TRUST_UNTRUSTED : TRUST_TRUSTED);
    }
    for (int i = 0; i < 50; i++) {
        snprintf(id, sizeof id, "node-%d", i);
        host_add_user(scenario_add_host(s, id, OS_LINUX), "ops", true);
    }
    for (int i = 0; i < 15000; i++) {
        snprintf(id, sizeof id, "w-%05d", i);
        snprintf(tid, sizeof tid, "tenant-%d", i % 100);
        snprintf(hid, sizeof hid, "node-%d", i % 50);
        Workload *w = scenario_add_workload(s, id, tid, hid);
        w->isolation = (Isolation)(i % 3);
        workload_add_mount(w, "/var/log", "/logs", i % 2);
        strlist_add(&w->hardening, "seccomp");
    }
    return s;
}

/* Prints (does not assert) the time of single-workload edits on 15,000 workloads, through
 * the store only (the in-memory edit_apply is timed apart). Run it alone with
 * `ctest -R store_edit -V` or `build/tests/data_test_store_edit --filter '*speed*'`; the
 * workspace goes in $BREAKOUT_SPEED_DIR when set (the test directory otherwise). */
Test(store_edit, speed_of_one_edit_on_15k_workloads, .timeout = 600)
{
    const char *where = getenv("BREAKOUT_SPEED_DIR");
    char *path = xasprintf("%s/speed-%ld.db", where && *where ? where : dir, (long)getpid());
    Store *st = open_ok(path);
    Scenario *mem = big_scenario();
    char *err = NULL;
    double t0 = now_ms();
    cr_assert(store_save(st, mem, false, NULL, &err), "%s", err ? err : "");
    fprintf(stderr, "store speed: saving 15,000 workloads                          %7.1f ms\n",
            now_ms() - t0);
    t0 = now_ms();
    Scenario *loaded = load_ok(st, mem->name);
    fprintf(stderr, "store speed: loading them                                     %7.1f ms\n",
            now_ms() - t0);
    scenario_free(loaded);

    enum { N = 30 };
    double apply[N], record[N], undo[N], redo[N], add[N], remove_ms[N];
    for (size_t i = 0; i < N; i++) {
        const Workload *w = &mem->workloads[(i * 997) % mem->n_workloads];
        Edit *e = set_isolation(mem, w->id, (Isolation)((w->isolation + 1) % 4));
        t0 = now_ms();
        cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
        apply[i] = now_ms() - t0;
        t0 = now_ms();
        cr_assert(store_record_edit(st, mem->name, e, &err), "%s", err ? err : "");
        record[i] = now_ms() - t0;
        edit_free(e);
    }
    for (size_t i = 0; i < N; i++) {
        Edit *e = NULL;
        t0 = now_ms();
        cr_assert(store_undo(st, mem->name, &e, &err), "%s", err ? err : "");
        undo[i] = now_ms() - t0;
        cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
        edit_free(e);
    }
    for (size_t i = 0; i < N; i++) {
        Edit *e = NULL;
        t0 = now_ms();
        cr_assert(store_redo(st, mem->name, &e, &err), "%s", err ? err : "");
        redo[i] = now_ms() - t0;
        cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
        edit_free(e);
    }
    for (size_t i = 0; i < N; i++) {
        Scenario *f = scenario_new(mem->name);
        char id[32];
        snprintf(id, sizeof id, "added-%zu", i);
        Workload *w = scenario_add_workload(f, id, "tenant-1", "node-1");
        workload_add_mount(w, "/", "/host", false);
        Edit *e = edit_add(EDIT_WORKLOAD, f);
        cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
        t0 = now_ms();
        cr_assert(store_record_edit(st, mem->name, e, &err), "%s", err ? err : "");
        add[i] = now_ms() - t0;
        edit_free(e);
        e = edit_remove(mem, EDIT_WORKLOAD, mem->workloads[i * 401].id);
        cr_assert(edit_apply(mem, e, &err), "%s", err ? err : "");
        t0 = now_ms();
        cr_assert(store_record_edit(st, mem->name, e, &err), "%s", err ? err : "");
        remove_ms[i] = now_ms() - t0;
        edit_free(e);
    }
    /* the same edit on a scenario of 3 workloads, for comparison */
    double small[N];
    Scenario *base = load_ok(st, BASE);
    for (size_t i = 0; i < N; i++) {
        const Workload *w = &base->workloads[i % base->n_workloads];
        Edit *e = set_isolation(base, w->id, (Isolation)((w->isolation + 1) % 4));
        cr_assert(edit_apply(base, e, &err), "%s", err ? err : "");
        t0 = now_ms();
        cr_assert(store_record_edit(st, base->name, e, &err), "%s", err ? err : "");
        small[i] = now_ms() - t0;
        edit_free(e);
    }
    scenario_free(base);
    fprintf(stderr, "store speed: on %s\n", path);
    report("edit_apply in memory (not the store)", apply, N);
    report("store_record_edit: change one workload", record, N);
    report("store_undo", undo, N);
    report("store_redo", redo, N);
    report("store_record_edit: add a workload", add, N);
    report("store_record_edit: remove a workload", remove_ms, N);
    report("store_record_edit: change one of 3 workloads", small, N);
    assert_stored(st, mem, "after the timed edits");
    scenario_free(mem);
    store_close(st);
    remove_tree(path);
    free(path);
}
