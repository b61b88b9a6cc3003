/* Internals shared by the explorer's modules (ui/explorer.c and ui/view_*.c): the explorer
 * state, the key actions of the one binding table, and the view vtable. */
#ifndef BREAKOUT_EXPLORER_INT_H
#define BREAKOUT_EXPLORER_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "engine.h"
#include "findings.h"
#include "fixplan.h"
#include "scenario.h"
#include "store.h"

#define EXPLORER_MIN_COLS  80
#define EXPLORER_MIN_LINES 24
#define EXPLORER_MAX_VIEWS 8
#define EXPLORER_MAX_PATHS 1000 /* paths kept for the paths view, lowest effort first */

/* What a key means; the binding table in explorer.c maps keys to these. */
typedef enum {
    ACT_NONE,
    ACT_UP,
    ACT_DOWN,
    ACT_LEFT,
    ACT_RIGHT,
    ACT_PAGE_UP,
    ACT_PAGE_DOWN,
    ACT_HOME,
    ACT_END,
    ACT_ENTER,
    ACT_TAB,
    ACT_NEXT, /* next search match; next hop */
    ACT_PREV, /* previous hop */
    ACT_SEARCH,
    ACT_PATHS,
    ACT_MATRIX,
    ACT_FINDINGS,
    ACT_HELP,
    ACT_BACK, /* Esc: back from a sub-view */
    ACT_QUIT, /* q: back, or quit from the first view */
    ACT_REDRAW,
    ACT_MOUSE,
    ACT_COUNT
} Action;

/* Reaction flags a view's key handler returns; the main loop draws once per turn. */
enum {
    REACT_NONE = 0,
    REACT_UNHANDLED = 1 << 0, /* the explorer applies its global meaning */
    REACT_POP = 1 << 1,       /* leave this view */
};

typedef struct Explorer Explorer;

/* A view: draws the whole screen from the explorer's state, handles an action (ch is
 * the raw key for views that read text), and adjusts scroll state after a resize. */
typedef struct {
    const char *name;
    void (*draw)(Explorer *ex);
    int (*key)(Explorer *ex, Action act, int ch);
    void (*resize)(Explorer *ex);
} View;

/* A row of the scenario tree. */
typedef enum { ITEM_SCENARIO, ITEM_TENANT, ITEM_HOST, ITEM_WORKLOAD, ITEM_MOUNT } ItemKind;

typedef struct {
    ItemKind kind;
    size_t index; /* tenant, host or workload index */
    size_t mount; /* for ITEM_MOUNT */
    int depth;
} TreeItem;

/* A list selection with its scroll offset. */
typedef struct {
    size_t sel, top;
} ListPos;

struct Explorer {
    Store *store;        /* borrowed */
    const Catalog *cat;  /* borrowed */
    StoreEntry *entries; /* the workspace listing, owned */
    size_t n_entries;
    Scenario *sc;           /* the open scenario, owned; NULL on the list */
    Analysis *an;           /* its analysis (at most EXPLORER_MAX_PATHS paths), owned */
    Analysis *an_full;      /* every path, for the fix plan; NULL while an holds them all */
    Findings *findings;     /* computed when the findings view opens, owned */
    FixPlan *plan;          /* likewise; NULL until asked for when it has many candidates */
    size_t plan_candidates; /* candidate changes of the fix plan */
    TreeItem *items;        /* the tree of sc, owned */
    size_t n_items, cap_items;

    const View *stack[EXPLORER_MAX_VIEWS];
    int depth;

    ListPos list, tree, paths, matrix;
    size_t detail_top, hop_top, findings_top, help_top;
    bool focus_detail; /* Tab: the detail pane has the focus */
    size_t hop;        /* the hop shown in the path stepper */

    bool searching; /* the search prompt is open */
    char search[128];
    size_t search_from; /* tree selection when the search started */

    char status[256]; /* a one-line message for the status bar */
    bool quit;
};

extern const View view_list, view_main, view_paths, view_hop, view_matrix, view_findings, view_help;

/* Pushes v on the view stack. */
void explorer_push(Explorer *ex, const View *v);
/* Loads the scenario named name from the workspace, analyses it and builds its tree.
 * false with a status message when it cannot. */
bool explorer_open(Explorer *ex, const char *name);
/* Computes the findings of the open scenario if not done yet, and its fix plan when it has
 * at most FIXPLAN_EXACT_MAX candidate changes or plan is set (saying so on the status line
 * first: a plan over many candidates can take minutes). */
void explorer_need_findings(Explorer *ex, bool plan);
/* Sets the status line (formatted). */
void explorer_status(Explorer *ex, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Shared drawing: the title bar (row 0) and the key bar (last row) with hints. */
void explorer_draw_title(const Explorer *ex, const char *title);
void explorer_draw_keybar(const Explorer *ex, const char *hints);
/* Moves pos by act over n rows with h visible; returns true if act was a movement. */
bool listpos_move(ListPos *pos, Action act, size_t n, int h);
/* Keeps pos->sel visible in h rows. */
void listpos_clamp(ListPos *pos, size_t n, int h);

/* Symbols shown beside colour so the screen reads in monochrome. */
const char *isolation_symbol(Isolation i); /* "[P]", "[H]", "[S]", "[!]" */
const char *account_symbol(Account a);     /* "#" admin, "$" user */

/* For headless tests (tig-style): runs the explorer from the scenario list on a screen of
 * cols x lines written to /dev/null, feeds it the key script keys (bytes as typed; it stops at
 * the end of the script or on quit) and returns the final screen as owned UTF-8 text, one line
 * per row without trailing blanks. The caller sets the locale (UTF-8 for box drawing). On
 * failure the text returned is a one-line message instead of a screen. */
char *explorer_render(Store *st, Catalog *cat, const char *keys, int cols, int lines);

#endif
