/* Lesson files (docs/lessons.md): reading and validating a lesson (JSON, with the scenario
 * format's one-line errors), resolving its starting scenario (a bundled scenario, an inline
 * one, or an inline Kubernetes manifest), and the list of lessons: the bundled ones embedded
 * from scenarios/lessons/ plus those of a user's directory. */
#ifndef BREAKOUT_LESSON_JSON_H
#define BREAKOUT_LESSON_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "lesson.h"

#define LESSON_FORMAT_VERSION 1
#define LESSON_MAX_FILE_BYTES ((size_t)4 * 1024 * 1024) /* lesson_load_file's limit */

/* Reads the lesson in the len bytes at text (text[len] == '\0'); file names it in messages
 * and name (borrowed) becomes its name. Resolves its scenario and plays it against the engine
 * with catalog c (lesson_check), so that every question has an engine-computed answer.
 * Returns an owned lesson (lesson_free), or NULL with *err set to an owned one-line message:
 *   FILE:LINE:COL: MESSAGE                         a syntax error (json_strict)
 *   FILE:LINE:COL: PATH: MESSAGE                   a content error, e.g.
 *   FILE:9:19: steps[1].kind: expected "note", "boundary", ... or "goal", got "quiz"
 *   FILE:4:15: scenario: no bundled scenario named "ghost"
 *   FILE:7:5: scenario.workloads[0].isolation: expected "process", ... got "vm"
 *   FILE:12:21: steps[2].workload: no workload "ghost" in the lesson's scenario
 *   FILE:20:7: steps[4].goal: the goal cannot be reached in 3 moves of its menu
 * LINE:COL is where the value at PATH starts (for an unknown key, the key). */
Lesson *lesson_parse(const char *text, size_t len, const char *file, const char *name,
                     const Catalog *c, char **err);

/* Reads the file at path (at most LESSON_MAX_FILE_BYTES) with lesson_parse; the lesson's
 * name is the file's base name without ".json". */
Lesson *lesson_load_file(const char *path, const Catalog *c, char **err);

/* The starting scenario a bundled scenario name stands for: the base name of a file of
 * scenarios/ ("shared-node-admin") or a bundled scenario's "name". Owned, or NULL. */
Scenario *lesson_bundled_scenario(const char *name);

typedef struct {
    Lesson **items; /* owned, sorted by order, then name */
    size_t n, cap;
} LessonList;

/* Loads the bundled lessons, then every *.json file of dir (NULL or "": none) in name order;
 * a lesson of dir replaces a bundled lesson of the same name. On failure *out is empty and
 * *err names the file (or "DIR: no such directory"). */
bool lessons_load_all(const char *dir, const Catalog *c, LessonList *out, char **err);
void lesson_list_done(LessonList *l);
/* The lesson named name, or NULL. */
const Lesson *lesson_list_find(const LessonList *l, const char *name);

#endif
