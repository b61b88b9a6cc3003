/* The workshop record on the command line: `breakout decide SCENARIO SUBJECT KIND ...` records a
 * decision, `breakout decisions SCENARIO` lists them with their history and the items still
 * open; and what analyze needs to show decisions and let --check honour accepted risks. */
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"
#include "decisions.h"
#include "engine.h"
#include "findings.h"
#include "fixplan.h"
#include "record_int.h"
#include "utf8.h"
#include "xalloc.h"

/* The entry points ui/cli.c calls (declared in ui/cli_int.h once it holds RecordOptions). */
int cmd_decide(CliOptions *o, const RecordOptions *r);
int cmd_decisions(CliOptions *o, const RecordOptions *r);
bool record_file_decisions(const RecordOptions *r, DecisionList *file_decisions, const Scenario *s,
                           const Analysis *a, const Findings *f, const FixPlan *p,
                           DecisionBook **out)
{
    *out = NULL;
    char now[21], today[11];
    if (!record_clock(r, now, today)) return false;
    if (file_decisions->n) *out = decisions_book_of(file_decisions, s, a, f, p, today);
    return true;
}

bool record_analysis_decisions(const CliOptions *o, const RecordOptions *r, const char *what,
                               const Scenario *s, const Catalog *cat, const Analysis *a,
                               const Findings *f, const FixPlan *p, DecisionBook **out);
int record_check(const DecisionBook *b, const Analysis *a);

/* ---- Shared with cmd_minutes.c ---- */

const char *record_author(const RecordOptions *r)
{
    if (r->as && *r->as) return r->as;
    const char *login = getlogin();
    if (login && *login) return login;
    const struct passwd *pw = getpwuid(geteuid());
    return pw && pw->pw_name && *pw->pw_name ? pw->pw_name : "unknown";
}

