/* Tests for data/store: the SQLite workspace. Every test works in its own temporary
 * directory under /tmp; files that are not workspaces must come out byte-for-byte untouched. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edit.h"
#include "embedded.h"
#include "scenario_json.h"
#include "store.h"
#include "store_int.h"
#include "xalloc.h"

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
    char tmpl[] = "/tmp/breakout-store-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
    dir = xstrdup(tmpl);
}

static void remove_dir(void)
{
    remove_tree(dir);
    free(dir);
    dir = NULL;
}

TestSuite(store, .init = make_dir, .fini = remove_dir);

/* ---- Helpers ---- */

/* An owned path inside the test's directory. */
static char *in_dir(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* The whole file at path, owned, its size in *len. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        xgrow((void **)&buf, &cap, n + 65536, 1);
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

static void spill(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = slurp(from, &len);
    spill(to, data, len);
    free(data);
}

/* Asserts that no -wal, -shm or -journal file sits beside path. */
static void assert_no_sidecars(const char *path)
{
    static const char *const suffixes[] = {"-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 3; i++) {
        char *p = xasprintf("%s%s", path, suffixes[i]);
        cr_assert(!exists(p), "%s was left behind", p);
        free(p);
    }
}

/* Runs sql on the database at path with a connection of its own; returns the rows as owned
 * text (columns joined by '|', each row ending with '\n'). */
static char *db_query(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    char *out = xstrdup("");
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(q); c++) {
            const char *v = (const char *)sqlite3_column_text(q, c);
            char *next = xasprintf("%s%s%s", out, c ? "|" : "", v ? v : "NULL");
            free(out);
            out = next;
        }
        char *next = xasprintf("%s\n", out);
        free(out);
        out = next;
    }
    cr_assert_eq(rc, SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(q);
    sqlite3_close(db);
    return out;
}

/* Asserts that sql on the database at path gives the rows want (as db_query writes them). */
static void assert_query(const char *path, const char *sql, const char *want)
{
    char *got = db_query(path, sql);
    cr_assert_str_eq(got, want, "%s", sql);
    free(got);
}

static long db_int(const char *path, const char *sql)
{
    char *text = db_query(path, sql);
    long v = strtol(text, NULL, 10);
    free(text);
    return v;
}

static void db_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                 SQLITE_OK);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql, msg);
    cr_assert_eq(sqlite3_close(db), SQLITE_OK);
}

/* Rows in each table that hangs off a scenario: "tenant host host_user ..." counts. */
static char *child_counts(const char *path)
{
    return db_query(path, "SELECT (SELECT count(*) FROM tenant), (SELECT count(*) FROM host),"
                          " (SELECT count(*) FROM host_user), (SELECT count(*) FROM workload),"
                          " (SELECT count(*) FROM mount),"
                          " (SELECT count(*) FROM workload_hardening),"
                          " (SELECT count(*) FROM workload_capability),"
                          " (SELECT count(*) FROM workload_note)");
}

static size_t embedded_count(void)
{
    size_t n = 0;
    for (const EmbeddedFile *f = embedded_scenarios; f->path; f++)
        n++;
    return n;
}

static Store *open_ok(const char *path, bool create)
{
    char *err = NULL;
    Store *st = store_open(path, create, &err);
    cr_assert_not_null(st, "store_open %s: %s", path, err ? err : "");
    cr_assert_null(err);
    return st;
}

/* A workspace created in the test directory under name: owned path, store in *st. */
static char *new_workspace(const char *name, Store **st)
{
    char *path = in_dir(name);
    *st = open_ok(path, true);
    return path;
}

static void save_ok(Store *st, const Scenario *s, bool replace, StoreSaveResult want)
{
    char *err = NULL;
    StoreSaveResult res = (StoreSaveResult)-1;
    cr_assert(store_save(st, s, replace, &res, &err), "save %s: %s", s->name, err ? err : "");
    cr_assert_null(err);
    cr_assert_eq(res, want, "save %s: result %d, expected %d", s->name, res, want);
}

/* Asserts that the scenario named s->name in st has s's canonical JSON. */
static void assert_stored(Store *st, const Scenario *s)
{
    char *err = NULL;
    Scenario *got = store_load(st, s->name, &err);
    cr_assert_not_null(got, "load %s: %s", s->name, err ? err : "");
    char *a = scenario_to_json(got), *b = scenario_to_json(s);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    scenario_free(got);
}

/* A scenario that sets every field, with values away from the defaults. */
static Scenario *full_scenario(const char *name)
{
    Scenario *s = scenario_new(name);
    s->description = xstrdup("Every field: quotes \" and \\ backslashes, caf\xc3\xa9, tab\t.");
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    s->assume[ASSUME_HYPERVISOR_EXPLOIT] = true;
    s->assume[ASSUME_SANDBOX_EXPLOIT] = true;
    Tenant *t = scenario_add_tenant(s, "zeta", TRUST_UNTRUSTED);
    free(t->name);
    t->name = xstrdup("Zeta \xe2\x80\x94 hostile");
    scenario_add_tenant(s, "alpha", TRUST_TRUSTED);
    Host *h = scenario_add_host(s, "win-1", OS_WINDOWS);
    h->ssh = true;
    host_add_user(h, "azureuser", false);
    host_add_user(h, "Administrator2", true);
    h = scenario_add_host(s, "lin-1", OS_LINUX);
    host_add_user(h, "root2", true);
    scenario_add_host(s, "lin-2", OS_LINUX);

    Workload *w = scenario_add_workload(s, "w-hyperv", "zeta", "win-1");
    w->isolation = ISOLATION_HYPERV;
    w->account = ACCOUNT_USER;
    w->compromised = true;
    workload_add_mount(w, "C:\\Users\\azureuser\\.ssh", "C:\\keys", false);
    workload_add_mount(w, "C:\\data", NULL, true);
    strlist_add(&w->hardening, "rbac");
    strlist_add(&w->hardening, "pod-security");
    strlist_add(&w->notes, "runAsUserName unset: assumed ContainerAdministrator");

    w = scenario_add_workload(s, "w-sandbox", "alpha", "lin-1");
    w->isolation = ISOLATION_SANDBOX;
    w->privileged = true;
    w->host_namespaces = HOSTNS_PID | HOSTNS_IPC;
    strlist_add(&w->capabilities, "SYS_ADMIN");
    strlist_add(&w->capabilities, "NET_ADMIN");
    strlist_add(&w->capabilities, "SYS_PTRACE");
    strlist_add(&w->hardening, "seccomp");
    strlist_add(&w->notes, "second note");
    strlist_add(&w->notes, "first note, written second");

    w = scenario_add_workload(s, "w-host", "zeta", "lin-1");
    w->isolation = ISOLATION_HOST;
    w->host_namespaces = HOSTNS_NETWORK;
    workload_add_mount(w, "/var/run/docker.sock", "/var/run/docker.sock", true);
    workload_add_mount(w, "/", "/host", false);
    workload_add_mount(w, "/etc", "/host/etc", false);

    w = scenario_add_workload(s, "w-process", "alpha", "lin-2");
    w->account = ACCOUNT_USER;
    w->host_namespaces = HOSTNS_PID | HOSTNS_NETWORK | HOSTNS_IPC;
    strlist_add(&w->hardening, "apparmor");
    return s;
}

