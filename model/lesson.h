/* Lessons: a starting scenario and steps that teach the source's claims by prediction.
 * Questions are answered by the engine, never by the lesson; changes are edits the lesson
 * makes; goals are states the learner reaches by editing. Pure: data/lesson_json.c reads
 * lessons, data/progress.c keeps each learner's place, ui/cmd_learn.c runs them. */
#ifndef BREAKOUT_LESSON_H
#define BREAKOUT_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "scenario.h"

#define LESSON_MAX_CHOICES    9  /* keys a..i */
#define LESSON_MAX_MOVES      25 /* a goal's menu: keys 1..9, a..p */
#define LESSON_GOAL_MAX_MOVES 3  /* lesson_check: a goal must be reachable in this many moves */

typedef enum {
    STEP_NOTE,      /* words only */
    STEP_BOUNDARY,  /* does W's BOUNDARY hold? yes / no */
    STEP_REACH,     /* can FROM reach TO? yes / no */
    STEP_FIX,       /* which single change closes every path? a choice */
    STEP_SERVICING, /* which of these would the vendor service as a security bug? a choice */
    STEP_CHANGE,    /* the lesson edits its scenario */
    STEP_GOAL,      /* the learner edits until a goal holds */
    STEP_KIND_COUNT
} StepKind;

/* One change to one entity of a scenario (or to an assumption). */
typedef enum {
    LEDIT_ISOLATION,       /* workload: value is the Isolation */
    LEDIT_ACCOUNT,         /* workload: value is the Account */
    LEDIT_PRIVILEGED,      /* workload: flag */
    LEDIT_COMPROMISED,     /* workload: flag */
    LEDIT_HARDENING,       /* workload: names added */
    LEDIT_MOUNT_READ_ONLY, /* workload's mount host_path: flag is the new read_only */
    LEDIT_MOUNT_REMOVE,    /* workload's mount host_path removed */
    LEDIT_MOUNT_ADD,       /* workload gets a mount host_path -> path, flag read_only */
    LEDIT_SSH,             /* host: flag */
    LEDIT_TRUST,           /* tenant: value is the Trust */
    LEDIT_DEDICATED,       /* tenant: its workloads moved to hosts of their own */
    LEDIT_ASSUME,          /* value is the Assumption, flag its new value */
    LEDIT_KIND_COUNT
} LessonEditKind;

typedef struct {
    LessonEditKind kind;
    char *target;    /* owned: workload, host or tenant id; NULL for ASSUME */
    char *host_path; /* owned: MOUNT_*: the mount's host path as written */
    char *path;      /* owned: MOUNT_ADD: the path inside, or NULL */
    int value;       /* ISOLATION, ACCOUNT, TRUST, ASSUME: the enum value */
    bool flag;       /* PRIVILEGED, COMPROMISED, SSH, ASSUME: the new value; MOUNT_*: read-only */
    StrList names;   /* HARDENING: the items added */
} LessonEdit;

/* A subject of a servicing question: an escape from a workload's boundary, by one technique
 * or by whatever breaks it. */
typedef struct {
    char *workload;        /* owned */
    BoundaryKind boundary; /* BOUNDARY_ISOLATION (default) or BOUNDARY_HOST_VOLUME */
    char *technique;       /* owned, or NULL: the boundary's own (weakest) class */
    char *label;           /* owned: the lesson's words, or NULL for a generated label */
} LessonSubject;

/* What a learner who gave a wrong answer probably assumed, keyed by that answer: "yes" or
 * "no"; an edit kind (lesson_edit_kind_name) for fix and goal steps; a servicing class
 * (servicing_name, or "none") for servicing steps; "*" for any wrong answer. */
typedef struct {
    char *key;  /* owned */
    char *text; /* owned */
} Misconception;

typedef enum {
    GOAL_ALL_HOLD,       /* every boundary of every workload holds */
    GOAL_NO_PATH,        /* no start reaches a host or another tenant */
    GOAL_NO_EXPOSURE,    /* no start reaches another tenant */
    GOAL_BOUNDARY_HOLDS, /* workload's boundary holds */
    GOAL_KIND_COUNT
} GoalKind;