bool record_clock(const RecordOptions *r, char now[21], char today[11])
{
    if (r->today) {
        if (decision_date_valid(r->today)) {
            snprintf(now, 21, "%sT00:00:00Z", r->today);
        } else if (decision_timestamp_valid(r->today)) {
            snprintf(now, 21, "%s", r->today);
        } else {
            cli_usage_error("--today: expected a date (YYYY-MM-DD) or a UTC time "
                            "(YYYY-MM-DDTHH:MM:SSZ), got \"%s\"",
                            r->today);
            return false;
        }
    } else {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    snprintf(today, 11, "%.10s", now);
    return true;
}

/* ---- decide ---- */

/* Checks that the options given fit the kind; prints a usage error and returns false if not. */
static bool options_fit(DecisionKind kind, const RecordOptions *r)
{
    static const char *const needs[DECISION_KIND_COUNT] = {
        "accept needs --reason TEXT and --owner NAME (and may have --review DATE)",
        "fix needs --owner NAME and --due DATE (and may have --text TEXT)",
        "dispute needs --reason TEXT (the argument)",
        "note needs --text TEXT",
    };
    struct {
        const char *name, *value;
        unsigned kinds; /* 1 << kind where the option applies */
    } opts[] = {
        {"--reason", r->reason, 1u << DECISION_ACCEPT | 1u << DECISION_DISPUTE},
        {"--owner", r->owner, 1u << DECISION_ACCEPT | 1u << DECISION_FIX},
        {"--review", r->review, 1u << DECISION_ACCEPT},
        {"--due", r->due, 1u << DECISION_FIX},
        {"--text", r->text, 1u << DECISION_NOTE | 1u << DECISION_FIX},
    };
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        if (opts[i].value && !(opts[i].kinds & (1u << kind))) {
            cli_usage_error("decide: %s does not apply to %s (%s)", opts[i].name,
                            decision_kind_name(kind), needs[kind]);
            return false;
        }
    bool ok = true;
    switch (kind) {
    case DECISION_ACCEPT: ok = r->reason && *r->reason && r->owner && *r->owner; break;
    case DECISION_FIX: ok = r->owner && *r->owner && r->due && *r->due; break;
    case DECISION_DISPUTE: ok = r->reason && *r->reason; break;
    default: ok = r->text && *r->text; break;
    }
    if (!ok) cli_usage_error("decide: %s", needs[kind]);
    return ok;
}

/* An analysis of s with every path, its findings and the candidate fixes, as subjects. */
typedef struct {
    Analysis *a;
    Findings *f;
    SubjectSet *set;
} Analysed;

static void analyse(Analysed *x, const Scenario *s, const Catalog *cat)
{
    EngineOptions eo = {.max_paths = 0, .lazy_why_not = true};
    x->a = engine_analyze(s, cat, &eo);
    x->f = findings_compute(x->a);
    x->set = subjects_compute(x->a, x->f, NULL);
    size_t n = 0;
    Change *changes = fixplan_candidates(s, x->a, &n);
    subjects_add_changes(x->set, s, changes, n);
    free(changes);
}

static void analysed_done(Analysed *x)
{
    subjects_free(x->set);
    findings_free(x->f);
    analysis_free(x->a);
}

int cmd_decide(CliOptions *o, const RecordOptions *r)
{
    if (o->n_args != 3)
        return cli_usage_error("decide needs SCENARIO SUBJECT KIND (KIND: accept, fix, dispute "
                               "or note)");
    const char *name = o->args[0], *subject = o->args[1];
    DecisionKind kind;
    if (!decision_kind_parse(o->args[2], &kind))
        return cli_usage_error("decide: expected KIND accept, fix, dispute or note, got \"%s\"",
                               o->args[2]);
    SubjectKind sk;
    char *err = NULL;
    if (!subject_check(subject, &sk, &err)) {
        int status = cli_usage_error("decide: %s", err);
        free(err);
        return status;
    }
    char now[21], today[11];
    if (!options_fit(kind, r) || !record_clock(r, now, today)) return EXIT_BAD;
    Decision d = {
        .subject = (char *)subject, /* the Decision is only read */
        .kind = kind,
        .text = (char *)(kind == DECISION_NOTE || kind == DECISION_FIX ? r->text : r->reason),
        .owner = (char *)r->owner,
        .review_date = (char *)r->review,
        .due_date = (char *)r->due,
        .author = (char *)record_author(r),
        .created = now,
    };
    if (!decision_validate(&d, &err)) {
        int status = cli_usage_error("decide: %s", err);
        free(err);
        return status;
    }
    Catalog *cat = cli_load_catalog(o);
    if (!cat) return EXIT_BAD;
    Store *st = cli_open_store(o);
    Scenario *s = st ? store_load(st, name, &err) : NULL;
    int status = EXIT_BAD;
    if (st && !s) cli_report(err);
    if (s) {
        Analysed x;
        analyse(&x, s, cat);
        bool there =
            subjects_find(x.set, subject) || (sk == SUBJECT_FIX && subject_fix_pending(s, subject));
        if (!there) {
            char *safe = utf8_sanitize(subject), *sname = utf8_sanitize(name);
            cli_error("scenario \"%s\" has no %s \"%s\" now (breakout decisions \"%s\" lists "
                      "what there is to decide on)",
                      sname,
                      sk == SUBJECT_BOUNDARY  ? "failing boundary"
                      : sk == SUBJECT_PATH    ? "attack path"
                      : sk == SUBJECT_FINDING ? "finding"
                                              : "fix to make",
                      safe, sname);
            free(safe);
            free(sname);
        } else if (!decisions_record(st, name, &d, &err)) {
            cli_report(err);
        } else {
            if (d.replaces)
                cli_note("recorded decision %lld (%s), replacing decision %lld", d.id,
                         decision_kind_name(kind), d.replaces);
            else
                cli_note("recorded decision %lld (%s)", d.id, decision_kind_name(kind));
            status = EXIT_DONE;
        }
        analysed_done(&x);
        scenario_free(s);
    }
    store_close(st);
    catalog_free(cat);
    return status;
}

/* ---- decisions ---- */

static void put(const char *s)
{
    char *safe = utf8_sanitize(s ? s : "");
    fputs(safe, stdout);
    free(safe);
}

/* Lists the current decisions with their history, then the items without one. */
static void list_decisions(const DecisionBook *b, const Analysed *x, const FixPlan *p,
                           const Scenario *s, const char *today)
{
    printf("Decisions on scenario \"");
    put(s->name);
    printf("\" as of %s: %zu item%s decided, %zu decision%s in all.\n", today, b->n_current,
           b->n_current == 1 ? "" : "s", b->list.n, b->list.n == 1 ? "" : "s");
    for (size_t j = 0; j < b->n_current; j++) {
        size_t cur = b->by_subject[j];
        const char *subject = b->list.items[cur].subject;
        const Subject *item = subjects_find(x->set, subject);
        char *label = item ? subject_describe(item, x->a, x->f, p) : subject_label(subject);
        printf("\n");
        put(label);
        printf("\n  subject: ");
        put(subject);
        printf("\n");
        free(label);
        /* the current decision first, then the ones it replaced, latest first */
        for (size_t i = b->list.n; i-- > 0;) {
            const Decision *d = &b->list.items[i];
            if (strcmp(d->subject, subject) != 0) continue;
            printf("  #%lld %s ", d->id, d->created);
            put(d->author);
            printf(": ");
            char *line = decision_book_describe(b, i);
            if (i == cur) {
                put(line);
            } else {
                /* a replaced decision: what it said, without a status */
                printf("%s", decision_kind_name(d->kind));
                if (d->text) {
                    printf(": ");
                    put(d->text);
                }
                if (d->owner) {
                    printf(" (owner: ");
                    put(d->owner);
                    printf(")");
                }
                printf(" [replaced]");
            }
            printf("\n");
            free(line);
        }
    }
    bool header = false;
    for (size_t i = 0; i < x->set->n; i++) {
        const Subject *item = &x->set->items[i];
        if (decision_book_find(b, item->id) != SIZE_MAX) continue;
        if (item->kind == SUBJECT_FIX && item->index == SIZE_MAX) continue; /* not in the plan */
        if (!header) {
            printf("\nWithout a decision of their own (breakout decide \"");
            put(s->name);
            printf("\" SUBJECT KIND ...):\n");
        }
        header = true;
        char *label = subject_describe(item, x->a, x->f, p);
        printf("  ");
        put(item->id);
        printf("\n      ");
        put(label);
        printf("\n");
        free(label);
    }
}

int cmd_decisions(CliOptions *o, const RecordOptions *r)
{
    if (o->n_args != 1) return cli_usage_error("decisions needs one SCENARIO (a workspace name)");
    const char *name = o->args[0];
    char now[21], today[11];
    if (!record_clock(r, now, today)) return EXIT_BAD;
    Catalog *cat = cli_load_catalog(o);
    if (!cat) return EXIT_BAD;
    char *err = NULL;
    Store *st = cli_open_store(o);
    Scenario *s = st ? store_load(st, name, &err) : NULL;
    int status = EXIT_BAD;
    if (st && !s) cli_report(err);
    if (s) {
        Analysed x;
        EngineOptions eo = {.max_paths = 0, .lazy_why_not = true};
        x.a = engine_analyze(s, cat, &eo);
        x.f = findings_compute(x.a);
        FixPlan *p =
            o->no_plan ? NULL : fixplan_compute_limited(s, cat, x.a, (size_t)o->plan_limit);
        x.set = subjects_compute(x.a, x.f, p);
        DecisionBook *b = decisions_book(st, name, s, cat, x.a, x.f, p, today, &err);
        if (!b) {
            cli_report(err);
        } else {
            list_decisions(b, &x, p, s, today);
            status = fflush(stdout) == 0 && !ferror(stdout) ? EXIT_DONE : EXIT_BAD;
            if (status != EXIT_DONE) cli_error("could not write the output");
        }
        decision_book_free(b);
        fixplan_free(p);
        analysed_done(&x);
        scenario_free(s);
    }
    store_close(st);
    catalog_free(cat);
    return status;
}

/* ---- analyze ---- */

bool record_analysis_decisions(const CliOptions *o, const RecordOptions *r, const char *what,
                               const Scenario *s, const Catalog *cat, const Analysis *a,
                               const Findings *f, const FixPlan *p, DecisionBook **out)
{
    *out = NULL;
    char now[21], today[11];
    if (!record_clock(r, now, today)) return false;
    char *err = NULL;
    Store *st = cli_open_store(o);
    if (!st) return false;
    DecisionList list = {0};
    bool ok = decisions_load(st, what, &list, &err);
    if (ok && list.n) {
        /* the stored scenario (before --assume) is where the history replays from */
        Scenario *stored = store_load(st, what, &err);
        DecisionBook *b = decision_book_new(&list);
        ok = stored && decisions_track(st, what, stored, cat, b, &err);
        scenario_free(stored);
        if (ok) {
            SubjectSet *set = subjects_compute(a, f, p);
            decision_book_match(b, set, s, today);
            subjects_free(set);
            *out = b;
        } else {
            decision_book_free(b);
        }
    }
    decision_list_done(&list);
    if (!ok) cli_report(err);
    store_close(st);
    return ok;
}

int record_check(const DecisionBook *b, const Analysis *a)
{
    DecisionCheck c;
    decision_check(b, a, &c);
    for (size_t i = 0; i < c.lines.n; i++)
        cli_note("%s", c.lines.items[i]);
    int status = c.passes ? EXIT_DONE : EXIT_FOUND;
    decision_check_done(&c);
    return status;
}
