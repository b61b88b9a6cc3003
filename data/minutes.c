/* Review minutes and the record's pieces in reports: see minutes.h. One writer serves Markdown
 * and HTML through a small document interface (Doc), so the two cannot drift apart. */
#include "minutes.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "analysis_json.h"
#include "decisions.h"
#include "report_escape.h"
#include "scenario_json.h"
#include "store_int.h"
#include "utf8.h"
#include "xalloc.h"

/* ---- A document in Markdown or HTML ---- */

typedef struct {
    FILE *out;
    bool html;
} Doc;

/* A user string, escaped for the format. */
static void text(const Doc *d, const char *s)
{
    if (d->html)
        report_escape_html(d->out, s);
    else
        report_escape_md(d->out, s);
}

/* Prose (a description): one paragraph, escaped. */
static void prose(const Doc *d, const char *s)
{
    char *flat = report_flatten(s);
    text(d, flat);
    free(flat);
}

/* Our own words: no character either format reads as markup. */
static void lit(const Doc *d, const char *s)
{
    fputs(s, d->out);
}

__attribute__((format(printf, 2, 3))) static void litf(const Doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(d->out, fmt, ap);
    va_end(ap);
}

static void heading(const Doc *d, int level, const char *id, const char *title)
{
    if (d->html)
        fprintf(d->out, "<h%d%s%s%s>%s</h%d>\n", level, id ? " id=\"" : "", id ? id : "",
                id ? "\"" : "", title, level);
    else
        fprintf(d->out, "%.*s %s\n\n", level, "######", title);
}

static void para(const Doc *d, bool begin)
{
    lit(d, d->html ? (begin ? "<p>" : "</p>\n") : (begin ? "" : "\n\n"));
}

static void list(const Doc *d, bool begin)
{
    lit(d, d->html ? (begin ? "<ul>\n" : "</ul>\n") : (begin ? "" : "\n"));
}

static void item(const Doc *d, bool begin)
{
    lit(d, d->html ? (begin ? "<li>" : "</li>\n") : (begin ? "- " : "\n"));
}

static void strong(const Doc *d, bool begin)
{
    lit(d, d->html ? (begin ? "<strong>" : "</strong>") : "**");
}

static void table(const Doc *d, const char *const *cols, size_t n)
{
    if (d->html) {
        lit(d, "<table>\n<thead><tr>");
        for (size_t i = 0; i < n; i++)
            litf(d, "<th>%s</th>", cols[i]);
        lit(d, "</tr></thead>\n<tbody>\n");
        return;
    }
    lit(d, "|");
    for (size_t i = 0; i < n; i++)
        litf(d, " %s |", cols[i]);
    lit(d, "\n|");
    for (size_t i = 0; i < n; i++)
        lit(d, "---|");
    lit(d, "\n");
}

static void table_end(const Doc *d)
{
    lit(d, d->html ? "</tbody>\n</table>\n" : "\n");
}

static void row(const Doc *d, bool begin)
{
    lit(d, d->html ? (begin ? "<tr>" : "</tr>\n") : (begin ? "|" : "\n"));
}

static void cell(const Doc *d, bool begin)
{
    lit(d, d->html ? (begin ? "<td>" : "</td>") : (begin ? " " : " |"));
}

/* A cell holding one user string (or "none" when NULL or empty). */
static void text_cell(const Doc *d, const char *s)
{
    cell(d, true);
    if (s && *s)
        text(d, s);
    else
        lit(d, "none");
    cell(d, false);
}

/* ---- What the decisions are about ---- */

/* The label of a subject: from the analysis while the item is there, else from the id. */
static char *label_of(const SubjectSet *set, const Analysis *a, const Findings *f, const FixPlan *p,
                      const char *id)
{
    const Subject *x = set ? subjects_find(set, id) : NULL;
    return x ? subject_describe(x, a, f, p) : subject_label(id);
}

/* "label (id)" */
static void subject_text(const Doc *d, const SubjectSet *set, const Analysis *a, const Findings *f,
                         const FixPlan *p, const char *id)
{
    char *label = label_of(set, a, f, p, id);
    text(d, label);
    lit(d, d->html ? "<br><span class=\"id\">" : " (");
    text(d, id);
    lit(d, d->html ? "</span>" : ")");
    free(label);
}

static void recorded(const Doc *d, const Decision *x)
{
    text(d, x->author);
    lit(d, ", ");
    text(d, x->created);
}

/* The status of decision i as its Status cell says it. */
static void status_text(const Doc *d, const DecisionBook *b, size_t i)
{
    lit(d, decision_status_name(b->state[i].status));
    if (decision_book_expired(b, i)) lit(d, "; review date passed");
    if (decision_book_overdue(b, i)) lit(d, "; overdue");
}

/* ---- The minutes ---- */

