/* Tests for model/lesson: the engine's answers to lesson questions (boundary, reach, fix,
 * servicing), lesson edits, goals and their menus, replaying a lesson, and lesson_check
 * refusing what the engine cannot answer. Scenarios are the bundled ones. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_json.h"
#include "lesson.h"
#include "lesson_json.h"
#include "xalloc.h"

static Catalog *cat;

static void setup(void)
{
    cat = catalog_load_builtin();
}

static void teardown(void)
{
    catalog_free(cat);
}

TestSuite(lesson, .init = setup, .fini = teardown);

static Scenario *bundled(const char *name)
{
    Scenario *s = lesson_bundled_scenario(name);
    cr_assert_not_null(s, "no bundled scenario %s", name);
    return s;
}

/* A lesson on the bundled scenario name, without steps. */
static Lesson *lesson_on(const char *name)
{
    Lesson *l = lesson_new("test");
    l->title = xstrdup("Test");
    l->summary = xstrdup("test");
    l->scenario = bundled(name);
    return l;
}

static LessonStep *add(Lesson *l, StepKind k, const char *text)
{
    LessonStep *st = lesson_add_step(l, k);
    st->text = xstrdup(text);
    return st;
}

static void set_edit(LessonEdit *e, LessonEditKind k, const char *target)
{
    memset(e, 0, sizeof *e);
    e->kind = k;
    e->target = xstrdup(target);
}

static bool detail_has(const LessonAnswer *a, const char *text)
{
    for (size_t i = 0; i < a->detail.n; i++)
        if (strstr(a->detail.items[i], text)) return true;
    return false;
}

static bool teaches(const LessonAnswer *a, const char *technique)
{
    for (size_t i = 0; i < a->n_techniques; i++)
        if (strcmp(cat->techniques[a->techniques[i]].id, technique) == 0) return true;
    return false;
}

/* Evaluates step st of l on l's starting scenario; the test fails if the engine cannot. */
static void evaluate(Lesson *l, LessonStep *st, LessonAnswer *a)
{
    LessonProblem p = {0};
    bool ok = lesson_evaluate(st, l->scenario, cat, a, &p);
    cr_assert(ok, "the engine could not answer: %s: %s", p.field, p.message);
}

/* ---- boundary questions ---- */

Test(lesson, boundary_admin_process_fails_and_says_why)
{
    Lesson *l = lesson_on("shared-node-admin");
    LessonStep *st = add(l, STEP_BOUNDARY, "holds?");
    st->workload = xstrdup("guest-app");
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert(a.yes_no);
    cr_assert_eq(a.n_choices, 2);
    cr_assert_eq(lesson_answer_pick(&a, 'n'), 1);
    cr_assert_eq(lesson_answer_pick(&a, 'Y'), 0);
    cr_assert_eq(lesson_answer_pick(&a, 'x'), -1);
    cr_assert(!a.choices[0].correct, "the engine says the boundary fails: 'yes' is wrong");
    cr_assert(a.choices[1].correct);
    cr_assert_str_eq(a.choices[0].key, "yes");
    cr_assert(strstr(a.verdict, "fails") && strstr(a.verdict, "not-a-boundary"), "%s", a.verdict);
    cr_assert(detail_has(&a, "admin-escape: guest-app (admin) -> host node-1 (admin)"));
    cr_assert(teaches(&a, "admin-escape"));
    cr_assert(teaches(&a, "kernel-compromise"));
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, boundary_hyperv_holds_with_the_missing_precondition)
{
    Lesson *l = lesson_on("hyperv-tenants");
    LessonStep *st = add(l, STEP_BOUNDARY, "holds?");
    st->workload = xstrdup("guest-app");
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert(a.choices[0].correct, "Hyper-V isolation holds: 'yes' is right");
    cr_assert(detail_has(&a, "vm-escape: assumption hypervisor_exploit is false"));
    cr_assert(!detail_has(&a, "sandbox-escape"), "techniques of other isolation modes say nothing");
    cr_assert(teaches(&a, "vm-escape"));
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, boundary_host_volume_of_containeruser_holds)
{
    Lesson *l = lesson_on("process-ssh-mount-user");
    LessonStep *st = add(l, STEP_BOUNDARY, "holds?");
    st->workload = xstrdup("guest-app");
    st->boundary = BOUNDARY_HOST_VOLUME;
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert(a.choices[0].correct);
    cr_assert(detail_has(&a, "hostpath-ssh-injection"), "why it holds names the technique");
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, boundary_of_a_missing_workload_is_a_problem)
{
    Lesson *l = lesson_on("shared-node-admin");
    LessonStep *st = add(l, STEP_BOUNDARY, "holds?");
    st->workload = xstrdup("ghost");
    LessonAnswer a;
    LessonProblem p = {0};
    cr_assert(!lesson_evaluate(st, l->scenario, cat, &a, &p));
    cr_assert_str_eq(p.field, "workload");
    cr_assert_str_eq(p.message, "no workload \"ghost\" in the lesson's scenario");
    lesson_problem_done(&p);
    lesson_free(l);
}

