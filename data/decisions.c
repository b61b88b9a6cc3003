/* The workshop record in a workspace: see decisions.h. Owns the rows of table `decision`; reads
 * the `edit` history (store.c's, documented in docs/workspace.md) and the `minutes` snapshots
 * to replay past states. */
#include "decisions.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "edit.h"
#include "engine.h"
#include "findings.h"
#include "minutes.h"
#include "scenario_json.h"
#include "store_int.h"
#include "utf8.h"
#include "xalloc.h"

/* ---- Messages and statements ---- */

/* The name in double quotes, control characters made visible. Owned. */
static char *quoted(const char *s)
{
    char *safe = utf8_sanitize(s);
    char *q = xasprintf("\"%s\"", safe);
    free(safe);
    return q;
}

static char *no_such_scenario(const char *name)
{
    char *q = quoted(name);
    char *msg = xasprintf("no scenario named %s in the workspace", q);
    free(q);
    return msg;
}

/* The message for the connection's last failure while doing what. Owned. */
static char *db_message(Store *st, const char *what)
{
    sqlite3 *db = store_db(st);
    char *file = utf8_sanitize(store_path(st));
    int rc = sqlite3_errcode(db) & 0xff;
    char *msg = rc == SQLITE_BUSY || rc == SQLITE_LOCKED
                    ? xasprintf("workspace %s is busy (another breakout is writing to it)", file)
                    : xasprintf("%s: %s: %s", file, what, sqlite3_errmsg(db));
    free(file);
    return msg;
}

static sqlite3_stmt *prepare(Store *st, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL) != SQLITE_OK) return NULL;
    return q;
}

