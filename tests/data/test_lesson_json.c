/* Tests for data/lesson_json: every bundled lesson loads, each of its questions gets an
 * engine-computed answer with a right and a wrong choice and a misconception for every wrong
 * one, each lesson can be played to its end, the lessons cite every section of the source;
 * malformed lesson files get one-line errors naming the place; a user's directory adds and
 * overrides lessons. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog_json.h"
#include "embedded.h"
#include "fileio.h"
#include "lesson_json.h"
#include "xalloc.h"

static Catalog *cat;
static char *dir;

static void setup(void)
{
    cat = catalog_load_builtin();
    char tmpl[] = "/tmp/breakout-lessons-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
    dir = xstrdup(tmpl);
}

static void teardown(void)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    free(dir);
    catalog_free(cat);
}

TestSuite(lesson_json, .init = setup, .fini = teardown);

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

/* ---- the bundled lessons ---- */

static LessonList load_bundled(void)
{
    LessonList list;
    char *err = NULL;
    cr_assert(lessons_load_all(NULL, cat, &list, &err), "a bundled lesson does not load: %s", err);
    return list;
}

Test(lesson_json, every_bundled_lesson_loads_and_they_are_the_expected_ten)
{
    size_t files = 0;
    for (const EmbeddedFile *f = embedded_lessons; f->path; f++)
        files++;
    LessonList list = load_bundled();
    cr_assert_eq(list.n, files, "one lesson per file of scenarios/lessons");
    static const char *const names[] = {
        "shared-kernel",         "admin-escape",       "non-admin-escape", "hyperv-boundary",
        "hostile-multi-tenancy", "containeruser-ssh",  "hardening",        "hyperv-writable-mount",
        "hostprocess",           "kubernetes-manifest"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        cr_assert_not_null(lesson_list_find(&list, names[i]), "no lesson %s", names[i]);
    cr_assert_str_eq(list.items[0]->name, "shared-kernel", "the first lesson a newcomer meets");
    for (size_t i = 1; i < list.n; i++)
        cr_assert_leq(list.items[i - 1]->order, list.items[i]->order, "listed by order");
    const Lesson *k8s = lesson_list_find(&list, "kubernetes-manifest");
    cr_assert_not_null(scenario_workload(k8s->scenario, "team-a/web"),
                       "the manifest lesson's scenario is the imported manifest");
    cr_assert(strstr(k8s->origin, "Kubernetes manifest"));
    lesson_list_done(&list);
}

/* Plays every bundled lesson from start to end, answering each question from the engine's
 * own answer and reaching each goal through its menu. */
Test(lesson_json, every_question_has_an_engine_answer_a_wrong_choice_and_a_misconception)
{
    LessonList list = load_bundled();
    for (size_t li = 0; li < list.n; li++) {
        const Lesson *l = list.items[li];
        cr_assert(l->title && l->summary && l->n_steps > 0, "%s", l->name);
        LessonRun *r = lesson_run_new(l, cat);
        size_t questions = 0;
        while (r->step < l->n_steps) {
            const LessonStep *st = &l->steps[r->step];
            cr_assert(st->text && *st->text, "%s step %zu has no text", l->name, r->step);
            if (st->kind == STEP_BOUNDARY || st->kind == STEP_REACH || st->kind == STEP_FIX ||
                st->kind == STEP_SERVICING) {
                LessonAnswer a;
                LessonProblem p = {0};
                cr_assert(lesson_evaluate(st, r->scenario, cat, &a, &p),
                          "%s step %zu: the engine cannot answer: %s", l->name, r->step, p.message);
                size_t right = 0;
                for (size_t i = 0; i < a.n_choices; i++) {
                    if (a.choices[i].correct) {
                        right++;
                        continue;
                    }
                    cr_assert_not_null(lesson_misconception(st, a.choices[i].key),
                                       "%s step %zu: no misconception for the wrong answer %c (%s)",
                                       l->name, r->step, lesson_answer_key(&a, i),
                                       a.choices[i].key);
                }
                cr_assert_geq(right, 1, "%s step %zu: no right answer", l->name, r->step);
                cr_assert_lt(right, a.n_choices, "%s step %zu: no wrong answer", l->name, r->step);
                cr_assert(a.verdict && a.detail.n > 0, "%s step %zu: an empty reveal", l->name,
                          r->step);
                lesson_answer_done(&a);
                questions++;
            } else if (st->kind == STEP_GOAL) {
                /* greedy by the engine's distance, at most a few moves */
                Scenario *s = scenario_clone(r->scenario);
                for (int move = 0; move < 6 && lesson_goal_distance(st, s, cat, NULL) > 0; move++) {
                    size_t n, best = 0, best_d = (size_t)-1;
                    LessonEdit *moves = lesson_goal_moves(st, s, &n);
                    cr_assert_gt(n, 0, "%s step %zu: an empty menu", l->name, r->step);
                    for (size_t i = 0; i < n; i++) {
                        Scenario *t = scenario_clone(s);
                        char *err = NULL;
                        if (lesson_edit_apply(t, &moves[i], &err)) {
                            size_t d = lesson_goal_distance(st, t, cat, NULL);
                            if (d < best_d) {
                                best_d = d;
                                best = i;
                            }
                        }
                        free(err);
                        scenario_free(t);
                    }
                    char *err = NULL;
                    cr_assert(lesson_edit_apply(s, &moves[best], &err), "%s", err);
                    for (size_t i = 0; i < n; i++)
                        lesson_edit_done(&moves[i]);
                    free(moves);
                }
                cr_assert_eq(lesson_goal_distance(st, s, cat, NULL), 0,
                             "%s step %zu: the goal is not reached by its menu", l->name, r->step);
                scenario_free(s);
                questions++;
            }
            char *err = NULL;
            cr_assert(lesson_run_next(r, &err), "%s step %zu: %s", l->name, r->step, err);
        }
        cr_assert_geq(questions, 3, "%s: a lesson asks at least three questions", l->name);
        lesson_run_free(r);
    }
    lesson_list_done(&list);
}

/* The sections (## headings) of the source; every one is cited by some lesson. */
Test(lesson_json, the_lessons_cite_every_section_of_the_source)
{
    char *path = xasprintf("%s/reference/secure-windows-containers.md", SHARED_DIR);
    char *text;
    size_t len;
    char *err = NULL;
    if (!file_read_all(path, 1 << 20, &text, &len, &err)) {
        free(path);
        cr_skip_test("the source is not there: %s", err);
    }
    free(path);
    LessonList list = load_bundled();
    char *cited = xstrdup("");
    for (size_t i = 0; i < list.n; i++) {
        const Lesson *l = list.items[i];
        char *next = xasprintf("%s\n%s", cited, l->source ? l->source : "");
        free(cited);
        cited = next;
        for (size_t k = 0; k < l->n_steps; k++) {
            next = xasprintf("%s\n%s", cited, l->steps[k].source ? l->steps[k].source : "");
            free(cited);
            cited = next;
        }
    }
    size_t sections = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "## ", 3) != 0) continue;
        char *quoted = xasprintf("\"%s\"", line + 3);
        cr_assert_not_null(strstr(cited, quoted), "no lesson cites the section %s", quoted);
        free(quoted);
        sections++;
    }
    cr_assert_geq(sections, 5);
    cr_assert_not_null(strstr(cited, "(introduction)"), "no lesson cites the opening section");
    free(cited);
    free(text);
    lesson_list_done(&list);
}

