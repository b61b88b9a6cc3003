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
#include <unistd.h>
#include <wchar.h>

#include "explorer_int.h"
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
    {'n', ACT_NEXT, "next search match; next hop of a path"},
    {'b', ACT_PREV, "previous hop of a path"},
    {'p', ACT_PATHS, "attack paths, lowest effort first"},
    {'m', ACT_MATRIX, "boundary matrix: workloads against boundary kinds"},
    {'f', ACT_FINDINGS, "findings and the fix plan"},
    {'?', ACT_HELP, "this help"},
    {27, ACT_BACK, "back"},
    {'q', ACT_QUIT, "back; quit from the scenario list"},
    {12, ACT_REDRAW, "redraw the screen"},
    {KEY_MOUSE, ACT_MOUSE, "click a row to select it"},
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
    explorer_draw_keybar(ex, "Up/Down scroll  Esc/q back");
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

/* Frees the open scenario and everything derived from it. */
static void explorer_close_scenario(Explorer *ex)
{
    fixplan_free(ex->plan);
    findings_free(ex->findings);
    analysis_free(ex->an_full);
    analysis_free(ex->an);
    scenario_free(ex->sc);
    free(ex->items);
    ex->plan = NULL;
    ex->findings = NULL;
    ex->an = NULL;
    ex->an_full = NULL;
    ex->sc = NULL;
    ex->items = NULL;
    ex->n_items = ex->cap_items = 0;
}

static void tree_add(Explorer *ex, ItemKind kind, size_t index, size_t mount, int depth)
{
    xgrow((void **)&ex->items, &ex->cap_items, ex->n_items + 1, sizeof *ex->items);
    ex->items[ex->n_items++] = (TreeItem){kind, index, mount, depth};
}

/* Index order of n ids, sorted by id (stable for equal ids). Owned. */
static size_t *sorted_by_tenant_then_id(const Scenario *s, const size_t *idx, size_t n)
{
    size_t *o = xcalloc(n ? n : 1, sizeof *o);
    for (size_t i = 0; i < n; i++)
        o[i] = idx[i];
    for (size_t i = 1; i < n; i++) { /* insertion sort: scenarios are small */
        size_t v = o[i], j = i;
        while (j > 0) {
            const Workload *a = &s->workloads[o[j - 1]], *b = &s->workloads[v];
            int c = strcmp(a->tenant, b->tenant);
            if (c == 0) c = strcmp(a->id, b->id);
            if (c <= 0) break;
            o[j] = o[j - 1];
            j--;
        }
        o[j] = v;
    }
    return o;
}

/* The tree: the scenario, its tenants, then each host with its workloads (by tenant, then
 * id) and their mounts. */
static void tree_build(Explorer *ex)
{
    const Scenario *s = ex->sc;
    tree_add(ex, ITEM_SCENARIO, 0, 0, 0);
    for (size_t t = 0; t < s->n_tenants; t++)
        tree_add(ex, ITEM_TENANT, t, 0, 1);
    size_t *on = xcalloc(s->n_workloads ? s->n_workloads : 1, sizeof *on);
    for (size_t h = 0; h < s->n_hosts; h++) {
        tree_add(ex, ITEM_HOST, h, 0, 1);
        size_t n = 0;
        for (size_t w = 0; w < s->n_workloads; w++)
            if (ex->an->host_of[w] == h) on[n++] = w;
        size_t *order = sorted_by_tenant_then_id(s, on, n);
        for (size_t i = 0; i < n; i++) {
            size_t w = order[i];
            tree_add(ex, ITEM_WORKLOAD, w, 0, 2);
            for (size_t m = 0; m < s->workloads[w].n_mounts; m++)
                tree_add(ex, ITEM_MOUNT, w, m, 3);
        }
        free(order);
    }
    free(on);
}

