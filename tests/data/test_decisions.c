/* Tests for the workshop record in a workspace (data/decisions, data/minutes) and in files and
 * reports: recording keeps every decision and chains the replaced ones; decisions follow their
 * subject through the edit history (edits, undo, minutes snapshots); decisions survive export
 * and import (format 3, older formats still read); reports show each item's decision, SARIF
 * suppresses accepted results (valid against the OASIS schema) and the JSON stays valid against
 * docs/analysis.schema.json; minutes equal their goldens (tests/golden/minutes, a fixed clock;
 * BREAKOUT_REGEN_GOLDENS=1 rewrites them, then review git diff) and escape what users wrote.
 *
 * The store stamps edits with the real clock; every decision and minutes time here is earlier
 * than any clock this runs under (2026-01), so the replay sees each edit after the decisions. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis_json.h"
#include "catalog_json.h"
#include "decisions.h"
#include "edit.h"
#include "fileio.h"
#include "minutes.h"
#include "report_html.h"
#include "report_md.h"
#include "report_sarif.h"
#include "report_text.h"
#include "scenario_json.h"
#include "store.h"
#include "xalloc.h"

#define POOL         "Shared Windows node pool" /* scenarios/process-ssh-mount-admin.json */
#define POOL_FILE    "scenarios/process-ssh-mount-admin.json"
#define GOLDEN_DIR   "tests/golden/minutes"
#define PYTHON       "/usr/bin/python3"
#define SARIF_SCHEMA SHARED_DIR "/schemas/sarif-schema-2.1.0.json"
#define OWN_SCHEMA   "docs/analysis.schema.json"
#define ISO          "boundary:guest-app:isolation"
#define VOL          "boundary:guest-app:host-volume"
#define MOUNT        "C:\\Users\\azureuser\\.ssh"

static char *dir;    /* the test's temporary directory */
static Catalog *cat; /* the built-in catalog */

static void setup(void)
{
    cr_assert_eq(chdir(SOURCE_DIR), 0, "cannot enter %s", SOURCE_DIR);
    char tmpl[] = "/tmp/breakout-decisions-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
    dir = xstrdup(tmpl);
    cat = catalog_load_builtin();
}

static void teardown(void)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    free(dir);
    catalog_free(cat);
}

TestSuite(decisions, .init = setup, .fini = teardown, .timeout = 120);
TestSuite(minutes, .init = setup, .fini = teardown, .timeout = 120);

/* ---- Helpers ---- */

static bool ci(void)
{
    const char *v = getenv("CI");
    return v && strcmp(v, "true") == 0;
}

/* Skips when a tool is missing, except under CI=true, where that is a failure. */
static void need(bool present, const char *what)
{
    if (present) return;
    if (ci()) cr_assert_fail("%s is missing, and with CI=true a skip is a failure", what);
    cr_skip_test("%s is missing: skipped (set CI=true to make this a failure)", what);
}

/* A new workspace (seeded with the bundled scenarios) in the test directory. */
static Store *workspace(const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    char *err = NULL;
    Store *st = store_open(path, true, &err);
    cr_assert_not_null(st, "%s", err ? err : "");
    free(path);
    return st;
}

static Decision decision(const char *subject, DecisionKind kind, const char *text,
                         const char *owner, const char *review, const char *due, const char *author,
                         const char *created)
{
    return (Decision){.subject = (char *)subject,
                      .kind = kind,
                      .text = (char *)text,
                      .owner = (char *)owner,
                      .review_date = (char *)review,
                      .due_date = (char *)due,
                      .author = (char *)author,
                      .created = (char *)created};
}

static long long record(Store *st, Decision d)
{
    char *err = NULL;
    cr_assert(decisions_record(st, POOL, &d, &err), "%s", err ? err : "");
    return d.id;
}

/* The decisions of the pool review used throughout: five decisions on four items, one of them
 * replaced. */