/* ---- reach questions ---- */

Test(lesson, reach_tenant_through_the_host_shows_the_path)
{
    Lesson *l = lesson_on("shared-node-user");
    LessonStep *st = add(l, STEP_REACH, "reach?");
    st->from = xstrdup("guest");
    st->to = xstrdup("tenant:contoso");
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert(a.choices[0].correct);
    cr_assert(strstr(a.verdict, "effort 4"), "%s", a.verdict);
    cr_assert_eq(a.detail.n, 2);
    cr_assert(
        strstr(a.detail.items[0], "1. kernel-compromise: guest-app (user) -> host node-1 (admin)"));
    cr_assert(strstr(a.detail.items[1], "2. host-controls-workloads"));
    cr_assert(teaches(&a, "host-controls-workloads"));
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, reach_from_a_workload_to_its_host)
{
    Lesson *l = lesson_on("hyperv-ssh-mount");
    LessonStep *st = add(l, STEP_REACH, "reach?");
    st->from = xstrdup("guest-app");
    st->to = xstrdup("host:node-1");
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert(a.choices[0].correct);
    cr_assert(detail_has(&a, "hostpath-ssh-injection: guest-app (user) -> host node-1 (user)"));
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, reach_blocked_by_placement_says_where_the_attacker_got)
{
    Lesson *l = lesson_on("dedicated-nodes");
    LessonStep *st = add(l, STEP_REACH, "reach?");
    st->from = xstrdup("guest");
    st->to = xstrdup("tenant:contoso");
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert(a.choices[1].correct, "dedicated nodes: guest does not reach contoso");
    cr_assert(detail_has(&a, "guest-app reaches host node-guest, where contoso has no workload."));
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, reach_from_a_trusted_tenant_has_no_start)
{
    Lesson *l = lesson_on("single-tenant-baseline");
    LessonStep *st = add(l, STEP_REACH, "reach?");
    st->from = xstrdup("web");
    st->to = xstrdup("tenant:orders");
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert(a.choices[1].correct);
    cr_assert(detail_has(&a, "web is not a start"));
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, reach_problems_name_the_field)
{
    Lesson *l = lesson_on("shared-node-user");
    LessonStep *st = add(l, STEP_REACH, "reach?");
    st->from = xstrdup("guest");
    st->to = xstrdup("contoso");
    LessonAnswer a;
    LessonProblem p = {0};
    cr_assert(!lesson_evaluate(st, l->scenario, cat, &a, &p));
    cr_assert_str_eq(p.field, "to");
    cr_assert(strstr(p.message, "expected \"host:ID\" or \"tenant:ID\""), "%s", p.message);
    free(st->to);
    st->to = xstrdup("tenant:ghost");
    cr_assert(!lesson_evaluate(st, l->scenario, cat, &a, &p));
    cr_assert_str_eq(p.message, "no tenant \"ghost\" in the lesson's scenario");
    free(st->to);
    st->to = xstrdup("tenant:guest");
    cr_assert(!lesson_evaluate(st, l->scenario, cat, &a, &p));
    cr_assert(strstr(p.message, "does not attack itself"));
    free(st->from);
    st->from = xstrdup("nobody");
    cr_assert(!lesson_evaluate(st, l->scenario, cat, &a, &p));
    cr_assert_str_eq(p.field, "from");
    lesson_problem_done(&p);
    lesson_free(l);
}