/* A small valid scenario: one tenant, one host, n workloads. */
static Scenario *small_scenario(const char *name, size_t n)
{
    Scenario *s = scenario_new(name);
    scenario_add_tenant(s, "t", TRUST_UNTRUSTED);
    scenario_add_host(s, "h", OS_LINUX);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "w%zu", i);
        scenario_add_workload(s, id, "t", "h");
    }
    return s;
}

static bool listed(Store *st, const char *name)
{
    StoreEntry *e = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(store_list(st, &e, &n, &err), "%s", err ? err : "");
    bool found = false;
    for (size_t i = 0; i < n; i++)
        found = found || strcmp(e[i].name, name) == 0;
    store_entries_free(e, n);
    return found;
}

/* ---- Saving and loading ---- */

Test(store, round_trip_keeps_every_field)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    Scenario *s = full_scenario("Every field");
    save_ok(st, s, false, STORE_ADDED);
    assert_stored(st, s);

    char *err = NULL;
    Scenario *got = store_load(st, "Every field", &err);
    cr_assert_not_null(got);
    /* what the JSON comparison rests on, checked directly too */
    cr_assert_str_eq(got->description, s->description);
    cr_assert_eq(got->assume[ASSUME_KERNEL_EXPLOIT], false);
    cr_assert_eq(got->assume[ASSUME_SANDBOX_EXPLOIT], true);
    cr_assert_str_eq(got->tenants[0].id, "zeta", "tenants keep their order");
    cr_assert_str_eq(got->tenants[0].name, "Zeta \xe2\x80\x94 hostile");
    cr_assert_eq(got->hosts[0].n_users, 2);
    cr_assert_eq(got->hosts[0].users[1].admin, true);
    cr_assert_eq(got->n_workloads, 4);
    cr_assert_null(got->workloads[0].mounts[1].path, "a mount without a path keeps none");
    cr_assert_eq(got->workloads[0].mounts[1].read_only, true);
    cr_assert_eq(got->workloads[1].host_namespaces, HOSTNS_PID | HOSTNS_IPC);
    cr_assert_eq(got->workloads[1].capabilities.n, 3);
    cr_assert_str_eq(got->workloads[1].capabilities.items[2], "SYS_PTRACE");
    cr_assert_str_eq(got->workloads[1].notes.items[0], "second note", "notes keep their order");
    cr_assert_eq(got->workloads[2].isolation, ISOLATION_HOST);
    cr_assert_str_eq(got->workloads[2].mounts[2].host_path, "/etc");
    cr_assert_eq(got->workloads[3].host_namespaces, HOSTNS_PID | HOSTNS_NETWORK | HOSTNS_IPC);
    scenario_free(got);

    store_close(st);
    st = open_ok(path, false);
    cr_assert_not(store_was_created(st));
    assert_stored(st, s); /* and after reopening */
    store_close(st);
    scenario_free(s);
    free(path);
}

Test(store, empty_lists_and_no_description_round_trip)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    Scenario *s = scenario_new("Empty");
    save_ok(st, s, false, STORE_ADDED);
    assert_stored(st, s);
    char *err = NULL;
    Scenario *got = store_load(st, "Empty", &err);
    cr_assert_null(got->description);
    cr_assert_eq(got->n_tenants + got->n_hosts + got->n_workloads, 0);
    scenario_free(got);
    store_close(st);
    scenario_free(s);
    free(path);
}

Test(store, load_of_a_missing_name_says_so_with_the_name_escaped)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    char *err = NULL;
    cr_assert_null(store_load(st, "nope", &err));
    cr_assert_str_eq(err, "no scenario named \"nope\" in the workspace");
    free(err);
    err = NULL;
    cr_assert_null(store_load(st, "a\x1b[31m\"b\n", &err));
    cr_assert_str_eq(err, "no scenario named \"a\\u001b[31m\\\"b\\n\" in the workspace");
    free(err);
    store_close(st);
    free(path);
}

