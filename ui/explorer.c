/* The explorer's main loop (see explorer.h): curses setup and teardown, the one key binding
 * table and the help screen generated from it, resize handling, the view stack. */
#define NCURSES_WIDECHAR 1
#include "explorer.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "explorer_int.h"
#include "form.h"
#include "term.h"
#include "utf8.h"
#include "xalloc.h"

/* The one binding table: keys, what they do, and the help the `?` screen shows. Rows with
 * the same action are listed together under the help of the first. */
static const struct {
    int key;
    Action action;
    const char *help;
} bindings[] = {
    {KEY_UP, ACT_UP, "move up"},
    {'k', ACT_UP, NULL},
    {KEY_DOWN, ACT_DOWN, "move down"},
    {'j', ACT_DOWN, NULL},
    {KEY_LEFT, ACT_LEFT, "tree pane; previous hop"},
    {'h', ACT_LEFT, NULL},
    {KEY_RIGHT, ACT_RIGHT, "detail pane; next hop"},
    {'l', ACT_RIGHT, NULL},
    {KEY_PPAGE, ACT_PAGE_UP, "page up"},
    {KEY_NPAGE, ACT_PAGE_DOWN, "page down"},
    {KEY_HOME, ACT_HOME, "first row"},
    {'g', ACT_HOME, NULL},
    {KEY_END, ACT_END, "last row"},
    {'G', ACT_END, NULL},
    {'\n', ACT_ENTER, "open the selected scenario or path"},
    {KEY_ENTER, ACT_ENTER, NULL},
    {'\r', ACT_ENTER, NULL},
    {'\t', ACT_TAB, "switch between the tree and the detail pane"},
    {'/', ACT_SEARCH, "search scenario names, or workload, tenant and host ids"},
    {'n', ACT_NEXT, "next search match, hop of a path or fix-plan change"},
    {'b', ACT_PREV, "previous hop of a path or fix-plan change"},
    {'p', ACT_PATHS, "attack paths, lowest effort first"},
    {'m', ACT_MATRIX, "boundary matrix: workloads against boundary kinds"},
    {'f', ACT_FINDINGS, "findings and the fix plan"},
    {'?', ACT_HELP, "this help"},
    {27, ACT_BACK, "back"},
    {'q', ACT_QUIT, "back; quit from the scenario list"},
    {12, ACT_REDRAW, "redraw the screen"},
    {KEY_MOUSE, ACT_MOUSE, "click a row to select it"},
    {'i', ACT_ISOLATION, "workload: isolation process > hyperv > sandbox > host"},
    {'a', ACT_ACCOUNT, "workload: account admin/user; host user: admin or not"},
    {'t', ACT_TRUST, "tenant, or a workload's tenant: trusted/untrusted"},
    {'r', ACT_READ_ONLY, "mount: read-only/read-write"},
    {'s', ACT_SSH, "host, or the selected item's host: SSH on/off"},
    {'c', ACT_COMPROMISED, "workload: assumed compromised or not"},
    {'+', ACT_ADD, "add an item (a menu); a scenario in the scenario list"},
    {KEY_IC, ACT_ADD, NULL},
    {'e', ACT_EDIT, "edit the selected item in a form"},
    {'d', ACT_REMOVE, "remove the selected item or scenario (asks first)"},
    {KEY_DC, ACT_REMOVE, NULL},
    {'A', ACT_ASSUMPTIONS, "the scenario's assumptions and description"},
    {'x', ACT_EXPORT, "export the scenario's report (html, md, sarif, json, text, dot)"},
    {'w', ACT_RECORD,
     "record a decision (accept, fix, dispute, note) on a workload's boundary or path"},
    {'L', ACT_LESSONS, "the lessons (breakout learn) with your progress"},
    {'u', ACT_UNDO, "undo the last edit (the workspace keeps the history)"},
    {18, ACT_REDO, "redo the edit undone last"},
    {'D', ACT_DUPLICATE, "scenario list: duplicate (fork for a what-if)"},
    {'R', ACT_RENAME, "scenario list: rename a scenario"},
    {'v', ACT_PREVIEW, "fix plan: preview the selected change on a copy"},
    {'F', ACT_APPLY_FIX, "fix plan: apply the selected change (u undoes it)"},
};