/* ---- fix questions ---- */

Test(lesson, fix_choices_come_from_the_fix_plan_and_the_engine_picks_the_right_one)
{
    Lesson *l = lesson_on("shared-node-admin");
    LessonStep *st = add(l, STEP_FIX, "which?");
    LessonEdit *d = lesson_step_add_distractor(st);
    set_edit(d, LEDIT_HARDENING, "guest-app");
    strlist_add(&d->names, "apparmor");
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert(!a.yes_no);
    size_t correct = 0;
    int right = -1, hardening = -1;
    for (size_t i = 0; i < a.n_choices; i++) {
        if (a.choices[i].correct) {
            correct++;
            right = (int)i;
        }
        if (a.choices[i].edit.kind == LEDIT_HARDENING) hardening = (int)i;
    }
    cr_assert_eq(correct, 1, "exactly one single change closes every path here");
    cr_assert_str_eq(a.choices[right].label, "guest-app: isolation process -> hyperv");
    cr_assert_str_eq(a.choices[right].outcome, "closes every path");
    cr_assert_geq(hardening, 0, "the distractor is offered");
    cr_assert(!a.choices[hardening].correct);
    cr_assert_str_eq(a.choices[hardening].key, "hardening");
    cr_assert(strstr(a.choices[hardening].outcome, "leaves 2 paths"), "%s",
              a.choices[hardening].outcome);
    cr_assert_eq(lesson_answer_key(&a, (size_t)right), 'a' + right);
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, fix_with_several_right_answers_accepts_each)
{
    Lesson *l = lesson_on("hyperv-ssh-mount");
    LessonStep *st = add(l, STEP_FIX, "which?");
    LessonAnswer a;
    evaluate(l, st, &a);
    size_t correct = 0;
    for (size_t i = 0; i < a.n_choices; i++)
        correct += a.choices[i].correct;
    cr_assert_eq(correct, 3, "read-only, remove and SSH off each close every path");
    cr_assert(strstr(a.verdict, "Each of a, b and c"), "%s", a.verdict);
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, fix_that_needs_two_changes_is_a_problem)
{
    Lesson *l = lesson_on("hardening-not-a-boundary");
    LessonStep *st = add(l, STEP_FIX, "which?");
    LessonAnswer a;
    LessonProblem p = {0};
    cr_assert(!lesson_evaluate(st, l->scenario, cat, &a, &p));
    cr_assert(strstr(p.message, "no single change closes every path"), "%s", p.message);
    lesson_problem_done(&p);
    lesson_free(l);
}

Test(lesson, fix_without_paths_is_a_problem)
{
    Lesson *l = lesson_on("hyperv-tenants");
    LessonStep *st = add(l, STEP_FIX, "which?");
    LessonAnswer a;
    LessonProblem p = {0};
    cr_assert(!lesson_evaluate(st, l->scenario, cat, &a, &p));
    cr_assert(strstr(p.message, "no path to close"), "%s", p.message);
    lesson_problem_done(&p);
    lesson_free(l);
}

/* ---- servicing questions ---- */

