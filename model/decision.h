/* The workshop record: decisions a review group takes on a boundary, an attack path, a finding
 * or a fix (accept, fix, dispute, note), the stable identities ("subjects") that attach them to
 * what they are about across edits, and how each decision stands against an analysis: applies,
 * no longer applies, applies again. Pure: no I/O and no clock ("today" is a parameter).
 * data/decisions.h stores decisions; docs/decisions.md is the user's version of this header. */
#ifndef BREAKOUT_DECISION_H
#define BREAKOUT_DECISION_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"
#include "findings.h"
#include "fixplan.h"
#include "scenario.h"

/* ---- Decisions ---- */

typedef enum {
    DECISION_ACCEPT,  /* an accepted risk: reason, owner, optional review date */
    DECISION_FIX,     /* it will be fixed: owner, due date (optional text: how) */
    DECISION_DISPUTE, /* the group disputes it: the argument */
    DECISION_NOTE,    /* a note */
    DECISION_KIND_COUNT
} DecisionKind;

typedef struct {
    long long id;  /* the workspace's row id; 0 when not stored */
    char *subject; /* what it is about: a subject identity (below) */
    DecisionKind kind;
    char *text;         /* accept: the reason; dispute: the argument; note: the note; fix: how
                           (optional); NULL when none */
    char *owner;        /* accept, fix: who owns it; NULL otherwise */
    char *review_date;  /* accept: YYYY-MM-DD, or NULL (no review date) */
    char *due_date;     /* fix: YYYY-MM-DD */
    char *author;       /* who recorded it */
    char *created;      /* when: UTC, YYYY-MM-DDTHH:MM:SSZ */
    long long replaces; /* the row id of the decision on the same subject it replaces; 0: none */
} Decision;

/* A list of decisions; every string owned by the list. */
typedef struct DecisionList {
    Decision *items;
    size_t n, cap;
} DecisionList;

/* Appends a zeroed decision and returns it (valid until the next append). */
Decision *decision_list_add(DecisionList *l);
/* Appends a deep copy of d. */
void decision_list_add_copy(DecisionList *l, const Decision *d);
void decision_list_done(DecisionList *l);
/* Frees the strings of d (not d itself) and zeroes it. */
void decision_done(Decision *d);

const char *decision_kind_name(DecisionKind k); /* "accept", "fix", "dispute", "note" */
bool decision_kind_parse(const char *s, DecisionKind *out);

/* True for a calendar date written YYYY-MM-DD (2027-02-29 is not one). */
bool decision_date_valid(const char *s);
/* True for a UTC time written YYYY-MM-DDTHH:MM:SSZ. */
bool decision_timestamp_valid(const char *s);

/* Checks that d is complete and consistent: a valid subject identity, an author, a creation
 * time, and the fields of its kind and no others:
 *   accept: text (the reason) and owner; review_date optional;
 *   fix: owner and due_date; text optional;
 *   dispute: text (the argument);  note: text.
 * Empty strings count as missing. Returns false with *err set to an owned message without a
 * place, e.g. `an accept decision needs a reason`, `review date "2027-02-30" is not a date
 * (expected YYYY-MM-DD)`, `a note has no owner`. */
bool decision_validate(const Decision *d, char **err);

/* ---- Subjects: stable identities ----
 *
 *   boundary:WORKLOAD:isolation          a failing isolation boundary
 *   boundary:WORKLOAD:host-volume        a failing host-volume boundary
 *   path:START->host:HOST                an attack path (its lowest-effort form) from a start
 *   path:START->tenant:TENANT              workload to a host or another tenant
 *   finding:shared-kernel:HOST           hostile tenants on a shared kernel (per host)
 *   finding:KIND:WORKLOAD                admin-account, hostprocess, hardening-as-boundary
 *   finding:KIND:WORKLOAD:HOST-PATH      sensitive-mount, readable-key-folder (per mount)
 *   fix:isolation:WORKLOAD, fix:account:WORKLOAD
 *   fix:mount-read-only:WORKLOAD:HOST-PATH, fix:mount-remove:WORKLOAD:HOST-PATH
 *   fix:ssh-off:HOST, fix:dedicated-hosts:TENANT, fix:dedicated-hosts:TENANT:HOST
 *
 * An identity names what an item is about, by ids and host paths as written, and nothing that
 * an unrelated edit changes (no index, effort, count, severity or wording): a decision follows
 * its item while the item exists. A boundary, path or finding applies while the analysis has
 * it (the boundary fails, the path exists, the finding is found); a fix applies while its
 * change is still to be made (the workload is not yet hyperv, the mount still writable, ...). */