Test(store, list_is_sorted_by_name_with_counts)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    Scenario *a = small_scenario("beta list", 3), *b = small_scenario("Alpha list", 1),
             *c = full_scenario("gamma list");
    save_ok(st, a, false, STORE_ADDED);
    save_ok(st, b, false, STORE_ADDED);
    save_ok(st, c, false, STORE_ADDED);
    StoreEntry *e = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(store_list(st, &e, &n, &err), "%s", err ? err : "");
    cr_assert_eq(n, embedded_count() + 3);
    for (size_t i = 1; i < n; i++) {
        int order = strcasecmp(e[i - 1].name, e[i].name);
        cr_assert(order < 0 || (order == 0 && strcmp(e[i - 1].name, e[i].name) < 0),
                  "\"%s\" listed before \"%s\"", e[i - 1].name, e[i].name);
    }
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].name, "beta list") == 0) {
            cr_assert_eq(e[i].tenants, 1);
            cr_assert_eq(e[i].hosts, 1);
            cr_assert_eq(e[i].workloads, 3);
            cr_assert_null(e[i].description);
            seen++;
        } else if (strcmp(e[i].name, "gamma list") == 0) {
            cr_assert_eq(e[i].tenants, 2);
            cr_assert_eq(e[i].hosts, 3);
            cr_assert_eq(e[i].workloads, 4);
            cr_assert_str_eq(e[i].description, c->description);
            seen++;
        } else if (strcmp(e[i].name, "Alpha list") == 0) {
            seen++;
        }
    }
    cr_assert_eq(seen, 3);
    store_entries_free(e, n);
    store_close(st);
    scenario_free(a);
    scenario_free(b);
    scenario_free(c);
    free(path);
}

Test(store, identical_resave_is_unchanged)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    Scenario *s = full_scenario("Same");
    save_ok(st, s, false, STORE_ADDED);
    char *before = child_counts(path);
    char *stamps = db_query(path, "SELECT id, created, updated FROM scenario WHERE name = 'Same'");
    Scenario *copy = scenario_clone(s);
    save_ok(st, copy, false, STORE_UNCHANGED);
    save_ok(st, copy, true, STORE_UNCHANGED);
    char *after = child_counts(path);
    cr_assert_str_eq(after, before);
    char *stamps_after =
        db_query(path, "SELECT id, created, updated FROM scenario WHERE name = 'Same'");
    cr_assert_str_eq(stamps_after, stamps, "an unchanged scenario is not rewritten");
    cr_assert_eq(db_int(path, "SELECT count(*) FROM scenario WHERE name = 'Same'"), 1);
    free(before);
    free(after);
    free(stamps);
    free(stamps_after);
    store_close(st);
    scenario_free(s);
    scenario_free(copy);
    free(path);
}

Test(store, different_content_under_a_taken_name_is_refused)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    Scenario *s = full_scenario("Taken");
    save_ok(st, s, false, STORE_ADDED);
    char *before = child_counts(path);
    Scenario *other = scenario_clone(s);
    other->workloads[0].isolation = ISOLATION_PROCESS;
    char *err = NULL;
    StoreSaveResult res = STORE_ADDED;
    cr_assert_not(store_save(st, other, false, &res, &err));
    cr_assert_str_eq(err, "a different scenario named \"Taken\" is already in the workspace"
                          " (use --replace to overwrite it)");
    free(err);
    assert_stored(st, s);
    char *after = child_counts(path);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
    store_close(st);
    scenario_free(s);
    scenario_free(other);
    free(path);
}

Test(store, replace_overwrites_and_keeps_the_row)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    Scenario *s = full_scenario("Replaced"), *small = small_scenario("Replaced", 2);
    char *err = NULL;
    /* the rows the small content alone takes */
    save_ok(st, small, false, STORE_ADDED);
    char *with_small = child_counts(path);
    cr_assert(store_remove(st, "Replaced", &err));

    save_ok(st, s, false, STORE_ADDED);
    long id = db_int(path, "SELECT id FROM scenario WHERE name = 'Replaced'");
    char *created = db_query(path, "SELECT created FROM scenario WHERE name = 'Replaced'");
    save_ok(st, small, true, STORE_REPLACED);
    assert_stored(st, small);
    cr_assert_eq(db_int(path, "SELECT id FROM scenario WHERE name = 'Replaced'"), id,
                 "replacing keeps the scenario's row id");
    char *created_after = db_query(path, "SELECT created FROM scenario WHERE name = 'Replaced'");
    cr_assert_str_eq(created_after, created);
    char *counts = child_counts(path);
    cr_assert_str_eq(counts, with_small, "no rows of the old content are left");

    save_ok(st, s, true, STORE_REPLACED);
    assert_stored(st, s);
    free(counts);
    free(created_after);
    free(created);
    free(with_small);
    store_close(st);
    scenario_free(s);
    scenario_free(small);
    free(path);
}

Test(store, remove_deletes_every_row_of_the_scenario)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    char *before = child_counts(path);
    long scenarios = db_int(path, "SELECT count(*) FROM scenario");
    Scenario *s = full_scenario("Doomed");
    save_ok(st, s, false, STORE_ADDED);
    char *during = child_counts(path);
    cr_assert_str_neq(during, before);
    char *err = NULL;
    cr_assert(store_remove(st, "Doomed", &err), "%s", err ? err : "");
    char *after = child_counts(path);
    cr_assert_str_eq(after, before, "orphan rows left: %s instead of %s", after, before);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM scenario"), scenarios);
    assert_query(path, "PRAGMA foreign_key_check", "");
    cr_assert_not(listed(st, "Doomed"));
    cr_assert_null(store_load(st, "Doomed", &err));
    free(err);
    err = NULL;
    cr_assert_not(store_remove(st, "Doomed", &err));
    cr_assert_str_eq(err, "no scenario named \"Doomed\" in the workspace");
    free(err);
    free(before);
    free(during);
    free(after);
    store_close(st);
    scenario_free(s);
    free(path);
}

Test(store, an_invalid_scenario_is_not_saved)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    Scenario *s = small_scenario("Dangling", 1);
    free(s->workloads[0].tenant);
    s->workloads[0].tenant = xstrdup("ghost");
    char *err = NULL;
    cr_assert_not(store_save(st, s, false, NULL, &err));
    cr_assert_str_eq(err, "cannot save scenario \"Dangling\": workloads[0].tenant: no tenant with"
                          " id \"ghost\"");
    free(err);
    cr_assert_not(listed(st, "Dangling"));
    store_close(st);
    scenario_free(s);
    free(path);
}