/* ---- malformed lessons ---- */

/* Parses text as the file "bad.json"; the error must be exactly want. */
static void expect_error(const char *text, const char *want)
{
    char *err = NULL;
    Lesson *l = lesson_parse(text, strlen(text), "bad.json", "bad", cat, &err);
    cr_assert_null(l, "accepted a malformed lesson; expected: %s", want);
    cr_assert_not_null(err);
    cr_assert_null(strchr(err, '\n'), "the error is one line: %s", err);
    cr_assert_str_eq(err, want);
    free(err);
}

#define HEAD "{\"breakout_lesson\": 1, \"title\": \"T\", \"summary\": \"S\",\n"

Test(lesson_json, a_step_of_an_unknown_kind)
{
    expect_error(
        HEAD " \"scenario\": \"shared-node-admin\",\n"
             " \"steps\": [{\"kind\": \"quiz\", \"text\": \"?\"}]}",
        "bad.json:3:21: steps[0].kind: expected \"note\", \"boundary\", \"reach\", \"fix\", "
        "\"servicing\", \"change\" or \"goal\", got \"quiz\"");
}

Test(lesson_json, a_question_about_a_workload_that_does_not_exist)
{
    expect_error(
        HEAD " \"scenario\": \"shared-node-admin\",\n"
             " \"steps\": [\n"
             "  {\"kind\": \"note\", \"text\": \"hello\"},\n"
             "  {\"kind\": \"boundary\", \"text\": \"?\", \"workload\": \"ghost\"}]}",
        "bad.json:5:49: steps[1].workload: no workload \"ghost\" in the lesson's scenario");
}