static void bind_text(sqlite3_stmt *q, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(q, i, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(q, i);
}

/* A column's text, owned, or NULL. */
static char *col_dup(sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    return t ? xstrdup((const char *)t) : NULL;
}

/* The row id of the scenario named name in *sid (*found false when there is none). False on a
 * database failure. */
static bool scenario_row(Store *st, const char *name, bool *found, sqlite3_int64 *sid)
{
    sqlite3_stmt *q = prepare(st, "SELECT id FROM scenario WHERE name = ?1");
    if (!q) return false;
    bind_text(q, 1, name);
    int rc = sqlite3_step(q);
    *found = rc == SQLITE_ROW;
    if (*found) *sid = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static bool exec(Store *st, const char *sql)
{
    return sqlite3_exec(store_db(st), sql, NULL, NULL, NULL) == SQLITE_OK;
}

static void rollback(Store *st)
{
    if (!sqlite3_get_autocommit(store_db(st))) exec(st, "ROLLBACK");
}

/* ---- Writing ---- */

/* Inserts d into scenario sid after the latest decision on its subject, which it replaces;
 * sets d->id and d->replaces. Inside the caller's transaction. */
static bool insert(Store *st, sqlite3_int64 sid, Decision *d)
{
    sqlite3_stmt *last = prepare(st, "SELECT id FROM decision WHERE scenario_id = ?1 AND "
                                     "subject = ?2 ORDER BY id DESC LIMIT 1");
    sqlite3_stmt *ins = prepare(st, "INSERT INTO decision (scenario_id, subject, kind, text, "
                                    "owner, review_date, due_date, author, created, replaces) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    bool ok = last && ins;
    if (ok) {
        sqlite3_bind_int64(last, 1, sid);
        bind_text(last, 2, d->subject);
        int rc = sqlite3_step(last);
        d->replaces = rc == SQLITE_ROW ? sqlite3_column_int64(last, 0) : 0;
        ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    }
    if (ok) {
        sqlite3_bind_int64(ins, 1, sid);
        bind_text(ins, 2, d->subject);
        bind_text(ins, 3, decision_kind_name(d->kind));
        bind_text(ins, 4, d->text);
        bind_text(ins, 5, d->owner);
        bind_text(ins, 6, d->review_date);
        bind_text(ins, 7, d->due_date);
        bind_text(ins, 8, d->author);
        bind_text(ins, 9, d->created);
        if (d->replaces)
            sqlite3_bind_int64(ins, 10, d->replaces);
        else
            sqlite3_bind_null(ins, 10);
        ok = sqlite3_step(ins) == SQLITE_DONE;
        if (ok) d->id = sqlite3_last_insert_rowid(store_db(st));
    }
    sqlite3_finalize(last);
    sqlite3_finalize(ins);
    return ok;
}

/* Whether scenario sid already holds a decision equal to d (all but ids). */
static bool has_same(Store *st, sqlite3_int64 sid, const Decision *d, bool *found)
{
    sqlite3_stmt *q = prepare(st, "SELECT 1 FROM decision WHERE scenario_id = ?1 AND subject = ?2"
                                  " AND kind = ?3 AND text IS ?4 AND owner IS ?5 AND review_date"
                                  " IS ?6 AND due_date IS ?7 AND author = ?8 AND created = ?9"
                                  " LIMIT 1");
    if (!q) return false;
    sqlite3_bind_int64(q, 1, sid);
    bind_text(q, 2, d->subject);
    bind_text(q, 3, decision_kind_name(d->kind));
    bind_text(q, 4, d->text);
    bind_text(q, 5, d->owner);
    bind_text(q, 6, d->review_date);
    bind_text(q, 7, d->due_date);
    bind_text(q, 8, d->author);
    bind_text(q, 9, d->created);
    int rc = sqlite3_step(q);
    *found = rc == SQLITE_ROW;
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Writes the n decisions of list (validated by the caller) into the scenario named scenario, in
 * one transaction; with skip_same, those already there are left out. */
static bool write_all(Store *st, const char *scenario, Decision *list, size_t n, bool skip_same,
                      size_t *added, char **err)
{
    char *q = quoted(scenario);
    char *what = xasprintf("cannot record a decision in scenario %s", q);
    free(q);
    bool found = false, ok = exec(st, "BEGIN IMMEDIATE");
    sqlite3_int64 sid = 0;
    size_t count = 0;
    if (ok) ok = scenario_row(st, scenario, &found, &sid);
    if (!ok) {
        *err = db_message(st, what);
    } else if (!found) {
        *err = no_such_scenario(scenario);
        ok = false;
    }
    for (size_t i = 0; ok && i < n; i++) {
        bool same = false;
        if (skip_same && !has_same(st, sid, &list[i], &same)) {
            ok = false;
        } else if (!same) {
            ok = insert(st, sid, &list[i]);
            count++;
        }
        if (!ok) *err = db_message(st, what);
    }
    if (ok && !exec(st, "COMMIT")) {
        *err = db_message(st, what);
        ok = false;
    }
    rollback(st);
    if (ok && added) *added = count;
    free(what);
    return ok;
}

bool decisions_record(Store *st, const char *scenario, Decision *d, char **err)
{
    char *why = NULL;
    if (!decision_validate(d, &why)) {
        *err = xasprintf("cannot record the decision: %s", why);
        free(why);
        return false;
    }
    return write_all(st, scenario, d, 1, false, NULL, err);
}

bool decisions_merge(Store *st, const char *scenario, const DecisionList *in, size_t *added,
                     char **err)
{
    for (size_t i = 0; i < in->n; i++) {
        char *why = NULL;
        if (!decision_validate(&in->items[i], &why)) {
            *err = xasprintf("cannot record decision %zu: %s", i + 1, why);
            free(why);
            return false;
        }
    }
    /* copies: insert sets ids */
    DecisionList copy = {0};
    for (size_t i = 0; i < in->n; i++)
        decision_list_add_copy(&copy, &in->items[i]);
    bool ok = write_all(st, scenario, copy.items, copy.n, true, added, err);
    decision_list_done(&copy);
    return ok;
}

/* ---- Reading ---- */

bool decisions_load(Store *st, const char *scenario, DecisionList *out, char **err)
{
    char *q = quoted(scenario);
    char *what = xasprintf("cannot read the decisions of scenario %s", q);
    free(q);
    bool found = false;
    sqlite3_int64 sid = 0;
    bool ok = scenario_row(st, scenario, &found, &sid);
    sqlite3_stmt *s = NULL;
    if (ok && found) {
        s = prepare(st, "SELECT id, subject, kind, text, owner, review_date, due_date, author,"
                        " created, replaces FROM decision WHERE scenario_id = ?1 ORDER BY id");
        ok = s != NULL;
    }
    if (ok && found) {
        sqlite3_bind_int64(s, 1, sid);
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            DecisionKind kind;
            const char *k = (const char *)sqlite3_column_text(s, 2);
            if (!k || !decision_kind_parse(k, &kind)) continue; /* the CHECK forbids it */
            Decision *d = decision_list_add(out);
            d->id = sqlite3_column_int64(s, 0);
            d->subject = col_dup(s, 1);
            d->kind = kind;
            d->text = col_dup(s, 3);
            d->owner = col_dup(s, 4);
            d->review_date = col_dup(s, 5);
            d->due_date = col_dup(s, 6);
            d->author = col_dup(s, 7);
            d->created = col_dup(s, 8);
            d->replaces = sqlite3_column_int64(s, 9);
            if (!d->subject) d->subject = xstrdup("");
        }
        ok = rc == SQLITE_DONE;
    }
    if (!ok)
        *err = db_message(st, what);
    else if (!found)
        *err = no_such_scenario(scenario);
    sqlite3_finalize(s);
    free(what);
    return ok && found;
}

/* ---- Replaying the past ---- */

/* Analyses s and notes in b what it lacks, as seen at time when. */
static void observe(DecisionBook *b, const Scenario *s, const Catalog *c, const char *when)
{
    EngineOptions eo = {.max_paths = 0, .lazy_why_not = true};
    Analysis *a = engine_analyze(s, c, &eo);
    Findings *f = findings_compute(a);
    SubjectSet *set = subjects_compute(a, f, NULL);
    decision_book_observe(b, set, s, when);
    subjects_free(set);
    findings_free(f);
    analysis_free(a);
}

typedef struct {
    Edit *edit;
    char *created;
    bool undone;
} PastEdit;

static const char *const edit_kinds[] = {"tenant", "host", "workload", "settings"};

/* The edit of a history row (kind, position, before_json, after_json), or NULL when damaged. */
static Edit *edit_of(sqlite3_stmt *q)
{
    const char *k = (const char *)sqlite3_column_text(q, 0);
    int kind = -1;
    for (int i = 0; k && i <= EDIT_SETTINGS; i++)
        if (strcmp(k, edit_kinds[i]) == 0) kind = i;
    if (kind < 0) return NULL;
    Edit *e = xcalloc(1, sizeof *e);
    e->kind = (EditKind)kind;
    e->label = xstrdup("");
    sqlite3_int64 p = sqlite3_column_int64(q, 1);
    e->position = p < 0 ? (size_t)-1 : (size_t)p;
    for (int i = 0; i < 2; i++) {
        const char *text = (const char *)sqlite3_column_text(q, 2 + i);
        if (!text) continue;
        char *perr = NULL;
        Scenario *f =
            scenario_parse_fragment(text, (size_t)sqlite3_column_bytes(q, 2 + i), "history", &perr);
        free(perr);
        if (!f) {
            edit_free(e);
            return NULL;
        }
        if (i)
            e->after = f;
        else
            e->before = f;
    }
    return e;
}

/* Reads the scenario's history, oldest first; stops at a damaged row. */
static bool read_history(Store *st, sqlite3_int64 sid, PastEdit **out, size_t *n)
{
    sqlite3_stmt *q = prepare(st, "SELECT kind, position, before_json, after_json, undone, created"
                                  " FROM edit WHERE scenario_id = ?1 ORDER BY seq");
    if (!q) return false;
    sqlite3_bind_int64(q, 1, sid);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        Edit *e = edit_of(q);
        if (!e) {
            rc = SQLITE_DONE;
            break;
        }
        xgrow((void **)out, &cap, *n + 1, sizeof **out);
        (*out)[*n].edit = e;
        (*out)[*n].undone = sqlite3_column_int(q, 4) != 0;
        (*out)[*n].created = col_dup(q, 5);
        if (!(*out)[*n].created) (*out)[*n].created = xstrdup("");
        (*n)++;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE;
}

/* Observes the past states of the history: backwards from current through the edits done, then
 * forwards through those undone; each state after an edit made at or after earliest. */
static void replay(DecisionBook *b, const Scenario *current, const Catalog *c, PastEdit *past,
                   size_t n, const char *earliest, size_t *budget)
{
    size_t n_done = 0;
    while (n_done < n && !past[n_done].undone)
        n_done++;
    Scenario *s = scenario_clone(current);
    for (size_t k = n_done; k-- > 0 && *budget > 0;) {
        if (strcmp(past[k].created, earliest) < 0) break;
        observe(b, s, c, past[k].created); /* s is the state after edit k */
        (*budget)--;
        char *err = NULL;
        edit_invert(past[k].edit);
        bool ok = edit_apply(s, past[k].edit, &err);
        edit_invert(past[k].edit);
        free(err);
        if (!ok) break; /* the copy drifted from the history: stop */
    }
    scenario_free(s);
    s = scenario_clone(current);
    for (size_t k = n_done; k<n && * budget> 0; k++) {
        char *err = NULL;
        bool ok = edit_apply(s, past[k].edit, &err);
        free(err);
        if (!ok) break;
        if (strcmp(past[k].created, earliest) >= 0) {
            observe(b, s, c, past[k].created);
            (*budget)--;
        }
    }
    scenario_free(s);
}

bool decisions_track(Store *st, const char *scenario, const Scenario *current, const Catalog *c,
                     DecisionBook *b, char **err)
{
    const char *earliest = NULL;
    for (size_t j = 0; j < b->n_current; j++) {
        const char *t = b->list.items[b->by_subject[j]].created;
        if (t && (!earliest || strcmp(t, earliest) < 0)) earliest = t;
    }
    if (!earliest) return true;
    char *q = quoted(scenario);
    char *what = xasprintf("cannot read the history of scenario %s", q);
    free(q);
    bool found = false;
    sqlite3_int64 sid = 0;
    PastEdit *past = NULL;
    size_t n = 0, budget = DECISIONS_REPLAY_MAX;
    bool ok = scenario_row(st, scenario, &found, &sid);
    if (ok && found) ok = read_history(st, sid, &past, &n);
    if (ok && found) replay(b, current, c, past, n, earliest, &budget);
    for (size_t i = 0; i < n; i++) {
        edit_free(past[i].edit);
        free(past[i].created);
    }
    free(past);
    /* the scenarios the minutes recorded, latest first */
    MinutesSnapshot *snaps = NULL;
    size_t n_snaps = 0;
    if (ok && found && budget > 0) {
        char *merr = NULL;
        if (minutes_history(st, scenario, earliest, &snaps, &n_snaps, &merr)) {
            for (size_t i = n_snaps; i-- > 0 && budget > 0;) {
                char *perr = NULL;
                Scenario *s = scenario_parse(snaps[i].scenario_json, strlen(snaps[i].scenario_json),
                                             "minutes", &perr);
                free(perr);
                if (!s) continue;
                observe(b, s, c, snaps[i].created);
                budget--;
                scenario_free(s);
            }
            minutes_snapshots_free(snaps, n_snaps);
        } else {
            free(merr);
            ok = false;
        }
    }
    if (!ok) *err = db_message(st, what);
    free(what);
    return ok;
}

/* Matches b to the analysis: the subjects of a, f and p, today. */
static void match(DecisionBook *b, const Scenario *s, const Analysis *a, const Findings *f,
                  const FixPlan *p, const char *today)
{
    SubjectSet *set = subjects_compute(a, f, p);
    decision_book_match(b, set, s, today);
    subjects_free(set);
}

DecisionBook *decisions_book(Store *st, const char *scenario, const Scenario *s, const Catalog *c,
                             const Analysis *a, const Findings *f, const FixPlan *p,
                             const char *today, char **err)
{
    DecisionList list = {0};
    if (!decisions_load(st, scenario, &list, err)) {
        decision_list_done(&list);
        return NULL;
    }
    DecisionBook *b = decision_book_new(&list);
    if (!decisions_track(st, scenario, s, c, b, err)) {
        decision_book_free(b);
        return NULL;
    }
    match(b, s, a, f, p, today);
    return b;
}

DecisionBook *decisions_book_of(DecisionList *list, const Scenario *s, const Analysis *a,
                                const Findings *f, const FixPlan *p, const char *today)
{
    DecisionBook *b = decision_book_new(list);
    match(b, s, a, f, p, today);
    return b;
}

/* ---- Files ---- */

Scenario *decisions_import_file(const char *path, const ImportOptions *opt, InputKind *kind,
                                StrList *notes, DecisionList *decisions, char **err)
{
    InputKind k = INPUT_SCENARIO;
    /* a scenario file's decisions, read with it (not those of standard input) */
    ImportOptions with = opt ? *opt : (ImportOptions){0};
    DecisionList read = {0};
    with.decisions = decisions && strcmp(path, "-") != 0 ? &read : NULL;
    Scenario *s = import_file(path, &with, &k, notes, err);
    if (s && kind) *kind = k;
    for (size_t i = 0; s && decisions && i < read.n; i++)
        decision_list_add_copy(decisions, &read.items[i]);
    decision_list_done(&read);
    return s;
}