static void write_participants(const Doc *d, const Minutes *m)
{
    const DecisionBook *b = m->book;
    heading(d, 2, "participants", "Who took part");
    const char **names = xcalloc(b->list.n + 1, sizeof *names);
    size_t *counts = xcalloc(b->list.n + 1, sizeof *counts), n = 0;
    for (size_t i = 0; i < b->list.n; i++) {
        const Decision *x = &b->list.items[i];
        if (m->previous_created && strcmp(x->created, m->previous_created) <= 0) continue;
        size_t k = 0;
        while (k < n && strcmp(names[k], x->author) != 0)
            k++;
        if (k == n) names[n++] = x->author;
        counts[k]++;
    }
    /* by name: a small insertion sort keeps counts beside names */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
            const char *t = names[k];
            names[k] = names[k - 1];
            names[k - 1] = t;
            size_t c = counts[k];
            counts[k] = counts[k - 1];
            counts[k - 1] = c;
        }
    para(d, true);
    if (!n)
        lit(d, m->previous_created ? "Nobody recorded a decision since the previous minutes."
                                   : "Nobody has recorded a decision on this scenario.");
    else
        lit(d, m->previous_created ? "Everyone who recorded a decision since the previous minutes:"
                                   : "Everyone who recorded a decision on this scenario:");
    para(d, false);
    if (n) list(d, true);
    for (size_t i = 0; i < n; i++) {
        item(d, true);
        text(d, names[i]);
        litf(d, " (%zu decision%s)", counts[i], counts[i] == 1 ? "" : "s");
        item(d, false);
    }
    if (n) list(d, false);
    para(d, true);
    lit(d, "Minutes taken by ");
    text(d, m->author);
    lit(d, ".");
    para(d, false);
    free(names);
    free(counts);
}

static size_t count(const bool *flags, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += flags[i];
    return k;
}

static void flagged(const Doc *d, const bool *flags, size_t n,
                    const char *(*id)(const Scenario *, size_t), const Scenario *s)
{
    bool any = false;
    for (size_t i = 0; i < n; i++)
        if (flags[i]) {
            if (any) lit(d, ", ");
            text(d, id(s, i));
            any = true;
        }
    if (!any) lit(d, "none");
}

static const char *host_id(const Scenario *s, size_t i)
{
    return s->hosts[i].id;
}
static const char *tenant_id(const Scenario *s, size_t i)
{
    return s->tenants[i].id;
}
static const char *workload_id(const Scenario *s, size_t i)
{
    return s->workloads[i].id;
}

static void write_reviewed(const Doc *d, const Minutes *m)
{
    const Scenario *s = m->scenario;
    const Analysis *a = m->analysis;
    heading(d, 2, "scenario", "The scenario as reviewed");
    if (s->description && *s->description) {
        para(d, true);
        prose(d, s->description);
        para(d, false);
    }
    size_t failing = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        failing += a->boundaries[i].fails;
    list(d, true);
    item(d, true);
    strong(d, true);
    lit(d, "Hosts compromised:");
    strong(d, false);
    litf(d, " %zu of %zu: ", count(a->host_compromised, s->n_hosts), s->n_hosts);
    flagged(d, a->host_compromised, s->n_hosts, host_id, s);
    item(d, false);
    item(d, true);
    strong(d, true);
    lit(d, "Tenants exposed:");
    strong(d, false);
    lit(d, " ");
    flagged(d, a->tenant_exposed, s->n_tenants, tenant_id, s);
    item(d, false);
    item(d, true);
    strong(d, true);
    lit(d, "Attacker starts:");
    strong(d, false);
    lit(d, " ");
    flagged(d, a->is_start, s->n_workloads, workload_id, s);
    item(d, false);
    item(d, true);
    strong(d, true);
    lit(d, "Boundaries:");
    strong(d, false);
    litf(d, " %zu fail, %zu hold", failing, a->n_boundaries - failing);
    item(d, false);
    item(d, true);
    strong(d, true);
    lit(d, "Attack paths:");
    strong(d, false);
    litf(d, " %zu", a->paths_total);
    item(d, false);
    if (m->findings) {
        item(d, true);
        strong(d, true);
        lit(d, "Findings:");
        strong(d, false);
        litf(d, " %zu", m->findings->n);
        item(d, false);
    }
    item(d, true);
    strong(d, true);
    lit(d, "Assumptions:");
    strong(d, false);
    for (int i = 0; i < ASSUME_COUNT; i++)
        litf(d, "%s %s = %s", i ? "," : "", assumption_name((Assumption)i),
             s->assume[i] ? "true" : "false");
    item(d, false);
    list(d, false);

    heading(d, 3, NULL, "Tenants");
    static const char *const tcols[] = {"Tenant", "Name", "Trust"};
    table(d, tcols, 3);
    for (size_t t = 0; t < s->n_tenants; t++) {
        row(d, true);
        text_cell(d, s->tenants[t].id);
        text_cell(d, s->tenants[t].name);
        text_cell(d, trust_name(s->tenants[t].trust));
        row(d, false);
    }
    table_end(d);
    heading(d, 3, NULL, "Hosts");
    static const char *const hcols[] = {"Host", "OS", "SSH", "Users"};
    table(d, hcols, 4);
    for (size_t h = 0; h < s->n_hosts; h++) {
        const Host *ho = &s->hosts[h];
        row(d, true);
        text_cell(d, ho->id);
        text_cell(d, os_name(ho->os));
        text_cell(d, ho->ssh ? "on" : "off");
        cell(d, true);
        for (size_t u = 0; u < ho->n_users; u++) {
            text(d, ho->users[u].name);
            lit(d, ho->users[u].admin ? " (admin), " : ", ");
        }
        litf(d, "%s (admin, implicit)", ho->os == OS_WINDOWS ? "Administrator" : "root");
        cell(d, false);
        row(d, false);
    }
    table_end(d);
    heading(d, 3, NULL, "Workloads");
    static const char *const wcols[] = {"Workload",  "Tenant",  "Host",
                                        "Isolation", "Account", "Mounts"};
    table(d, wcols, 6);
    for (size_t w = 0; w < s->n_workloads; w++) {
        const Workload *wl = &s->workloads[w];
        row(d, true);
        cell(d, true);
        text(d, wl->id);
        if (a->is_start[w]) lit(d, " (attacker start)");
        cell(d, false);
        text_cell(d, wl->tenant);
        text_cell(d, wl->host);
        text_cell(d, isolation_name(wl->isolation));
        text_cell(d, account_name(wl->account));
        cell(d, true);
        if (!wl->n_mounts) lit(d, "none");
        for (size_t k = 0; k < wl->n_mounts; k++) {
            if (k) lit(d, "; ");
            text(d, wl->mounts[k].host_path);
            lit(d, wl->mounts[k].read_only ? " (read-only)" : " (read-write)");
        }
        cell(d, false);
        row(d, false);
    }
    table_end(d);
}

