/* Internals shared by the explorer's modules (ui/explorer.c and ui/view_*.c): the explorer
 * state, the key actions of the one binding table, and the view vtable. */
#ifndef BREAKOUT_EXPLORER_INT_H
#define BREAKOUT_EXPLORER_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "edit.h"
#include "engine.h"
#include "findings.h"
#include "fixplan.h"
#include "reanalysis.h"
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
    /* editing (issue 6): each one an edit committed at once, or a form */
    ACT_ISOLATION,   /* cycle a workload's isolation */
    ACT_ACCOUNT,     /* a workload's account; a host user's admin flag */
    ACT_TRUST,       /* a tenant's trust */
    ACT_READ_ONLY,   /* a mount's read-only flag */
    ACT_SSH,         /* a host's SSH server */
    ACT_COMPROMISED, /* a workload assumed compromised */
    ACT_ADD,         /* add (a menu in the tree; a new scenario in the list) */
    ACT_EDIT,        /* edit the selected item in a form */
    ACT_REMOVE,      /* remove the selected item or scenario, after asking */
    ACT_ASSUMPTIONS, /* the scenario's assumptions and description */
    ACT_EXPORT,      /* write the scenario's report to a file (a small dialog) */
    ACT_RECORD,      /* record a workshop decision on the selected workload's boundary or path */
    ACT_LESSONS,     /* the lessons, with the learner's progress */
    ACT_UNDO,
    ACT_REDO,
    ACT_DUPLICATE, /* fork the selected scenario */
    ACT_RENAME,    /* rename the selected scenario */
    ACT_PREVIEW,   /* fix plan: try the selected change on a copy */
    ACT_APPLY_FIX, /* fix plan: apply the selected change as edits */
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
typedef enum {
    ITEM_SCENARIO,
    ITEM_TENANT,
    ITEM_HOST,
    ITEM_USER, /* a host user: index is the host, mount the user's index */
    ITEM_WORKLOAD,
    ITEM_MOUNT
} ItemKind;

typedef struct {
    ItemKind kind;
    size_t index; /* tenant, host or workload index */
    size_t mount; /* for ITEM_MOUNT; the user index for ITEM_USER */
    int depth;
} TreeItem;

typedef struct Form Form; /* a modal form, menu or question (ui/form.h) */

/* A list selection with its scroll offset. */
typedef struct {
    size_t sel, top;
} ListPos;

struct Explorer {
    Store *store;        /* borrowed */
    const Catalog *cat;  /* borrowed */
    StoreEntry *entries; /* the workspace listing, owned */
    size_t n_entries;
    Scenario *sc;       /* the open scenario, owned; NULL on the list */
    Reanalysis *re;     /* its analysis, host by host, kept up to date by edits; owned */
    Analysis *an;       /* the merged analysis of re (at most EXPLORER_MAX_PATHS paths) */
    Analysis *an_full;  /* engine analysis with every path, for findings; NULL until asked */
    Findings *findings; /* computed when the findings view opens, owned */
    FixPlan *plan;      /* likewise; NULL until asked for when it has many candidates */
    size_t fix_sel;     /* the selected change of the plan */
    bool fix_scroll;    /* scroll the findings view to the selected change */
    char *fix_preview;  /* what previewing the selected change showed, owned; or NULL */
    TreeItem *items;    /* the tree of sc, owned */
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

    Form *form;   /* the open form, owned; NULL when none */
    char *sel_id; /* the remembered selection (explorer_remember_selection), owned */
    ItemKind sel_kind;
    size_t sel_sub;

    char status[256]; /* a one-line message for the status bar */
    bool quit;
    bool timing;         /* BREAKOUT_TIMING=1: edits show their time in the status line */
    double edit_started; /* monotonic ms when the last edit began; < 0 when none is pending */
};

extern const View view_list, view_main, view_paths, view_hop, view_matrix, view_findings, view_help,
    view_lessons;

/* Pushes v on the view stack. */
void explorer_push(Explorer *ex, const View *v);
/* Loads the scenario named name from the workspace, analyses it and builds its tree.
 * false with a status message when it cannot. */
bool explorer_open(Explorer *ex, const char *name);
/* Computes the findings of the open scenario and its fix plan, if not done yet (saying so on
 * the status line first: at 150k workloads they take about half a second). */
void explorer_need_findings(Explorer *ex);
/* Re-reads the workspace listing (after a scenario is created, renamed, removed); keeps
 * the selection on the scenario named select when given. false with a status message. */