Test(lesson_json, a_key_that_does_not_belong_to_the_step_kind)
{
    expect_error(
        HEAD " \"scenario\": \"shared-node-admin\",\n"
             " \"steps\": [{\"kind\": \"boundary\", \"text\": \"?\", \"workload\": "
             "\"guest-app\", \"to\": \"host:node-1\"}]}",
        "bad.json:3:71: steps[0].to: unknown key for a boundary step, expected \"kind\", "
        "\"text\", \"explain\", \"source\", \"workload\", \"boundary\" or \"misconception\"");
}

Test(lesson_json, a_missing_required_key)
{
    expect_error(HEAD " \"scenario\": \"shared-node-admin\",\n"
                      " \"steps\": [{\"kind\": \"reach\", \"text\": \"?\", \"from\": \"guest\"}]}",
                 "bad.json:3:12: steps[0]: missing required key \"to\" for a reach step");
    expect_error("{\"breakout_lesson\": 1, \"title\": \"T\", \"summary\": \"S\", \"steps\": "
                 "[{\"kind\": \"note\", \"text\": \"x\"}]}",
                 "bad.json:1:1: missing required key \"scenario\" (or \"manifest\")");
}

Test(lesson_json, an_unknown_bundled_scenario)
{
    expect_error(HEAD " \"scenario\": \"no-such-scenario\",\n"
                      " \"steps\": [{\"kind\": \"note\", \"text\": \"x\"}]}",
                 "bad.json:2:14: scenario: no bundled scenario named \"no-such-scenario\" (see "
                 "breakout list)");
}

Test(lesson_json, an_inline_scenario_error_points_into_the_lesson)
{
    expect_error(
        HEAD " \"scenario\": {\"breakout\": 1, \"name\": \"x\", \"tenants\": [],\n"
             "   \"hosts\": [{\"id\": \"h\", \"os\": \"windows\"}],\n"
             "   \"workloads\": [{\"id\": \"w\", \"tenant\": \"t\", \"host\": \"h\",\n"
             "      \"isolation\": \"vm\", \"account\": \"admin\"}]},\n"
             " \"steps\": [{\"kind\": \"note\", \"text\": \"x\"}]}",
        "bad.json:5:20: scenario.workloads[0].isolation: expected \"process\", \"hyperv\", "
        "\"sandbox\" or \"host\", got \"vm\"");
    expect_error(HEAD " \"scenario\": {\"breakout\": 1, \"name\": \"x\", \"tenants\": [],\n"
                      "   \"hosts\": [],\n"
                      "   \"workloads\": [{\"id\": \"w\", \"tenant\": \"t\", \"host\": \"h\",\n"
                      "      \"isolation\": \"process\", \"account\": \"admin\"}]},\n"
                      " \"steps\": [{\"kind\": \"note\", \"text\": \"x\"}]}",
                 "bad.json:4:40: scenario.workloads[0].tenant: no tenant with id \"t\"");
}