typedef enum { SUBJECT_BOUNDARY, SUBJECT_PATH, SUBJECT_FINDING, SUBJECT_FIX } SubjectKind;

/* The identity of an item of analysis a; owned. */
char *subject_of_boundary(const Analysis *a, const BoundaryResult *b);
char *subject_of_path(const Analysis *a, const Path *p);
char *subject_of_pathkey(const PathKey *k); /* the same for a fix plan's path key */
char *subject_of_finding(const Analysis *a, const Finding *f);
char *subject_of_change(const Scenario *s, const Change *c);

/* Checks the form of an identity (prefix, kind names, non-empty parts); sets *kind. Returns
 * false with *err set (owned), e.g. `"boundary:w" is not a subject: expected
 * boundary:WORKLOAD:isolation or boundary:WORKLOAD:host-volume`. */
bool subject_check(const char *id, SubjectKind *kind, char **err);

/* A short label for an identity, derived from it alone (for items no longer in the analysis):
 * "guest-app isolation", "guest-app -> host:node-1", "finding sensitive-mount: w:/etc",
 * "fix isolation: guest-app". Owned. */
char *subject_label(const char *id);

/* One item of an analysis a decision can be about. */
typedef struct {
    char *id; /* the identity; owned */
    SubjectKind kind;
    size_t index;  /* boundary: index in a->boundaries; path: in a->paths; finding: in
                      findings->items; fix: in plan->items, or SIZE_MAX for a candidate not in
                      the plan */
    Change change; /* fix: the change */
} Subject;

/* The items of one analysed state: failing boundaries, kept paths, findings and fixes. */
typedef struct {
    Subject *items; /* sorted by id, unique */
    size_t n, cap;
    bool paths_partial; /* the analysis kept fewer paths than it found */
} SubjectSet;

/* The subjects of analysis a with its findings f and plan p (either may be NULL). */
SubjectSet *subjects_compute(const Analysis *a, const Findings *f, const FixPlan *p);
/* Adds candidate fixes (fixplan_candidates) that are not there yet. */
void subjects_add_changes(SubjectSet *set, const Scenario *s, const Change *changes, size_t n);
void subjects_free(SubjectSet *set);
/* The subject with identity id, or NULL. */
const Subject *subjects_find(const SubjectSet *set, const char *id);
/* A label for people, from the analysis: "guest-app isolation fails (admin-escape,
 * kernel-compromise)", "guest-app -> host:node-1 (effort 2)", "high sensitive-mount:
 * guest-app mounts C:\... read-write", "guest-app: isolation process -> hyperv". The
 * arguments are those subjects_compute was given. Owned. */
char *subject_describe(const Subject *x, const Analysis *a, const Findings *f, const FixPlan *p);

/* Whether the item id names is there in the state set was computed for (s its scenario): in
 * the set, or for a fix, its change still to be made. *unchecked (may be NULL) is set when the
 * answer is unknown: a path not among those a partial analysis kept. */
bool subject_applies(const SubjectSet *set, const Scenario *s, const char *id, bool *unchecked);

/* True when the fix a fix: identity names is still to be made in s. */
bool subject_fix_pending(const Scenario *s, const char *id);

/* ---- A scenario's decisions matched to its analysis ---- */

typedef enum {
    STATUS_APPLIES,           /* what it is about is there, and has been since it was recorded */
    STATUS_NO_LONGER_APPLIES, /* it is gone (an edit made the boundary hold, closed the path...) */
    STATUS_APPLIES_AGAIN,     /* it is there, but was gone at some point since it was recorded */
    STATUS_UNCHECKED,         /* unknown: a path beyond what a partial analysis kept */
} DecisionStatus;