Test(store, save_many_is_all_or_nothing)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    Scenario *existing = small_scenario("Existing", 1);
    save_ok(st, existing, false, STORE_ADDED);
    char *before = child_counts(path);
    long scenarios = db_int(path, "SELECT count(*) FROM scenario");

    Scenario *a = full_scenario("Import A"), *b = small_scenario("Import B", 50),
             *clash = small_scenario("Existing", 2);
    Scenario *list[] = {a, b, clash};
    StoreSaveResult res[3];
    char *err = NULL;
    cr_assert_not(store_save_many(st, list, 3, false, res, &err));
    cr_assert_str_eq(err, "a different scenario named \"Existing\" is already in the workspace"
                          " (use --replace to overwrite it)");
    free(err);
    err = NULL;
    cr_assert_not(listed(st, "Import A"), "the first import was rolled back");
    cr_assert_not(listed(st, "Import B"));
    char *after = child_counts(path);
    cr_assert_str_eq(after, before);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM scenario"), scenarios);
    assert_stored(st, existing);

    Scenario *same = scenario_clone(existing);
    Scenario *ok_list[] = {a, b, same};
    cr_assert(store_save_many(st, ok_list, 3, false, res, &err), "%s", err ? err : "");
    cr_assert_eq(res[0], STORE_ADDED);
    cr_assert_eq(res[1], STORE_ADDED);
    cr_assert_eq(res[2], STORE_UNCHANGED);
    assert_stored(st, a);
    assert_stored(st, b);

    Scenario *replace_list[] = {clash};
    cr_assert(store_save_many(st, replace_list, 1, true, res, &err));
    cr_assert_eq(res[0], STORE_REPLACED);
    assert_stored(st, clash);
    free(before);
    free(after);
    store_close(st);
    scenario_free(existing);
    scenario_free(a);
    scenario_free(b);
    scenario_free(clash);
    scenario_free(same);
    free(path);
}

Test(store, a_busy_workspace_says_so)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    sqlite3 *other = NULL;
    cr_assert_eq(sqlite3_open(path, &other), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    Scenario *s = small_scenario("Blocked", 1);
    char *err = NULL;
    cr_assert_not(store_save(st, s, false, NULL, &err));
    char *want = xasprintf("workspace %s is busy (another breakout is writing to it)", path);
    cr_assert_str_eq(err, want);
    free(err);
    free(want);
    cr_assert_eq(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    save_ok(st, s, false, STORE_ADDED);
    store_close(st);
    scenario_free(s);
    free(path);
}

Test(store, a_save_that_runs_out_of_space_changes_nothing)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    store_close(st);
    char *before = child_counts(path);
    /* files may not grow past 256 KiB from here on (this test runs in its own process) */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, small;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 256 * 1024;
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);

    st = open_ok(path, false);
    Scenario *big = small_scenario("Too big", 20000);
    char *err = NULL;
    cr_assert_not(store_save(st, big, false, NULL, &err));
    char *want = xasprintf("%s: cannot save scenario \"Too big\": ", path);
    cr_assert(strncmp(err, want, strlen(want)) == 0, "%s", err);
    free(want);
    free(err);
    cr_assert_not(listed(st, "Too big"));
    store_close(st);

    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    char *after = child_counts(path);
    cr_assert_str_eq(after, before);
    assert_query(path, "PRAGMA integrity_check", "ok\n");
    st = open_ok(path, false);
    save_ok(st, big, false, STORE_ADDED); /* with room, the same save works */
    store_close(st);
    free(before);
    free(after);
    scenario_free(big);
    free(path);
}

/* ---- Creating and seeding ---- */