/* A key's name as the help screen shows it. */
static const char *key_label(int key, char *buf, size_t size)
{
    switch (key) {
    case KEY_UP: return "Up";
    case KEY_DOWN: return "Down";
    case KEY_LEFT: return "Left";
    case KEY_RIGHT: return "Right";
    case KEY_PPAGE: return "PgUp";
    case KEY_NPAGE: return "PgDn";
    case KEY_HOME: return "Home";
    case KEY_END: return "End";
    case KEY_ENTER: return NULL; /* shown as Enter already */
    case '\r': return NULL;
    case '\n': return "Enter";
    case '\t': return "Tab";
    case 27: return "Esc";
    case 12: return "Ctrl-L";
    case 18: return "Ctrl-R";
    case KEY_IC: return "Insert";
    case KEY_DC: return "Delete";
    case KEY_MOUSE: return "click";
    default: snprintf(buf, size, "%c", key); return buf;
    }
}

static Action action_of(int key)
{
    for (size_t i = 0; i < sizeof bindings / sizeof *bindings; i++)
        if (bindings[i].key == key) return bindings[i].action;
    return ACT_NONE;
}

/* Lines of the help screen, from the binding table. */
static void help_build(TermLines *l)
{
    lines_add(l, ROLE_TITLE, 0, "Keys");
    for (size_t i = 0; i < sizeof bindings / sizeof *bindings; i++) {
        if (!bindings[i].help) continue;
        char keys[64] = "";
        for (size_t j = 0; j < sizeof bindings / sizeof *bindings; j++) {
            if (bindings[j].action != bindings[i].action) continue;
            char buf[8];
            const char *name = key_label(bindings[j].key, buf, sizeof buf);
            if (!name) continue;
            if (*keys) strncat(keys, ", ", sizeof keys - strlen(keys) - 1);
            strncat(keys, name, sizeof keys - strlen(keys) - 1);
        }
        lines_add(l, ROLE_NORMAL, 2, "%-18s %s", keys, bindings[i].help);
    }
    lines_add(l, ROLE_NORMAL, 0, "%s", "");
    lines_add(l, ROLE_TITLE, 0, "Symbols");
    lines_add(l, ROLE_NORMAL, 2,
              "[P] process isolation (shared kernel)   [H] Hyper-V / VM isolation");
    lines_add(l, ROLE_NORMAL, 2, "[S] user-space kernel sandbox           [!] no isolation (host)");
    lines_add(l, ROLE_NORMAL, 2, "#   admin account    $   user account    ! untrusted    * start");
    lines_add(l, ROLE_NORMAL, 2, "X   a host some start compromises");
}

static void help_draw(Explorer *ex)
{
    TermLines l;
    lines_init(&l);
    help_build(&l);
    explorer_draw_title(ex, "Help");
    ex->help_top = lines_draw(&l, ex->help_top, 2, 2, LINES - 3, COLS - 4);
    explorer_draw_keybar(ex, "Up/Down/PgDn scroll  Esc/q back");
    lines_done(&l);
}

static int help_key(Explorer *ex, Action act, int ch)
{
    (void)ch;
    switch (act) {
    case ACT_UP:
        if (ex->help_top) ex->help_top--;
        return REACT_NONE;
    case ACT_DOWN: ex->help_top++; return REACT_NONE;
    case ACT_PAGE_UP:
        ex->help_top = ex->help_top > (size_t)(LINES - 4) ? ex->help_top - (size_t)(LINES - 4) : 0;
        return REACT_NONE;
    case ACT_PAGE_DOWN: ex->help_top += (size_t)(LINES - 4); return REACT_NONE;
    case ACT_HOME: ex->help_top = 0; return REACT_NONE;
    case ACT_END: ex->help_top = (size_t)-1 / 2; return REACT_NONE; /* lines_draw clamps */
    case ACT_HELP: return REACT_NONE;
    default: return REACT_UNHANDLED;
    }
}

static void help_resize(Explorer *ex)
{
    ex->help_top = 0;
}

const View view_help = {"help", help_draw, help_key, help_resize};

void explorer_push(Explorer *ex, const View *v)
{
    if (ex->depth == EXPLORER_MAX_VIEWS) return;
    ex->stack[ex->depth++] = v;
}

void explorer_status(Explorer *ex, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ex->status, sizeof ex->status, fmt, ap);
    va_end(ap);
}

