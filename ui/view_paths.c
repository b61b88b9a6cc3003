/* The paths view (every attack path, lowest effort first) and the path stepper that walks
 * one path hop by hop with each hop's teaching text, boundary, servicing and fixes. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdlib.h>

#include "explorer_int.h"
#include "term.h"
#include "xalloc.h"

#define PATHS_TOP 3

static int paths_height(void)
{
    return LINES - PATHS_TOP - 1;
}

/* "host:node-1" or "tenant:contoso", owned. */
static char *path_target(const Explorer *ex, const Path *p)
{
    if (p->kind == TARGET_HOST) return xasprintf("host:%s", ex->sc->hosts[p->target].id);
    return xasprintf("tenant:%s", ex->sc->tenants[p->target].id);
}

/* The techniques of a path joined by " > ", owned. */
static char *path_chain(const Explorer *ex, const Path *p)
{
    char *out = xstrdup("");
    for (size_t i = 0; i < p->n_steps; i++) {
        const Edge *e = &ex->an->edges[p->steps[i]];
        char *next = xasprintf("%s%s%s", out, i ? " > " : "", ex->cat->techniques[e->technique].id);
        free(out);
        out = next;
    }
    return out;
}

static void paths_draw(Explorer *ex)
{
    const Analysis *a = ex->an;
    explorer_draw_title(ex, "attack paths");
    if (a->n_paths < a->paths_total)
        term_printf(1, 1, COLS - 2, ROLE_FAILS,
                    "%zu paths from the starts, the %zu of lowest effort shown first",
                    a->paths_total, a->n_paths);
    else
        term_printf(1, 1, COLS - 2, a->n_paths ? ROLE_FAILS : ROLE_HOLDS,
                    "%zu path%s from the starts, lowest effort first", a->n_paths,
                    a->n_paths == 1 ? "" : "s");
    term_printf(2, 1, COLS - 2, ROLE_TITLE, "%-6s %-4s  %s", "EFFORT", "HOPS",
                "START -> TARGET   VIA");
    int h = paths_height();
    listpos_clamp(&ex->paths, a->n_paths, h);
    if (a->n_paths == 0)
        term_put(PATHS_TOP, 1, COLS - 2, ROLE_HOLDS,
                 "no start reaches a host or another tenant: every boundary on the way holds");
    for (int r = 0; r < h && ex->paths.top + (size_t)r < a->n_paths; r++) {
        size_t i = ex->paths.top + (size_t)r;
        const Path *p = &a->paths[i];
        Role role = i == ex->paths.sel ? ROLE_SELECTED : ROLE_NORMAL;
        if (role == ROLE_SELECTED) term_fill(PATHS_TOP + r, 0, COLS, role);
        char *target = path_target(ex, p), *chain = path_chain(ex, p);
        term_printf(PATHS_TOP + r, 1, COLS - 2, role, "%6d %4zu  %s -> %s   %s", p->effort,
                    p->n_steps, ex->sc->workloads[p->start].id, target, chain);
        free(target);
        free(chain);
    }
    explorer_draw_keybar(ex, "Enter step through  Up/Down move  Esc/q back  ? help");
}

static int paths_key(Explorer *ex, Action act, int ch)
{
    (void)ch;
    int h = paths_height();
    if (listpos_move(&ex->paths, act, ex->an->n_paths, h)) return REACT_NONE;
    switch (act) {
    case ACT_ENTER:
    case ACT_RIGHT:
        if (ex->an->n_paths) {
            ex->hop = 0;
            ex->hop_top = 0;
            explorer_push(ex, &view_hop);
        }
        return REACT_NONE;
    case ACT_LEFT: return REACT_POP;
    case ACT_MOUSE: {
        MEVENT me;
        if (getmouse(&me) == OK && me.y >= PATHS_TOP && me.y < PATHS_TOP + h) {
            size_t i = ex->paths.top + (size_t)(me.y - PATHS_TOP);
            if (i < ex->an->n_paths) ex->paths.sel = i;
        }
        return REACT_NONE;
    }
    default: return REACT_UNHANDLED;
    }
}

static void paths_resize(Explorer *ex)
{
    listpos_clamp(&ex->paths, ex->an->n_paths, paths_height());
}

const View view_paths = {"paths", paths_draw, paths_key, paths_resize};