/* The decisions of one kind, current, in subject order. */
static void decisions_table(const Doc *d, const Minutes *m, const SubjectSet *set,
                            DecisionKind kind)
{
    const DecisionBook *b = m->book;
    static const char *const titles[DECISION_KIND_COUNT] = {"Accepted risks", "Fixes", "Disputed",
                                                            "Notes"};
    static const char *const accept_cols[] = {"Item",        "Reason",   "Owner",
                                              "Review date", "Recorded", "Status"};
    static const char *const fix_cols[] = {"Item", "Owner", "Due", "How", "Recorded", "Status"};
    static const char *const dispute_cols[] = {"Item", "Argument", "Recorded", "Status"};
    static const char *const note_cols[] = {"Item", "Note", "Recorded", "Status"};
    size_t n = 0;
    for (size_t j = 0; j < b->n_current; j++)
        n += b->list.items[b->by_subject[j]].kind == kind;
    if (!n) return;
    heading(d, 3, NULL, titles[kind]);
    switch (kind) {
    case DECISION_ACCEPT: table(d, accept_cols, 6); break;
    case DECISION_FIX: table(d, fix_cols, 6); break;
    case DECISION_DISPUTE: table(d, dispute_cols, 4); break;
    default: table(d, note_cols, 4); break;
    }
    for (size_t j = 0; j < b->n_current; j++) {
        size_t i = b->by_subject[j];
        const Decision *x = &b->list.items[i];
        if (x->kind != kind) continue;
        row(d, true);
        cell(d, true);
        subject_text(d, set, m->analysis, m->findings, m->plan, x->subject);
        cell(d, false);
        switch (kind) {
        case DECISION_ACCEPT:
            text_cell(d, x->text);
            text_cell(d, x->owner);
            text_cell(d, x->review_date);
            break;
        case DECISION_FIX:
            text_cell(d, x->owner);
            text_cell(d, x->due_date);
            text_cell(d, x->text);
            break;
        default: text_cell(d, x->text); break;
        }
        cell(d, true);
        recorded(d, x);
        cell(d, false);
        cell(d, true);
        status_text(d, b, i);
        cell(d, false);
        row(d, false);
    }
    table_end(d);
}

/* A decision in one line, for the history: "accept by alice at T: text (owner: o, review: r)" */
static void history_line(const Doc *d, const Decision *x)
{
    litf(d, "%s by ", decision_kind_name(x->kind));
    text(d, x->author);
    lit(d, " at ");
    text(d, x->created);
    if (x->text) {
        lit(d, ": ");
        text(d, x->text);
    }
    if (x->owner) {
        lit(d, " (owner: ");
        text(d, x->owner);
        if (x->review_date) {
            lit(d, ", review date ");
            text(d, x->review_date);
        }
        if (x->due_date) {
            lit(d, ", due ");
            text(d, x->due_date);
        }
        lit(d, ")");
    }
}

