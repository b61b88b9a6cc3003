/* Tests for model/decision: decisions and their checks, the subject identities and that they
 * stay put across unrelated edits, matching decisions to analyses as edits come and go (applies,
 * no longer applies, applies again), and --check with accepted, expired and open paths on a
 * fixed "today". */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_json.h"
#include "decision.h"
#include "edit.h"
#include "engine.h"
#include "findings.h"
#include "fixplan.h"
#include "scenario_json.h"
#include "xalloc.h"

/* guest-app (untrusted, process, admin, writable .ssh mount) and contoso-web on node-1 */
#define POOL "scenarios/process-ssh-mount-admin.json"

static Catalog *cat;

static void setup(void)
{
    cat = catalog_load_builtin();
}

static void teardown(void)
{
    catalog_free(cat);
}

TestSuite(decision, .init = setup, .fini = teardown);

/* ---- Helpers ---- */

static Scenario *load(const char *path)
{
    char *err = NULL;
    Scenario *s = scenario_load_file(path, &err);
    cr_assert_not_null(s, "%s", err ? err : "");
    return s;
}

/* A scenario analysed with every path, its findings, plan and subjects. */
typedef struct {
    Analysis *a;
    Findings *f;
    FixPlan *p;
    SubjectSet *set;
} State;

static void analyse(State *x, const Scenario *s, bool plan)
{
    EngineOptions eo = {.max_paths = 0};
    x->a = engine_analyze(s, cat, &eo);
    x->f = findings_compute(x->a);
    x->p = plan ? fixplan_compute(s, cat, x->a) : NULL;
    x->set = subjects_compute(x->a, x->f, x->p);
}

static void state_done(State *x)
{
    subjects_free(x->set);
    fixplan_free(x->p);
    findings_free(x->f);
    analysis_free(x->a);
}

/* Appends a decision (strings copied; NULL allowed). */
static Decision *add(DecisionList *l, const char *subject, DecisionKind kind, const char *text,
                     const char *owner, const char *review, const char *due, const char *created)
{
    Decision *d = decision_list_add(l);
    d->id = (long long)l->n;
    d->subject = xstrdup(subject);
    d->kind = kind;
    d->text = xstrdup(text);
    d->owner = xstrdup(owner);
    d->review_date = xstrdup(review);
    d->due_date = xstrdup(due);
    d->author = xstrdup("alice");
    d->created = xstrdup(created);
    return d;
}

/* The status of the current decision on subject. */
static DecisionStatus status_of(const DecisionBook *b, const char *subject)
{
    size_t i = decision_book_find(b, subject);
    cr_assert_neq(i, SIZE_MAX, "no current decision on %s", subject);
    return b->state[i].status;
}

/* Sets workload id's isolation through an edit, as the explorer does. */
static void set_isolation(Scenario *s, const char *id, Isolation iso)
{
    Edit *e = edit_change(s, EDIT_WORKLOAD, id);
    cr_assert_not_null(e);
    edit_workload(e->after)->isolation = iso;
    char *err = NULL;
    cr_assert(edit_apply(s, e, &err), "%s", err ? err : "");
    edit_free(e);
}

static bool has_line(const DecisionCheck *c, const char *line)
{
    for (size_t i = 0; i < c->lines.n; i++)
        if (strcmp(c->lines.items[i], line) == 0) return true;
    return false;
}

static char *lines_of(const DecisionCheck *c)
{
    char *all = xstrdup("");
    for (size_t i = 0; i < c->lines.n; i++) {
        char *next = xasprintf("%s%s\n", all, c->lines.items[i]);
        free(all);
        all = next;
    }
    return all;
}

/* ---- Decisions ---- */

Test(decision, kinds_have_names_and_parse_back)
{
    for (int k = 0; k < DECISION_KIND_COUNT; k++) {
        DecisionKind back;
        cr_assert(decision_kind_parse(decision_kind_name((DecisionKind)k), &back));
        cr_assert_eq(back, k);
    }
    DecisionKind k;
    cr_assert_not(decision_kind_parse("accepted", &k));
    cr_assert_str_eq(decision_kind_name(DECISION_DISPUTE), "dispute");
}