/* The text of one hop: what, where, why, and what closes it. */
static void hop_build(const Explorer *ex, const Path *p, TermLines *l, int width)
{
    const Analysis *a = ex->an;
    const Edge *e = &a->edges[p->steps[ex->hop]];
    const Technique *t = &ex->cat->techniques[e->technique];
    char *from = state_label(a, e->from), *to = state_label(a, e->to);
    lines_add(l, ROLE_TITLE, 0, "Hop %zu of %zu: %s", ex->hop + 1, p->n_steps, t->name);
    lines_add(l, ROLE_NORMAL, 2, "technique: %s (effort %u)", t->id, (unsigned)e->effort);
    lines_add(l, ROLE_NORMAL, 2, "from:      %s", from);
    lines_add(l, ROLE_NORMAL, 2, "to:        %s", to);
    if (e->crosses == BOUNDARY_NONE)
        lines_add(l, ROLE_NORMAL, 2, "crosses:   no boundary (stays within reach)");
    else
        lines_add(l, ROLE_FAILS, 2, "crosses:   the %s boundary",
                  boundary_name((BoundaryKind)e->crosses));
    if (e->servicing != SERVICING_NONE)
        lines_add(l, ROLE_NORMAL, 2, "servicing: %s", servicing_name((Servicing)e->servicing));
    if (e->mount >= 0) {
        const Workload *w = &ex->sc->workloads[state_owner(a, e->from)];
        if ((size_t)e->mount < w->n_mounts)
            lines_add(l, ROLE_NORMAL, 2, "mount:     %s%s", w->mounts[e->mount].host_path,
                      w->mounts[e->mount].read_only ? " (read-only)" : " (read-write)");
    }
    free(from);
    free(to);
    lines_add(l, ROLE_TITLE, 0, "What closes it");
    if (t->closed_by.n == 0) lines_add(l, ROLE_DIM, 2, "nothing in the catalog");
    for (size_t i = 0; i < t->closed_by.n; i++) {
        char *item = xasprintf("- %s", t->closed_by.items[i]);
        lines_add_hanging(l, ROLE_HOLDS, 2, 2, width - 2, item);
        free(item);
    }
    lines_add(l, ROLE_TITLE, 0, "Why it works");
    lines_add_wrapped(l, ROLE_NORMAL, 2, width - 2, t->teaching);
    lines_add(l, ROLE_TITLE, 0, "Source");
    lines_add_wrapped(l, ROLE_DIM, 2, width - 2, t->source);
}

static void hop_draw(Explorer *ex)
{
    const Path *p = &ex->an->paths[ex->paths.sel];
    char *title = xasprintf("path %zu of %zu", ex->paths.sel + 1, ex->an->n_paths);
    explorer_draw_title(ex, title);
    free(title);
    char *target = path_target(ex, p);
    term_printf(1, 1, COLS - 2, ROLE_FAILS, "%s -> %s   effort %d, %zu hop%s",
                ex->sc->workloads[p->start].id, target, p->effort, p->n_steps,
                p->n_steps == 1 ? "" : "s");
    free(target);
    /* the chain, the current hop highlighted */
    int x = 1;
    for (size_t i = 0; i < p->n_steps && x < COLS - 1; i++) {
        const Edge *e = &ex->an->edges[p->steps[i]];
        if (i) x += term_put(2, x, COLS - 1 - x, ROLE_DIM, " > ");
        x += term_printf(2, x, COLS - 1 - x, i == ex->hop ? ROLE_SELECTED : ROLE_NORMAL, "%zu %s",
                         i + 1, ex->cat->techniques[e->technique].id);
    }
    term_hline(3, 0, COLS);
    TermLines l;
    lines_init(&l);
    hop_build(ex, p, &l, COLS - 4);
    int h = LINES - 5;
    ex->hop_top = lines_draw(&l, ex->hop_top, 4, 2, h, COLS - 4);
    if (ex->hop_top + (size_t)h < l.n) term_put(3, COLS - 16, 15, ROLE_DIM, " more below v ");
    lines_done(&l);
    explorer_draw_keybar(ex, "n/Right next hop  b/Left previous hop  Up/Down scroll  Esc/q back");
}

static int hop_key(Explorer *ex, Action act, int ch)
{
    (void)ch;
    const Path *p = &ex->an->paths[ex->paths.sel];
    switch (act) {
    case ACT_NEXT:
    case ACT_RIGHT:
    case ACT_ENTER:
        if (ex->hop + 1 < p->n_steps) {
            ex->hop++;
            ex->hop_top = 0;
        } else {
            explorer_status(ex, "last hop: the attacker has reached the target (b goes back)");
        }
        return REACT_NONE;
    case ACT_PREV:
    case ACT_LEFT:
        if (ex->hop > 0) {
            ex->hop--;
            ex->hop_top = 0;
        }
        return REACT_NONE;
    case ACT_UP:
        if (ex->hop_top) ex->hop_top--;
        return REACT_NONE;
    case ACT_DOWN: ex->hop_top++; return REACT_NONE;
    default: return REACT_UNHANDLED;
    }
}

static void hop_resize(Explorer *ex)
{
    ex->hop_top = 0;
}

const View view_hop = {"hop", hop_draw, hop_key, hop_resize};
