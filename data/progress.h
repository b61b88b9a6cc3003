/* Learners' progress through lessons, kept in the workspace (tables learner_lesson and
 * learner_answer, schema v4, docs/workspace.md): where each learner is in each lesson, and
 * every answer given. Each write is one transaction. */
#ifndef BREAKOUT_PROGRESS_H
#define BREAKOUT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* A learner's place in one lesson. Strings owned by the entry array. */
typedef struct {
    char *learner;
    char *lesson;
    size_t step;     /* the next step to do */
    bool finished;   /* every step done (step then counts the steps) */
    char *updated;   /* UTC, YYYY-MM-DDTHH:MM:SSZ */
    size_t answered; /* steps with an answer (questions and goals) */
    size_t right;    /* of those, the ones whose latest answer was right */
} ProgressEntry;

/* Where learner (borrowed) is in lesson: *step and *finished (0 and false when the learner has
 * not started it). false with *err (owned) on a workspace error. */
bool progress_get(Store *st, const char *learner, const char *lesson, size_t *step, bool *finished,
                  char **err);

/* Records that learner finished step `step` of lesson (answer: what the learner answered, or
 * NULL for a step without an answer; right: whether it was right) and moves the learner's
 * place to next (finished when the lesson is done), in one transaction. Errors:
 *   FILE: cannot save progress: REASON      (SQLite's)
 *   workspace FILE is busy (another breakout is writing to it) */
bool progress_record(Store *st, const char *learner, const char *lesson, size_t step,
                     const char *answer, bool right, size_t next, bool finished, char **err);

/* Sets learner's place in lesson to step (not finished), keeping the answers: a restart is
 * progress_set(..., 0, ...). */
bool progress_set(Store *st, const char *learner, const char *lesson, size_t step, char **err);

/* Every learner's place in every lesson they started (learner NULL), or one learner's,
 * sorted by learner then lesson. *out: an owned array of *n entries (NULL when 0). */
bool progress_list(Store *st, const char *learner, ProgressEntry **out, size_t *n, char **err);
void progress_entries_free(ProgressEntry *entries, size_t n);

#endif