Test(lesson_json, scenario_and_manifest_together)
{
    expect_error(HEAD " \"scenario\": \"shared-node-admin\", \"manifest\": \"kind: Pod\",\n"
                      " \"steps\": [{\"kind\": \"note\", \"text\": \"x\"}]}",
                 "bad.json:2:35: manifest: a lesson has one of \"scenario\" or \"manifest\", not "
                 "both");
}

Test(lesson_json, a_manifest_that_does_not_import)
{
    expect_error(HEAD " \"manifest\": [\"apiVersion: v1\", \"kind: Pod\", \"metadata: [\"],\n"
                      " \"steps\": [{\"kind\": \"note\", \"text\": \"x\"}]}",
                 "bad.json:2:14: manifest: manifest:4:1: did not find expected node content (while "
                 "parsing a flow node at 4:1)");
}

Test(lesson_json, a_misconception_no_wrong_answer_can_have)
{
    expect_error(HEAD " \"scenario\": \"shared-node-admin\",\n"
                      " \"steps\": [{\"kind\": \"boundary\", \"text\": \"?\", \"workload\": "
                      "\"guest-app\",\n"
                      "   \"misconception\": {\"maybe\": \"?\"}}]}",
                 "bad.json:4:22: steps[0].misconception.maybe: not a possible wrong answer of a "
                 "boundary step, expected \"yes\", \"no\" or \"*\"");
}

Test(lesson_json, a_goal_the_menu_cannot_reach)
{
    expect_error(HEAD " \"scenario\": \"shared-node-admin\",\n"
                      " \"steps\": [{\"kind\": \"goal\", \"text\": \"?\", \"goal\": \"all-hold\",\n"
                      "   \"forbid\": [\"isolation\"]}]}",
                 "bad.json:3:50: steps[0].goal: the goal cannot be reached in 3 moves of its menu");
}

Test(lesson_json, a_fix_question_no_single_change_answers)
{
    expect_error(HEAD " \"scenario\": \"hardening-not-a-boundary\",\n"
                      " \"steps\": [{\"kind\": \"fix\", \"text\": \"?\"}]}",
                 "bad.json:3:12: steps[0]: no single change closes every path here (the fix plan "
                 "needs more): ask for a goal instead");
}

Test(lesson_json, edits_that_name_no_change_or_the_wrong_entity)
{
    expect_error(HEAD
                 " \"scenario\": \"shared-node-admin\",\n"
                 " \"steps\": [{\"kind\": \"change\", \"text\": \"?\", \"edit\": {\"workload\": "
                 "\"guest-app\", \"ssh\": false}}]}",
                 "bad.json:3:78: steps[0].edit.ssh: does not apply to a workload, expected "
                 "\"isolation\", \"account\", \"privileged\", \"compromised\", \"hardening\", "
                 "\"mount\", \"read_only\", \"remove\" or \"add_mount\"");
    expect_error(HEAD
                 " \"scenario\": \"shared-node-admin\",\n"
                 " \"steps\": [{\"kind\": \"change\", \"text\": \"?\", \"edit\": {\"isolation\": "
                 "\"hyperv\"}}]}",
                 "bad.json:3:52: steps[0].edit: expected exactly one of \"workload\", \"host\", "
                 "\"tenant\" or \"assume\"");
    expect_error(HEAD
                 " \"scenario\": \"shared-node-admin\",\n"
                 " \"steps\": [{\"kind\": \"change\", \"text\": \"?\", \"edit\": {\"workload\": "
                 "\"guest-app\", \"isolation\": \"process\"}}]}",
                 "bad.json:3:52: steps[0].edit: nothing changed");
}