Test(lesson, servicing_classes_depend_on_who_escapes)
{
    Lesson *l = lesson_on("shared-node-admin");
    LessonStep *st = add(l, STEP_SERVICING, "which?");
    LessonSubject *s1 = lesson_step_add_subject(st);
    s1->workload = xstrdup("guest-app");
    s1->technique = xstrdup("kernel-compromise");
    LessonSubject *s2 = lesson_step_add_subject(st);
    s2->workload = xstrdup("contoso-web");
    s2->technique = xstrdup("kernel-compromise");
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert_eq(a.n_choices, 3, "two subjects and 'none of these'");
    cr_assert_str_eq(a.choices[0].key, "not-a-boundary");
    cr_assert(!a.choices[0].correct, "the kernel bug used by an admin is not a security bug");
    cr_assert_str_eq(a.choices[1].key, "security-boundary");
    cr_assert(a.choices[1].correct, "the same bug used by ContainerUser is");
    cr_assert_str_eq(a.choices[2].label, "none of these");
    cr_assert(!a.choices[2].correct);
    cr_assert(strstr(a.choices[1].label, "contoso-web (process, user) by kernel-compromise"));
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, servicing_none_of_these_is_right_when_nothing_is_a_security_bug)
{
    Lesson *l = lesson_on("hostprocess");
    LessonStep *st = add(l, STEP_SERVICING, "which?");
    lesson_step_add_subject(st)->workload = xstrdup("guest-agent");
    lesson_step_add_subject(st)->workload = xstrdup("contoso-web");
    LessonAnswer a;
    evaluate(l, st, &a);
    cr_assert_str_eq(a.choices[0].key, "by-design");
    cr_assert_str_eq(a.choices[1].key, "none", "a holding boundary has nothing to service");
    cr_assert(a.choices[2].correct, "none of these");
    lesson_answer_done(&a);
    lesson_free(l);
}

Test(lesson, servicing_a_technique_that_does_not_break_the_boundary_is_a_problem)
{
    Lesson *l = lesson_on("shared-node-user");
    LessonStep *st = add(l, STEP_SERVICING, "which?");
    lesson_step_add_subject(st)->workload = xstrdup("guest-app");
    LessonSubject *s = lesson_step_add_subject(st);
    s->workload = xstrdup("guest-app");
    s->technique = xstrdup("admin-escape");
    LessonAnswer a;
    LessonProblem p = {0};
    cr_assert(!lesson_evaluate(st, l->scenario, cat, &a, &p));
    cr_assert_str_eq(p.field, "subjects[1].technique");
    cr_assert(strstr(p.message, "admin-escape does not break guest-app's isolation boundary"), "%s",
              p.message);
    free(s->technique);
    s->technique = xstrdup("no-such-technique");
    cr_assert(!lesson_evaluate(st, l->scenario, cat, &a, &p));
    cr_assert_str_eq(p.message, "no technique \"no-such-technique\" in the catalog");
    lesson_problem_done(&p);
    lesson_free(l);
}

/* ---- edits ---- */

