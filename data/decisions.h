/* The workshop record in a workspace: decisions (table `decision`) with their history, never
 * overwritten; reading them back matched to an analysis, with the states the scenario went
 * through since (its edit history and the minutes' snapshots) telling which lapsed; and
 * decisions carried by scenario files (format 3) on import and export. model/decision.h is
 * the model; docs/decisions.md the user's guide. Prepared statements only; every write is one
 * transaction of its own. */
#ifndef BREAKOUT_DECISIONS_H
#define BREAKOUT_DECISIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "decision.h"
#include "import.h"
#include "store.h"

/* At most this many past states are replayed to find decisions that lapsed (the latest). */
#define DECISIONS_REPLAY_MAX 256

/* Records d (borrowed; its id and replaces are ignored) in the scenario named scenario, after
 * decision_validate; it replaces the latest decision on the same subject, if any. On success
 * sets d->id and d->replaces. One transaction. Errors (owned, one line):
 *   no scenario named "X" in the workspace
 *   cannot record the decision: an accept decision needs a reason      (decision_validate's)
 *   FILE: cannot record a decision in scenario "X": REASON             (SQLite's, busy...) */
bool decisions_record(Store *st, const char *scenario, Decision *d, char **err);

/* Appends every decision of the scenario named scenario to out, in recording order (oldest
 * first), with their ids and what each replaces. Errors: no such scenario, or SQLite's. */
bool decisions_load(Store *st, const char *scenario, DecisionList *out, char **err);

/* Adds the decisions of in (read from a file, oldest first) to the scenario named scenario,
 * each after the existing ones (so it replaces the latest on its subject), skipping those the
 * workspace already has (same subject, kind, texts, dates, author and time): importing the same
 * file again adds nothing. *added (may be NULL) counts those added. One transaction: all or
 * none. Errors as decisions_record's. */
bool decisions_merge(Store *st, const char *scenario, const DecisionList *in, size_t *added,
                     char **err);

/* Observes in b (decision_book_observe) the states the scenario named scenario went through
 * since its earliest current decision: the states after each edit of its history (replayed
 * backwards from current, its stored content, and forwards through the undone edits), and the
 * scenarios of its minutes, each analysed with catalog c; at most DECISIONS_REPLAY_MAX, the
 * latest. An edit undone and then dropped by a newer edit, or history dropped by
 * `import --replace`, leaves no state to observe. Errors: SQLite's; a damaged history row stops
 * the replay without an error. */
bool decisions_track(Store *st, const char *scenario, const Scenario *current, const Catalog *c,
                     DecisionBook *b, char **err);

/* Everything a command needs: the scenario's decisions in a book, tracked (decisions_track) and
 * matched (decision_book_match) to analysis a of s (with findings f and plan p, either may be
 * NULL) as of today (YYYY-MM-DD). Owned (decision_book_free); NULL with *err set on failure. */
DecisionBook *decisions_book(Store *st, const char *scenario, const Scenario *s, const Catalog *c,
                             const Analysis *a, const Findings *f, const FixPlan *p,
                             const char *today, char **err);

/* A book of decisions read from a file (taken from list, which is left empty), matched to a
 * as decisions_book does, without a history to replay. Owned. */
DecisionBook *decisions_book_of(DecisionList *list, const Scenario *s, const Analysis *a,
                                const Findings *f, const FixPlan *p, const char *today);

/* import_file that keeps the decisions section of a breakout scenario file (format 3): they are
 * appended to decisions (may be NULL: dropped). Other inputs have none, and so has standard
 * input ("-", which import_file reads once). Errors as import_file's. */
Scenario *decisions_import_file(const char *path, const ImportOptions *opt, InputKind *kind,
                                StrList *notes, DecisionList *decisions, char **err);

#endif