static void write_decisions(const Doc *d, const Minutes *m, const SubjectSet *set)
{
    const DecisionBook *b = m->book;
    heading(d, 2, "decisions", "Decisions");
    size_t replaced = b->list.n - b->n_current;
    para(d, true);
    if (!b->n_current)
        lit(d, "No decision has been recorded on this scenario.");
    else
        litf(d, "%zu item%s decided; %zu earlier decision%s replaced (see the history below).",
             b->n_current, b->n_current == 1 ? " has been" : "s have been", replaced,
             replaced == 1 ? " was" : "s were");
    para(d, false);
    for (int k = 0; k < DECISION_KIND_COUNT; k++)
        decisions_table(d, m, set, (DecisionKind)k);
    if (!replaced) return;
    heading(d, 3, NULL, "History");
    para(d, true);
    lit(d, "Decisions later replaced by another on the same item, oldest first.");
    para(d, false);
    list(d, true);
    for (size_t j = 0; j < b->n_current; j++) {
        const char *subject = b->list.items[b->by_subject[j]].subject;
        for (size_t i = 0; i < b->list.n; i++) {
            const Decision *x = &b->list.items[i];
            if (b->state[i].current || strcmp(x->subject, subject) != 0) continue;
            item(d, true);
            char *label = subject_label(subject);
            text(d, label);
            free(label);
            lit(d, ": ");
            history_line(d, x);
            item(d, false);
        }
    }
    list(d, false);
}

/* Whether a current decision of any kind is on subject id. */
static bool decided(const DecisionBook *b, const char *id)
{
    return decision_book_find(b, id) != SIZE_MAX;
}

/* Whether path p is decided: on itself, or on every failing boundary of its start. */
static bool path_decided(const DecisionBook *b, const Analysis *a, const Path *p)
{
    char *id = subject_of_path(a, p);
    bool yes = decided(b, id);
    free(id);
    size_t failing = 0, with = 0;
    for (int k = BOUNDARY_ISOLATION; !yes && k <= BOUNDARY_HOST_VOLUME; k++) {
        const BoundaryResult *r = analysis_boundary(a, p->start, (BoundaryKind)k);
        if (!r->fails) continue;
        failing++;
        char *bid = subject_of_boundary(a, r);
        with += decided(b, bid);
        free(bid);
    }
    return yes || (failing && with == failing);
}

/* Starts an open-items group the first time; returns true. */
static bool group(const Doc *d, bool started, const char *title)
{
    if (started) return true;
    heading(d, 3, NULL, title);
    list(d, true);
    return true;
}