bool explorer_open(Explorer *ex, const char *name)
{
    char *err = NULL;
    Scenario *s = store_load(ex->store, name, &err);
    if (!s) {
        explorer_status(ex, "%s", err ? err : "cannot load the scenario");
        free(err);
        return false;
    }
    if (!scenario_validate(s, &err)) {
        explorer_status(ex, "%s", err);
        free(err);
        scenario_free(s);
        return false;
    }
    explorer_close_scenario(ex);
    ex->sc = s;
    EngineOptions opt = {.max_paths = EXPLORER_MAX_PATHS};
    ex->an = engine_analyze(s, ex->cat, &opt);
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

void explorer_need_findings(Explorer *ex, bool plan)
{
    if (!ex->sc || (ex->findings && (ex->plan || !plan))) return;
    findings_free(ex->findings);
    ex->findings = NULL;
    term_fill(LINES - 1, 0, COLS, ROLE_HEADER);
    term_put(LINES - 1, 1, COLS - 1, ROLE_HEADER,
             plan ? "computing the fix plan (a large scenario takes a while)..."
                  : "computing findings...");
    refresh();
    const Analysis *full = ex->an;
    if (ex->an->n_paths < ex->an->paths_total && !ex->an_full) {
        EngineOptions all = {.max_paths = 0};
        ex->an_full = engine_analyze(ex->sc, ex->cat, &all);
    }
    if (ex->an_full) full = ex->an_full;
    ex->findings = findings_compute(full);
    size_t n = 0;
    free(fixplan_candidates(ex->sc, full, &n));
    ex->plan_candidates = n;
    if (n <= FIXPLAN_EXACT_MAX || plan) ex->plan = fixplan_compute(ex->sc, ex->cat, full);
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
    if (too_small())
        draw_too_small();
    else
        ex->stack[ex->depth - 1]->draw(ex);
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

/* Reads the workspace listing; false with the error in *err (owned). */
static bool explorer_list(Explorer *ex, char **err)
{
    store_entries_free(ex->entries, ex->n_entries);
    ex->entries = NULL;
    ex->n_entries = 0;
    return store_list(ex->store, &ex->entries, &ex->n_entries, err);
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
    memset(&ex, 0, sizeof ex);
    ex.store = st;
    ex.cat = cat;
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
            store_entries_free(ex.entries, ex.n_entries);
            return 2;
        }
        ex.depth = 0; /* the scenario is the first view: q quits */
        explorer_push(&ex, &view_main);
    }

    setlocale(LC_ALL, "");
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        fprintf(stderr, "breakout: cannot start the terminal (TERM=%s)\n", term);
        explorer_close_scenario(&ex);
        store_entries_free(ex.entries, ex.n_entries);
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
    explorer_close_scenario(&ex);
    store_entries_free(ex.entries, ex.n_entries);
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

char *explorer_render(Store *st, Catalog *cat, const char *keys, int cols, int lines)
{
    Explorer ex;
    memset(&ex, 0, sizeof ex);
    ex.store = st;
    ex.cat = cat;
    char *err = NULL;
    if (!explorer_list(&ex, &err)) return err;
    explorer_push(&ex, &view_list);
    int fds[2];
    FILE *in = NULL, *out = fopen("/dev/null", "w");
    if (pipe(fds) == 0) {
        size_t n = strlen(keys);
        if (write(fds[1], keys, n) != (ssize_t)n) n = 0; /* a pipe holds a short script */
        close(fds[1]);
        in = fdopen(fds[0], "r");
    }
    SCREEN *scr = in && out ? newterm("xterm", out, in) : NULL;
    if (!scr) {
        if (in) fclose(in);
        if (out) fclose(out);
        store_entries_free(ex.entries, ex.n_entries);
        return xstrdup("cannot start a headless terminal");
    }
    curses_setup();
    resizeterm(lines, cols);
    while (!ex.quit) {
        draw_all(&ex);
        if (!explorer_turn(&ex)) break; /* the script is exhausted */
    }
    draw_all(&ex);
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (int y = 0; y < LINES; y++)
        dump_row(&text, &len, &cap, y);
    endwin();
    delscreen(scr);
    fclose(in);
    fclose(out);
    explorer_close_scenario(&ex);
    store_entries_free(ex.entries, ex.n_entries);
    return text;
}
