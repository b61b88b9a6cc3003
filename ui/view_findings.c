/* The findings and fix-plan view: what a reviewer should act on, and the fewest changes
 * that close every path. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdlib.h>

#include "explorer_int.h"
#include "term.h"
#include "xalloc.h"

static void findings_build(const Explorer *ex, TermLines *l, int width)
{
    const Scenario *s = ex->sc;
    const Findings *f = ex->findings;
    lines_add(l, ROLE_TITLE, 0, "FINDINGS (%zu)", f->n);
    if (f->n == 0) lines_add(l, ROLE_HOLDS, 2, "none");
    for (size_t i = 0; i < f->n; i++) {
        const Finding *fd = &f->items[i];
        char *line = xasprintf("%-6s %s: %s", severity_name(fd->severity),
                               finding_kind_id(fd->kind), fd->detail ? fd->detail : "");
        lines_add_hanging(l, fd->severity == SEVERITY_HIGH ? ROLE_FAILS : ROLE_NORMAL, 2, 7,
                          width - 2, line);
        free(line);
        lines_add_wrapped(l, ROLE_DIM, 9, width - 9, finding_source(fd->kind));
    }
    lines_add(l, ROLE_NORMAL, 0, "%s", "");
    const FixPlan *p = ex->plan;
    if (!p) {
        lines_add(l, ROLE_TITLE, 0, "FIX PLAN (%zu candidate changes)", ex->plan_candidates);
        lines_add(l, ROLE_NORMAL, 2,
                  "press Enter to compute it (with this many candidates it "
                  "can take minutes)");
        return;
    }
    lines_add(l, ROLE_TITLE, 0, "FIX PLAN (%s minimum over %zu candidate changes)",
              p->exact ? "exact" : "greedy", p->n_candidates);
    if (p->paths_before == 0) lines_add(l, ROLE_HOLDS, 2, "nothing to fix: no paths");
    for (size_t i = 0; i < p->n_items; i++) {
        char *d = change_describe(s, &p->items[i].change);
        char *line = xasprintf("%zu. %s  (closes %zu of %zu paths on its own)", i + 1, d,
                               p->items[i].n_closes, p->paths_before);
        lines_add_hanging(l, ROLE_HOLDS, 2, 2, width - 2, line);
        free(line);
        free(d);
    }
    if (p->n_unclosable) {
        lines_add(l, ROLE_FAILS, 0, "paths no candidate change closes (%zu):", p->n_unclosable);
        for (size_t i = 0; i < p->n_unclosable; i++)
            lines_add(l, ROLE_FAILS, 2, "%s -> %s", p->unclosable[i].from, p->unclosable[i].to);
    }
}

static void findings_draw(Explorer *ex)
{
    explorer_draw_title(ex, "findings and fix plan");
    TermLines l;
    lines_init(&l);
    findings_build(ex, &l, COLS - 4);
    ex->findings_top = lines_draw(&l, ex->findings_top, 2, 2, LINES - 3, COLS - 4);
    lines_done(&l);
    explorer_draw_keybar(ex, ex->plan ? "Up/Down scroll  Esc/q back  ? help"
                                      : "Enter compute the fix plan  Up/Down scroll  Esc/q back");
}

static int findings_key(Explorer *ex, Action act, int ch)
{
    (void)ch;
    switch (act) {
    case ACT_UP:
        if (ex->findings_top) ex->findings_top--;
        return REACT_NONE;
    case ACT_DOWN: ex->findings_top++; return REACT_NONE;
    case ACT_PAGE_DOWN: ex->findings_top += (size_t)(LINES / 2); return REACT_NONE;
    case ACT_PAGE_UP:
        ex->findings_top =
            ex->findings_top > (size_t)(LINES / 2) ? ex->findings_top - (size_t)(LINES / 2) : 0;
        return REACT_NONE;
    case ACT_HOME: ex->findings_top = 0; return REACT_NONE;
    case ACT_ENTER: explorer_need_findings(ex, true); return REACT_NONE;
    default: return REACT_UNHANDLED;
    }
}

static void findings_resize(Explorer *ex)
{
    ex->findings_top = 0;
}

const View view_findings = {"findings", findings_draw, findings_key, findings_resize};