static void write_open(const Doc *d, const Minutes *m, const SubjectSet *set)
{
    const DecisionBook *b = m->book;
    const Analysis *a = m->analysis;
    heading(d, 2, "open", "Open items");
    bool any = false, g = false;
    for (size_t i = 0; i < set->n; i++) {
        const Subject *x = &set->items[i];
        if (x->kind != SUBJECT_BOUNDARY || decided(b, x->id)) continue;
        g = group(d, g, "Failing boundaries without a decision");
        item(d, true);
        subject_text(d, set, a, m->findings, m->plan, x->id);
        item(d, false);
    }
    if (g) list(d, false);
    any |= g;
    g = false;
    for (size_t i = 0; i < a->n_paths; i++) {
        if (path_decided(b, a, &a->paths[i])) continue;
        g = group(d, g, "Attack paths without a decision");
        char *id = subject_of_path(a, &a->paths[i]);
        item(d, true);
        subject_text(d, set, a, m->findings, m->plan, id);
        item(d, false);
        free(id);
    }
    if (g) list(d, false);
    any |= g;
    g = false;
    for (size_t i = 0; i < set->n; i++) {
        const Subject *x = &set->items[i];
        if (x->kind != SUBJECT_FINDING || decided(b, x->id)) continue;
        g = group(d, g, "Findings without a decision");
        item(d, true);
        subject_text(d, set, a, m->findings, m->plan, x->id);
        item(d, false);
    }
    if (g) list(d, false);
    any |= g;
    g = false;
    /* fixes due, by due date */
    size_t *fixes = xcalloc(b->n_current + 1, sizeof *fixes), n_fixes = 0;
    for (size_t j = 0; j < b->n_current; j++) {
        size_t i = b->by_subject[j];
        DecisionStatus st = b->state[i].status;
        if (b->list.items[i].kind != DECISION_FIX ||
            (st != STATUS_APPLIES && st != STATUS_APPLIES_AGAIN))
            continue;
        size_t k = n_fixes++;
        while (k > 0 &&
               strcmp(b->list.items[fixes[k - 1]].due_date, b->list.items[i].due_date) > 0) {
            fixes[k] = fixes[k - 1];
            k--;
        }
        fixes[k] = i;
    }
    for (size_t j = 0; j < n_fixes; j++) {
        const Decision *x = &b->list.items[fixes[j]];
        g = group(d, g, "Fixes due");
        item(d, true);
        subject_text(d, set, a, m->findings, m->plan, x->subject);
        lit(d, ": due ");
        text(d, x->due_date);
        if (decision_book_overdue(b, fixes[j])) lit(d, " (overdue)");
        lit(d, ", owner ");
        text(d, x->owner);
        item(d, false);
    }
    free(fixes);
    if (g) list(d, false);
    any |= g;
    g = false;
    for (size_t j = 0; j < b->n_current; j++) {
        size_t i = b->by_subject[j];
        const Decision *x = &b->list.items[i];
        DecisionStatus st = b->state[i].status;
        if (!decision_book_expired(b, i) || (st != STATUS_APPLIES && st != STATUS_APPLIES_AGAIN))
            continue;
        g = group(d, g, "Acceptances past their review date");
        item(d, true);
        subject_text(d, set, a, m->findings, m->plan, x->subject);
        lit(d, ": review date ");
        text(d, x->review_date);
        lit(d, ", owner ");
        text(d, x->owner);
        item(d, false);
    }
    if (g) list(d, false);
    any |= g;
    g = false;
    for (size_t j = 0; j < b->n_current; j++) {
        size_t i = b->by_subject[j];
        const Decision *x = &b->list.items[i];
        DecisionStatus st = b->state[i].status;
        if (x->kind != DECISION_DISPUTE || (st != STATUS_APPLIES && st != STATUS_APPLIES_AGAIN))
            continue;
        g = group(d, g, "Disputes to settle");
        item(d, true);
        subject_text(d, set, a, m->findings, m->plan, x->subject);
        lit(d, ": ");
        text(d, x->text);
        item(d, false);
    }
    if (g) list(d, false);
    any |= g;
    if (!any) {
        para(d, true);
        lit(d, "Nothing is open.");
        para(d, false);
    }
}

static void write_changes(const Doc *d, const Minutes *m)
{
    heading(d, 2, "changes", "Changes since the previous minutes");
    const Diff *c = m->changes;
    if (!m->previous_created || !c) {
        para(d, true);
        lit(d, "These are the first minutes of this scenario: there is nothing to compare with.");
        para(d, false);
        return;
    }
    bool any = false;
    if (c->n_edits) {
        any = true;
        heading(d, 3, NULL, "Scenario edits");
        list(d, true);
        for (size_t i = 0; i < c->n_edits; i++) {
            char *e = diff_edit_describe(&c->edits[i]);
            item(d, true);
            text(d, e);
            item(d, false);
            free(e);
        }
        list(d, false);
    }
    if (c->n_boundaries) {
        any = true;
        heading(d, 3, NULL, "Boundaries");
        list(d, true);
        for (size_t i = 0; i < c->n_boundaries; i++) {
            const DiffBoundary *x = &c->boundaries[i];
            item(d, true);
            text(d, x->workload);
            litf(d, " %s: %s → %s", boundary_name(x->kind), diff_verdict_name(x->before),
                 diff_verdict_name(x->after));
            item(d, false);
        }
        list(d, false);
    }
    if (c->n_paths) {
        any = true;
        heading(d, 3, NULL, "Attack paths");
        list(d, true);
        for (size_t i = 0; i < c->n_paths; i++) {
            const DiffPath *x = &c->paths[i];
            item(d, true);
            text(d, x->from);
            lit(d, " → ");
            text(d, x->to);
            if (x->effort_before < 0)
                litf(d, ": opened (effort %d)", x->effort_after);
            else if (x->effort_after < 0)
                litf(d, ": closed (was effort %d)", x->effort_before);
            else
                litf(d, ": %s (effort %d → %d)",
                     x->effort_after < x->effort_before ? "easier" : "harder", x->effort_before,
                     x->effort_after);
            item(d, false);
        }
        list(d, false);
    }
    if (c->n_findings) {
        any = true;
        heading(d, 3, NULL, "Findings");
        list(d, true);
        for (size_t i = 0; i < c->n_findings; i++) {
            const DiffFinding *x = &c->findings[i];
            item(d, true);
            litf(d, "%s: %s %s on ", x->added ? "added" : "removed", severity_name(x->severity),
                 finding_kind_id(x->kind));
            text(d, x->host);
            lit(d, ": ");
            text(d, x->detail);
            item(d, false);
        }
        list(d, false);
    }
    bool g = false;
    const DecisionBook *b = m->book;
    for (size_t i = 0; i < b->list.n; i++) {
        const Decision *x = &b->list.items[i];
        if (strcmp(x->created, m->previous_created) <= 0) continue;
        if (!g) {
            heading(d, 3, NULL, "Decisions recorded since");
            list(d, true);
        }
        g = true;
        item(d, true);
        char *label = subject_label(x->subject);
        text(d, label);
        free(label);
        lit(d, ": ");
        history_line(d, x);
        item(d, false);
    }
    if (g) list(d, false);
    if (!any && !g) {
        para(d, true);
        lit(d, "Nothing changed: the scenario, its verdicts, paths and findings are as they were, "
               "and no decision was recorded.");
        para(d, false);
    }
}

