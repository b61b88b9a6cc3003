/* The boundary matrix: workloads (grouped by host, then tenant) against the boundary kinds
 * isolation and host-volume, HOLDS or FAILS in each cell. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdlib.h>

#include "explorer_int.h"
#include "term.h"
#include "xalloc.h"

#define MATRIX_TOP 3

static int matrix_height(void)
{
    return LINES - MATRIX_TOP - 1;
}

/* The matrix rows are the tree's host and workload rows, in tree order. */
static size_t matrix_rows(const Explorer *ex, size_t *rows)
{
    size_t n = 0;
    for (size_t i = 0; i < ex->n_items; i++)
        if (ex->items[i].kind == ITEM_HOST || ex->items[i].kind == ITEM_WORKLOAD) {
            if (rows) rows[n] = i;
            n++;
        }
    return n;
}

static void matrix_cell(const Explorer *ex, int y, int x, size_t w, BoundaryKind k)
{
    const BoundaryResult *b = analysis_boundary(ex->an, w, k);
    if (!b) return;
    if (b->fails)
        term_printf(y, x, 24, ROLE_FAILS, "FAILS %s", servicing_name(b->servicing));
    else
        term_put(y, x, 24, ROLE_HOLDS, "HOLDS");
}

static void matrix_draw(Explorer *ex)
{
    explorer_draw_title(ex, "boundary matrix");
    term_put(1, 1, COLS - 2, ROLE_DIM,
             "HOLDS: the boundary keeps an attacker in; FAILS names its servicing class");
    int cw = COLS - 2 - 2 * 24;
    term_printf(2, 1, COLS - 2, ROLE_TITLE, "%-*s%-24s%-24s", cw, "HOST / WORKLOAD (tenant)",
                "ISOLATION", "HOST-VOLUME");
    size_t n = matrix_rows(ex, NULL);
    size_t *rows = xcalloc(n ? n : 1, sizeof *rows);
    matrix_rows(ex, rows);
    int h = matrix_height();
    listpos_clamp(&ex->matrix, n, h);
    for (int r = 0; r < h && ex->matrix.top + (size_t)r < n; r++) {
        size_t i = ex->matrix.top + (size_t)r;
        const TreeItem *it = &ex->items[rows[i]];
        int y = MATRIX_TOP + r;
        bool sel = i == ex->matrix.sel;
        if (sel) term_fill(y, 0, COLS, ROLE_SELECTED);
        if (it->kind == ITEM_HOST) {
            const Host *hs = &ex->sc->hosts[it->index];
            term_printf(y, 1, cw, sel ? ROLE_SELECTED : ROLE_TITLE, "host %s (%s)", hs->id,
                        os_name(hs->os));
            continue;
        }
        const Workload *w = &ex->sc->workloads[it->index];
        bool u = ex->sc->tenants[ex->an->tenant_of[it->index]].trust == TRUST_UNTRUSTED;
        term_printf(y, 3, cw - 3, sel ? ROLE_SELECTED : (u ? ROLE_UNTRUSTED : ROLE_NORMAL),
                    "%s%s %s (%s%s)", isolation_symbol(w->isolation), account_symbol(w->account),
                    w->id, w->tenant, u ? "!" : "");
        matrix_cell(ex, y, 1 + cw, it->index, BOUNDARY_ISOLATION);
        matrix_cell(ex, y, 1 + cw + 24, it->index, BOUNDARY_HOST_VOLUME);
    }
    free(rows);
    explorer_draw_keybar(ex,
                         "Up/Down move  Enter show in tree  i a t s c toggle  u undo  Esc/q back");
}

static int matrix_key(Explorer *ex, Action act, int ch)
{
    (void)ch;
    size_t n = matrix_rows(ex, NULL);
    if (listpos_move(&ex->matrix, act, n, matrix_height())) return REACT_NONE;
    if (n && (act == ACT_ISOLATION || act == ACT_ACCOUNT || act == ACT_TRUST || act == ACT_SSH ||
              act == ACT_COMPROMISED)) {
        size_t *rows = xcalloc(n, sizeof *rows);
        matrix_rows(ex, rows);
        ex->tree.sel = rows[ex->matrix.sel]; /* the toggles act on the tree's selection */
        free(rows);
        explorer_toggle(ex, act);
        return REACT_NONE;
    }
    if (act == ACT_ENTER && n) {
        size_t *rows = xcalloc(n, sizeof *rows);
        matrix_rows(ex, rows);
        ex->tree.sel = rows[ex->matrix.sel];
        ex->detail_top = 0;
        free(rows);
        return REACT_POP;
    }
    return REACT_UNHANDLED;
}

static void matrix_resize(Explorer *ex)
{
    listpos_clamp(&ex->matrix, matrix_rows(ex, NULL), matrix_height());
}

const View view_matrix = {"matrix", matrix_draw, matrix_key, matrix_resize};