bool explorer_relist(Explorer *ex, const char *select);
/* Closes the open scenario (and everything derived from it). */
void explorer_close_scenario(Explorer *ex);
/* Remembers the selected tree item by id (call before the scenario changes), so that
 * explorer_rebuild_tree can select it again. */
void explorer_remember_selection(Explorer *ex);
/* Rebuilds the tree of the open scenario, selecting the remembered item again when it still
 * exists (a removed mount or user: its workload or host; otherwise the same row). */
void explorer_rebuild_tree(Explorer *ex);
/* Loads the open scenario again from the workspace (when memory and workspace disagree);
 * false with a status message. */
bool explorer_reload(Explorer *ex);
/* Selects the tree row of the item kind with id (a tenant, host or workload id; for users
 * and mounts the host or workload id and sub, their index). false when there is none. */
bool explorer_select(Explorer *ex, ItemKind kind, const char *id, size_t sub);
/* The selected tree row, or NULL when the tree is empty. */
const TreeItem *explorer_selected(const Explorer *ex);
/* The id of the workload, host or tenant of a tree row (borrowed), for selection by id. */
const char *explorer_item_id(const Explorer *ex, const TreeItem *it);
/* Fills workload w's why-not lists (lazy) before they are drawn. */
void explorer_explain(Explorer *ex, size_t w);
/* Drops the findings, fix plan and full analysis (after an edit). */
void explorer_drop_findings(Explorer *ex);
/* Current monotonic time in milliseconds. */
double explorer_now_ms(void);
/* Sets the status line (formatted). */
void explorer_status(Explorer *ex, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- Editing (ui/explorer_edit.c) ---- */

/* Applies e (taken) to the open scenario, records it in the workspace, refreshes the
 * analysis, the tree and the views, and says on the status line what changed
 * ("LABEL; 2 boundaries now HOLD; paths 2 -> 0"). A refused edit or a workspace error leaves
 * memory and workspace as they were and is shown on the status line; returns false then. */
bool explorer_commit(Explorer *ex, Edit *e);
/* Undoes (redo false) or redoes the scenario's latest edit from the workspace history. */
void explorer_undo(Explorer *ex, bool redo);
/* The single-key toggles (ACT_ISOLATION ... ACT_COMPROMISED) on the selected tree row. */
void explorer_toggle(Explorer *ex, Action act);
/* Fix plan: previews (on a copy) or applies (as undoable edits) change ex->fix_sel. */
void explorer_fix_preview(Explorer *ex);
void explorer_fix_apply(Explorer *ex);

/* ---- Forms (ui/forms.c): each validates as the user types and commits an edit ---- */

void forms_add_menu(Explorer *ex);    /* + in the tree: what to add, by the selected row */
void forms_edit(Explorer *ex);        /* e: the selected item's form */
void forms_remove(Explorer *ex);      /* d: remove the selected item, after asking */
void forms_assumptions(Explorer *ex); /* A: assumptions and description */
void forms_export(Explorer *ex);      /* x: the report in a format, to a file (ui/export.c) */
void forms_record(Explorer *ex);      /* w: a decision on a boundary or path (ui/record_form.c) */
void explorer_show_lessons(Explorer *ex); /* L: the lessons and progress (ui/view_lessons.c) */
void forms_scenario_new(Explorer *ex);    /* scenario list: + */
void forms_scenario_duplicate(Explorer *ex);
void forms_scenario_rename(Explorer *ex);
void forms_scenario_remove(Explorer *ex);

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

/* A headless explorer that lives across key scripts (benchmarks, tests): as explorer_render,
 * but fed piece by piece. new returns NULL when no headless terminal can start; st and cat
 * are borrowed and must outlive it. Only one may exist at a time (curses is global). */
typedef struct Headless Headless;
Headless *explorer_headless_new(Store *st, Catalog *cat, int cols, int lines);
/* Feeds keys (bytes as typed) and runs the explorer until it has read them all or quits. */
void explorer_headless_keys(Headless *h, const char *keys);
/* Opens the scenario named name in the main view, as Enter on the list does. */
bool explorer_headless_open(Headless *h, const char *name);
/* Draws the current view; returns the screen as owned text (as explorer_render). */
char *explorer_headless_screen(Headless *h);
/* Draws the current view without reading it back (for timing a repaint). */
void explorer_headless_draw(Headless *h);
Explorer *explorer_headless_explorer(Headless *h); /* borrowed */
void explorer_headless_free(Headless *h);

#endif
