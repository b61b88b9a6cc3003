/* The scenario list view: the workspace's scenarios; Enter opens one in the main view. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <string.h>
#include <strings.h>

#include "explorer_int.h"
#include "term.h"

#define LIST_TOP 3 /* first row of the list */

static int list_height(void)
{
    return LINES - LIST_TOP - 2;
}

static void list_draw(Explorer *ex)
{
    explorer_draw_title(ex, "scenarios");
    term_printf(1, 1, COLS - 2, ROLE_DIM, "%s  (%zu scenarios)", store_path(ex->store),
                ex->n_entries);
    term_printf(2, 1, COLS - 2, ROLE_TITLE, "%7s %5s %9s  %s", "TENANTS", "HOSTS", "WORKLOADS",
                "NAME");
    int h = list_height();
    listpos_clamp(&ex->list, ex->n_entries, h);
    if (ex->n_entries == 0)
        term_put(LIST_TOP, 1, COLS - 2, ROLE_DIM,
                 "no scenarios: + creates an empty one; 'breakout import FILE' adds one");
    for (int r = 0; r < h && ex->list.top + (size_t)r < ex->n_entries; r++) {
        size_t i = ex->list.top + (size_t)r;
        const StoreEntry *e = &ex->entries[i];
        Role role = i == ex->list.sel ? ROLE_SELECTED : ROLE_NORMAL;
        if (role == ROLE_SELECTED) term_fill(LIST_TOP + r, 0, COLS, role);
        int x = 1 + term_printf(LIST_TOP + r, 1, COLS - 2, role, "%7zu %5zu %9zu  ", e->tenants,
                                e->hosts, e->workloads);
        term_put(LIST_TOP + r, x, COLS - x - 1, role, e->name);
    }
    const StoreEntry *cur = ex->n_entries ? &ex->entries[ex->list.sel] : NULL;
    if (cur && cur->description) term_put(LINES - 2, 1, COLS - 2, ROLE_DIM, cur->description);
    explorer_draw_keybar(ex, "Enter open  + new  D fork  R rename  d remove  / search  ? help  "
                             "q quit");
}

/* Selects the first scenario at or after from (wrapping) whose name contains the query
 * (ASCII case folded); false when none. */
static bool list_search(Explorer *ex, size_t from)
{
    size_t n = strlen(ex->search);
    if (!n || !ex->n_entries) return false;
    for (size_t k = 0; k < ex->n_entries; k++) {
        size_t i = (from + k) % ex->n_entries;
        for (const char *p = ex->entries[i].name; *p; p++)
            if (strncasecmp(p, ex->search, n) == 0) {
                ex->list.sel = i;
                return true;
            }
    }
    return false;
}

static int list_key(Explorer *ex, Action act, int ch)
{
    (void)ch;
    int h = list_height();
    if (listpos_move(&ex->list, act, ex->n_entries, h)) return REACT_NONE;
    switch (act) {
    case ACT_ENTER:
    case ACT_RIGHT:
        if (ex->n_entries && explorer_open(ex, ex->entries[ex->list.sel].name))
            explorer_push(ex, &view_main);
        return REACT_NONE;
    case ACT_MOUSE: {
        MEVENT me;
        if (getmouse(&me) != OK) return REACT_NONE;
        if (me.y >= LIST_TOP && me.y < LIST_TOP + h) {
            size_t i = ex->list.top + (size_t)(me.y - LIST_TOP);
            if (i < ex->n_entries) ex->list.sel = i;
        }
        return REACT_NONE;
    }
    case ACT_SEARCH:
        if (!ex->searching) {
            ex->searching = true;
            ex->search[0] = 0;
            ex->search_from = ex->list.sel;
        } else if (!list_search(ex, ex->search_from)) {
            ex->list.sel = ex->search_from; /* no match, or the query was emptied */
        }
        return REACT_NONE;
    case ACT_NEXT:
        if (ex->search[0] && !list_search(ex, ex->list.sel + 1))
            explorer_status(ex, "no match for \"%s\"", ex->search);
        return REACT_NONE;
    case ACT_ADD: forms_scenario_new(ex); return REACT_NONE;
    case ACT_DUPLICATE: forms_scenario_duplicate(ex); return REACT_NONE;
    case ACT_RENAME:
    case ACT_EDIT: forms_scenario_rename(ex); return REACT_NONE;
    case ACT_REMOVE: forms_scenario_remove(ex); return REACT_NONE;
    case ACT_UNDO:
    case ACT_REDO:
        explorer_status(ex, "open a scenario (Enter) to undo or redo its edits");
        return REACT_NONE;
    case ACT_PATHS:
    case ACT_MATRIX:
    case ACT_FINDINGS:
    case ACT_ISOLATION:
    case ACT_ACCOUNT:
    case ACT_TRUST:
    case ACT_READ_ONLY:
    case ACT_SSH:
    case ACT_COMPROMISED:
    case ACT_ASSUMPTIONS: explorer_status(ex, "open a scenario first (Enter)"); return REACT_NONE;
    default: return REACT_UNHANDLED;
    }
}

static void list_resize(Explorer *ex)
{
    listpos_clamp(&ex->list, ex->n_entries, list_height());
}

const View view_list = {"list", list_draw, list_key, list_resize};