static void record_review(Store *st)
{
    record(st, decision(ISO, DECISION_NOTE, "first look: the guest runs as admin", NULL, NULL, NULL,
                        "bob", "2026-01-10T09:00:00Z"));
    record(st, decision(ISO, DECISION_ACCEPT, "legacy installer needs admin; replaced in Q1",
                        "platform", "2027-03-31", NULL, "alice", "2026-01-12T10:00:00Z"));
    record(st, decision(VOL, DECISION_FIX, "make the .ssh mount read-only", "platform", NULL,
                        "2026-01-14", "alice", "2026-01-12T10:05:00Z"));
    record(st, decision("finding:shared-kernel:node-1", DECISION_DISPUTE,
                        "contoso-web is a test tenant, not a customer", NULL, NULL, NULL, "carol",
                        "2026-01-12T10:10:00Z"));
    record(st, decision("path:guest-app->tenant:contoso", DECISION_NOTE,
                        "raise with contoso's security contact", NULL, NULL, NULL, "bob",
                        "2026-01-12T10:15:00Z"));
}

/* The pool as stored, analysed with every path, with findings and plan. */
typedef struct {
    Scenario *s;
    Analysis *a;
    Findings *f;
    FixPlan *p;
} Pool;

static void pool_load(Pool *x, Store *st)
{
    char *err = NULL;
    x->s = store_load(st, POOL, &err);
    cr_assert_not_null(x->s, "%s", err ? err : "");
    EngineOptions eo = {.max_paths = 0};
    x->a = engine_analyze(x->s, cat, &eo);
    x->f = findings_compute(x->a);
    x->p = fixplan_compute(x->s, cat, x->a);
}

static void pool_done(Pool *x)
{
    fixplan_free(x->p);
    findings_free(x->f);
    analysis_free(x->a);
    scenario_free(x->s);
}

static DecisionBook *book_of(Store *st, Pool *x, const char *today)
{
    char *err = NULL;
    DecisionBook *b = decisions_book(st, POOL, x->s, cat, x->a, x->f, x->p, today, &err);
    cr_assert_not_null(b, "%s", err ? err : "");
    return b;
}

static DecisionStatus status_in(Store *st, const char *subject)
{
    Pool x;
    pool_load(&x, st);
    DecisionBook *b = book_of(st, &x, "2026-01-20");
    size_t i = decision_book_find(b, subject);
    cr_assert_neq(i, SIZE_MAX, "no decision on %s", subject);
    DecisionStatus s = b->state[i].status;
    decision_book_free(b);
    pool_done(&x);
    return s;
}

/* Changes guest-app's isolation in the workspace, through an edit with its history row. */
static void edit_isolation(Store *st, Isolation iso)
{
    char *err = NULL;
    Scenario *s = store_load(st, POOL, &err);
    cr_assert_not_null(s);
    Edit *e = edit_change(s, EDIT_WORKLOAD, "guest-app");
    edit_workload(e->after)->isolation = iso;
    edit_set_label(e, "guest-app: %s", isolation_name(iso));
    cr_assert(edit_apply(s, e, &err), "%s", err ? err : "");
    cr_assert(store_record_edit(st, POOL, e, &err), "%s", err ? err : "");
    edit_free(e);
    scenario_free(s);
}