Test(lesson_json, syntax_and_version_errors)
{
    expect_error(HEAD " \"title\": \"again\", \"scenario\": \"x\", \"steps\": []}",
                 "bad.json:2:2: duplicate key \"title\"");
    expect_error("{\"breakout_lesson\": 2}",
                 "bad.json:1:21: breakout_lesson: unsupported lesson format version 2, expected 1");
    expect_error("[]", "bad.json:1:1: expected a JSON object (a breakout lesson), got an array");
}

/* ---- a user's lessons ---- */

static const char user_lesson[] =
    "{\"breakout_lesson\": 1, \"title\": \"My own lesson\", \"summary\": \"mine\", \"order\": 5,\n"
    " \"scenario\": \"hyperv-tenants\",\n"
    " \"steps\": [{\"kind\": \"boundary\", \"text\": \"holds?\", \"workload\": \"guest-app\"}]}\n";

Test(lesson_json, a_directory_adds_and_overrides_lessons)
{
    char *p1 = xasprintf("%s/mine.json", dir), *p2 = xasprintf("%s/shared-kernel.json", dir);
    char *p3 = xasprintf("%s/notes.txt", dir);
    write_file(p1, user_lesson);
    write_file(p2, user_lesson);
    write_file(p3, "not a lesson");
    LessonList list;
    char *err = NULL;
    cr_assert(lessons_load_all(dir, cat, &list, &err), "%s", err);
    LessonList bundled = load_bundled();
    cr_assert_eq(list.n, bundled.n + 1, "one added; one replaced; the .txt file ignored");
    const Lesson *mine = lesson_list_find(&list, "mine");
    cr_assert_not_null(mine);
    cr_assert_str_eq(mine->title, "My own lesson");
    cr_assert_str_eq(lesson_list_find(&list, "shared-kernel")->title, "My own lesson",
                     "a user's lesson replaces the bundled one of the same name");
    cr_assert_str_eq(list.items[0]->name, "mine", "order 5 comes first");
    lesson_list_done(&bundled);
    lesson_list_done(&list);
    free(p1);
    free(p2);
    free(p3);
}

Test(lesson_json, a_broken_file_in_the_directory_is_one_line_naming_it)
{
    char *p = xasprintf("%s/broken.json", dir);
    write_file(p, "{\"breakout_lesson\": 1, \"title\": \"\"}");
    LessonList list;
    char *err = NULL;
    cr_assert(!lessons_load_all(dir, cat, &list, &err));
    char *want = xasprintf("%s:1:33: title: expected a non-empty title, got \"\"", p);
    cr_assert_str_eq(err, want);
    cr_assert_eq(list.n, 0);
    free(want);
    free(err);
    free(p);
    char *missing = xasprintf("%s/nope", dir);
    cr_assert(!lessons_load_all(missing, cat, &list, &err));
    char *want2 = xasprintf("%s: no such directory (lessons)", missing);
    cr_assert_str_eq(err, want2);
    free(want2);
    free(err);
    free(missing);
}

Test(lesson_json, a_manifest_may_be_one_string)
{
    const char *text = "{\"breakout_lesson\": 1, \"title\": \"K\", \"summary\": \"k\",\n"
                       " \"manifest\": \"apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: p\\n  "
                       "namespace: t\\nspec:\\n  containers:\\n  - name: c\\n    image: i\\n\",\n"
                       " \"steps\": [{\"kind\": \"reach\", \"text\": \"?\", \"from\": \"t/p\", "
                       "\"to\": \"host:unscheduled-linux\"}]}";
    char *err = NULL;
    Lesson *l = lesson_parse(text, strlen(text), "k.json", "k", cat, &err);
    cr_assert_not_null(l, "%s", err);
    Workload *w = scenario_workload(l->scenario, "t/p");
    cr_assert_not_null(w);
    cr_assert_eq(w->account, ACCOUNT_ADMIN, "runAsUser unset: assumed root");
    lesson_free(l);
}