static const char css[] =
    "html{font-size:18px}\n"
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;color:#111;"
    "line-height:1.5;margin:0 auto;max-width:70rem;padding:1.5rem}\n"
    "h1{font-size:2rem;line-height:1.2}\n"
    "h2{font-size:1.45rem;border-bottom:3px solid #111;margin-top:2.2rem}\n"
    "table{border-collapse:collapse;width:100%;margin:1rem 0}\n"
    "th,td{border:1px solid #bbb;padding:.4rem .55rem;text-align:left;vertical-align:top}\n"
    "th{background:#eee}\n"
    ".id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;color:#555}\n"
    "footer{margin-top:3rem;border-top:1px solid #bbb;font-size:.85rem;color:#555}\n"
    "@media print{html{font-size:10.5pt}body{max-width:none;padding:0}"
    "tr,li{break-inside:avoid}h2,h3{break-after:avoid}}\n";

static void write_minutes(const Doc *d, const Minutes *m)
{
    const Scenario *s = m->scenario;
    if (d->html) {
        lit(d, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'\">\n"
               "<meta name=\"generator\" content=\"breakout\">\n<title>Review minutes: ");
        text(d, s->name);
        litf(d, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>Review minutes: ", css);
        text(d, s->name);
        lit(d, "</h1>\n");
    } else {
        lit(d, "# Review minutes: ");
        text(d, s->name);
        lit(d, "\n\n");
    }
    para(d, true);
    lit(d, "Taken by ");
    text(d, m->author);
    lit(d, " at ");
    text(d, m->created);
    lit(d, ". ");
    if (m->previous_created) {
        lit(d, "The previous minutes were taken by ");
        text(d, m->previous_author ? m->previous_author : "?");
        lit(d, " at ");
        text(d, m->previous_created);
        lit(d, ".");
    } else {
        lit(d, "These are the first minutes of this scenario.");
    }
    para(d, false);
    SubjectSet *set = subjects_compute(m->analysis, m->findings, m->plan);
    write_participants(d, m);
    write_reviewed(d, m);
    write_decisions(d, m, set);
    write_open(d, m, set);
    write_changes(d, m);
    subjects_free(set);
    if (d->html)
        lit(d, "<footer><p>Written by breakout: the decisions are the group's, the verdicts the "
               "model's.</p></footer>\n</body>\n</html>\n");
}

void minutes_write_md(const Minutes *m, FILE *out)
{
    Doc d = {out, false};
    write_minutes(&d, m);
}

void minutes_write_html(const Minutes *m, FILE *out)
{
    Doc d = {out, true};
    write_minutes(&d, m);
}

/* ---- In the analysis reports ---- */

static void item_decision(const Doc *d, const DecisionBook *book, const char *subject)
{
    if (!book) return;
    size_t i = decision_book_find(book, subject);
    if (i == SIZE_MAX) return;
    char *line = decision_book_describe(book, i);
    lit(d, d->html ? "<br><em class=\"decision\">Decision: " : " *(decision: ");
    text(d, line);
    lit(d, d->html ? "</em>" : ")*");
    free(line);
}

void minutes_md_item_decision(FILE *out, const DecisionBook *book, const char *subject)
{
    Doc d = {out, false};
    item_decision(&d, book, subject);
}

void minutes_html_item_decision(FILE *out, const DecisionBook *book, const char *subject)
{
    Doc d = {out, true};
    item_decision(&d, book, subject);
}

static void report_section(const Doc *d, const DecisionBook *b, const Analysis *a,
                           const Findings *f, const FixPlan *p)
{
    if (!b) return;
    if (d->html)
        lit(d, "<section id=\"decisions\">\n<h2>Decisions</h2>\n");
    else
        lit(d, "## Decisions\n\n");
    para(d, true);
    if (!b->n_current)
        lit(d, "No decision has been recorded on this scenario.");
    else
        lit(d, "What the review decided, item by item (the latest decision on each; breakout "
               "minutes lists the history).");
    para(d, false);
    SubjectSet *set = subjects_compute(a, f, p);
    if (b->n_current) list(d, true);
    for (size_t j = 0; j < b->n_current; j++) {
        size_t i = b->by_subject[j];
        const Decision *x = &b->list.items[i];
        item(d, true);
        strong(d, true);
        char *label = label_of(set, a, f, p, x->subject);
        text(d, label);
        free(label);
        strong(d, false);
        lit(d, " (");
        text(d, x->subject);
        lit(d, "): ");
        char *line = decision_book_describe(b, i);
        text(d, line);
        free(line);
        lit(d, ". Recorded by ");
        recorded(d, x);
        lit(d, ".");
        item(d, false);
    }
    if (b->n_current) list(d, false);
    subjects_free(set);
    if (d->html) lit(d, "</section>\n");
}

void minutes_md_report_section(FILE *out, const DecisionBook *book, const Analysis *a,
                               const Findings *f, const FixPlan *p)
{
    Doc d = {out, false};
    report_section(&d, book, a, f, p);
}

void minutes_html_report_section(FILE *out, const DecisionBook *book, const Analysis *a,
                                 const Findings *f, const FixPlan *p)
{
    Doc d = {out, true};
    report_section(&d, book, a, f, p);
}

/* ---- Taking minutes ---- */

struct MinutesRun {
    char *scenario;         /* the name */
    char *author, *created; /* of these minutes */
    char *scenario_json;    /* the snapshot */
    char *analysis_json;
    char *text; /* the minutes */
    size_t len;
};

/* One analysed scenario: every path, findings, and (for the current one) the plan. */
typedef struct {
    Analysis *a;
    Findings *f;
    FixPlan *p;
} Analysed;

static void analyse(Analysed *x, const Scenario *s, const Catalog *c, bool plan, size_t limit)
{
    EngineOptions eo = {.max_paths = 0};
    x->a = engine_analyze(s, c, &eo);
    x->f = findings_compute(x->a);
    x->p = plan ? fixplan_compute_limited(s, c, x->a, limit) : NULL;
}

static void analysed_done(Analysed *x)
{
    fixplan_free(x->p);
    findings_free(x->f);
    analysis_free(x->a);
}

MinutesRun *minutes_take(Store *st, const char *scenario, const Catalog *c, const char *author,
                         const char *now, const char *today, bool html, bool plan,
                         size_t plan_limit, char **err)
{
    Scenario *s = store_load(st, scenario, err);
    if (!s) return NULL;
    Analysed cur, prev = {0};
    analyse(&cur, s, c, plan, plan_limit);
    MinutesRun *run = NULL;
    MinutesSnapshot last = {0};
    bool found = false;
    Scenario *before = NULL;
    Diff *changes = NULL;
    DecisionBook *book = decisions_book(st, scenario, s, c, cur.a, cur.f, cur.p, today, err);
    if (book && minutes_latest(st, scenario, &last, &found, err)) {
        if (found) {
            char *perr = NULL;
            before =
                scenario_parse(last.scenario_json, strlen(last.scenario_json), "minutes", &perr);
            free(perr); /* a snapshot that no longer reads is compared with nothing */
        }
        if (before) {
            analyse(&prev, before, c, false, 0);
            changes = diff_compute(prev.a, prev.f, cur.a, cur.f);
        }
        Minutes m = {
            .scenario = s,
            .analysis = cur.a,
            .findings = cur.f,
            .plan = cur.p,
            .book = book,
            .author = author,
            .created = now,
            .previous_created = found ? last.created : NULL,
            .previous_author = found ? last.author : NULL,
            .changes = changes,
        };
        run = xcalloc(1, sizeof *run);
        FILE *mem = open_memstream(&run->text, &run->len);
        if (html)
            minutes_write_html(&m, mem);
        else
            minutes_write_md(&m, mem);
        fclose(mem);
        Report rep = {.analysis = cur.a, .findings = cur.f, .plan = cur.p, .decisions = book};
        run->scenario = xstrdup(scenario);
        run->author = xstrdup(author);
        run->created = xstrdup(now);
        run->scenario_json = scenario_to_json(s);
        run->analysis_json = analysis_to_json(&rep);
    }
    diff_free(changes);
    if (before) analysed_done(&prev);
    scenario_free(before);
    minutes_snapshot_done(&last);
    decision_book_free(book);
    analysed_done(&cur);
    scenario_free(s);
    return run;
}

const char *minutes_text(const MinutesRun *run, size_t *len)
{
    *len = run->len;
    return run->text;
}

bool minutes_keep(Store *st, const MinutesRun *run, char **err)
{
    return minutes_record(st, run->scenario, run->author, run->created, run->scenario_json,
                          run->analysis_json, err);
}

void minutes_run_free(MinutesRun *run)
{
    if (!run) return;
    free(run->scenario);
    free(run->author);
    free(run->created);
    free(run->scenario_json);
    free(run->analysis_json);
    free(run->text);
    free(run);
}

/* ---- Snapshots ---- */

static char *quoted(const char *s)
{
    char *safe = utf8_sanitize(s);
    char *q = xasprintf("\"%s\"", safe);
    free(safe);
    return q;
}

static char *failure(Store *st, const char *what)
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

static char *col_dup(sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    return xstrdup(t ? (const char *)t : "");
}

static bool scenario_row(Store *st, const char *name, bool *found, sqlite3_int64 *sid)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(store_db(st), "SELECT id FROM scenario WHERE name = ?1", -1, &q, NULL) !=
        SQLITE_OK)
        return false;
    sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    *found = rc == SQLITE_ROW;
    if (*found) *sid = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