/* Reads the workspace listing; false with the error in *err (owned). */
static bool explorer_list(Explorer *ex, char **err)
{
    store_entries_free(ex->entries, ex->n_entries);
    ex->entries = NULL;
    ex->n_entries = 0;
    return store_list(ex->store, &ex->entries, &ex->n_entries, err);
}

double explorer_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

void explorer_drop_findings(Explorer *ex)
{
    fixplan_free(ex->plan);
    findings_free(ex->findings);
    analysis_free(ex->an_full);
    free(ex->fix_preview);
    ex->plan = NULL;
    ex->findings = NULL;
    ex->an_full = NULL;
    ex->fix_preview = NULL;
}

void explorer_close_scenario(Explorer *ex)
{
    explorer_drop_findings(ex);
    reanalysis_free(ex->re);
    scenario_free(ex->sc);
    free(ex->items);
    ex->re = NULL;
    ex->an = NULL;
    ex->sc = NULL;
    ex->items = NULL;
    ex->n_items = ex->cap_items = 0;
    ex->fix_sel = 0;
}

static void tree_add(Explorer *ex, ItemKind kind, size_t index, size_t mount, int depth)
{
    xgrow((void **)&ex->items, &ex->cap_items, ex->n_items + 1, sizeof *ex->items);
    ex->items[ex->n_items++] = (TreeItem){kind, index, mount, depth};
}

/* The scenario whose workloads tree_order compares: qsort takes no context, and one tree is
 * built at a time. */
static const Scenario *order_scenario;

/* Workload indices by tenant, then id. */
static int tree_order(const void *x, const void *y)
{
    const Workload *a = &order_scenario->workloads[*(const size_t *)x],
                   *b = &order_scenario->workloads[*(const size_t *)y];
    int c = strcmp(a->tenant, b->tenant);
    return c ? c : strcmp(a->id, b->id);
}

/* The tree: the scenario, its tenants, then each host with its users and its workloads (by
 * tenant, then id) and their mounts. */
static void tree_build(Explorer *ex)
{
    const Scenario *s = ex->sc;
    ex->n_items = 0;
    tree_add(ex, ITEM_SCENARIO, 0, 0, 0);
    for (size_t t = 0; t < s->n_tenants; t++)
        tree_add(ex, ITEM_TENANT, t, 0, 1);
    /* workloads grouped by host */
    size_t *first = xcalloc(s->n_hosts + 2, sizeof *first);
    size_t *on = xcalloc(s->n_workloads + 1, sizeof *on);
    for (size_t w = 0; w < s->n_workloads; w++)
        first[ex->an->host_of[w] + 1]++;
    for (size_t h = 0; h < s->n_hosts; h++)
        first[h + 1] += first[h];
    size_t *next = xcalloc(s->n_hosts + 1, sizeof *next);
    memcpy(next, first, s->n_hosts * sizeof *next);
    for (size_t w = 0; w < s->n_workloads; w++)
        on[next[ex->an->host_of[w]]++] = w;
    free(next);
    order_scenario = s;
    for (size_t h = 0; h < s->n_hosts; h++) {
        tree_add(ex, ITEM_HOST, h, 0, 1);
        for (size_t u = 0; u < s->hosts[h].n_users; u++)
            tree_add(ex, ITEM_USER, h, u, 2);
        size_t n = first[h + 1] - first[h];
        xqsort(on + first[h], n, sizeof *on, tree_order);
        for (size_t i = 0; i < n; i++) {
            size_t w = on[first[h] + i];
            tree_add(ex, ITEM_WORKLOAD, w, 0, 2);
            for (size_t m = 0; m < s->workloads[w].n_mounts; m++)
                tree_add(ex, ITEM_MOUNT, w, m, 3);
        }
    }
    order_scenario = NULL;
    free(on);
    free(first);
}

const TreeItem *explorer_selected(const Explorer *ex)
{
    return ex->n_items ? &ex->items[ex->tree.sel < ex->n_items ? ex->tree.sel : 0] : NULL;
}

const char *explorer_item_id(const Explorer *ex, const TreeItem *it)
{
    switch (it->kind) {
    case ITEM_SCENARIO: return "";
    case ITEM_TENANT: return ex->sc->tenants[it->index].id;
    case ITEM_HOST:
    case ITEM_USER: return ex->sc->hosts[it->index].id;
    case ITEM_WORKLOAD:
    case ITEM_MOUNT: return ex->sc->workloads[it->index].id;
    }
    return "";
}