Test(store, a_new_workspace_holds_the_bundled_scenarios)
{
    char *path = in_dir("deep/er/ws.db");
    Store *st = open_ok(path, true);
    cr_assert(store_was_created(st));
    cr_assert_str_eq(store_path(st), path);
    StoreEntry *e = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(store_list(st, &e, &n, &err));
    cr_assert_eq(n, embedded_count(), "%zu scenarios, %zu bundled", n, embedded_count());
    for (const EmbeddedFile *f = embedded_scenarios; f->path; f++) {
        Scenario *want = scenario_parse(f->data, f->size, f->path, &err);
        cr_assert_not_null(want, "%s", err ? err : "");
        assert_stored(st, want);
        scenario_free(want);
    }
    store_entries_free(e, n);
    cr_assert_eq(db_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    cr_assert_eq(db_int(path, "PRAGMA application_id"), STORE_APPLICATION_ID);
    assert_query(path, "PRAGMA journal_mode", "wal\n");
    store_close(st);

    /* nothing but the workspace is left in the directory (no temporary file) */
    char *parent = in_dir("deep/er");
    DIR *d = opendir(parent);
    cr_assert_not_null(d);
    size_t entries = 0;
    for (struct dirent *de; (de = readdir(d));)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            cr_assert_str_eq(de->d_name, "ws.db");
            entries++;
        }
    closedir(d);
    cr_assert_eq(entries, 1);
    struct stat sb;
    cr_assert_eq(stat(parent, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0700, "parent directories are created private");
    free(parent);
    free(path);
}

Test(store, a_second_open_does_not_seed_again)
{
    Scenario *extra = small_scenario("Mine", 1);
    char *path = in_dir("ws.db");
    Store *st = open_ok(path, true);
    save_ok(st, extra, false, STORE_ADDED);
    StoreEntry *e = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(store_list(st, &e, &n, &err));
    cr_assert_eq(n, embedded_count() + 1);
    /* the user removes one (a bundled one when there is one) */
    char *gone = xstrdup(e[0].name);
    store_entries_free(e, n);
    cr_assert(store_remove(st, gone, &err));
    store_close(st);

    st = open_ok(path, true);
    cr_assert_not(store_was_created(st));
    cr_assert(store_list(st, &e, &n, &err));
    cr_assert_eq(n, embedded_count(), "the removed scenario stays removed");
    cr_assert_not(listed(st, gone));
    store_entries_free(e, n);
    store_close(st);
    free(gone);
    free(path);
    scenario_free(extra);
}

Test(store, a_missing_file_is_not_created_without_create)
{
    char *path = in_dir("none/ws.db");
    char *err = NULL;
    cr_assert_null(store_open(path, false, &err));
    char *want = xasprintf("%s: no such file", path);
    cr_assert_str_eq(err, want);
    cr_assert_not(exists(path));
    free(err);
    free(want);
    free(path);
}

/* ---- Files that are not workspaces ---- */

/* Asserts that store_open (with and without create) refuses path with exactly want (after
 * "PATH: ") and leaves it byte-for-byte as it was, with nothing beside it. */
static void assert_refused(const char *path, const char *want)
{
    size_t len_before, len_after;
    char *before = slurp(path, &len_before);
    char *full = xasprintf("%s: %s", path, want);
    for (int create = 0; create < 2; create++) {
        char *err = NULL;
        Store *st = store_open(path, create, &err);
        cr_assert_null(st, "opened %s", path);
        cr_assert_str_eq(err, full);
        free(err);
        char *after = slurp(path, &len_after);
        cr_assert_eq(len_after, len_before, "%s changed size", path);
        cr_assert(memcmp(after, before, len_before) == 0, "%s changed", path);
        free(after);
        assert_no_sidecars(path);
    }
    free(full);
    free(before);
}

Test(store, a_text_file_is_not_a_workspace)
{
    char *path = in_dir("notes.txt");
    const char *text = "{\"breakout\": 1, \"name\": \"a scenario, not a workspace\"}\n";
    spill(path, text, strlen(text));
    assert_refused(path, "not a breakout workspace (not an SQLite database)");
    free(path);
}

Test(store, a_short_file_is_not_a_workspace)
{
    char *path = in_dir("short.db");
    spill(path, "SQLite format 3", 16);
    assert_refused(path, "not a breakout workspace (not an SQLite database)");
    free(path);
}

Test(store, an_empty_file_is_not_a_workspace)
{
    char *path = in_dir("empty.db");
    spill(path, "", 0);
    assert_refused(path, "not a breakout workspace (empty file)");
    free(path);
}

Test(store, a_directory_is_not_a_workspace)
{
    char *path = in_dir("adir");
    cr_assert_eq(mkdir(path, 0700), 0);
    char *err = NULL;
    cr_assert_null(store_open(path, true, &err));
    char *want = xasprintf("%s: not a breakout workspace (a directory)", path);
    cr_assert_str_eq(err, want);
    free(err);
    free(want);
    free(path);
}

Test(store, another_applications_database_is_not_a_workspace)
{
    const char *modes[] = {"delete", "wal"};
    for (int m = 0; m < 2; m++) {
        char *path = xasprintf("%s/foreign-%s.db", dir, modes[m]);
        char *sql = xasprintf("PRAGMA journal_mode = %s; CREATE TABLE notes (id INTEGER PRIMARY"
                              " KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');"
                              " CREATE TABLE scenario (x);",
                              modes[m]);
        db_exec(path, sql);
        free(sql);
        assert_no_sidecars(path);
        assert_refused(path, "not a breakout workspace (an SQLite database of another"
                             " application)");
        free(path);
    }
}

Test(store, our_application_id_without_our_tables_is_not_a_workspace)
{
    char *path = in_dir("impostor.db");
    db_exec(path, "PRAGMA application_id = 1112689487; PRAGMA user_version = 2;"
                  " CREATE TABLE scenario (id INTEGER PRIMARY KEY);");
    assert_refused(path, "not a breakout workspace (no table tenant)");
    free(path);
}

/* Makes a closed workspace holding a few scenarios; returns its path (owned). */
static char *closed_workspace(const char *name)
{
    Store *st;
    char *path = new_workspace(name, &st);
    Scenario *s = full_scenario("Some content");
    save_ok(st, s, false, STORE_ADDED);
    scenario_free(s);
    store_close(st);
    assert_no_sidecars(path);
    return path;
}

Test(store, a_truncated_workspace_is_refused_untouched)
{
    char *path = closed_workspace("ws.db");
    size_t len;
    char *data = slurp(path, &len);
    cr_assert_gt(len, 8192);
    char *cut = in_dir("cut.db");
    size_t keep = len / 2 + 100; /* neither whole nor a page boundary */
    spill(cut, data, keep);
    char *want = xasprintf("not a breakout workspace (truncated: %zu of %zu bytes)", keep, len);
    assert_refused(cut, want);
    free(want);
    /* cut on a page boundary */
    spill(cut, data, 8192);
    want = xasprintf("not a breakout workspace (truncated: 8192 of %zu bytes)", len);
    assert_refused(cut, want);
    free(want);
    free(cut);
    free(data);
    free(path);
}

Test(store, a_workspace_with_a_damaged_first_page_is_refused_untouched)
{
    char *path = closed_workspace("ws.db");
    size_t len;
    char *data = slurp(path, &len);
    memset(data + 100, 0xab, 4096 - 100); /* the schema's root page, after the header */
    spill(path, data, len);
    assert_refused(path, "not a breakout workspace (database disk image is malformed)");
    free(data);
    free(path);
}

Test(store, a_newer_schema_version_is_refused_untouched)
{
    char *path = closed_workspace("ws.db");
    db_exec(path, "PRAGMA user_version = 5");
    assert_no_sidecars(path);
    assert_refused(path, "workspace schema version 5 is newer than this breakout supports (4)");
    free(path);
}

/* ---- The version-1 fixture and its migration ---- */

/* The two scenarios tests/fixtures/make-workspace-v1.c wrote, built here. */
static Scenario *fixture_windows(void)
{
    Scenario *s = scenario_new("Shared Windows node pool");
    s->description = xstrdup("Two customers on one Windows Server node.");
    Tenant *t = scenario_add_tenant(s, "contoso", TRUST_TRUSTED);
    free(t->name);
    t->name = xstrdup("Contoso");
    t = scenario_add_tenant(s, "guest", TRUST_UNTRUSTED);
    free(t->name);
    t->name = xstrdup("Unvetted customer");
    Host *h = scenario_add_host(s, "node-1", OS_WINDOWS);
    h->ssh = true;
    host_add_user(h, "azureuser", false);
    Workload *w = scenario_add_workload(s, "guest-app", "guest", "node-1");
    workload_add_mount(w, "C:\\Users\\azureuser\\.ssh", "C:\\keys", false);
    strlist_add(&w->hardening, "rbac");
    w = scenario_add_workload(s, "contoso-web", "contoso", "node-1");
    w->account = ACCOUNT_USER;
    return s;
}

static Scenario *fixture_linux(void)
{
    Scenario *s = scenario_new("Linux cluster with Kata");
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    s->assume[ASSUME_HYPERVISOR_EXPLOIT] = true;
    scenario_add_tenant(s, "kube-system", TRUST_TRUSTED);
    Tenant *t = scenario_add_tenant(s, "team-a", TRUST_UNTRUSTED);
    free(t->name);
    t->name = xstrdup("Team A");
    scenario_add_host(s, "node-a", OS_LINUX);
    Host *h = scenario_add_host(s, "node-b", OS_LINUX);
    h->ssh = true;
    host_add_user(h, "ubuntu", false);
    host_add_user(h, "ops", true);
    Workload *w = scenario_add_workload(s, "team-a/web", "team-a", "node-a");
    w->isolation = ISOLATION_HYPERV;
    w->account = ACCOUNT_USER;
    w->compromised = true;
    workload_add_mount(w, "/var/run/docker.sock", NULL, true);
    workload_add_mount(w, "/home/ubuntu/.ssh", "/keys", false);
    strlist_add(&w->hardening, "seccomp");
    strlist_add(&w->hardening, "apparmor");
    w = scenario_add_workload(s, "kube-system/proxy", "kube-system", "node-b");
    w->privileged = true;
    return s;
}

/* A copy of the version-1 fixture in the test directory: owned path. */
static char *fixture_copy(void)
{
    char *path = in_dir("workspace-v1.db");
    copy_file(SOURCE_DIR "/tests/fixtures/workspace-v1.db", path);
    cr_assert_eq(db_int(path, "PRAGMA user_version"), 1, "the fixture is at version 1");
    return path;
}

Test(store, a_version_1_workspace_is_migrated_on_open)
{
    char *path = fixture_copy();
    Store *st = open_ok(path, false);
    cr_assert_not(store_was_created(st));
    StoreEntry *e = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert(store_list(st, &e, &n, &err), "%s", err ? err : "");
    cr_assert_eq(n, 2, "not seeded: it was not created");
    cr_assert_str_eq(e[0].name, "Linux cluster with Kata");
    cr_assert_str_eq(e[1].name, "Shared Windows node pool");
    cr_assert_eq(e[0].workloads, 2);
    store_entries_free(e, n);
    Scenario *win = fixture_windows(), *lin = fixture_linux();
    assert_stored(st, win);
    assert_stored(st, lin);
    Scenario *got = store_load(st, "Linux cluster with Kata", &err);
    cr_assert_null(got->description);
    cr_assert_null(got->workloads[0].mounts[0].path);
    cr_assert_eq(got->workloads[0].host_namespaces, 0, "format 1 has no host namespaces");
    cr_assert_eq(got->workloads[0].capabilities.n + got->workloads[0].notes.n, 0);
    scenario_free(got);

    /* format-2 content can be written into the migrated workspace */
    Scenario *full = full_scenario("After migration");
    save_ok(st, full, false, STORE_ADDED);
    assert_stored(st, full);
    store_close(st);
    cr_assert_eq(db_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    cr_assert_eq(db_int(path, "PRAGMA application_id"), STORE_APPLICATION_ID);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM edit"), 0, "the history starts empty");
    assert_query(path, "PRAGMA foreign_key_check", "");

    /* the migrated schema is the schema of a new workspace */
    Store *fresh;
    char *fresh_path = new_workspace("fresh.db", &fresh);
    store_close(fresh);
    const char *schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name";
    char *a = db_query(path, schema), *b = db_query(fresh_path, schema);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);

    /* and opening it again changes nothing */
    st = open_ok(path, false);
    assert_stored(st, win);
    store_close(st);
    scenario_free(win);
    scenario_free(lin);
    scenario_free(full);
    free(fresh_path);
    free(path);
}

Test(store, a_failed_migration_leaves_version_1)
{
    char *path = fixture_copy();
    /* a column that migration 2 adds is already there: its ALTER TABLE fails */
    db_exec(path, "ALTER TABLE workload ADD COLUMN host_ipc INTEGER");
    char *err = NULL;
    cr_assert_null(store_open(path, false, &err));
    char *want = xasprintf("%s: cannot upgrade the workspace from schema version 1 to 4:"
                           " duplicate column name: host_ipc",
                           path);
    cr_assert_str_eq(err, want);
    free(err);
    free(want);
    cr_assert_eq(db_int(path, "PRAGMA user_version"), 1);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM sqlite_master WHERE name IN"
                              " ('workload_capability', 'workload_note', 'edit')"),
                 0, "the migration was rolled back");
    cr_assert_eq(db_int(path, "SELECT count(*) FROM pragma_table_info('workload')"
                              " WHERE name = 'host_pid'"),
                 0);
    free(path);
}