Test(lesson, edits_apply_describe_and_refuse)
{
    Scenario *s = bundled("process-ssh-mount-admin");
    LessonEdit e;
    char *err = NULL;

    set_edit(&e, LEDIT_ISOLATION, "guest-app");
    e.value = ISOLATION_HYPERV;
    char *d = lesson_edit_describe(s, &e);
    cr_assert_str_eq(d, "guest-app: isolation process -> hyperv");
    free(d);
    cr_assert(lesson_edit_apply(s, &e, &err), "%s", err);
    cr_assert_eq(scenario_workload(s, "guest-app")->isolation, ISOLATION_HYPERV);
    cr_assert(!lesson_edit_apply(s, &e, &err), "applying it again changes nothing");
    cr_assert(strstr(err, "nothing changed"), "%s", err);
    free(err);
    lesson_edit_done(&e);

    set_edit(&e, LEDIT_MOUNT_READ_ONLY, "guest-app");
    e.host_path = xstrdup("C:\\Users\\azureuser\\.ssh");
    e.flag = true;
    cr_assert(lesson_edit_apply(s, &e, &err), "%s", err);
    cr_assert(scenario_workload(s, "guest-app")->mounts[0].read_only);
    free(e.host_path);
    e.host_path = xstrdup("C:\\nowhere");
    cr_assert(!lesson_edit_apply(s, &e, &err));
    cr_assert_str_eq(err, "guest-app has no mount of \"C:\\nowhere\"");
    free(err);
    lesson_edit_done(&e);

    set_edit(&e, LEDIT_MOUNT_REMOVE, "guest-app");
    e.host_path = xstrdup("C:\\Users\\azureuser\\.ssh");
    cr_assert(lesson_edit_apply(s, &e, &err), "%s", err);
    cr_assert_eq(scenario_workload(s, "guest-app")->n_mounts, 0);
    lesson_edit_done(&e);

    set_edit(&e, LEDIT_SSH, "node-1");
    d = lesson_edit_describe(s, &e);
    cr_assert_str_eq(d, "node-1: SSH off");
    free(d);
    cr_assert(lesson_edit_apply(s, &e, &err), "%s", err);
    cr_assert(!scenario_host(s, "node-1")->ssh);
    lesson_edit_done(&e);

    set_edit(&e, LEDIT_TRUST, "contoso");
    e.value = TRUST_UNTRUSTED;
    cr_assert(lesson_edit_apply(s, &e, &err), "%s", err);
    cr_assert_eq(scenario_tenant(s, "contoso")->trust, TRUST_UNTRUSTED);
    lesson_edit_done(&e);

    set_edit(&e, LEDIT_HARDENING, "contoso-web");
    strlist_add(&e.names, "apparmor");
    strlist_add(&e.names, "seccomp");
    d = lesson_edit_describe(s, &e);
    cr_assert_str_eq(d, "contoso-web: add hardening apparmor, seccomp");
    free(d);
    cr_assert(lesson_edit_apply(s, &e, &err), "%s", err);
    cr_assert(strlist_has(&scenario_workload(s, "contoso-web")->hardening, "seccomp"));
    lesson_edit_done(&e);

    memset(&e, 0, sizeof e);
    e.kind = LEDIT_ASSUME;
    e.value = ASSUME_KERNEL_EXPLOIT;
    e.flag = false;
    d = lesson_edit_describe(s, &e);
    cr_assert_str_eq(d, "assume kernel_exploit=false");
    free(d);
    cr_assert(lesson_edit_apply(s, &e, &err), "%s", err);
    cr_assert(!s->assume[ASSUME_KERNEL_EXPLOIT]);
    lesson_edit_done(&e);

    set_edit(&e, LEDIT_DEDICATED, "guest");
    size_t hosts = s->n_hosts;
    cr_assert(lesson_edit_apply(s, &e, &err), "%s", err);
    cr_assert_eq(s->n_hosts, hosts + 1);
    cr_assert_str_eq(scenario_workload(s, "guest-app")->host, "guest@node-1");
    cr_assert(!lesson_edit_apply(s, &e, &err), "a tenant alone on its hosts: nothing to move");
    free(err);
    lesson_edit_done(&e);

    set_edit(&e, LEDIT_ACCOUNT, "ghost");
    cr_assert(!lesson_edit_apply(s, &e, &err));
    cr_assert_str_eq(err, "no workload \"ghost\"");
    free(err);
    lesson_edit_done(&e);
    char *verr = NULL;
    cr_assert(scenario_validate(s, &verr), "%s", verr);
    scenario_free(s);
}

/* ---- goals ---- */