bool explorer_select(Explorer *ex, ItemKind kind, const char *id, size_t sub)
{
    for (size_t i = 0; i < ex->n_items; i++) {
        const TreeItem *it = &ex->items[i];
        if (it->kind != kind) continue;
        if ((kind == ITEM_MOUNT || kind == ITEM_USER) && it->mount != sub) continue;
        if (strcmp(explorer_item_id(ex, it), id) != 0) continue;
        ex->tree.sel = i;
        ex->detail_top = 0;
        return true;
    }
    return false;
}

void explorer_remember_selection(Explorer *ex)
{
    free(ex->sel_id);
    ex->sel_id = NULL;
    const TreeItem *it = explorer_selected(ex);
    if (!it) return;
    ex->sel_kind = it->kind;
    ex->sel_sub = it->mount;
    ex->sel_id = xstrdup(explorer_item_id(ex, it));
}

void explorer_rebuild_tree(Explorer *ex)
{
    size_t row = ex->tree.sel;
    tree_build(ex);
    bool found = false;
    if (ex->sel_id) {
        found = explorer_select(ex, ex->sel_kind, ex->sel_id, ex->sel_sub);
        /* a removed mount or user: its workload or host */
        if (!found && ex->sel_kind == ITEM_MOUNT)
            found = explorer_select(ex, ITEM_WORKLOAD, ex->sel_id, 0);
        if (!found && ex->sel_kind == ITEM_USER)
            found = explorer_select(ex, ITEM_HOST, ex->sel_id, 0);
        free(ex->sel_id);
        ex->sel_id = NULL;
    }
    if (!found) ex->tree.sel = row < ex->n_items ? row : ex->n_items - 1;
}

void explorer_explain(Explorer *ex, size_t w)
{
    if (ex->re) reanalysis_explain(ex->re, w);
}

/* Loads and checks the scenario named name; NULL with a status message. */
static Scenario *load_valid(Explorer *ex, const char *name)
{
    char *err = NULL;
    Scenario *s = store_load(ex->store, name, &err);
    if (!s) {
        explorer_status(ex, "%s", err ? err : "cannot load the scenario");
        free(err);
        return NULL;
    }
    if (!scenario_validate(s, &err)) {
        explorer_status(ex, "%s", err);
        free(err);
        scenario_free(s);
        return NULL;
    }
    return s;
}

/* Makes s (taken) the open scenario and analyses it. */
static void explorer_take(Explorer *ex, Scenario *s)
{
    explorer_close_scenario(ex);
    ex->sc = s;
    ex->re = reanalysis_new(s, ex->cat, EXPLORER_MAX_PATHS);
    ex->an = reanalysis_result(ex->re);
}

bool explorer_open(Explorer *ex, const char *name)
{
    Scenario *s = load_valid(ex, name);
    if (!s) return false;
    explorer_take(ex, s);
    tree_build(ex);
    ex->tree = (ListPos){0, 0};
    ex->paths = (ListPos){0, 0};
    ex->matrix = (ListPos){0, 0};
    ex->detail_top = ex->findings_top = ex->hop = 0;
    ex->focus_detail = false;
    /* start on the first start workload: where a newcomer should look */
    for (size_t i = 0; i < ex->n_items; i++)
        if (ex->items[i].kind == ITEM_WORKLOAD && ex->an->is_start[ex->items[i].index]) {
            ex->tree.sel = i;
            break;
        }
    return true;
}

bool explorer_reload(Explorer *ex)
{
    if (!ex->sc) return false;
    char *name = xstrdup(ex->sc->name);
    Scenario *s = load_valid(ex, name);
    free(name);
    if (!s) return false;
    explorer_remember_selection(ex);
    explorer_take(ex, s);
    explorer_rebuild_tree(ex);
    return true;
}

bool explorer_relist(Explorer *ex, const char *select)
{
    char *err = NULL;
    char *keep =
        xstrdup(select                                          ? select
                : ex->n_entries && ex->list.sel < ex->n_entries ? ex->entries[ex->list.sel].name
                                                                : NULL);
    if (!explorer_list(ex, &err)) {
        explorer_status(ex, "%s", err);
        free(err);
        free(keep);
        return false;
    }
    for (size_t i = 0; keep && i < ex->n_entries; i++)
        if (strcmp(ex->entries[i].name, keep) == 0) ex->list.sel = i;
    if (ex->list.sel >= ex->n_entries) ex->list.sel = ex->n_entries ? ex->n_entries - 1 : 0;
    free(keep);
    return true;
}