bool minutes_record(Store *st, const char *scenario, const char *author, const char *created,
                    const char *scenario_json, const char *analysis_json, char **err)
{
    sqlite3 *db = store_db(st);
    char *q = quoted(scenario);
    char *what = xasprintf("cannot record the minutes of scenario %s", q);
    free(q);
    bool found = false, ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_int64 sid = 0;
    sqlite3_stmt *ins = NULL;
    if (ok) ok = scenario_row(st, scenario, &found, &sid);
    if (ok && found)
        ok = sqlite3_prepare_v2(db,
                                "INSERT INTO minutes (scenario_id, author, created, scenario_json,"
                                " analysis_json) VALUES (?1, ?2, ?3, ?4, ?5)",
                                -1, &ins, NULL) == SQLITE_OK;
    if (ok && found) {
        sqlite3_bind_int64(ins, 1, sid);
        sqlite3_bind_text(ins, 2, author, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, created, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 4, scenario_json, -1, SQLITE_TRANSIENT);
        if (analysis_json)
            sqlite3_bind_text(ins, 5, analysis_json, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(ins, 5);
        ok = sqlite3_step(ins) == SQLITE_DONE;
    }
    sqlite3_finalize(ins);
    if (ok && found) ok = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) {
        *err = failure(st, what);
    } else if (!found) {
        q = quoted(scenario);
        *err = xasprintf("no scenario named %s in the workspace", q);
        free(q);
    }
    if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    free(what);
    return ok && found;
}