typedef struct {
    StepKind kind;
    char *text;            /* owned: the question, the change or the goal, in the lesson's words */
    char *explain;         /* owned or NULL: the lesson's words shown after the reveal */
    char *source;          /* owned or NULL: the section of the source this step teaches */
    char *workload;        /* BOUNDARY, GOAL_BOUNDARY_HOLDS: a workload id (owned) */
    BoundaryKind boundary; /* BOUNDARY, GOAL_BOUNDARY_HOLDS */
    char *from;            /* REACH: a workload or tenant id (owned) */
    char *to;              /* REACH: "host:ID" or "tenant:ID" (owned) */
    LessonEdit *distractors; /* FIX, GOAL: changes offered besides the engine's (owned) */
    size_t n_distractors;
    LessonSubject *subjects; /* SERVICING (owned) */
    size_t n_subjects;
    LessonEdit edit;               /* CHANGE */
    GoalKind goal;                 /* GOAL */
    bool keep_placement;           /* GOAL: the menu offers no LEDIT_DEDICATED */
    unsigned forbid;               /* GOAL: 1 << LessonEditKind the menu leaves out */
    Misconception *misconceptions; /* owned */
    size_t n_misconceptions;
} LessonStep;

typedef struct Lesson {
    char *name;    /* owned: what `breakout learn NAME` takes (the file's base name) */
    char *title;   /* owned */
    char *summary; /* owned: one line for the list */
    char *intro;   /* owned or NULL: shown before the first step */
    char *source;  /* owned or NULL: the sections of the source the lesson teaches */
    int order;     /* position in the list (then the name) */
    char *
        origin; /* owned: where the scenario came from, e.g. "bundled scenario shared-node-admin" */
    Scenario *scenario; /* owned: the starting scenario (valid) */
    LessonStep *steps;  /* owned */
    size_t n_steps, cap_steps;
} Lesson;

Lesson *lesson_new(const char *name);
void lesson_free(Lesson *l);
/* Appends a zeroed step of kind k (boundary defaults to isolation); valid until the next. */
LessonStep *lesson_add_step(Lesson *l, StepKind k);
void lesson_edit_done(LessonEdit *e);
void lesson_edit_copy(LessonEdit *dst, const LessonEdit *src);
Misconception *lesson_step_add_misconception(LessonStep *st, const char *key, const char *text);
LessonEdit *lesson_step_add_distractor(LessonStep *st);
LessonSubject *lesson_step_add_subject(LessonStep *st);

/* Names as lesson files write them, and the reverse (false if unknown). */
const char *step_kind_name(StepKind k); /* "note", "boundary", "reach", "fix", ... */
bool step_kind_parse(const char *s, StepKind *out);
const char *lesson_edit_kind_name(LessonEditKind k); /* "isolation", "hardening", ... */
bool lesson_edit_kind_parse(const char *s, LessonEditKind *out);
const char *goal_kind_name(GoalKind g); /* "all-hold", "no-path", "no-exposure", "boundary-holds" */
bool goal_kind_parse(const char *s, GoalKind *out);
/* True when key may key a misconception of a step of kind k (see Misconception). */
bool lesson_misconception_key_valid(StepKind k, const char *key);
/* The text for key (else the "*" one), or NULL. */
const char *lesson_misconception(const LessonStep *st, const char *key);

/* ---- edits ---- */

/* Applies e to s through model/edit.h (LEDIT_DEDICATED through change_apply_all). The result
 * is valid; otherwise s is unchanged and false is returned with *err an owned one-line message
 * (`no workload "x"`, `guest-app has no mount of "C:\x"`, `nothing changed`). */
bool lesson_edit_apply(Scenario *s, const LessonEdit *e, char **err);
/* An owned one-line description against s before the edit: `guest-app: isolation process ->
 * hyperv`, `node-1: SSH off`, `assume kernel_exploit=false`. */
char *lesson_edit_describe(const Scenario *s, const LessonEdit *e);

/* ---- questions ---- */

/* One answer a learner can give. */
typedef struct {
    char *label;     /* owned: what the learner picks */
    const char *key; /* static: the misconception key of this answer */
    bool correct;    /* the engine's verdict */
    char *outcome;   /* owned: what the engine says about this answer */
    LessonEdit edit; /* FIX: the change this choice makes */
} LessonChoice;