Test(lesson, goal_menu_respects_placement_forbidden_kinds_and_distractors)
{
    Scenario *s = bundled("hardening-not-a-boundary");
    Lesson *l = lesson_new("g");
    LessonStep *st = add(l, STEP_GOAL, "goal");
    st->goal = GOAL_NO_PATH;
    st->keep_placement = true;
    st->forbid = 1u << LEDIT_SSH;
    LessonEdit *d = lesson_step_add_distractor(st);
    set_edit(d, LEDIT_HARDENING, "guest-app");
    strlist_add(&d->names, "apparmor"); /* already there: changes nothing, not offered */
    d = lesson_step_add_distractor(st);
    set_edit(d, LEDIT_HARDENING, "guest-batch");
    strlist_add(&d->names, "seccomp");
    size_t n;
    LessonEdit *moves = lesson_goal_moves(st, s, &n);
    bool hyperv = false, seccomp = false;
    for (size_t i = 0; i < n; i++) {
        cr_assert_neq(moves[i].kind, LEDIT_DEDICATED, "keep_placement");
        cr_assert_neq(moves[i].kind, LEDIT_SSH, "forbidden");
        if (moves[i].kind == LEDIT_HARDENING) {
            cr_assert_str_eq(moves[i].target, "guest-batch");
            seccomp = true;
        }
        if (moves[i].kind == LEDIT_ISOLATION && strcmp(moves[i].target, "guest-app") == 0)
            hyperv = true;
        lesson_edit_done(&moves[i]);
    }
    free(moves);
    cr_assert(hyperv && seccomp);
    char *status = NULL;
    cr_assert_eq(lesson_goal_distance(st, s, cat, &status), 4);
    cr_assert_str_eq(status, "3 boundaries fail, 4 paths, 1 tenant exposed");
    free(status);
    lesson_free(l);
    scenario_free(s);
}

Test(lesson, check_accepts_a_reachable_goal_and_refuses_an_unreachable_one)
{
    Lesson *l = lesson_on("shared-node-admin");
    LessonStep *st = add(l, STEP_GOAL, "goal");
    st->goal = GOAL_ALL_HOLD;
    st->keep_placement = true;
    LessonProblem p;
    cr_assert(lesson_check(l, cat, &p), "%s", p.message);
    lesson_problem_done(&p);
    /* without Hyper-V, contoso-web's ContainerUser still fails through the kernel bug */
    st->forbid = 1u << LEDIT_ISOLATION;
    cr_assert(!lesson_check(l, cat, &p));
    cr_assert_eq(p.step, 0);
    cr_assert_str_eq(p.field, "goal");
    cr_assert(strstr(p.message, "cannot be reached in 3 moves"), "%s", p.message);
    lesson_problem_done(&p);
    lesson_free(l);
}

Test(lesson, check_refuses_a_goal_that_already_holds)
{
    Lesson *l = lesson_on("hyperv-tenants");
    LessonStep *st = add(l, STEP_GOAL, "goal");
    st->goal = GOAL_NO_PATH;
    LessonProblem p;
    cr_assert(!lesson_check(l, cat, &p));
    cr_assert(strstr(p.message, "already holds"), "%s", p.message);
    lesson_problem_done(&p);
    lesson_free(l);
}

/* ---- playing and checking ---- */

