/* Tests for data/progress: learners' places and answers in a workspace in a temporary
 * directory; what a restart (a new Store on the same file) sees. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "xalloc.h"

static char *dir;
static char *db;

static void setup(void)
{
    char tmpl[] = "/tmp/breakout-progress-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
    dir = xstrdup(tmpl);
    db = xasprintf("%s/ws.db", dir);
}

static void teardown(void)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    free(db);
    free(dir);
}

TestSuite(progress, .init = setup, .fini = teardown);

static Store *open_ws(void)
{
    char *err = NULL;
    Store *st = store_open(db, true, &err);
    cr_assert_not_null(st, "%s", err);
    return st;
}

static void record(Store *st, const char *learner, const char *lesson, size_t step,
                   const char *answer, bool right, size_t next, bool finished)
{
    char *err = NULL;
    cr_assert(progress_record(st, learner, lesson, step, answer, right, next, finished, &err), "%s",
              err);
}

Test(progress, a_learner_who_never_started_is_at_step_zero)
{
    Store *st = open_ws();
    size_t step = 99;
    bool finished = true;
    char *err = NULL;
    cr_assert(progress_get(st, "alice", "shared-kernel", &step, &finished, &err), "%s", err);
    cr_assert_eq(step, 0);
    cr_assert(!finished);
    ProgressEntry *e;
    size_t n;
    cr_assert(progress_list(st, NULL, &e, &n, &err), "%s", err);
    cr_assert_eq(n, 0);
    cr_assert_null(e);
    store_close(st);
}

Test(progress, places_and_answers_survive_a_restart)
{
    Store *st = open_ws();
    record(st, "alice", "shared-kernel", 0, "yes", false, 1, false);
    record(st, "alice", "shared-kernel", 1, "no", true, 2, false);
    record(st, "alice", "shared-kernel", 2, NULL, true, 3, false); /* a note: no answer */
    store_close(st);

    st = open_ws();
    size_t step;
    bool finished;
    char *err = NULL;
    cr_assert(progress_get(st, "alice", "shared-kernel", &step, &finished, &err), "%s", err);
    cr_assert_eq(step, 3);
    cr_assert(!finished);
    ProgressEntry *e;
    size_t n;
    cr_assert(progress_list(st, "alice", &e, &n, &err), "%s", err);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(e[0].lesson, "shared-kernel");
    cr_assert_eq(e[0].answered, 2, "two answers; the note has none");
    cr_assert_eq(e[0].right, 1);
    cr_assert_eq(strlen(e[0].updated), 20, "UTC, YYYY-MM-DDTHH:MM:SSZ: %s", e[0].updated);
    progress_entries_free(e, n);
    store_close(st);
}

Test(progress, the_latest_answer_to_a_step_counts)
{
    Store *st = open_ws();
    record(st, "bob", "admin-escape", 0, "yes", false, 1, false);
    char *err = NULL;
    cr_assert(progress_set(st, "bob", "admin-escape", 0, &err), "%s", err); /* a restart */
    size_t step;
    bool finished;
    cr_assert(progress_get(st, "bob", "admin-escape", &step, &finished, &err));
    cr_assert_eq(step, 0);
    record(st, "bob", "admin-escape", 0, "no", true, 1, false);
    record(st, "bob", "admin-escape", 1, "a", true, 2, true);
    ProgressEntry *e;
    size_t n;
    cr_assert(progress_list(st, "bob", &e, &n, &err), "%s", err);
    cr_assert_eq(n, 1);
    cr_assert(e[0].finished);
    cr_assert_eq(e[0].step, 2);
    cr_assert_eq(e[0].answered, 2);
    cr_assert_eq(e[0].right, 2, "the first, wrong answer to step 0 was replaced by a right one");
    progress_entries_free(e, n);
    store_close(st);
}

Test(progress, everyone_sorted_by_learner_then_lesson)
{
    Store *st = open_ws();
    record(st, "zoe", "hostprocess", 0, "y", true, 1, false);
    record(st, "alice", "shared-kernel", 0, "y", true, 1, false);
    record(st, "alice", "admin-escape", 0, "n", false, 1, false);
    record(st, "Zed \xe2\x80\x94 \"quoted\"", "hardening", 0, "y", true, 1, false);
    ProgressEntry *e;
    size_t n;
    char *err = NULL;
    cr_assert(progress_list(st, NULL, &e, &n, &err), "%s", err);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(e[0].learner, "Zed \xe2\x80\x94 \"quoted\"", "names are kept as given");
    cr_assert_str_eq(e[1].learner, "alice");
    cr_assert_str_eq(e[1].lesson, "admin-escape");
    cr_assert_str_eq(e[2].lesson, "shared-kernel");
    cr_assert_str_eq(e[3].learner, "zoe");
    progress_entries_free(e, n);
    cr_assert(progress_list(st, "alice", &e, &n, &err), "%s", err);
    cr_assert_eq(n, 2, "one learner's places only");
    progress_entries_free(e, n);
    store_close(st);
}

Test(progress, a_read_only_workspace_reports_one_line)
{
    Store *st = open_ws();
    store_close(st);
    char *cmd = xasprintf("chmod 0444 '%s' && chmod 0555 '%s'", db, dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    char *err = NULL;
    st = store_open(db, false, &err);
    if (!st) {
        free(err);
        cr_skip_test("the workspace cannot be opened read-only here");
    }
    bool ok = progress_record(st, "alice", "shared-kernel", 0, "y", true, 1, false, &err);
    store_close(st);
    cmd = xasprintf("chmod 0755 '%s' && chmod 0644 '%s'", dir, db);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    if (ok) cr_skip_test("running as root: the file is writable anyway");
    cr_assert_not_null(err);
    cr_assert_null(strchr(err, '\n'), "one line: %s", err);
    cr_assert(strstr(err, "cannot save progress") || strstr(err, "is busy"), "%s", err);
    free(err);
}