/* A copy of the version-1 fixture taken to version 2 with the released migration 1 -> 2
 * (what a workspace of the previous breakout looks like): owned path. */
static char *fixture_copy_v2(void)
{
    char *path = fixture_copy();
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    char *err = NULL;
    cr_assert_eq(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    cr_assert(store_migrate(db, 1, 2, &err), "%s", err ? err : "");
    cr_assert_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_close(db), SQLITE_OK);
    cr_assert_eq(db_int(path, "PRAGMA user_version"), 2);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'edit'"), 0);
    return path;
}

Test(store, a_version_2_workspace_is_migrated_to_3_and_can_be_edited)
{
    char *path = fixture_copy_v2();
    /* a format-2 scenario saved by the previous breakout */
    Store *st = open_ok(path, false);
    store_close(st);
    cr_assert_eq(db_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    st = open_ok(path, false);
    Scenario *win = fixture_windows(), *lin = fixture_linux();
    assert_stored(st, win);
    assert_stored(st, lin);

    /* the new table works: an edit is recorded and undone */
    Edit *e = edit_change(win, EDIT_WORKLOAD, "guest-app");
    edit_workload(e->after)->isolation = ISOLATION_HYPERV;
    edit_set_label(e, "guest-app: Hyper-V");
    char *err = NULL;
    cr_assert(edit_apply(win, e, &err), "%s", err ? err : "");
    cr_assert(store_record_edit(st, win->name, e, &err), "%s", err ? err : "");
    assert_stored(st, win);
    edit_free(e);
    cr_assert(store_undo(st, win->name, &e, &err), "%s", err ? err : "");
    cr_assert_not_null(e);
    cr_assert(edit_apply(win, e, &err), "%s", err ? err : "");
    edit_free(e);
    Scenario *orig = fixture_windows();
    assert_stored(st, orig);
    assert_stored(st, win);
    scenario_free(orig);
    store_close(st);
    assert_query(path, "PRAGMA foreign_key_check", "");
    assert_query(path, "SELECT seq, kind, label, undone FROM edit",
                 "1|workload|guest-app: Hyper-V|1\n");

    /* the same schema as a new workspace */
    Store *fresh;
    char *fresh_path = new_workspace("fresh.db", &fresh);
    store_close(fresh);
    const char *schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name";
    char *a = db_query(path, schema), *b = db_query(fresh_path, schema);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    free(fresh_path);
    scenario_free(win);
    scenario_free(lin);
    free(path);
}

Test(store, a_failed_migration_leaves_version_2)
{
    char *path = fixture_copy_v2();
    /* the table that migration 3 creates is already there: its CREATE TABLE fails */
    db_exec(path, "CREATE TABLE edit (x INTEGER)");
    char *err = NULL;
    cr_assert_null(store_open(path, false, &err));
    char *want = xasprintf("%s: cannot upgrade the workspace from schema version 2 to 4:"
                           " table edit already exists",
                           path);
    cr_assert_str_eq(err, want);
    free(err);
    free(want);
    cr_assert_eq(db_int(path, "PRAGMA user_version"), 2);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'edit_undone'"), 0,
                 "the migration was rolled back");
    free(path);
}

