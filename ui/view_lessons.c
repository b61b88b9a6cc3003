/* The lessons view (L): every lesson with the learner's progress, as `breakout learn` lists
 * them; a lesson is run with `breakout learn NAME` (ui/cmd_learn.c). */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdlib.h>

#include "explorer_int.h"
#include "lesson_json.h"
#include "progress.h"
#include "record_int.h"
#include "term.h"
#include "xalloc.h"

static void lessons_draw(Explorer *ex)
{
    explorer_draw_title(ex, "lessons");
    RecordOptions none = {0};
    const char *learner = record_author(&none);
    TermLines l;
    lines_init(&l);
    LessonList list = {0};
    char *err = NULL;
    if (!lessons_load_all(getenv("BREAKOUT_LESSONS"), ex->cat, &list, &err)) {
        lines_add_wrapped(&l, ROLE_FAILS, 0, COLS - 4, err);
        free(err);
    } else {
        lines_add(&l, ROLE_TITLE, 0, "LESSONS for %s (%zu)", learner, list.n);
        for (size_t i = 0; i < list.n; i++) {
            const Lesson *ls = list.items[i];
            size_t step = 0;
            bool finished = false;
            char *perr = NULL;
            if (!progress_get(ex->store, learner, ls->name, &step, &finished, &perr)) free(perr);
            char *state = finished   ? xstrdup("finished")
                          : step > 0 ? xasprintf("step %zu of %zu", step + 1, ls->n_steps)
                                     : xstrdup("not started");
            char *line = xasprintf("%-22s %-14s %s", ls->name, state, ls->title);
            lines_add_hanging(&l, finished ? ROLE_HOLDS : ROLE_NORMAL, 2, 38, COLS - 6, line);
            free(line);
            free(state);
            if (ls->summary) lines_add_wrapped(&l, ROLE_DIM, 40, COLS - 44, ls->summary);
        }
        lines_add(&l, ROLE_NORMAL, 0, "%s", "");
        lines_add_wrapped(&l, ROLE_NORMAL, 2, COLS - 6,
                          "Run one in a terminal with: breakout learn NAME (predict, then see "
                          "the engine's answer and why); breakout learn --progress shows every "
                          "learner.");
        lesson_list_done(&list);
    }
    ex->findings_top = lines_draw(&l, ex->findings_top, 2, 2, LINES - 3, COLS - 4);
    lines_done(&l);
    explorer_draw_keybar(ex, "run one: breakout learn NAME  Up/Down scroll  Esc/q back");
}

static int lessons_key(Explorer *ex, Action act, int ch)
{
    (void)ch;
    switch (act) {
    case ACT_UP:
        if (ex->findings_top) ex->findings_top--;
        return REACT_NONE;
    case ACT_DOWN: ex->findings_top++; return REACT_NONE;
    case ACT_HOME: ex->findings_top = 0; return REACT_NONE;
    case ACT_LESSONS: return REACT_NONE;
    default: return REACT_UNHANDLED;
    }
}

static void lessons_resize(Explorer *ex)
{
    ex->findings_top = 0;
}

const View view_lessons = {"lessons", lessons_draw, lessons_key, lessons_resize};

void explorer_show_lessons(Explorer *ex)
{
    ex->findings_top = 0;
    explorer_push(ex, &view_lessons);
}