Test(lesson, run_replays_the_change_steps_before_the_place)
{
    Lesson *l = lesson_on("shared-node-admin");
    add(l, STEP_NOTE, "note");
    LessonStep *ch = add(l, STEP_CHANGE, "now Hyper-V");
    set_edit(&ch->edit, LEDIT_ISOLATION, "guest-app");
    ch->edit.value = ISOLATION_HYPERV;
    LessonStep *q = add(l, STEP_BOUNDARY, "holds?");
    q->workload = xstrdup("guest-app");
    LessonProblem p;
    cr_assert(lesson_check(l, cat, &p), "%s", p.message);
    LessonRun *r = lesson_run_new(l, cat);
    char *err = NULL;
    cr_assert(lesson_run_seek(r, 2, &err), "%s", err);
    cr_assert_eq(r->step, 2);
    cr_assert_eq(scenario_workload(r->scenario, "guest-app")->isolation, ISOLATION_HYPERV);
    LessonAnswer a;
    cr_assert(lesson_evaluate(q, r->scenario, cat, &a, &p));
    cr_assert(a.choices[0].correct, "after the change the boundary holds");
    lesson_answer_done(&a);
    cr_assert(lesson_run_seek(r, 1, &err));
    cr_assert_eq(scenario_workload(r->scenario, "guest-app")->isolation, ISOLATION_PROCESS,
                 "seeking back starts from the lesson's scenario again");
    cr_assert_eq(scenario_workload(l->scenario, "guest-app")->isolation, ISOLATION_PROCESS,
                 "the lesson's own scenario is never changed");
    lesson_run_free(r);
    lesson_free(l);
}

Test(lesson, check_names_the_step_and_field_of_a_bad_change)
{
    Lesson *l = lesson_on("shared-node-admin");
    add(l, STEP_NOTE, "note");
    LessonStep *ch = add(l, STEP_CHANGE, "no-op");
    set_edit(&ch->edit, LEDIT_ISOLATION, "guest-app");
    ch->edit.value = ISOLATION_PROCESS;
    LessonProblem p;
    cr_assert(!lesson_check(l, cat, &p));
    cr_assert_eq(p.step, 1);
    cr_assert_str_eq(p.field, "edit");
    cr_assert(strstr(p.message, "nothing changed"), "%s", p.message);
    lesson_problem_done(&p);
    lesson_free(l);
}

Test(lesson, check_refuses_misconception_keys_no_answer_can_have)
{
    Lesson *l = lesson_on("shared-node-admin");
    LessonStep *st = add(l, STEP_BOUNDARY, "holds?");
    st->workload = xstrdup("guest-app");
    lesson_step_add_misconception(st, "maybe", "?");
    LessonProblem p;
    cr_assert(!lesson_check(l, cat, &p));
    cr_assert_str_eq(p.field, "misconception.maybe");
    lesson_problem_done(&p);
    lesson_free(l);
}

Test(lesson, misconceptions_fall_back_to_the_star)
{
    Lesson *l = lesson_new("m");
    LessonStep *st = add(l, STEP_FIX, "fix?");
    cr_assert_null(lesson_misconception(st, "account"));
    lesson_step_add_misconception(st, "account", "A");
    lesson_step_add_misconception(st, "*", "any");
    cr_assert_str_eq(lesson_misconception(st, "account"), "A");
    cr_assert_str_eq(lesson_misconception(st, "hardening"), "any");
    cr_assert(lesson_misconception_key_valid(STEP_FIX, "dedicated-hosts"));
    cr_assert(!lesson_misconception_key_valid(STEP_FIX, "yes"));
    cr_assert(lesson_misconception_key_valid(STEP_SERVICING, "none"));
    cr_assert(lesson_misconception_key_valid(STEP_SERVICING, "not-a-boundary"));
    cr_assert(!lesson_misconception_key_valid(STEP_NOTE, "*"));
    lesson_free(l);
}

Test(lesson, names_round_trip)
{
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        StepKind out;
        cr_assert(step_kind_parse(step_kind_name((StepKind)k), &out));
        cr_assert_eq(out, (StepKind)k);
    }
    for (int k = 0; k < LEDIT_KIND_COUNT; k++) {
        LessonEditKind out;
        cr_assert(lesson_edit_kind_parse(lesson_edit_kind_name((LessonEditKind)k), &out));
        cr_assert_eq(out, (LessonEditKind)k);
    }
    for (int k = 0; k < GOAL_KIND_COUNT; k++) {
        GoalKind out;
        cr_assert(goal_kind_parse(goal_kind_name((GoalKind)k), &out));
        cr_assert_eq(out, (GoalKind)k);
    }
}