/* ---- Creating, renaming and duplicating scenarios ---- */

Test(store, create_empty_makes_an_empty_scenario_with_the_defaults)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    char *err = NULL;
    cr_assert(store_create_empty(st, "Blank", &err), "%s", err ? err : "");
    Scenario *want = scenario_new("Blank");
    assert_stored(st, want);
    cr_assert(listed(st, "Blank"));
    Scenario *got = store_load(st, "Blank", &err);
    cr_assert_null(got->description);
    cr_assert(got->assume[ASSUME_KERNEL_EXPLOIT], "the default assumptions");
    cr_assert_not(got->assume[ASSUME_HYPERVISOR_EXPLOIT]);
    cr_assert_eq(got->n_tenants + got->n_hosts + got->n_workloads, 0);
    scenario_free(got);

    /* a taken name, an empty name */
    char *counts = child_counts(path);
    long scenarios = db_int(path, "SELECT count(*) FROM scenario");
    cr_assert_not(store_create_empty(st, "Blank", &err));
    cr_assert_str_eq(err, "a scenario named \"Blank\" is already in the workspace");
    free(err);
    cr_assert_not(store_create_empty(st, "Dedicated node per tenant", &err));
    cr_assert_str_eq(err, "a scenario named \"Dedicated node per tenant\" is already in the"
                          " workspace");
    free(err);
    cr_assert_not(store_create_empty(st, "", &err));
    cr_assert_str_eq(err, "a scenario name cannot be empty");
    free(err);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM scenario"), scenarios);
    char *after = child_counts(path);
    cr_assert_str_eq(after, counts);
    free(after);
    free(counts);

    /* an empty scenario is filled through edits */
    Scenario *s = store_load(st, "Blank", &err);
    Scenario *f = scenario_new("Blank");
    scenario_add_tenant(f, "t", TRUST_UNTRUSTED);
    Edit *e = edit_add(EDIT_TENANT, f);
    cr_assert(edit_apply(s, e, &err), "%s", err ? err : "");
    cr_assert(store_record_edit(st, "Blank", e, &err), "%s", err ? err : "");
    assert_stored(st, s);
    edit_free(e);
    scenario_free(s);
    scenario_free(want);
    store_close(st);
    free(path);
}