void explorer_need_findings(Explorer *ex)
{
    if (!ex->sc || ex->findings) return;
    term_fill(LINES - 1, 0, COLS, ROLE_HEADER);
    term_put(LINES - 1, 1, COLS - 1, ROLE_HEADER, "computing findings and the fix plan...");
    refresh();
    /* findings and the plan need every path, and the engine's own analysis */
    if (!ex->an_full) {
        EngineOptions all = {.max_paths = 0};
        ex->an_full = engine_analyze(ex->sc, ex->cat, &all);
    }
    const Analysis *full = ex->an_full;
    ex->findings = findings_compute(full);
    ex->plan = fixplan_compute(ex->sc, ex->cat, full);
    if (ex->fix_sel >= ex->plan->n_items) ex->fix_sel = 0;
}

void explorer_draw_title(const Explorer *ex, const char *title)
{
    term_fill(0, 0, COLS, ROLE_HEADER);
    int x = term_put(0, 0, COLS, ROLE_HEADER, " breakout ");
    if (ex->sc) {
        x += term_put(0, x, COLS - x, ROLE_HEADER, "| ");
        x += term_put(0, x, COLS - x, ROLE_HEADER, ex->sc->name);
        x += term_put(0, x, COLS - x, ROLE_HEADER, " ");
    }
    if (title && *title) {
        x += term_put(0, x, COLS - x, ROLE_HEADER, "| ");
        term_put(0, x, COLS - x, ROLE_HEADER, title);
    }
}

void explorer_draw_keybar(const Explorer *ex, const char *hints)
{
    int y = LINES - 1;
    term_fill(y, 0, COLS, ROLE_HEADER);
    if (ex->searching) {
        int x = term_put(y, 0, COLS, ROLE_HEADER, " search: ");
        x += term_put(y, x, COLS - x, ROLE_HEADER, ex->search);
        term_put(y, x, COLS - x, ROLE_HEADER, "_   (Enter keeps, Esc cancels)");
    } else if (ex->status[0]) {
        term_put(y, 1, COLS - 1, ROLE_HEADER, ex->status);
    } else {
        term_put(y, 1, COLS - 1, ROLE_HEADER, hints);
    }
}

void listpos_clamp(ListPos *pos, size_t n, int h)
{
    if (h < 1) h = 1;
    if (n == 0) {
        pos->sel = pos->top = 0;
        return;
    }
    if (pos->sel >= n) pos->sel = n - 1;
    if (pos->sel < pos->top) pos->top = pos->sel;
    if (pos->sel >= pos->top + (size_t)h) pos->top = pos->sel - (size_t)h + 1;
    if (n > (size_t)h && pos->top > n - (size_t)h) pos->top = n - (size_t)h;
    if (n <= (size_t)h) pos->top = 0;
}

bool listpos_move(ListPos *pos, Action act, size_t n, int h)
{
    if (n == 0) return false;
    size_t page = h > 1 ? (size_t)h - 1 : 1;
    switch (act) {
    case ACT_UP:
        if (pos->sel) pos->sel--;
        break;
    case ACT_DOWN:
        if (pos->sel + 1 < n) pos->sel++;
        break;
    case ACT_PAGE_UP: pos->sel = pos->sel > page ? pos->sel - page : 0; break;
    case ACT_PAGE_DOWN: pos->sel = pos->sel + page < n ? pos->sel + page : n - 1; break;
    case ACT_HOME: pos->sel = 0; break;
    case ACT_END: pos->sel = n - 1; break;
    default: return false;
    }
    listpos_clamp(pos, n, h);
    return true;
}

const char *isolation_symbol(Isolation i)
{
    switch (i) {
    case ISOLATION_PROCESS: return "[P]";
    case ISOLATION_HYPERV: return "[H]";
    case ISOLATION_SANDBOX: return "[S]";
    case ISOLATION_HOST: return "[!]";
    }
    return "[?]";
}

const char *account_symbol(Account a)
{
    return a == ACCOUNT_ADMIN ? "#" : "$";
}

