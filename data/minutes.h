/* Review minutes (`breakout minutes`), as Markdown or self-contained HTML: who took part, the
 * scenario as reviewed, every decision with its reason and owner, the open items, and what
 * changed since the previous minutes; each minutes' scenario kept as a snapshot (table
 * `minutes`) to compare the next ones with. Also the pieces of the record the analysis reports
 * show: an item's decision beside it, and a Decisions section. Every user string is escaped
 * (report_escape.h); nothing in the output depends on the clock but the times given. */
#ifndef BREAKOUT_MINUTES_H
#define BREAKOUT_MINUTES_H

#include <stdbool.h>
#include <stdio.h>

#include "catalog.h"
#include "decision.h"
#include "diff.h"
#include "engine.h"
#include "findings.h"
#include "fixplan.h"
#include "store.h"

/* What one set of minutes is made of; all borrowed. */
typedef struct {
    const Scenario *scenario;
    const Analysis *analysis; /* of scenario, every path kept (max_paths 0) */
    const Findings *findings;
    const FixPlan *plan;          /* may be NULL */
    const DecisionBook *book;     /* the scenario's decisions, matched to analysis */
    const char *author;           /* who takes the minutes */
    const char *created;          /* when: YYYY-MM-DDTHH:MM:SSZ */
    const char *previous_created; /* the previous minutes: when, by whom; NULL for the first */
    const char *previous_author;
    const Diff *changes; /* from the previous minutes' scenario to this one; NULL for the first */
} Minutes;

void minutes_write_md(const Minutes *m, FILE *out);
/* One HTML file: no script, no external asset (a Content-Security-Policy says so). */
void minutes_write_html(const Minutes *m, FILE *out);

/* ---- Taking minutes (what `breakout minutes` does) ---- */

typedef struct MinutesRun MinutesRun;

/* Takes the minutes of the scenario named scenario, by author at now (YYYY-MM-DDTHH:MM:SSZ),
 * review and due dates compared with today (YYYY-MM-DD): analyses it with catalog c (every
 * path; the fix plan searched up to plan_limit candidates, 0: no limit; none when plan is
 * false), matches its decisions (decisions_book), compares with the latest minutes' snapshot,
 * and writes the minutes, Markdown or HTML, into memory. Nothing is stored until minutes_keep.
 * Owned (minutes_run_free); NULL with *err set on failure (no such scenario, SQLite's). */
MinutesRun *minutes_take(Store *st, const char *scenario, const Catalog *c, const char *author,
                         const char *now, const char *today, bool html, bool plan,
                         size_t plan_limit, char **err);
/* The minutes written: borrowed, *len bytes (NUL-terminated). */
const char *minutes_text(const MinutesRun *run, size_t *len);
/* Stores the snapshot of run (minutes_record) that the next minutes compare with: call it once
 * the minutes are out. */
bool minutes_keep(Store *st, const MinutesRun *run, char **err);
void minutes_run_free(MinutesRun *run);

/* ---- Snapshots (table minutes) ---- */

typedef struct {
    long long id;
    char *author, *created;
    char *scenario_json; /* the scenario as it was reviewed (scenario_to_json) */
} MinutesSnapshot;

/* Records minutes taken by author at created (YYYY-MM-DDTHH:MM:SSZ) of the scenario named
 * scenario, with its JSON and the analysis JSON (may be NULL). One transaction. Errors: no such
 * scenario; `FILE: cannot record the minutes of scenario "X": REASON`. */
bool minutes_record(Store *st, const char *scenario, const char *author, const char *created,
                    const char *scenario_json, const char *analysis_json, char **err);

/* The latest minutes of the scenario in *out (owned strings; minutes_snapshot_done), *found
 * false when there are none. */
bool minutes_latest(Store *st, const char *scenario, MinutesSnapshot *out, bool *found, char **err);

/* Every minutes of the scenario taken at or after since (NULL: all), oldest first: an owned
 * array of *n (minutes_snapshots_free). */
bool minutes_history(Store *st, const char *scenario, const char *since, MinutesSnapshot **out,
                     size_t *n, char **err);
void minutes_snapshot_done(MinutesSnapshot *m);
void minutes_snapshots_free(MinutesSnapshot *list, size_t n);

/* ---- In the analysis reports ---- */

/* Writes the current decision on subject after an item of a report: Markdown " (decision: ...)"
 * in italics, HTML a <br> and a span of class "decision". Nothing when book is NULL or the item
 * has no decision. */
void minutes_md_item_decision(FILE *out, const DecisionBook *book, const char *subject);
void minutes_html_item_decision(FILE *out, const DecisionBook *book, const char *subject);

/* The Decisions section of a report: every current decision, the item it is about (labelled
 * from the analysis while it is there), what was decided, by whom and when, and its status.
 * Nothing when book is NULL. The HTML section has id "decisions". */
void minutes_md_report_section(FILE *out, const DecisionBook *book, const Analysis *a,
                               const Findings *f, const FixPlan *p);
void minutes_html_report_section(FILE *out, const DecisionBook *book, const Analysis *a,
                                 const Findings *f, const FixPlan *p);

#endif