Test(store, rename_moves_the_scenario_and_its_history)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    char *err = NULL;
    Scenario *s = store_load(st, "Dedicated node per tenant", &err);
    cr_assert_not_null(s, "%s", err ? err : "");
    long rowid = db_int(path, "SELECT id FROM scenario WHERE name = 'Dedicated node per tenant'");
    Edit *e = edit_change(s, EDIT_SETTINGS, NULL);
    e->after->assume[ASSUME_HYPERVISOR_EXPLOIT] = true;
    cr_assert(edit_apply(s, e, &err), "%s", err ? err : "");
    cr_assert(store_record_edit(st, s->name, e, &err), "%s", err ? err : "");
    edit_free(e);

    cr_assert(store_rename(st, "Dedicated node per tenant", "What if: hypervisor bug", &err), "%s",
              err ? err : "");
    cr_assert_not(listed(st, "Dedicated node per tenant"));
    cr_assert(listed(st, "What if: hypervisor bug"));
    cr_assert_eq(db_int(path, "SELECT id FROM scenario WHERE name = 'What if: hypervisor bug'"),
                 rowid, "the same row");
    free(s->name);
    s->name = xstrdup("What if: hypervisor bug");
    assert_stored(st, s);
    /* the history came along: the edit can be undone under the new name */
    cr_assert(store_undo(st, "What if: hypervisor bug", &e, &err), "%s", err ? err : "");
    cr_assert_not_null(e);
    cr_assert(edit_apply(s, e, &err), "%s", err ? err : "");
    assert_stored(st, s);
    cr_assert_not(s->assume[ASSUME_HYPERVISOR_EXPLOIT]);
    edit_free(e);

    /* to its own name: nothing to do */
    cr_assert(store_rename(st, "What if: hypervisor bug", "What if: hypervisor bug", &err));
    /* conflicts, missing, empty: refused, nothing changes */
    cr_assert_not(store_rename(st, "What if: hypervisor bug", "Single-tenant baseline", &err));
    cr_assert_str_eq(err, "a scenario named \"Single-tenant baseline\" is already in the"
                          " workspace");
    free(err);
    cr_assert_not(store_rename(st, "Gone\n", "Anything", &err));
    cr_assert_str_eq(err, "no scenario named \"Gone\\n\" in the workspace");
    free(err);
    cr_assert_not(store_rename(st, "What if: hypervisor bug", "", &err));
    cr_assert_str_eq(err, "a scenario name cannot be empty");
    free(err);
    cr_assert(listed(st, "What if: hypervisor bug"));
    cr_assert(listed(st, "Single-tenant baseline"));
    assert_stored(st, s);
    /* names are exact bytes: a name differing in case is another name */
    cr_assert(store_rename(st, "What if: hypervisor bug", "WHAT IF: hypervisor bug", &err));
    cr_assert(listed(st, "WHAT IF: hypervisor bug"));
    scenario_free(s);
    store_close(st);
    free(path);
}

Test(store, duplicate_copies_the_contents_not_the_history)
{
    Store *st;
    char *path = new_workspace("ws.db", &st);
    Scenario *full = full_scenario("Original");
    save_ok(st, full, false, STORE_ADDED);
    char *err = NULL;
    Edit *e = edit_change(full, EDIT_WORKLOAD, "w-host");
    edit_workload(e->after)->isolation = ISOLATION_SANDBOX;
    cr_assert(edit_apply(full, e, &err), "%s", err ? err : "");
    cr_assert(store_record_edit(st, "Original", e, &err), "%s", err ? err : "");
    edit_free(e);

    cr_assert(store_duplicate(st, "Original", "Fork", &err), "%s", err ? err : "");
    Scenario *fork = scenario_clone(full);
    free(fork->name);
    fork->name = xstrdup("Fork");
    assert_stored(st, fork);
    assert_stored(st, full);
    StoreHistoryEntry *h = NULL;
    size_t n = 99;
    cr_assert(store_history(st, "Fork", &h, &n, &err), "%s", err ? err : "");
    cr_assert_eq(n, 0, "the fork starts with nothing to undo");
    cr_assert(store_undo(st, "Fork", &e, &err));
    cr_assert_null(e);
    cr_assert(store_history(st, "Original", &h, &n, &err), "%s", err ? err : "");
    cr_assert_eq(n, 1, "the original keeps its history");
    store_history_free(h, n);

    /* the two are independent: editing the fork leaves the original alone */
    e = edit_remove(fork, EDIT_WORKLOAD, "w-hyperv");
    cr_assert(edit_apply(fork, e, &err), "%s", err ? err : "");
    cr_assert(store_record_edit(st, "Fork", e, &err), "%s", err ? err : "");
    edit_free(e);
    assert_stored(st, fork);
    assert_stored(st, full);

    /* conflicts */
    cr_assert_not(store_duplicate(st, "Original", "Fork", &err));
    cr_assert_str_eq(err, "a scenario named \"Fork\" is already in the workspace");
    free(err);
    cr_assert_not(store_duplicate(st, "Nothing", "Fork 2", &err));
    cr_assert_str_eq(err, "no scenario named \"Nothing\" in the workspace");
    free(err);
    cr_assert_not(store_duplicate(st, "Original", "", &err));
    cr_assert_str_eq(err, "a scenario name cannot be empty");
    free(err);
    cr_assert_not(listed(st, "Fork 2"));
    assert_stored(st, fork);

    /* removing the original leaves the fork, and takes the original's history with it */
    cr_assert(store_remove(st, "Original", &err), "%s", err ? err : "");
    assert_stored(st, fork);
    store_close(st);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM edit e JOIN scenario s ON s.id ="
                              " e.scenario_id WHERE s.name = 'Fork'"),
                 1);
    cr_assert_eq(db_int(path, "SELECT count(*) FROM edit"), 1, "the original's history is gone");
    assert_query(path, "PRAGMA foreign_key_check", "");
    scenario_free(fork);
    scenario_free(full);
    free(path);
}

/* ---- The default location ---- */

Test(store, default_path_follows_breakout_db_then_xdg_then_home)
{
    setenv("BREAKOUT_DB", "/srv/ws/team.db", 1);
    setenv("XDG_DATA_HOME", "/xdg", 1);
    setenv("HOME", "/home/ann", 1);
    char *p = store_default_path();
    cr_assert_str_eq(p, "/srv/ws/team.db");
    free(p);

    setenv("BREAKOUT_DB", "", 1); /* empty counts as unset */
    p = store_default_path();
    cr_assert_str_eq(p, "/xdg/breakout/workspace.db");
    free(p);

    unsetenv("BREAKOUT_DB");
    setenv("XDG_DATA_HOME", "relative/data", 1); /* the XDG spec: ignore relative paths */
    p = store_default_path();
    cr_assert_str_eq(p, "/home/ann/.local/share/breakout/workspace.db");
    free(p);

    unsetenv("XDG_DATA_HOME");
    p = store_default_path();
    cr_assert_str_eq(p, "/home/ann/.local/share/breakout/workspace.db");
    free(p);
}