typedef struct {
    bool current;          /* the latest decision on its subject (the others are its history) */
    bool lapsed;           /* a state observed since it was recorded lacked its subject */
    DecisionStatus status; /* from the last decision_book_match */
} DecisionState;

typedef struct DecisionBook {
    DecisionList list;    /* every decision, in recording order; owned */
    DecisionState *state; /* one per decision */
    size_t *by_subject;   /* the current decisions (indices into list), sorted by subject */
    size_t n_current;
    char today[11]; /* YYYY-MM-DD given to decision_book_match ("" before) */
} DecisionBook;

/* A book of the decisions in list, which it takes (list is left empty). A decision is current
 * when no later one in the list has its subject. */
DecisionBook *decision_book_new(DecisionList *list);
void decision_book_free(DecisionBook *b);

/* Notes a state of the scenario seen at time when (YYYY-MM-DDTHH:MM:SSZ): each decision recorded
 * at or before when whose subject the state lacks has lapsed. Feed it the states a scenario went
 * through since its decisions were recorded (data/decisions.h replays the edit history). */
void decision_book_observe(DecisionBook *b, const SubjectSet *set, const Scenario *s,
                           const char *when);

/* Sets every decision's status against the current state (set, of scenario s), and today
 * (YYYY-MM-DD), which review and due dates are compared with. */
void decision_book_match(DecisionBook *b, const SubjectSet *set, const Scenario *s,
                         const char *today);

/* The index of the current decision on subject, or SIZE_MAX. */
size_t decision_book_find(const DecisionBook *b, const char *subject);

/* An acceptance (the current decision on its subject) whose subject applies and whose review
 * date, if any, is after today: what --check lets pass. */
bool decision_book_in_force(const DecisionBook *b, size_t i);
/* An acceptance whose review date is today or earlier: it no longer lets anything pass. */
bool decision_book_expired(const DecisionBook *b, size_t i);
/* A fix whose subject applies and whose due date is before today. */
bool decision_book_overdue(const DecisionBook *b, size_t i);

const char *decision_status_name(DecisionStatus s); /* "applies", "no longer applies", ... */
const char *decision_status_id(DecisionStatus s);   /* "applies", "no-longer-applies", ... */

/* One line for people, not escaped: "accepted until 2027-03-31 (owner: platform): REASON",
 * "accepted, no review date (owner: x): ...", "acceptance expired on 2026-01-31 (owner: x):
 * ...", "fix due 2027-01-15 (owner: platform)", "fix overdue since 2026-01-15 (owner: x)",
 * "disputed: ARGUMENT", "note: TEXT"; then " [no longer applies]" or " [applies again]" when
 * so. Owned. */
char *decision_book_describe(const DecisionBook *b, size_t i);

/* ---- --check ---- */

#define DECISION_CHECK_MAX_OPEN 20 /* open paths named one by one; the rest are counted */

/* How the paths of an analysis stand with the accepted risks. A path passes when an acceptance
 * in force covers it: one on the path itself, or acceptances on every failing boundary of its
 * start workload (every way out of a workload crosses one of them, so together they accept all
 * that follows from it). */
typedef struct {
    size_t accepted;  /* paths an acceptance in force covers */
    size_t expired;   /* paths only an expired acceptance covers: they fail again */
    size_t open;      /* paths nothing covers */
    size_t unchecked; /* paths the analysis did not keep (paths_total - n_paths): they fail */
    bool passes;      /* no path is open, expired or unchecked */
    StrList lines;    /* what to tell the user, not escaped: every acceptance used ("guest-app
                         isolation: accepted until 2027-03-31 (owner: platform)"), every expired
                         one, the open paths (the first DECISION_CHECK_MAX_OPEN, then how many
                         more), then a summary line */
} DecisionCheck;

/* Judges a's paths with the book (matched to a, so today is set). */
void decision_check(const DecisionBook *b, const Analysis *a, DecisionCheck *out);
void decision_check_done(DecisionCheck *c);

/* Whether an acceptance in force covers path p (as decision_check says), and whether an expired
 * one does (*expired, may be NULL). */
bool decision_path_accepted(const DecisionBook *b, const Analysis *a, const Path *p, bool *expired);

#endif
