/* Learners' progress in the workspace's learner_lesson and learner_answer tables (the schema
 * is data/store.c's). Prepared statements only; each write in its own transaction. */
#include "progress.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"
#include "utf8.h"
#include "xalloc.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* The owned message for the last failure on db while doing what. */
static char *db_error(Store *st, const char *what)
{
    sqlite3 *db = store_db(st);
    char *shown = utf8_sanitize(store_path(st));
    int rc = sqlite3_errcode(db) & 0xff;
    char *msg = rc == SQLITE_BUSY || rc == SQLITE_LOCKED
                    ? xasprintf("workspace %s is busy (another breakout is writing to it)", shown)
                    : xasprintf("%s: %s: %s", shown, what, sqlite3_errmsg(db));
    free(shown);
    return msg;
}

static bool exec(Store *st, const char *sql)
{
    return sqlite3_exec(store_db(st), sql, NULL, NULL, NULL) == SQLITE_OK;
}

static void rollback(Store *st)
{
    if (!sqlite3_get_autocommit(store_db(st))) exec(st, "ROLLBACK");
}

/* Prepares sql; NULL with *err set on failure. */
static sqlite3_stmt *prepare(Store *st, const char *sql, const char *what, char **err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
        *err = db_error(st, what);
        sqlite3_finalize(s);
        return NULL;
    }
    return s;
}

/* Runs one statement that returns no rows; false with *err set. */
static bool run(Store *st, sqlite3_stmt *s, const char *what, char **err)
{
    int rc = sqlite3_step(s);
    bool ok = rc == SQLITE_DONE;
    if (!ok) *err = db_error(st, what);
    sqlite3_finalize(s);
    return ok;
}

bool progress_get(Store *st, const char *learner, const char *lesson, size_t *step, bool *finished,
                  char **err)
{
    const char *what = "cannot read progress";
    sqlite3_stmt *s =
        prepare(st, "SELECT step, finished FROM learner_lesson WHERE learner = ?1 AND lesson = ?2",
                what, err);
    if (!s) return false;
    sqlite3_bind_text(s, 1, learner, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, lesson, -1, SQLITE_STATIC);
    *step = 0;
    *finished = false;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        sqlite3_int64 v = sqlite3_column_int64(s, 0);
        *step = v > 0 ? (size_t)v : 0;
        *finished = sqlite3_column_int(s, 1) != 0;
    } else if (rc != SQLITE_DONE) {
        *err = db_error(st, what);
        sqlite3_finalize(s);
        return false;
    }
    sqlite3_finalize(s);
    return true;
}

/* Upserts the learner's place (inside the caller's transaction). */
static bool put_place(Store *st, const char *learner, const char *lesson, size_t step,
                      bool finished, const char *what, char **err)
{
    sqlite3_stmt *s =
        prepare(st,
                "INSERT INTO learner_lesson (learner, lesson, step, finished, updated)"
                " VALUES (?1, ?2, ?3, ?4, " NOW ")"
                " ON CONFLICT (learner, lesson) DO UPDATE SET step = excluded.step,"
                " finished = excluded.finished, updated = excluded.updated",
                what, err);
    if (!s) return false;
    sqlite3_bind_text(s, 1, learner, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, lesson, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)step);
    sqlite3_bind_int(s, 4, finished);
    return run(st, s, what, err);
}

bool progress_record(Store *st, const char *learner, const char *lesson, size_t step,
                     const char *answer, bool right, size_t next, bool finished, char **err)
{
    const char *what = "cannot save progress";
    if (!exec(st, "BEGIN IMMEDIATE")) {
        *err = db_error(st, what);
        return false;
    }
    bool ok = true;
    if (answer) {
        sqlite3_stmt *s = prepare(st,
                                  "INSERT INTO learner_answer (learner, lesson, step, answer, "
                                  "correct, created) VALUES (?1, ?2, ?3, ?4, ?5, " NOW ")",
                                  what, err);
        ok = s != NULL;
        if (ok) {
            sqlite3_bind_text(s, 1, learner, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, lesson, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 3, (sqlite3_int64)step);
            sqlite3_bind_text(s, 4, answer, -1, SQLITE_STATIC);
            sqlite3_bind_int(s, 5, right);
            ok = run(st, s, what, err);
        }
    }
    ok = ok && put_place(st, learner, lesson, next, finished, what, err);
    if (ok && !exec(st, "COMMIT")) {
        *err = db_error(st, what);
        ok = false;
    }
    if (!ok) rollback(st);
    return ok;
}

bool progress_set(Store *st, const char *learner, const char *lesson, size_t step, char **err)
{
    const char *what = "cannot save progress";
    if (!exec(st, "BEGIN IMMEDIATE")) {
        *err = db_error(st, what);
        return false;
    }
    bool ok = put_place(st, learner, lesson, step, false, what, err);
    if (ok && !exec(st, "COMMIT")) {
        *err = db_error(st, what);
        ok = false;
    }
    if (!ok) rollback(st);
    return ok;
}

bool progress_list(Store *st, const char *learner, ProgressEntry **out, size_t *n, char **err)
{
    const char *what = "cannot read progress";
    *out = NULL;
    *n = 0;
    /* answered: steps with an answer; right: those whose latest answer (highest id) is right */
    sqlite3_stmt *s =
        prepare(st,
                "SELECT l.learner, l.lesson, l.step, l.finished, l.updated,"
                " (SELECT count(DISTINCT a.step) FROM learner_answer a"
                "   WHERE a.learner = l.learner AND a.lesson = l.lesson),"
                " (SELECT count(*) FROM learner_answer a"
                "   WHERE a.learner = l.learner AND a.lesson = l.lesson AND a.correct = 1"
                "   AND a.id = (SELECT max(b.id) FROM learner_answer b WHERE b.learner = a.learner"
                "               AND b.lesson = a.lesson AND b.step = a.step))"
                " FROM learner_lesson l WHERE ?1 IS NULL OR l.learner = ?1"
                " ORDER BY l.learner, l.lesson",
                what, err);
    if (!s) return false;
    if (learner)
        sqlite3_bind_text(s, 1, learner, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 1);
    if (!exec(st, "BEGIN")) {
        *err = db_error(st, what);
        sqlite3_finalize(s);
        return false;
    }
    ProgressEntry *list = NULL;
    size_t count = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        xgrow((void **)&list, &cap, count + 1, sizeof *list);
        ProgressEntry *e = &list[count++];
        e->learner = xstrdup((const char *)sqlite3_column_text(s, 0));
        e->lesson = xstrdup((const char *)sqlite3_column_text(s, 1));
        sqlite3_int64 step = sqlite3_column_int64(s, 2);
        e->step = step > 0 ? (size_t)step : 0;
        e->finished = sqlite3_column_int(s, 3) != 0;
        e->updated = xstrdup((const char *)sqlite3_column_text(s, 4));
        e->answered = (size_t)sqlite3_column_int64(s, 5);
        e->right = (size_t)sqlite3_column_int64(s, 6);
    }
    bool ok = rc == SQLITE_DONE;
    if (!ok) *err = db_error(st, what);
    sqlite3_finalize(s);
    rollback(st); /* the read transaction: nothing to commit */
    if (!ok) {
        progress_entries_free(list, count);
        return false;
    }
    *out = list;
    *n = count;
    return true;
}

void progress_entries_free(ProgressEntry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(entries[i].learner);
        free(entries[i].lesson);
        free(entries[i].updated);
    }
    free(entries);
}
