/* The explorer's decision form (w): records a workshop decision (accept, fix, dispute, note)
 * on one of the selected workload's failing boundaries or paths, as `breakout decide` does
 * (data/decisions.h), with the login name as author and the clock as its time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decision.h"
#include "decisions.h"
#include "form.h"
#include "record_int.h"
#include "xalloc.h"

enum { F_SUBJECT, F_KIND, F_TEXT, F_OWNER, F_DATE };

static const char *const kinds[] = {"accept", "fix", "dispute", "note"};

/* The subject identities offered (owned strings in f->fields[F_SUBJECT].choices). */
static const char *chosen_subject(const Form *f)
{
    return form_choice(f, F_SUBJECT);
}

/* Builds the decision from the form; strings borrowed from the form; now is the time. */
static Decision decision_of(const Form *f, char now[21])
{
    RecordOptions none = {0};
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    DecisionKind kind = DECISION_NOTE;
    decision_kind_parse(form_choice(f, F_KIND), &kind);
    const char *text = form_text(f, F_TEXT), *owner = form_text(f, F_OWNER),
               *date = form_text(f, F_DATE);
    Decision d = {
        .subject = (char *)chosen_subject(f),
        .kind = kind,
        .text = *text ? (char *)text : NULL,
        .owner = *owner && (kind == DECISION_ACCEPT || kind == DECISION_FIX) ? (char *)owner : NULL,
        .review_date = *date && kind == DECISION_ACCEPT ? (char *)date : NULL,
        .due_date = *date && kind == DECISION_FIX ? (char *)date : NULL,
        .author = (char *)record_author(&none),
        .created = now,
    };
    return d;
}

static bool record_check_form(Explorer *ex, Form *f)
{
    (void)ex;
    char now[21], *err = NULL;
    Decision d = decision_of(f, now);
    if (!decision_validate(&d, &err)) {
        snprintf(f->error, sizeof f->error, "%s", err);
        free(err);
        return false;
    }
    f->error[0] = '\0';
    return true;
}

static bool record_submit(Explorer *ex, Form *f)
{
    char now[21], *err = NULL;
    Decision d = decision_of(f, now);
    if (!decisions_record(ex->store, ex->sc->name, &d, &err)) {
        snprintf(f->error, sizeof f->error, "%s", err);
        free(err);
        return false;
    }
    explorer_status(ex, "recorded: %s on %s (breakout decisions and minutes show it)",
                    decision_kind_name(d.kind), d.subject);
    return true;
}

void forms_record(Explorer *ex)
{
    const TreeItem *it = ex->sc ? explorer_selected(ex) : NULL;
    if (!it || (it->kind != ITEM_WORKLOAD && it->kind != ITEM_MOUNT)) {
        explorer_status(ex, "select a workload: decisions are about its boundaries and paths");
        return;
    }
    size_t w = it->index;
    const Analysis *a = ex->an;
    char *subjects[2 + 64];
    size_t n = 0;
    for (int k = BOUNDARY_ISOLATION; k <= BOUNDARY_HOST_VOLUME; k++) {
        const BoundaryResult *b = analysis_boundary(a, w, (BoundaryKind)k);
        if (b->fails) subjects[n++] = subject_of_boundary(a, b);
    }
    for (size_t i = 0; i < a->n_paths && n < sizeof subjects / sizeof *subjects; i++)
        if (a->paths[i].start == w) subjects[n++] = subject_of_path(a, &a->paths[i]);
    if (!n) {
        explorer_status(ex, "%s has no failing boundary or path to decide on",
                        ex->sc->workloads[w].id);
        return;
    }
    Form *f = form_new("Record a decision");
    snprintf(f->prompt, sizeof f->prompt,
             "accept (reason, owner, review date), fix (owner, due date), dispute (the "
             "argument) or note; dates are YYYY-MM-DD.");
    form_add_choice(f, "about", (const char *const *)subjects, n, 0);
    for (size_t i = 0; i < n; i++)
        free(subjects[i]);
    form_add_choice(f, "decision", kinds, sizeof kinds / sizeof *kinds, 0);
    form_add_text(f, "reason / text", "");
    form_add_text(f, "owner", "");
    form_add_text(f, "date", "");
    f->check = record_check_form;
    f->submit = record_submit;
    form_open(ex, f);
}