/* Reads the minutes rows of the scenario that q (bound from ?2 on by the caller) selects. */
static bool read_rows(Store *st, const char *scenario, const char *sql, const char *since,
                      MinutesSnapshot **out, size_t *n, char **err)
{
    char *q = quoted(scenario);
    char *what = xasprintf("cannot read the minutes of scenario %s", q);
    bool found = false;
    sqlite3_int64 sid = 0;
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    bool ok = scenario_row(st, scenario, &found, &sid);
    if (ok && found) ok = sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK;
    if (ok && found) {
        sqlite3_bind_int64(s, 1, sid);
        if (since) sqlite3_bind_text(s, 2, since, -1, SQLITE_TRANSIENT);
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            xgrow((void **)out, &cap, *n + 1, sizeof **out);
            MinutesSnapshot *m = &(*out)[(*n)++];
            m->id = sqlite3_column_int64(s, 0);
            m->author = col_dup(s, 1);
            m->created = col_dup(s, 2);
            m->scenario_json = col_dup(s, 3);
        }
        ok = rc == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    if (!ok)
        *err = failure(st, what);
    else if (!found)
        *err = xasprintf("no scenario named %s in the workspace", q);
    free(q);
    free(what);
    if (!(ok && found)) {
        minutes_snapshots_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return ok && found;
}

bool minutes_latest(Store *st, const char *scenario, MinutesSnapshot *out, bool *found, char **err)
{
    MinutesSnapshot *list;
    size_t n;
    if (!read_rows(st, scenario,
                   "SELECT id, author, created, scenario_json FROM minutes WHERE scenario_id = ?1"
                   " ORDER BY id DESC LIMIT 1",
                   NULL, &list, &n, err))
        return false;
    *found = n > 0;
    if (n) {
        *out = list[0];
        free(list);
    } else {
        memset(out, 0, sizeof *out);
        free(list);
    }
    return true;
}

bool minutes_history(Store *st, const char *scenario, const char *since, MinutesSnapshot **out,
                     size_t *n, char **err)
{
    return read_rows(st, scenario,
                     since ? "SELECT id, author, created, scenario_json FROM minutes WHERE"
                             " scenario_id = ?1 AND created >= ?2 ORDER BY id"
                           : "SELECT id, author, created, scenario_json FROM minutes WHERE"
                             " scenario_id = ?1 ORDER BY id",
                     since, out, n, err);
}

void minutes_snapshot_done(MinutesSnapshot *m)
{
    free(m->author);
    free(m->created);
    free(m->scenario_json);
    memset(m, 0, sizeof *m);
}

void minutes_snapshots_free(MinutesSnapshot *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        minutes_snapshot_done(&list[i]);
    free(list);
}