Test(decision, dates_are_calendar_dates)
{
    cr_assert(decision_date_valid("2027-03-31"));
    cr_assert(decision_date_valid("2028-02-29"));
    cr_assert(decision_date_valid("2000-02-29"));
    cr_assert_not(decision_date_valid("1900-02-29"));
    cr_assert_not(decision_date_valid("2027-02-29"));
    cr_assert_not(decision_date_valid("2027-04-31"));
    cr_assert_not(decision_date_valid("2027-13-01"));
    cr_assert_not(decision_date_valid("2027-3-31"));
    cr_assert_not(decision_date_valid("2027-03-31T00:00:00Z"));
    cr_assert_not(decision_date_valid("tomorrow"));
    cr_assert_not(decision_date_valid(NULL));
    cr_assert(decision_timestamp_valid("2026-11-28T23:59:59Z"));
    cr_assert_not(decision_timestamp_valid("2026-11-28T24:00:00Z"));
    cr_assert_not(decision_timestamp_valid("2026-11-28 10:00:00Z"));
    cr_assert_not(decision_timestamp_valid("2026-11-28T10:00:00"));
}

Test(decision, each_kind_needs_its_fields_and_no_others)
{
    static const struct {
        DecisionKind kind;
        const char *text, *owner, *review, *due, *error;
    } cases[] = {
        {DECISION_ACCEPT, "risk is low", "platform", "2027-03-31", NULL, NULL},
        {DECISION_ACCEPT, "risk is low", "platform", NULL, NULL, NULL},
        {DECISION_ACCEPT, NULL, "platform", NULL, NULL, "an accept decision needs a reason"},
        {DECISION_ACCEPT, "", "platform", NULL, NULL, "an accept decision needs a reason"},
        {DECISION_ACCEPT, "r", NULL, NULL, NULL, "an accept decision needs an owner"},
        {DECISION_ACCEPT, "r", "o", "2027-02-30", NULL,
         "review date \"2027-02-30\" is not a date (expected YYYY-MM-DD)"},
        {DECISION_ACCEPT, "r", "o", NULL, "2027-01-01", "only a fix has a due date, not an accept"},
        {DECISION_FIX, NULL, "platform", NULL, "2027-01-15", NULL},
        {DECISION_FIX, "move to Hyper-V", "platform", NULL, "2027-01-15", NULL},
        {DECISION_FIX, NULL, "platform", NULL, NULL, "a fix decision needs a due date"},
        {DECISION_FIX, NULL, NULL, NULL, "2027-01-15", "a fix decision needs an owner"},
        {DECISION_FIX, NULL, "o", "2027-01-01", "2027-01-15",
         "only an accept has a review date, not a fix"},
        {DECISION_DISPUTE, "read-only in production", NULL, NULL, NULL, NULL},
        {DECISION_DISPUTE, NULL, NULL, NULL, NULL, "a dispute decision needs an argument"},
        {DECISION_DISPUTE, "x", "o", NULL, NULL, "a dispute has no owner"},
        {DECISION_NOTE, "ask the vendor", NULL, NULL, NULL, NULL},
        {DECISION_NOTE, NULL, NULL, NULL, NULL, "a note decision needs a text"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        DecisionList l = {0};
        add(&l, "boundary:guest-app:isolation", cases[i].kind, cases[i].text, cases[i].owner,
            cases[i].review, cases[i].due, "2026-11-28T10:00:00Z");
        char *err = NULL;
        bool ok = decision_validate(&l.items[0], &err);
        if (!cases[i].error) {
            cr_assert(ok, "case %zu: %s", i, err ? err : "");
        } else {
            cr_assert_not(ok, "case %zu passed", i);
            cr_assert_str_eq(err, cases[i].error, "case %zu", i);
        }
        free(err);
        decision_list_done(&l);
    }
}

Test(decision, a_decision_needs_a_subject_author_and_time)
{
    DecisionList l = {0};
    Decision *d =
        add(&l, "workload:guest-app", DECISION_NOTE, "x", NULL, NULL, NULL, "2026-11-28T10:00:00Z");
    char *err = NULL;
    cr_assert_not(decision_validate(d, &err));
    cr_assert(strstr(err, "is not a subject"), "%s", err);
    free(err);
    free(d->subject);
    d->subject = xstrdup("boundary:guest-app:isolation");
    free(d->created);
    d->created = xstrdup("2026-11-28");
    cr_assert_not(decision_validate(d, &err));
    cr_assert(strstr(err, "creation time"), "%s", err);
    free(err);
    free(d->author);
    d->author = NULL;
    cr_assert_not(decision_validate(d, &err));
    free(err);
    decision_list_done(&l);
}

/* ---- Subjects ---- */

Test(decision, subjects_of_the_pool_name_boundaries_paths_findings_and_fixes)
{
    Scenario *s = load(POOL);
    State x;
    analyse(&x, s, true);
    static const char *const want[] = {
        "boundary:contoso-web:isolation",
        "boundary:guest-app:host-volume",
        "boundary:guest-app:isolation",
        "finding:admin-account:guest-app",
        "finding:hardening-as-boundary:guest-app",
        "finding:sensitive-mount:guest-app:C:\\Users\\azureuser\\.ssh",
        "finding:shared-kernel:node-1",
        "fix:isolation:guest-app",
        "fix:mount-read-only:guest-app:C:\\Users\\azureuser\\.ssh",
        "path:guest-app->host:node-1",
        "path:guest-app->tenant:contoso",
    };
    cr_assert_eq(x.set->n, sizeof want / sizeof *want);
    for (size_t i = 0; i < x.set->n; i++) {
        cr_assert_str_eq(x.set->items[i].id, want[i]);
        SubjectKind k;
        char *err = NULL;
        cr_assert(subject_check(want[i], &k, &err), "%s", err ? err : "");
        cr_assert_eq(k, x.set->items[i].kind);
    }
    /* the holding boundary is not a subject */
    cr_assert_null(subjects_find(x.set, "boundary:contoso-web:host-volume"));
    char *d = subject_describe(subjects_find(x.set, "boundary:guest-app:isolation"), x.a, x.f, x.p);
    cr_assert_str_eq(d, "guest-app isolation fails (admin-escape, kernel-compromise)");
    free(d);
    d = subject_describe(subjects_find(x.set, "path:guest-app->tenant:contoso"), x.a, x.f, x.p);
    cr_assert_str_eq(d, "guest-app -> tenant:contoso (effort 3)");
    free(d);
    d = subject_describe(subjects_find(x.set, "fix:isolation:guest-app"), x.a, x.f, x.p);
    cr_assert_str_eq(d, "guest-app: isolation process -> hyperv");
    free(d);
    state_done(&x);
    scenario_free(s);
}

Test(decision, identities_do_not_change_with_unrelated_edits)
{
    /* a third tenant on the node changes the shared-kernel detail ("3 tenants") and the path
     * efforts stay; every identity of the pool stays */
    Scenario *s = load(POOL);
    State before;
    analyse(&before, s, false);
    scenario_add_tenant(s, "fabrikam", TRUST_TRUSTED);
    scenario_add_workload(s, "fab-api", "fabrikam", "node-1")->account = ACCOUNT_USER;
    State after;
    analyse(&after, s, false);
    for (size_t i = 0; i < before.set->n; i++)
        cr_assert_not_null(subjects_find(after.set, before.set->items[i].id), "%s is gone",
                           before.set->items[i].id);
    const Subject *k = subjects_find(after.set, "finding:shared-kernel:node-1");
    cr_assert(strstr(after.f->items[k->index].detail, "3 tenants"));
    state_done(&before);
    state_done(&after);
    scenario_free(s);
}

Test(decision, malformed_subjects_are_refused)
{
    static const char *const bad[] = {
        "boundary:guest-app", "boundary::isolation",    "boundary:guest-app:tenant",
        "path:guest-app",     "path:->host:node-1",     "path:guest-app->node-1",
        "finding:unknown:x",  "finding:shared-kernel:", "fix:isolation",
        "fix:move:guest-app", "guest-app isolation",    "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        SubjectKind k;
        char *err = NULL;
        cr_assert_not(subject_check(bad[i], &k, &err), "%s passed", bad[i]);
        cr_assert(strstr(err, "is not a subject"), "%s", err);
        free(err);
    }
    SubjectKind k;
    char *err = NULL;
    /* ids with the separators inside still read: the last arrow before host: or tenant: */
    cr_assert(subject_check("path:ns/a->b->tenant:t:1", &k, &err));
    cr_assert_eq(k, SUBJECT_PATH);
}

Test(decision, labels_come_from_the_identity_alone)
{
    static const char *const cases[][2] = {
        {"boundary:guest-app:isolation", "guest-app isolation"},
        {"boundary:ns/web:host-volume", "ns/web host-volume"},
        {"path:guest-app->host:node-1", "guest-app -> host:node-1"},
        {"finding:sensitive-mount:w:/etc", "finding sensitive-mount: w:/etc"},
        {"fix:dedicated-hosts:guest:node-1", "fix dedicated-hosts: guest:node-1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *l = subject_label(cases[i][0]);
        cr_assert_str_eq(l, cases[i][1]);
        free(l);
    }
}

Test(decision, a_fix_applies_until_its_change_is_made)
{
    Scenario *s = load(POOL);
    cr_assert(subject_fix_pending(s, "fix:isolation:guest-app"));
    cr_assert(subject_fix_pending(s, "fix:account:guest-app"));
    cr_assert_not(subject_fix_pending(s, "fix:account:contoso-web"));
    cr_assert(subject_fix_pending(s, "fix:mount-read-only:guest-app:C:\\Users\\azureuser\\.ssh"));
    cr_assert(subject_fix_pending(s, "fix:mount-remove:guest-app:C:\\Users\\azureuser\\.ssh"));
    cr_assert_not(subject_fix_pending(s, "fix:mount-remove:guest-app:C:\\other"));
    cr_assert(subject_fix_pending(s, "fix:ssh-off:node-1"));
    cr_assert(subject_fix_pending(s, "fix:dedicated-hosts:guest"));
    cr_assert(subject_fix_pending(s, "fix:dedicated-hosts:guest:node-1"));
    cr_assert_not(subject_fix_pending(s, "fix:isolation:ghost"));
    set_isolation(s, "guest-app", ISOLATION_HYPERV);
    cr_assert_not(subject_fix_pending(s, "fix:isolation:guest-app"));
    s->workloads[0].mounts[0].read_only = true;
    cr_assert_not(
        subject_fix_pending(s, "fix:mount-read-only:guest-app:C:\\Users\\azureuser\\.ssh"));
    cr_assert(subject_fix_pending(s, "fix:mount-remove:guest-app:C:\\Users\\azureuser\\.ssh"));
    scenario_free(s);
}

/* ---- The book ---- */

Test(decision, the_latest_decision_on_a_subject_is_current)
{
    DecisionList l = {0};
    add(&l, "boundary:guest-app:isolation", DECISION_NOTE, "first look", NULL, NULL, NULL,
        "2026-11-01T09:00:00Z");
    add(&l, "path:guest-app->host:node-1", DECISION_DISPUTE, "no SSH in production", NULL, NULL,
        NULL, "2026-11-01T09:05:00Z");
    add(&l, "boundary:guest-app:isolation", DECISION_ACCEPT, "legacy", "platform", "2027-03-31",
        NULL, "2026-11-02T09:00:00Z");
    DecisionBook *b = decision_book_new(&l);
    cr_assert_eq(l.n, 0);
    cr_assert_eq(b->list.n, 3);
    cr_assert_eq(b->n_current, 2);
    cr_assert_not(b->state[0].current);
    cr_assert(b->state[1].current);
    cr_assert(b->state[2].current);
    cr_assert_eq(decision_book_find(b, "boundary:guest-app:isolation"), 2);
    cr_assert_eq(decision_book_find(b, "path:guest-app->host:node-1"), 1);
    cr_assert_eq(decision_book_find(b, "finding:shared-kernel:node-1"), SIZE_MAX);
    decision_book_free(b);
}

Test(decision, a_decision_follows_its_boundary_across_edits)
{
    Scenario *s = load(POOL);
    DecisionList l = {0};
    add(&l, "boundary:guest-app:isolation", DECISION_ACCEPT, "legacy app", "platform", "2027-03-31",
        NULL, "2026-11-28T10:00:00Z");
    add(&l, "boundary:guest-app:host-volume", DECISION_NOTE, "keys rotate daily", NULL, NULL, NULL,
        "2026-11-28T10:01:00Z");
    DecisionBook *b = decision_book_new(&l);
    State x;

    /* recorded while guest-app's isolation fails: it applies */
    analyse(&x, s, false);
    decision_book_match(b, x.set, s, "2026-11-28");
    cr_assert_eq(status_of(b, "boundary:guest-app:isolation"), STATUS_APPLIES);
    state_done(&x);

    /* an edit makes it hold (Hyper-V): no longer applies; the host-volume boundary still fails
     * (Windows Hyper-V isolation writes to a mount as LocalSystem) */
    set_isolation(s, "guest-app", ISOLATION_HYPERV);
    analyse(&x, s, false);
    decision_book_observe(b, x.set, s, "2026-11-28T11:00:00Z");
    decision_book_match(b, x.set, s, "2026-11-28");
    cr_assert_eq(status_of(b, "boundary:guest-app:isolation"), STATUS_NO_LONGER_APPLIES);
    cr_assert_eq(status_of(b, "boundary:guest-app:host-volume"), STATUS_APPLIES);
    size_t i = decision_book_find(b, "boundary:guest-app:isolation");
    cr_assert_not(decision_book_in_force(b, i), "an acceptance of a holding boundary is moot");
    char *line = decision_book_describe(b, i);
    cr_assert_str_eq(line, "accepted until 2027-03-31 (owner: platform): legacy app [no longer "
                           "applies]");
    free(line);
    state_done(&x);

    /* back to process isolation: it applies again */
    set_isolation(s, "guest-app", ISOLATION_PROCESS);
    analyse(&x, s, false);
    decision_book_observe(b, x.set, s, "2026-11-28T12:00:00Z");
    decision_book_match(b, x.set, s, "2026-11-28");
    cr_assert_eq(status_of(b, "boundary:guest-app:isolation"), STATUS_APPLIES_AGAIN);
    cr_assert_eq(status_of(b, "boundary:guest-app:host-volume"), STATUS_APPLIES);
    cr_assert(decision_book_in_force(b, decision_book_find(b, "boundary:guest-app:isolation")));
    line = decision_book_describe(b, decision_book_find(b, "boundary:guest-app:isolation"));
    cr_assert_str_eq(line,
                     "accepted until 2027-03-31 (owner: platform): legacy app [applies again]");
    free(line);
    state_done(&x);
    decision_book_free(b);
    scenario_free(s);
}

Test(decision, states_before_a_decision_do_not_lapse_it)
{
    Scenario *s = load(POOL);
    DecisionList l = {0};
    add(&l, "boundary:guest-app:isolation", DECISION_NOTE, "seen", NULL, NULL, NULL,
        "2026-11-28T10:00:00Z");
    DecisionBook *b = decision_book_new(&l);
    Scenario *hv = scenario_clone(s);
    set_isolation(hv, "guest-app", ISOLATION_HYPERV);
    State x;
    analyse(&x, hv, false);
    decision_book_observe(b, x.set, hv, "2026-11-28T09:59:59Z"); /* before it was recorded */
    state_done(&x);
    analyse(&x, s, false);
    decision_book_match(b, x.set, s, "2026-11-28");
    cr_assert_eq(status_of(b, "boundary:guest-app:isolation"), STATUS_APPLIES);
    state_done(&x);
    /* a new decision after a lapse starts afresh */
    decision_book_free(b);
    scenario_free(hv);
    scenario_free(s);
}

Test(decision, a_path_beyond_a_partial_analysis_is_unchecked)
{
    Scenario *s = load(POOL);
    DecisionList l = {0};
    add(&l, "path:guest-app->tenant:contoso", DECISION_NOTE, "n", NULL, NULL, NULL,
        "2026-11-28T10:00:00Z");
    DecisionBook *b = decision_book_new(&l);
    EngineOptions eo = {.max_paths = 1};
    Analysis *a = engine_analyze(s, cat, &eo);
    SubjectSet *set = subjects_compute(a, NULL, NULL);
    cr_assert(set->paths_partial);
    decision_book_observe(b, set, s, "2026-11-28T11:00:00Z");
    decision_book_match(b, set, s, "2026-11-28");
    cr_assert_eq(status_of(b, "path:guest-app->tenant:contoso"), STATUS_UNCHECKED);
    cr_assert_not(b->state[0].lapsed, "an unknown is not a lapse");
    subjects_free(set);
    analysis_free(a);
    decision_book_free(b);
    scenario_free(s);
}

/* ---- --check ---- */

/* A book of the pool's decisions in l, matched as of today, and its check. */
static DecisionBook *check_pool(DecisionList *l, const char *today, DecisionCheck *c, State *x,
                                Scenario **s)
{
    *s = load(POOL);
    analyse(x, *s, false);
    DecisionBook *b = decision_book_new(l);
    decision_book_match(b, x->set, *s, today);
    decision_check(b, x->a, c);
    return b;
}

Test(decision, check_passes_while_every_way_out_is_accepted)
{
    DecisionList l = {0};
    add(&l, "boundary:guest-app:isolation", DECISION_ACCEPT, "legacy", "platform", "2027-03-31",
        NULL, "2026-11-28T10:00:00Z");
    add(&l, "boundary:guest-app:host-volume", DECISION_ACCEPT, "keys rotate", "platform", NULL,
        NULL, "2026-11-28T10:00:00Z");
    DecisionCheck c;
    State x;
    Scenario *s;
    DecisionBook *b = check_pool(&l, "2026-11-28", &c, &x, &s);
    char *all = lines_of(&c);
    cr_assert(c.passes, "%s", all);
    cr_assert_eq(c.accepted, 2);
    cr_assert_eq(c.open + c.expired + c.unchecked, 0);
    cr_assert(has_line(&c, "guest-app isolation: accepted until 2027-03-31 (owner: platform)"),
              "%s", all);
    cr_assert(has_line(&c, "guest-app host-volume: accepted, no review date (owner: platform)"),
              "%s", all);
    cr_assert(has_line(&c, "check: 2 paths: 2 accepted, 0 expired, 0 open: passes"), "%s", all);
    free(all);
    decision_check_done(&c);
    decision_book_free(b);
    state_done(&x);
    scenario_free(s);
}

Test(decision, check_fails_again_on_and_after_the_review_date)
{
    static const char *const days[] = {"2027-03-30", "2027-03-31", "2027-04-01"};
    for (size_t k = 0; k < 3; k++) {
        DecisionList l = {0};
        add(&l, "boundary:guest-app:isolation", DECISION_ACCEPT, "legacy", "platform", "2027-03-31",
            NULL, "2026-11-28T10:00:00Z");
        add(&l, "boundary:guest-app:host-volume", DECISION_ACCEPT, "keys rotate", "platform", NULL,
            NULL, "2026-11-28T10:00:00Z");
        DecisionCheck c;
        State x;
        Scenario *s;
        DecisionBook *b = check_pool(&l, days[k], &c, &x, &s);
        char *all = lines_of(&c);
        size_t i = decision_book_find(b, "boundary:guest-app:isolation");
        if (k == 0) {
            cr_assert(c.passes, "%s: %s", days[k], all);
            cr_assert_not(decision_book_expired(b, i));
        } else {
            cr_assert_not(c.passes, "%s: %s", days[k], all);
            cr_assert(decision_book_expired(b, i));
            cr_assert_eq(c.expired, 2);
            cr_assert(has_line(&c, "guest-app isolation: acceptance expired on 2027-03-31 "
                                   "(owner: platform): it fails again"),
                      "%s", all);
            cr_assert(has_line(&c, "check: 2 paths: 0 accepted, 2 expired, 0 open: fails"), "%s",
                      all);
        }
        free(all);
        decision_check_done(&c);
        decision_book_free(b);
        state_done(&x);
        scenario_free(s);
    }
}

Test(decision, one_failing_boundary_not_accepted_leaves_the_paths_open)
{
    DecisionList l = {0};
    add(&l, "boundary:guest-app:isolation", DECISION_ACCEPT, "legacy", "platform", "2027-03-31",
        NULL, "2026-11-28T10:00:00Z");
    add(&l, "boundary:guest-app:host-volume", DECISION_DISPUTE, "read-only in production", NULL,
        NULL, NULL, "2026-11-28T10:00:00Z");
    DecisionCheck c;
    State x;
    Scenario *s;
    DecisionBook *b = check_pool(&l, "2026-11-28", &c, &x, &s);
    char *all = lines_of(&c);
    cr_assert_not(c.passes);
    cr_assert_eq(c.open, 2, "%s", all);
    cr_assert(has_line(&c, "guest-app -> host:node-1: open (no accepted decision covers it)"), "%s",
              all);
    cr_assert(has_line(&c, "check: 2 paths: 0 accepted, 0 expired, 2 open: fails"), "%s", all);
    free(all);
    decision_check_done(&c);
    decision_book_free(b);
    state_done(&x);
    scenario_free(s);
}

Test(decision, a_path_can_be_accepted_on_its_own)
{
    DecisionList l = {0};
    add(&l, "path:guest-app->host:node-1", DECISION_ACCEPT, "the host is disposable", "ops",
        "2027-01-01", NULL, "2026-11-28T10:00:00Z");
    DecisionCheck c;
    State x;
    Scenario *s;
    DecisionBook *b = check_pool(&l, "2026-11-28", &c, &x, &s);
    char *all = lines_of(&c);
    cr_assert_eq(c.accepted, 1, "%s", all);
    cr_assert_eq(c.open, 1, "%s", all);
    cr_assert(has_line(&c, "guest-app -> host:node-1: accepted until 2027-01-01 (owner: ops)"),
              "%s", all);
    cr_assert(has_line(&c, "guest-app -> tenant:contoso: open (no accepted decision covers it)"),
              "%s", all);
    free(all);
    decision_check_done(&c);
    decision_book_free(b);
    state_done(&x);
    scenario_free(s);
}

Test(decision, a_replaced_acceptance_no_longer_counts)
{
    DecisionList l = {0};
    add(&l, "path:guest-app->host:node-1", DECISION_ACCEPT, "ok for now", "ops", NULL, NULL,
        "2026-11-01T10:00:00Z");
    add(&l, "path:guest-app->host:node-1", DECISION_FIX, NULL, "ops", NULL, "2027-01-15",
        "2026-11-28T10:00:00Z");
    DecisionCheck c;
    State x;
    Scenario *s;
    DecisionBook *b = check_pool(&l, "2027-01-16", &c, &x, &s);
    cr_assert_eq(c.accepted, 0);
    size_t i = decision_book_find(b, "path:guest-app->host:node-1");
    cr_assert(decision_book_overdue(b, i));
    char *line = decision_book_describe(b, i);
    cr_assert_str_eq(line, "fix overdue since 2027-01-15 (owner: ops)");
    free(line);
    decision_check_done(&c);
    decision_book_free(b);
    state_done(&x);
    scenario_free(s);
}

Test(decision, check_names_the_first_open_paths_and_counts_the_rest)
{
    Scenario *s = scenario_new("many starts");
    scenario_add_tenant(s, "guests", TRUST_UNTRUSTED);
    scenario_add_host(s, "node", OS_LINUX);
    for (int i = 0; i < 25; i++) {
        char id[8];
        snprintf(id, sizeof id, "w%02d", i);
        Workload *w = scenario_add_workload(s, id, "guests", "node");
        w->isolation = ISOLATION_PROCESS;
        w->account = ACCOUNT_ADMIN;
    }
    char *err = NULL;
    cr_assert(scenario_validate(s, &err), "%s", err ? err : "");
    State x;
    analyse(&x, s, false);
    cr_assert_eq(x.a->paths_total, 25);
    DecisionList l = {0};
    add(&l, "boundary:w00:isolation", DECISION_NOTE, "seen", NULL, NULL, NULL,
        "2026-11-28T10:00:00Z");
    DecisionBook *b = decision_book_new(&l);
    decision_book_match(b, x.set, s, "2026-11-28");
    DecisionCheck c;
    decision_check(b, x.a, &c);
    cr_assert_eq(c.open, 25);
    cr_assert_eq(c.lines.n, DECISION_CHECK_MAX_OPEN + 2);
    cr_assert_str_eq(c.lines.items[DECISION_CHECK_MAX_OPEN], "... and 5 more open paths");
    cr_assert_str_eq(c.lines.items[DECISION_CHECK_MAX_OPEN + 1],
                     "check: 25 paths: 0 accepted, 0 expired, 25 open: fails");
    decision_check_done(&c);
    decision_book_free(b);
    state_done(&x);
    scenario_free(s);
}