/* The polite screen below the minimum size. */
static void draw_too_small(void)
{
    char msg[96];
    snprintf(msg, sizeof msg, "terminal too small (need %dx%d, have %dx%d)", EXPLORER_MIN_COLS,
             EXPLORER_MIN_LINES, COLS, LINES);
    int y = LINES / 2, x = (COLS - (int)strlen(msg)) / 2;
    if (x < 0) x = 0;
    term_put(y, x, COLS - x, ROLE_NORMAL, msg);
    if (y + 1 < LINES) {
        const char *q = "enlarge it, or press q to quit";
        int x2 = (COLS - (int)strlen(q)) / 2;
        if (x2 < 0) x2 = 0;
        term_put(y + 1, x2, COLS - x2, ROLE_DIM, q);
    }
}

static bool too_small(void)
{
    return COLS < EXPLORER_MIN_COLS || LINES < EXPLORER_MIN_LINES;
}

static void draw_all(Explorer *ex)
{
    erase();
    if (too_small()) {
        draw_too_small();
    } else {
        ex->stack[ex->depth - 1]->draw(ex);
        if (ex->form) form_draw(ex);
    }
    if (ex->timing && ex->edit_started >= 0 && !too_small() && !ex->form) {
        /* BREAKOUT_TIMING=1: from the key to the repainted analysis */
        char ms[32];
        int n = snprintf(ms, sizeof ms, "[%.1f ms] ", explorer_now_ms() - ex->edit_started);
        size_t len = strnlen(ex->status, sizeof ex->status - 1 - (size_t)n);
        memmove(ex->status + n, ex->status, len);
        memcpy(ex->status, ms, (size_t)n);
        ex->status[(size_t)n + len] = 0;
        explorer_draw_keybar(ex, "");
    }
    ex->edit_started = -1;
    refresh();
}

/* Search prompt input: printable characters extend the query, Backspace shortens it,
 * Enter keeps the match, Esc returns to where the search began. Matching is done by the
 * view through ACT_SEARCH with the prompt open (an empty query: back to search_from). */
static void search_key(Explorer *ex, int ch, bool is_key)
{
    size_t len = strlen(ex->search);
    if (is_key && (ch == KEY_BACKSPACE || ch == KEY_DC)) {
        if (len) ex->search[len - 1] = 0;
    } else if (!is_key && (ch == 127 || ch == 8)) {
        if (len) {
            /* drop a whole UTF-8 character */
            while (len > 0 && ((unsigned char)ex->search[len - 1] & 0xC0) == 0x80)
                len--;
            if (len) len--;
            ex->search[len] = 0;
        }
    } else if (!is_key && (ch == '\n' || ch == '\r')) {
        ex->searching = false;
        return;
    } else if (!is_key && ch == 27) {
        ex->search[0] = 0; /* an empty query returns the view to where the search began */
        ex->stack[ex->depth - 1]->key(ex, ACT_SEARCH, 0);
        ex->searching = false;
        return;
    } else if (!is_key && ch >= 32 && ch != 127) {
        char mb[MB_LEN_MAX];
        mbstate_t ps;
        memset(&ps, 0, sizeof ps);
        size_t n = wcrtomb(mb, (wchar_t)ch, &ps);
        if (n != (size_t)-1 && len + n < sizeof ex->search) {
            memcpy(ex->search + len, mb, n);
            ex->search[len + n] = 0;
        }
    } else {
        return;
    }
    ex->stack[ex->depth - 1]->key(ex, ACT_SEARCH, 0);
}