/* The engine's answer to a question step about a scenario. */
typedef struct {
    bool yes_no;           /* the choices are "yes" (0) and "no" (1), keyed y and n */
    LessonChoice *choices; /* owned; keys a, b, ... unless yes_no */
    size_t n_choices;
    char *verdict;        /* owned: one line, e.g. "No: guest-app's isolation boundary fails." */
    StrList detail;       /* the path step by step, or why the boundary holds */
    uint32_t *techniques; /* owned: catalog indices whose teaching text explains the answer */
    size_t n_techniques;
} LessonAnswer;

/* A place in a lesson and what is wrong there, for messages that point into the file. */
typedef struct {
    size_t step;   /* index in steps, or LESSON_NO_STEP for the lesson itself */
    char *field;   /* owned: the place in the step, e.g. "workload", "subjects[1].technique", "" */
    char *message; /* owned */
} LessonProblem;
#define LESSON_NO_STEP ((size_t)-1)
void lesson_problem_done(LessonProblem *p);

/* Answers question step st (BOUNDARY, REACH, FIX or SERVICING) about s with catalog c. s must
 * be valid. Returns true and fills *out (lesson_answer_done frees it), or false with
 * p->field and p->message set (p->step untouched) when the engine cannot answer it: an id
 * that names nothing, a technique that does not break the boundary, a fix question with no
 * path to close or no single change that closes every path. */
bool lesson_evaluate(const LessonStep *st, const Scenario *s, const Catalog *c, LessonAnswer *out,
                     LessonProblem *p);
void lesson_answer_done(LessonAnswer *a);
/* The choice a key picks (y/n for yes_no, else a, b, ...; upper case too), or -1. */
int lesson_answer_pick(const LessonAnswer *a, int key);
/* The key of choice i: 'y', 'n', or 'a' + i. */
int lesson_answer_key(const LessonAnswer *a, size_t i);

/* ---- goals ---- */

/* How far s is from goal step st: 0 when it is reached. *status (if not NULL) gets an owned
 * one-line summary, e.g. "2 boundaries fail, 3 paths, 1 tenant exposed". */
size_t lesson_goal_distance(const LessonStep *st, const Scenario *s, const Catalog *c,
                            char **status);
/* The moves a goal's menu offers on s: every workload's isolation to hyperv, account to user,
 * privileged off, writable mounts read-only, mounts removed; SSH off; tenants on shared hosts
 * moved to their own (unless keep_placement); then the lesson's distractors; without the
 * forbidden kinds, without moves that change nothing, at most LESSON_MAX_MOVES. Owned array
 * of *n edits (lesson_edit_done each, then free). */
LessonEdit *lesson_goal_moves(const LessonStep *st, const Scenario *s, size_t *n);

/* ---- playing a lesson ---- */

/* A learner's place in a lesson: the scenario as the change steps before `step` left it. */
typedef struct {
    const Lesson *lesson;   /* borrowed */
    const Catalog *catalog; /* borrowed */
    Scenario *scenario;     /* owned */
    size_t step;            /* the next step to do; n_steps when finished */
} LessonRun;

LessonRun *lesson_run_new(const Lesson *l, const Catalog *c);
void lesson_run_free(LessonRun *r);
/* Moves to step (clamped to n_steps), replaying the change steps before it on a fresh copy of
 * the starting scenario. false with *err (owned) if a change does not apply. */
bool lesson_run_seek(LessonRun *r, size_t step, char **err);
/* Completes the current step (a change step applies its edit) and moves to the next. */
bool lesson_run_next(LessonRun *r, char **err);

/* Plays l from start to end: every change applies, every question gets an engine-computed
 * answer, every goal does not hold yet and is reachable from its menu in at most
 * LESSON_GOAL_MAX_MOVES moves. Misconception keys and subjects' techniques are checked too.
 * Returns true, or false with *p set (lesson_problem_done frees it). */
bool lesson_check(const Lesson *l, const Catalog *c, LessonProblem *p);

#endif
