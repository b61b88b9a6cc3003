/* The findings and fix-plan view: what a reviewer should act on, and the fewest changes
 * that close every path. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdlib.h>

#include "explorer_int.h"
#include "term.h"
#include "xalloc.h"

/* Builds the view's lines; *sel_line is the line of the selected change of the plan. */
static void findings_build(const Explorer *ex, TermLines *l, int width, size_t *sel_line)
{
    *sel_line = 0;
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
    lines_add(l, ROLE_TITLE, 0, "FIX PLAN (%s minimum over %zu candidate changes)",
              p->exact ? "exact" : "greedy", p->n_candidates);
    if (p->paths_before == 0) lines_add(l, ROLE_HOLDS, 2, "nothing to fix: no paths");
    for (size_t i = 0; i < p->n_items; i++) {
        bool sel = i == ex->fix_sel;
        char *d = change_describe(s, &p->items[i].change);
        char *line = xasprintf("%s%zu. %s  (closes %zu of %zu paths on its own)", sel ? "> " : "",
                               i + 1, d, p->items[i].n_closes, p->paths_before);
        if (sel) *sel_line = l->n;
        lines_add_hanging(l, sel ? ROLE_SELECTED : ROLE_HOLDS, sel ? 0 : 2, sel ? 4 : 2, width - 2,
                          line);
        free(line);
        free(d);
        if (sel && ex->fix_preview) {
            char *pv = xasprintf("preview: %s", ex->fix_preview);
            lines_add_hanging(l, ROLE_TITLE, 5, 2, width - 5, pv);
            free(pv);
        }
    }
    if (p->n_items)
        lines_add(l, ROLE_DIM, 2,
                  "n/b select a change, v previews it on a copy, F applies it "
                  "(u undoes)");
    if (p->n_unclosable) {
        lines_add(l, ROLE_FAILS, 0, "paths no candidate change closes (%zu):", p->n_unclosable);
        for (size_t i = 0; i < p->n_unclosable; i++)
            lines_add(l, ROLE_FAILS, 2, "%s -> %s", p->unclosable[i].from, p->unclosable[i].to);
    }
}

static void findings_draw(Explorer *ex)
{
    explorer_draw_title(ex, "findings and fix plan");
    explorer_need_findings(ex);
    TermLines l;
    lines_init(&l);
    size_t sel_line;
    findings_build(ex, &l, COLS - 4, &sel_line);
    int h = LINES - 3;
    if (ex->fix_scroll && ex->plan && ex->plan->n_items) { /* show the selected change */
        if (sel_line < ex->findings_top) ex->findings_top = sel_line;
        if (sel_line + 2 >= ex->findings_top + (size_t)h)
            ex->findings_top = sel_line + 3 > (size_t)h ? sel_line + 3 - (size_t)h : 0;
    }
    ex->fix_scroll = false;
    ex->findings_top = lines_draw(&l, ex->findings_top, 2, 2, h, COLS - 4);
    lines_done(&l);
    explorer_draw_keybar(ex, "n/b select  v preview  F apply  u undo  Up/Down scroll  Esc/q back");
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
    case ACT_NEXT:
    case ACT_TAB:
    case ACT_PREV:
        if (ex->plan && ex->plan->n_items) {
            size_t n = ex->plan->n_items;
            ex->fix_sel = (ex->fix_sel + (act == ACT_PREV ? n - 1 : 1)) % n;
            ex->fix_scroll = true;
            free(ex->fix_preview);
            ex->fix_preview = NULL;
        }
        return REACT_NONE;
    case ACT_PREVIEW:
        explorer_fix_preview(ex);
        ex->fix_scroll = true;
        return REACT_NONE;
    case ACT_APPLY_FIX:
        explorer_fix_apply(ex);
        ex->fix_scroll = true;
        return REACT_NONE;
    default: return REACT_UNHANDLED;
    }
}

static void findings_resize(Explorer *ex)
{
    ex->findings_top = 0;
}

const View view_findings = {"findings", findings_draw, findings_key, findings_resize};