/* Applies the global meaning of an action the view left unhandled. */
static void explorer_global(Explorer *ex, Action act)
{
    switch (act) {
    case ACT_HELP:
        ex->help_top = 0;
        explorer_push(ex, &view_help);
        break;
    case ACT_QUIT:
        if (ex->depth > 1)
            ex->depth--;
        else
            ex->quit = true;
        break;
    case ACT_BACK:
        if (ex->depth > 1) ex->depth--;
        break;
    case ACT_REDRAW: clearok(curscr, TRUE); break;
    case ACT_UNDO:
    case ACT_REDO:
        if (ex->sc)
            explorer_undo(ex, act == ACT_REDO);
        else
            explorer_status(ex, "open a scenario first (Enter)");
        break;
    case ACT_ISOLATION:
    case ACT_ACCOUNT:
    case ACT_TRUST:
    case ACT_READ_ONLY:
    case ACT_SSH:
    case ACT_COMPROMISED:
    case ACT_ADD:
    case ACT_EDIT:
    case ACT_REMOVE:
    case ACT_ASSUMPTIONS:
        explorer_status(ex, "this key edits in the scenario tree (Esc goes back to it)");
        break;
    case ACT_EXPORT: forms_export(ex); break;
    case ACT_RECORD: explorer_status(ex, "w records decisions in the scenario tree"); break;
    case ACT_LESSONS: explorer_show_lessons(ex); break;
    case ACT_DUPLICATE:
    case ACT_RENAME: explorer_status(ex, "D and R work in the scenario list"); break;
    case ACT_PREVIEW:
    case ACT_APPLY_FIX:
        explorer_status(ex, "v and F work on the fix plan (f opens findings and the plan)");
        break;
    default: break;
    }
}

/* Set by the signal handler; the main loop leaves cleanly when it is set. */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

static void on_oom(size_t size)
{
    (void)size;
    endwin();
    fputs("breakout: out of memory\n", stderr);
}

/* Reads and dispatches one key; false when there is no more input (end of file). */
static bool explorer_turn(Explorer *ex)
{
    wint_t wch;
    errno = 0;
    int r = get_wch(&wch);
    if (r == ERR) return errno == EINTR;
    bool is_key = r == KEY_CODE_YES;
    int ch = (int)wch;
    if (is_key && ch == KEY_RESIZE) { /* the one place a resize is handled */
        for (int i = 0; i < ex->depth; i++)
            if (ex->stack[i]->resize) ex->stack[i]->resize(ex);
        return true;
    }
    ex->status[0] = 0;
    if (ex->form && !too_small()) {
        form_key(ex, ch, is_key);
        return true;
    }
    if (ex->searching) {
        search_key(ex, ch, is_key);
        return true;
    }
    Action act = (!is_key && ch > 0x7f) ? ACT_NONE : action_of(ch);
    if (too_small()) {
        if (act == ACT_QUIT) ex->quit = true;
        return true;
    }
    if (act == ACT_NONE) return true;
    const View *v = ex->stack[ex->depth - 1];
    int react = v->key(ex, act, ch);
    if (react & REACT_POP) {
        if (ex->depth > 1) ex->depth--;
    }
    if (react & REACT_UNHANDLED) explorer_global(ex, act);
    return true;
}

/* Terminal modes of the explorer, on the current screen. */
static void curses_setup(void)
{
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
    mouseinterval(0);
    term_colours_init();
}

static void explorer_init(Explorer *ex, Store *st, Catalog *cat)
{
    memset(ex, 0, sizeof *ex);
    ex->store = st;
    ex->cat = cat;
    ex->edit_started = -1;
}

/* Frees everything the explorer holds. */
static void explorer_done(Explorer *ex)
{
    form_close(ex);
    explorer_close_scenario(ex);
    store_entries_free(ex->entries, ex->n_entries);
    free(ex->sel_id);
    memset(ex, 0, sizeof *ex);
}

int explorer_run(Store *st, Catalog *cat, const char *select_name)
{
    const char *term = getenv("TERM");
    if (!term || !*term || strcmp(term, "dumb") == 0) {
        fprintf(stderr,
                "breakout: the explorer needs a terminal (TERM is %s); use 'breakout "
                "list' or 'breakout analyze NAME' instead\n",
                term && *term ? term : "unset");
        return 2;
    }
    Explorer ex;
    explorer_init(&ex, st, cat);
    const char *timing = getenv("BREAKOUT_TIMING");
    ex.timing = timing && strcmp(timing, "1") == 0;
    char *err = NULL;
    if (!explorer_list(&ex, &err)) {
        fprintf(stderr, "breakout: %s\n", err);
        free(err);
        return 2;
    }
    explorer_push(&ex, &view_list);
    if (select_name) {
        if (!explorer_open(&ex, select_name)) {
            fprintf(stderr, "breakout: %s\n", ex.status);
            explorer_done(&ex);
            return 2;
        }
        ex.depth = 0; /* the scenario is the first view: q quits */
        explorer_push(&ex, &view_main);
    }

    setlocale(LC_ALL, "");
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        fprintf(stderr, "breakout: cannot start the terminal (TERM=%s)\n", term);
        explorer_done(&ex);
        return 2;
    }
    xalloc_set_abort_hook(on_oom);
    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: get_wch returns to the loop */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    got_signal = 0;

    curses_setup();

    while (!ex.quit && !got_signal) {
        draw_all(&ex);
        if (!explorer_turn(&ex)) break; /* the terminal is gone */
    }

    endwin();
    delscreen(scr);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    xalloc_set_abort_hook(NULL);
    explorer_done(&ex);
    return got_signal ? 128 + (int)got_signal : 0;
}