static char *read_text(const char *path)
{
    char *data = NULL, *err = NULL;
    size_t len;
    if (!file_read_all(path, 64u << 20, &data, &len, &err)) {
        free(err);
        return NULL;
    }
    return data;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static bool regen(void)
{
    const char *v = getenv("BREAKOUT_REGEN_GOLDENS");
    return v && strcmp(v, "1") == 0;
}

/* Compares actual with GOLDEN_DIR/name, naming the first differing line; with
 * BREAKOUT_REGEN_GOLDENS=1 rewrites the golden instead. */
static void check_golden(const char *name, const char *actual)
{
    char *path = xasprintf(GOLDEN_DIR "/%s", name);
    if (regen()) {
        write_text(path, actual);
        cr_log_warn("rewrote %s: review it with git diff", path);
        free(path);
        return;
    }
    char *golden = read_text(path);
    cr_assert_not_null(golden, "no golden %s (BREAKOUT_REGEN_GOLDENS=1 writes it; review it)",
                       path);
    if (strcmp(golden, actual) != 0) {
        size_t line = 1;
        const char *g = golden, *a = actual;
        while (*g && *g == *a) {
            if (*g == '\n') line++;
            g++;
            a++;
        }
        const char *gl = g, *al = a;
        while (gl > golden && gl[-1] != '\n')
            gl--;
        while (al > actual && al[-1] != '\n')
            al--;
        char *out = xasprintf("/tmp/breakout-actual-%s", name);
        write_text(out, actual);
        cr_assert_fail("%s differs at line %zu:\n  golden: %.*s\n  actual: %.*s\n(actual in %s)",
                       path, line, (int)strcspn(gl, "\n"), gl, (int)strcspn(al, "\n"), al, out);
        free(out);
    }
    free(golden);
    free(path);
}

typedef enum { OUT_TEXT, OUT_MD, OUT_HTML, OUT_JSON, OUT_SARIF } OutFormat;

static char *render(const Report *r, OutFormat f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    switch (f) {
    case OUT_TEXT: report_write_text(r, mem, false); break;
    case OUT_MD: report_write_md(r, mem); break;
    case OUT_HTML: report_write_html_with(r, mem, HTML_GRAPH_TEXT); break;
    case OUT_JSON: analysis_write_json(r, mem); break;
    case OUT_SARIF: report_write_sarif(r, mem, NULL); break;
    }
    fclose(mem);
    return buf;
}

static bool have_jsonschema(void)
{
    return system(PYTHON " -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

/* Validates the JSON file at path against the schema (draft-04 or draft-07, as it says);
 * returns the validator's exit status (0: valid), its messages on stdout. */
static int validate(const char *schema, const char *path)
{
    char *cmd = xasprintf(
        PYTHON " -c 'import json, sys, jsonschema\n"
               "s = json.load(open(sys.argv[1]))\n"
               "v = jsonschema.validators.validator_for(s)(s)\n"
               "bad = 0\n"
               "for e in v.iter_errors(json.load(open(sys.argv[2], encoding=\"utf-8\"))):\n"
               "    print(\"%%s at %%s\" %% (e.message, list(e.absolute_path))); bad = 1\n"
               "sys.exit(bad)' '%s' '%s'",
        schema, path);
    int status = system(cmd);
    free(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- Recording and history ---- */

Test(decisions, recording_keeps_every_decision_and_chains_the_replaced_ones)
{
    Store *st = workspace("ws.db");
    long long first = record(st, decision(ISO, DECISION_NOTE, "first look", NULL, NULL, NULL, "bob",
                                          "2026-01-10T09:00:00Z"));
    Decision d = decision(ISO, DECISION_ACCEPT, "legacy", "platform", "2027-03-31", NULL, "alice",
                          "2026-01-12T10:00:00Z");
    char *err = NULL;
    cr_assert(decisions_record(st, POOL, &d, &err), "%s", err ? err : "");
    cr_assert_gt(d.id, first);
    cr_assert_eq(d.replaces, first, "a new decision on a subject replaces the latest");
    long long other =
        record(st, decision("path:guest-app->host:node-1", DECISION_DISPUTE, "no SSH in production",
                            NULL, NULL, NULL, "carol", "2026-01-12T11:00:00Z"));
    DecisionList l = {0};
    cr_assert(decisions_load(st, POOL, &l, &err), "%s", err ? err : "");
    cr_assert_eq(l.n, 3, "history is kept, never overwritten");
    cr_assert_eq(l.items[0].id, first);
    cr_assert_str_eq(l.items[0].text, "first look");
    cr_assert_eq(l.items[0].replaces, 0);
    cr_assert_eq(l.items[1].kind, DECISION_ACCEPT);
    cr_assert_str_eq(l.items[1].owner, "platform");
    cr_assert_str_eq(l.items[1].review_date, "2027-03-31");
    cr_assert_null(l.items[1].due_date);
    cr_assert_str_eq(l.items[1].author, "alice");
    cr_assert_str_eq(l.items[1].created, "2026-01-12T10:00:00Z");
    cr_assert_eq(l.items[1].replaces, first);
    cr_assert_eq(l.items[2].id, other);
    cr_assert_eq(l.items[2].replaces, 0);
    DecisionBook *b = decision_book_new(&l);
    cr_assert_eq(b->n_current, 2);
    cr_assert_eq(b->list.items[decision_book_find(b, ISO)].kind, DECISION_ACCEPT);
    decision_book_free(b);
    store_close(st);
}

Test(decisions, a_bad_decision_or_scenario_writes_nothing)
{
    Store *st = workspace("ws.db");
    char *err = NULL;
    Decision d =
        decision(ISO, DECISION_ACCEPT, "legacy", NULL, NULL, NULL, "alice", "2026-01-12T10:00:00Z");
    cr_assert_not(decisions_record(st, POOL, &d, &err));
    cr_assert_str_eq(err, "cannot record the decision: an accept decision needs an owner");
    free(err);
    d = decision(ISO, DECISION_NOTE, "x", NULL, NULL, NULL, "alice", "2026-01-12T10:00:00Z");
    cr_assert_not(decisions_record(st, "no such", &d, &err));
    cr_assert_str_eq(err, "no scenario named \"no such\" in the workspace");
    free(err);
    DecisionList l = {0};
    cr_assert(decisions_load(st, POOL, &l, &err));
    cr_assert_eq(l.n, 0);
    cr_assert_not(decisions_load(st, "no such", &l, &err));
    free(err);
    decision_list_done(&l);
    store_close(st);
}

Test(decisions, replacing_the_scenario_keeps_them_and_removing_it_drops_them)
{
    Store *st = workspace("ws.db");
    record_review(st);
    char *err = NULL;
    Scenario *s = store_load(st, POOL, &err);
    s->workloads[0].isolation = ISOLATION_HYPERV;
    StoreSaveResult res;
    cr_assert(store_save(st, s, true, &res, &err), "%s", err ? err : "");
    cr_assert_eq(res, STORE_REPLACED);
    DecisionList l = {0};
    cr_assert(decisions_load(st, POOL, &l, &err));
    cr_assert_eq(l.n, 5, "import --replace keeps the review's decisions");
    decision_list_done(&l);
    cr_assert(store_remove(st, POOL, &err));
    s->workloads[0].isolation = ISOLATION_PROCESS;
    cr_assert(store_save(st, s, false, &res, &err));
    cr_assert(decisions_load(st, POOL, &l, &err));
    cr_assert_eq(l.n, 0, "removing a scenario removes its decisions");
    decision_list_done(&l);
    scenario_free(s);
    store_close(st);
}

/* ---- Following their subject across edits ---- */

Test(decisions, follow_their_subject_through_the_edit_history)
{
    Store *st = workspace("ws.db");
    record(st, decision(ISO, DECISION_ACCEPT, "legacy", "platform", "2027-03-31", NULL, "alice",
                        "2026-01-12T10:00:00Z"));
    record(st, decision(VOL, DECISION_NOTE, "keys rotate daily", NULL, NULL, NULL, "alice",
                        "2026-01-12T10:00:00Z"));
    cr_assert_eq(status_in(st, ISO), STATUS_APPLIES);
    edit_isolation(st, ISOLATION_HYPERV);
    cr_assert_eq(status_in(st, ISO), STATUS_NO_LONGER_APPLIES, "the boundary holds now");
    cr_assert_eq(status_in(st, VOL), STATUS_APPLIES, "Hyper-V does not help a writable mount");
    edit_isolation(st, ISOLATION_PROCESS);
    cr_assert_eq(status_in(st, ISO), STATUS_APPLIES_AGAIN, "it failed, held, and fails again");
    cr_assert_eq(status_in(st, VOL), STATUS_APPLIES);
    /* a decision recorded after the lapse starts afresh (the edits' times are the real
     * clock's; this one is later than any) */
    record(st, decision(ISO, DECISION_ACCEPT, "confirmed after the Hyper-V trial", "platform",
                        "2027-03-31", NULL, "alice", "2999-01-01T00:00:00Z"));
    cr_assert_eq(status_in(st, ISO), STATUS_APPLIES);
    store_close(st);
}

Test(decisions, an_undone_edit_is_a_state_seen_too)
{
    Store *st = workspace("ws.db");
    record(st, decision(ISO, DECISION_ACCEPT, "legacy", "platform", NULL, NULL, "alice",
                        "2026-01-12T10:00:00Z"));
    edit_isolation(st, ISOLATION_HYPERV);
    Edit *e = NULL;
    char *err = NULL;
    cr_assert(store_undo(st, POOL, &e, &err), "%s", err ? err : "");
    cr_assert_not_null(e);
    edit_free(e);
    cr_assert_eq(status_in(st, ISO), STATUS_APPLIES_AGAIN);
    store_close(st);
}

Test(decisions, minutes_snapshots_are_states_seen_when_the_history_is_gone)
{
    Store *st = workspace("ws.db");
    record(st, decision(ISO, DECISION_ACCEPT, "legacy", "platform", NULL, NULL, "alice",
                        "2026-01-12T10:00:00Z"));
    char *err = NULL;
    Scenario *s = store_load(st, POOL, &err);
    s->workloads[0].isolation = ISOLATION_HYPERV;
    cr_assert(store_save(st, s, true, NULL, &err)); /* import --replace: no history */
    cr_assert_eq(status_in(st, ISO), STATUS_NO_LONGER_APPLIES);
    char *json = scenario_to_json(s);
    cr_assert(minutes_record(st, POOL, "alice", "2026-01-13T09:00:00Z", json, NULL, &err), "%s",
              err ? err : "");
    free(json);
    s->workloads[0].isolation = ISOLATION_PROCESS;
    cr_assert(store_save(st, s, true, NULL, &err));
    cr_assert_eq(status_in(st, ISO), STATUS_APPLIES_AGAIN);
    scenario_free(s);
    store_close(st);
}

/* ---- Export and import ---- */

static void same_decisions(const DecisionList *a, const DecisionList *b)
{
    cr_assert_eq(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const Decision *x = &a->items[i], *y = &b->items[i];
        cr_assert_str_eq(x->subject, y->subject);
        cr_assert_eq(x->kind, y->kind);
        cr_assert_eq(!x->text, !y->text);
        if (x->text) cr_assert_str_eq(x->text, y->text);
        cr_assert_eq(!x->owner, !y->owner);
        if (x->owner) cr_assert_str_eq(x->owner, y->owner);
        cr_assert_eq(!x->review_date, !y->review_date);
        if (x->review_date) cr_assert_str_eq(x->review_date, y->review_date);
        cr_assert_eq(!x->due_date, !y->due_date);
        if (x->due_date) cr_assert_str_eq(x->due_date, y->due_date);
        cr_assert_str_eq(x->author, y->author);
        cr_assert_str_eq(x->created, y->created);
    }
}

Test(decisions, survive_export_and_import)
{
    Store *st = workspace("ws.db");
    record_review(st);
    record(st, decision(ISO, DECISION_NOTE, "a \"quoted\" note\nwith a line break and ünïcode",
                        NULL, NULL, NULL, "dave", "2026-01-13T08:00:00Z"));
    char *err = NULL;
    Scenario *s = store_load(st, POOL, &err);
    DecisionList before = {0};
    cr_assert(decisions_load(st, POOL, &before, &err));
    char *json = scenario_to_json_with_decisions(s, &before);
    cr_assert(strncmp(json, "{\n  \"breakout\": 3,\n", 19) == 0, "%s", json);
    cr_assert(strstr(json, "\"decisions\": ["), "%s", json);
    char *path = xasprintf("%s/pool.json", dir);
    write_text(path, json);

    /* read back: the same decisions, in the same order */
    DecisionList read = {0};
    Scenario *back = scenario_parse_with_decisions(json, strlen(json), "pool.json", &read, &err);
    cr_assert_not_null(back, "%s", err ? err : "");
    same_decisions(&before, &read);
    char *again = scenario_to_json_with_decisions(back, &read);
    cr_assert_str_eq(again, json, "export, import, export gives the same bytes");
    free(again);

    /* import into another workspace, as breakout import does */
    Store *other = workspace("other.db");
    cr_assert(store_remove(other, POOL, &err));
    DecisionList imported = {0};
    InputKind kind;
    Scenario *in = decisions_import_file(path, NULL, &kind, NULL, &imported, &err);
    cr_assert_not_null(in, "%s", err ? err : "");
    cr_assert_eq(kind, INPUT_SCENARIO);
    cr_assert(store_save(other, in, false, NULL, &err), "%s", err ? err : "");
    size_t added = 0;
    cr_assert(decisions_merge(other, POOL, &imported, &added, &err), "%s", err ? err : "");
    cr_assert_eq(added, 6);
    DecisionList after = {0};
    cr_assert(decisions_load(other, POOL, &after, &err));
    same_decisions(&before, &after);
    cr_assert_eq(after.items[1].replaces, after.items[0].id, "the history is rebuilt");
    cr_assert_eq(after.items[5].replaces, after.items[1].id);
    /* importing the same file again adds nothing */
    cr_assert(decisions_merge(other, POOL, &imported, &added, &err));
    cr_assert_eq(added, 0);
    decision_list_done(&after);
    cr_assert(decisions_load(other, POOL, &after, &err));
    cr_assert_eq(after.n, 6);

    decision_list_done(&after);
    decision_list_done(&imported);
    decision_list_done(&read);
    decision_list_done(&before);
    scenario_free(in);
    scenario_free(back);
    scenario_free(s);
    free(json);
    free(path);
    store_close(other);
    store_close(st);
}

Test(decisions, older_formats_still_read_and_only_format_3_has_decisions)
{
    char *err = NULL;
    /* the bundled files are formats 1 and 2 */
    Scenario *s = scenario_load_file(POOL_FILE, &err);
    cr_assert_not_null(s, "%s", err ? err : "");
    scenario_free(s);
    static const char v2[] = "{\"breakout\": 2, \"name\": \"x\", \"tenants\": [], \"hosts\": [],"
                             " \"workloads\": [], \"decisions\": []}";
    cr_assert_null(scenario_parse(v2, strlen(v2), "v2.json", &err));
    cr_assert_str_eq(err, "v2.json:1:75: decisions: unknown key in format version 2 (it was "
                          "added in version 3: write \"breakout\": 3)");
    free(err);
    static const char v3[] =
        "{\"breakout\": 3, \"name\": \"x\", \"tenants\": [], \"hosts\": [], \"workloads\": [],\n"
        " \"decisions\": [{\"subject\": \"boundary:w:isolation\", \"kind\": \"accept\",\n"
        "   \"text\": \"fine\", \"author\": \"a\", \"created\": \"2026-01-01T00:00:00Z\"}]}";
    DecisionList l = {0};
    cr_assert_null(scenario_parse_with_decisions(v3, strlen(v3), "v3.json", &l, &err));
    cr_assert_str_eq(err, "v3.json:2:16: decisions[0]: an accept decision needs an owner");
    cr_assert_eq(l.n, 0);
    free(err);
    static const char kind[] =
        "{\"breakout\": 3, \"name\": \"x\", \"tenants\": [], \"hosts\": [], \"workloads\": [],\n"
        " \"decisions\": [{\"subject\": \"boundary:w:isolation\", \"kind\": \"accepted\"}]}";
    cr_assert_null(scenario_parse(kind, strlen(kind), "k.json", &err));
    cr_assert_str_eq(err, "k.json:2:60: decisions[0].kind: expected \"accept\", \"fix\", "
                          "\"dispute\" or \"note\", got \"accepted\"");
    free(err);
    /* scenario_parse reads the section and drops it */
    static const char ok[] =
        "{\"breakout\": 3, \"name\": \"x\", \"tenants\": [], \"hosts\": [], \"workloads\": [],\n"
        " \"decisions\": [{\"subject\": \"path:w->host:h\", \"kind\": \"note\", \"text\": \"t\","
        " \"author\": \"a\", \"created\": \"2026-01-01T00:00:00Z\"}]}";
    s = scenario_parse(ok, strlen(ok), "ok.json", &err);
    cr_assert_not_null(s, "%s", err ? err : "");
    char *out = scenario_to_json(s);
    cr_assert_null(strstr(out, "decisions"));
    free(out);
    scenario_free(s);
}

/* ---- Reports ---- */

/* The pool's reports with the review's decisions, as of today. */
typedef struct {
    Store *st;
    Pool x;
    DecisionBook *b;
    Report r;
} Reviewed;

static void reviewed(Reviewed *v, const char *today)
{
    v->st = workspace("ws.db");
    record_review(v->st);
    pool_load(&v->x, v->st);
    v->b = book_of(v->st, &v->x, today);
    v->r = (Report){.analysis = v->x.a, .findings = v->x.f, .plan = v->x.p, .decisions = v->b};
}

static void reviewed_done(Reviewed *v)
{
    decision_book_free(v->b);
    pool_done(&v->x);
    store_close(v->st);
}

Test(decisions, reports_show_each_items_decision)
{
    Reviewed v;
    reviewed(&v, "2026-01-20");
    char *text = render(&v.r, OUT_TEXT);
    cr_assert(strstr(text, "      isolation    FAILS  admin-escape, kernel-compromise "
                           "(not-a-boundary), attacked\n                   decision: accepted "
                           "until 2027-03-31 (owner: platform): legacy installer needs admin; "
                           "replaced in Q1\n"),
              "%s", text);
    cr_assert(strstr(text, "decision: fix overdue since 2026-01-14 (owner: platform): make the "
                           ".ssh mount read-only\n"),
              "%s", text);
    cr_assert(strstr(text, "  guest-app -> tenant:contoso  (effort 3)\n    decision: note: raise "
                           "with contoso's security contact\n"),
              "%s", text);
    cr_assert(strstr(text, "\nDECISIONS (4 items decided)\n"), "%s", text);
    free(text);
    char *md = render(&v.r, OUT_MD);
    cr_assert(strstr(md, "*(decision: disputed: contoso-web is a test tenant, not a customer)*"),
              "%s", md);
    cr_assert(strstr(md, "## Decisions\n"), "%s", md);
    free(md);
    char *html = render(&v.r, OUT_HTML);
    cr_assert(strstr(html, "<br><em class=\"decision\">Decision: accepted until 2027-03-31 "
                           "(owner: platform): legacy installer needs admin; replaced in Q1</em>"),
              "%s", html);
    cr_assert(strstr(html, "<a href=\"#decisions\">Decisions</a>"));
    cr_assert(strstr(html, "<section id=\"decisions\">"));
    free(html);
    reviewed_done(&v);
}

Test(decisions, json_carries_decisions_and_stays_valid)
{
    need(have_jsonschema(), PYTHON " with jsonschema (python3-jsonschema)");
    Reviewed v;
    reviewed(&v, "2026-01-20");
    char *json = render(&v.r, OUT_JSON);
    char *path = xasprintf("%s/analysis.json", dir);
    write_text(path, json);
    cr_assert_eq(validate(OWN_SCHEMA, path), 0, "not valid against " OWN_SCHEMA);
    /* a decision is written on one line (the line of its item, or of the decisions list) */
    cr_assert(strstr(json, "\"subject\": \"boundary:guest-app:isolation\", \"kind\": \"accept\", "),
              "%s", json);
    cr_assert(strstr(json, "\"decisions\": ["));
    free(json);
    free(path);
    reviewed_done(&v);
}

/* The text of the SARIF result with fingerprint subject, from its "ruleId" up to the
 * fingerprint. Owned. */
static char *sarif_result(const char *sarif, const char *subject)
{
    char *key = xasprintf("\"breakoutResult/v1\": \"%s\"", subject);
    const char *at = strstr(sarif, key);
    cr_assert_not_null(at, "no result %s", subject);
    free(key);
    const char *start = sarif;
    for (const char *p = strstr(sarif, "\"ruleId\""); p && p < at; p = strstr(p + 1, "\"ruleId\""))
        start = p;
    return xstrndup(start, (size_t)(at - start));
}

Test(decisions, sarif_suppresses_accepted_results_with_their_justification)
{
    need(access(SARIF_SCHEMA, R_OK) == 0, SARIF_SCHEMA);
    need(have_jsonschema(), PYTHON " with jsonschema (python3-jsonschema)");
    static const char *const days[] = {"2026-01-20", "2027-04-01"};
    for (size_t k = 0; k < 2; k++) {
        Reviewed v;
        reviewed(&v, days[k]);
        char *sarif = render(&v.r, OUT_SARIF);
        char *path = xasprintf("%s/%zu.sarif", dir, k);
        write_text(path, sarif);
        cr_assert_eq(validate(SARIF_SCHEMA, path), 0, "SARIF not valid (%s)", days[k]);
        /* the accepted isolation boundary: accepted until its review date, under review after */
        char *result = sarif_result(sarif, ISO);
        cr_assert(strstr(result, "\"suppressions\": ["), "%s", result);
        cr_assert(strstr(result, "\"kind\": \"external\""), "%s", result);
        cr_assert(
            strstr(result, k == 0 ? "\"status\": \"accepted\"" : "\"status\": \"underReview\""),
            "%s", result);
        cr_assert(strstr(result, k == 0 ? "\"justification\": \"accepted until 2027-03-31 "
                                          "(owner: platform): legacy installer needs admin; "
                                          "replaced in Q1\""
                                        : "\"justification\": \"acceptance expired on "
                                          "2027-03-31"),
                  "%s", result);
        free(result);
        /* the disputed finding is under review; the host-volume boundary (a fix) is not
         * suppressed */
        result = sarif_result(sarif, "finding:shared-kernel:node-1:2 tenants, one of them "
                                     "untrusted or breached, share the kernel of node-1");
        cr_assert(strstr(result, "\"status\": \"underReview\""), "%s", result);
        cr_assert(strstr(result, "\"justification\": \"disputed: contoso-web is a test tenant, "
                                 "not a customer\""),
                  "%s", result);
        free(result);
        result = sarif_result(sarif, VOL);
        cr_assert_null(strstr(result, "suppressions"), "%s", result);
        free(result);
        free(sarif);
        free(path);
        reviewed_done(&v);
    }
}

/* ---- Minutes ---- */

static char *take(Store *st, const char *now, const char *today, bool html, const char *author)
{
    char *err = NULL;
    MinutesRun *run = minutes_take(st, POOL, cat, author, now, today, html, true, 500, &err);
    cr_assert_not_null(run, "%s", err ? err : "");
    size_t len;
    char *text = xstrdup(minutes_text(run, &len));
    cr_assert_eq(strlen(text), len);
    cr_assert(minutes_keep(st, run, &err), "%s", err ? err : "");
    minutes_run_free(run);
    return text;
}

Test(minutes, a_review_in_two_sittings_matches_the_goldens)
{
    for (int html = 0; html <= 1; html++) {
        char *name = xasprintf("ws%d.db", html);
        Store *st = workspace(name);
        free(name);
        record_review(st);
        char *first = take(st, "2026-01-15T15:00:00Z", "2026-01-15", html, "alice");
        check_golden(html ? "pool-first.html" : "pool-first.md", first);
        free(first);
        /* between the sittings: guest-app moves to Hyper-V isolation, a fix is recorded */
        edit_isolation(st, ISOLATION_HYPERV);
        record(st, decision("fix:mount-read-only:guest-app:" MOUNT, DECISION_FIX, NULL, "alice",
                            NULL, "2026-02-01", "alice", "2026-01-20T09:00:00Z"));
        char *second = take(st, "2026-01-21T09:00:00Z", "2026-01-21", html, "bob");
        check_golden(html ? "pool-second.html" : "pool-second.md", second);
        free(second);
        store_close(st);
    }
}

Test(minutes, each_set_is_kept_and_compared_with_the_previous_one)
{
    Store *st = workspace("ws.db");
    char *first = take(st, "2026-01-15T15:00:00Z", "2026-01-15", false, "alice");
    cr_assert(strstr(first, "These are the first minutes of this scenario."));
    cr_assert(strstr(first, "Nobody has recorded a decision on this scenario."));
    free(first);
    char *same = take(st, "2026-01-16T15:00:00Z", "2026-01-16", false, "alice");
    cr_assert(strstr(same, "The previous minutes were taken by alice at 2026-01-15T15:00:00Z."),
              "%s", same);
    cr_assert(strstr(same, "Nothing changed: the scenario, its verdicts, paths and findings are "
                           "as they were, and no decision was recorded."),
              "%s", same);
    free(same);
    MinutesSnapshot last;
    bool found;
    char *err = NULL;
    cr_assert(minutes_latest(st, POOL, &last, &found, &err));
    cr_assert(found);
    cr_assert_str_eq(last.created, "2026-01-16T15:00:00Z");
    cr_assert(strncmp(last.scenario_json, "{\n  \"breakout\": 3,", 18) == 0);
    minutes_snapshot_done(&last);
    MinutesSnapshot *all;
    size_t n;
    cr_assert(minutes_history(st, POOL, NULL, &all, &n, &err));
    cr_assert_eq(n, 2);
    minutes_snapshots_free(all, n);
    store_close(st);
}

Test(minutes, what_people_wrote_is_escaped)
{
    for (int html = 0; html <= 1; html++) {
        char *name = xasprintf("ws%d.db", html);
        Store *st = workspace(name);
        free(name);
        record(st, decision(ISO, DECISION_ACCEPT, "<script>alert(1)</script> | *bold* `x`\nnext",
                            "<b>ops</b>", NULL, NULL, "eve|<i>", "2026-01-12T10:00:00Z"));
        char *text = take(st, "2026-01-15T15:00:00Z", "2026-01-15", html, "m<a>llory");
        cr_assert_null(strstr(text, "<script>"), "%s", text);
        cr_assert_null(strstr(text, "<b>ops"), "%s", text);
        if (html) {
            cr_assert(strstr(text, "&lt;script&gt;alert(1)&lt;/script&gt; | *bold* `x`\\x0anext"),
                      "%s", text);
            cr_assert(strstr(text, "m&lt;a&gt;llory"));
        } else {
            cr_assert(strstr(text, "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*bold\\* \\`x\\`"
                                   "\\\\x0anext"),
                      "%s", text);
            cr_assert(strstr(text, "eve\\|&lt;i&gt;"), "%s", text);
        }
        free(text);
        store_close(st);
    }
}