/* Appends the UTF-8 text of row y of stdscr, without trailing blanks, and a newline. */
static void dump_row(char **out, size_t *len, size_t *cap, int y)
{
    wchar_t row[512];
    int n = mvinnwstr(y, 0, row, COLS < 511 ? COLS : 511);
    if (n < 0) n = 0;
    row[n] = 0;
    while (n > 0 && row[n - 1] == L' ')
        row[--n] = 0;
    for (int i = 0; i <= n; i++) {
        char mb[MB_LEN_MAX + 1];
        mbstate_t ps;
        memset(&ps, 0, sizeof ps);
        size_t k = i < n ? wcrtomb(mb, row[i], &ps) : 1;
        if (i == n) mb[0] = '\n';
        if (k == (size_t)-1) {
            mb[0] = '?';
            k = 1;
        }
        xgrow((void **)out, cap, *len + k + 1, 1);
        memcpy(*out + *len, mb, k);
        *len += k;
        (*out)[*len] = 0;
    }
}

struct Headless {
    Explorer ex;
    SCREEN *scr;
    FILE *in, *out;
    int keys_fd; /* the write end of the pipe the explorer reads its keys from */
};

Headless *explorer_headless_new(Store *st, Catalog *cat, int cols, int lines)
{
    Headless *h = xcalloc(1, sizeof *h);
    explorer_init(&h->ex, st, cat);
    char *err = NULL;
    if (!explorer_list(&h->ex, &err)) {
        explorer_status(&h->ex, "%s", err);
        free(err);
    }
    explorer_push(&h->ex, &view_list);
    int fds[2];
    h->keys_fd = -1;
    h->out = fopen("/dev/null", "w");
    if (pipe(fds) == 0) {
        h->keys_fd = fds[1];
        h->in = fdopen(fds[0], "r");
    }
    h->scr = h->in && h->out ? newterm("xterm", h->out, h->in) : NULL;
    if (!h->scr) {
        explorer_headless_free(h);
        return NULL;
    }
    curses_setup();
    nodelay(stdscr, TRUE); /* the script ends where the pipe runs dry */
    resizeterm(lines, cols);
    return h;
}

void explorer_headless_keys(Headless *h, const char *keys)
{
    size_t n = strlen(keys);
    if (n && write(h->keys_fd, keys, n) != (ssize_t)n) return; /* a pipe holds a short script */
    while (!h->ex.quit) {
        draw_all(&h->ex);
        if (!explorer_turn(&h->ex)) break; /* the script is exhausted */
    }
}

bool explorer_headless_open(Headless *h, const char *name)
{
    if (!explorer_open(&h->ex, name)) return false;
    explorer_push(&h->ex, &view_main);
    return true;
}

void explorer_headless_draw(Headless *h)
{
    draw_all(&h->ex);
}

char *explorer_headless_screen(Headless *h)
{
    draw_all(&h->ex);
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (int y = 0; y < LINES; y++)
        dump_row(&text, &len, &cap, y);
    return text;
}

Explorer *explorer_headless_explorer(Headless *h)
{
    return &h->ex;
}

void explorer_headless_free(Headless *h)
{
    if (!h) return;
    if (h->scr) {
        endwin();
        delscreen(h->scr);
    }
    if (h->in) fclose(h->in);
    if (h->out) fclose(h->out);
    if (h->keys_fd >= 0) close(h->keys_fd);
    explorer_done(&h->ex);
    free(h);
}

char *explorer_render(Store *st, Catalog *cat, const char *keys, int cols, int lines)
{
    Headless *h = explorer_headless_new(st, cat, cols, lines);
    if (!h) return xstrdup("cannot start a headless terminal");
    explorer_headless_keys(h, keys);
    char *text = explorer_headless_screen(h);
    explorer_headless_free(h);
    return text;
}
