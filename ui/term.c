/* The terminal layer of the explorer (see term.h): colour roles, width-aware drawing,
 * rules and scrollable text. Draws on stdscr of the current curses screen. */
#define NCURSES_WIDECHAR 1
#include "term.h"

#include <curses.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"
#include "xalloc.h"

/* The one colour table: colour pair and attributes, and the monochrome fallback. */
static const struct {
    short fg, bg;
    int colour_attr;
    int mono_attr;
} roles[ROLE_COUNT] = {
    [ROLE_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [ROLE_FAILS] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [ROLE_HOLDS] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [ROLE_UNTRUSTED] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [ROLE_SELECTED] = {-1, -1, A_REVERSE, A_REVERSE},
    [ROLE_HEADER] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [ROLE_DIM] = {COLOR_BLUE, -1, A_NORMAL, A_NORMAL},
    [ROLE_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
};

/* Decided once per explorer run by term_colours_init (curses itself is global state). */
static bool use_colour;
static bool locale_utf8;

bool term_colours_init(void)
{
    const char *cs = nl_langinfo(CODESET);
    locale_utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
    const char *nc = getenv("NO_COLOR");
    use_colour = has_colors() && !(nc && *nc);
    if (use_colour && start_color() == OK) {
        use_default_colors();
        for (int r = 1; r < ROLE_COUNT; r++)
            init_pair((short)r, roles[r].fg, roles[r].bg);
    } else {
        use_colour = false;
    }
    return use_colour;
}

int term_attr(Role r)
{
    if (!use_colour) return roles[r].mono_attr;
    return roles[r].colour_attr | (r == ROLE_NORMAL ? 0 : (int)COLOR_PAIR(r));
}

bool term_utf8(void)
{
    return locale_utf8;
}

/* Decodes the next character of sanitised s into *wc and returns its byte length and its
 * width in *cells. Characters the locale cannot show become '?'. */
static size_t next_char(const char *s, wchar_t *wc, int *cells)
{
    size_t len = utf8_valid_prefix(s);
    if (len == 0) {
        *wc = L'?';
        *cells = 1;
        return 1;
    }
    unsigned cp = utf8_decode(s, len);
    if (cp < 0x80) {
        *wc = (wchar_t)cp;
        *cells = 1;
        return len;
    }
    int wdt = locale_utf8 ? wcwidth((wchar_t)cp) : -1;
    if (wdt < 0) {
        *wc = L'?';
        *cells = 1;
    } else {
        *wc = (wchar_t)cp;
        *cells = wdt;
    }
    return len;
}

int term_width(const char *s)
{
    char *safe = utf8_sanitize(s);
    int total = 0;
    for (const char *p = safe; *p;) {
        wchar_t wc;
        int cells;
        p += next_char(p, &wc, &cells);
        total += cells;
    }
    free(safe);
    return total;
}

int term_put(int y, int x, int w, Role r, const char *s)
{
    if (w <= 0) return 0;
    char *safe = utf8_sanitize(s);
    int used = 0;
    attr_t old_attr;
    short old_pair;
    attr_get(&old_attr, &old_pair, NULL);
    attrset(term_attr(r));
    move(y, x);
    for (const char *p = safe; *p;) {
        wchar_t wc[2] = {0, 0};
        int cells;
        p += next_char(p, &wc[0], &cells);
        if (used + cells > w) break;
        if (cells == 0 && used == 0) continue; /* a combining mark with nothing to attach to */
        addnwstr(wc, 1);
        used += cells;
    }
    attr_set(old_attr, old_pair, NULL);
    free(safe);
    return used;
}

int term_printf(int y, int x, int w, Role r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    int used = term_put(y, x, w, r, s);
    free(s);
    return used;
}

void term_fill(int y, int x, int w, Role r)
{
    if (w <= 0) return;
    attr_t old_attr;
    short old_pair;
    attr_get(&old_attr, &old_pair, NULL);
    attrset(term_attr(r));
    mvhline(y, x, ' ', w);
    attr_set(old_attr, old_pair, NULL);
}

void term_hline(int y, int x, int w)
{
    if (w <= 0) return;
    if (locale_utf8)
        mvhline_set(y, x, WACS_HLINE, w);
    else
        mvhline(y, x, '-', w);
}

void term_vline(int y, int x, int h)
{
    if (h <= 0) return;
    if (locale_utf8)
        mvvline_set(y, x, WACS_VLINE, h);
    else
        mvvline(y, x, '|', h);
}

void term_box(int y, int x, int h, int w)
{
    if (h < 2 || w < 2) return;
    term_hline(y, x + 1, w - 2);
    term_hline(y + h - 1, x + 1, w - 2);
    term_vline(y + 1, x, h - 2);
    term_vline(y + 1, x + w - 1, h - 2);
    if (locale_utf8) {
        mvadd_wch(y, x, WACS_ULCORNER);
        mvadd_wch(y, x + w - 1, WACS_URCORNER);
        mvadd_wch(y + h - 1, x, WACS_LLCORNER);
        mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
    } else {
        mvaddch(y, x, '+');
        mvaddch(y, x + w - 1, '+');
        mvaddch(y + h - 1, x, '+');
        mvaddch(y + h - 1, x + w - 1, '+');
    }
}

void lines_init(TermLines *l)
{
    memset(l, 0, sizeof *l);
}

void lines_done(TermLines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->lines[i].text);
    free(l->lines);
    memset(l, 0, sizeof *l);
}

/* Appends an owned, already formatted string (sanitised here). */
static void lines_push(TermLines *l, Role r, int indent, char *owned)
{
    xgrow((void **)&l->lines, &l->cap, l->n + 1, sizeof *l->lines);
    l->lines[l->n].text = utf8_sanitize(owned);
    l->lines[l->n].role = r;
    l->lines[l->n].indent = indent;
    l->n++;
    free(owned);
}

void lines_add(TermLines *l, Role r, int indent, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    lines_push(l, r, indent, s);
}

/* Width in cells of the n bytes at s. */
static int span_width(const char *s, size_t n)
{
    int total = 0;
    for (size_t i = 0; i < n;) {
        wchar_t wc;
        int c;
        i += next_char(s + i, &wc, &c);
        total += c;
    }
    return total;
}

/* Word-wraps text to width cells: the first line at indent, the others at indent + hang. */
static void lines_wrap(TermLines *l, Role r, int indent, int hang, int width, const char *text)
{
    if (width < 10) width = 10;
    int first_width = width;
    width -= hang;
    if (width < 10) width = 10;
    int cur_indent = indent, cur_width = first_width;
    char *safe = utf8_sanitize(text ? text : "");
    const char *line = NULL; /* start of the line being filled */
    const char *line_end = NULL;
    for (const char *p = safe; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        int ww = span_width(word, (size_t)(p - word));
        /* the line with this word, its own spaces included */
        if (line && span_width(line, (size_t)(p - line)) > cur_width) {
            lines_push(l, r, cur_indent, xstrndup(line, (size_t)(line_end - line)));
            line = NULL;
            cur_indent = indent + hang;
            cur_width = width;
        }
        if (!line && ww > cur_width) { /* a word longer than a line: cut it by cells */
            const char *q = word;
            while (q < p) {
                const char *chunk = q;
                int cw = 0;
                while (q < p) {
                    wchar_t wc;
                    int c;
                    size_t n = next_char(q, &wc, &c);
                    if (cw + c > cur_width && q > chunk) break;
                    q += n;
                    cw += c;
                }
                if (q < p) {
                    lines_push(l, r, cur_indent, xstrndup(chunk, (size_t)(q - chunk)));
                    cur_indent = indent + hang;
                    cur_width = width;
                } else {
                    line = chunk;
                    line_end = q;
                }
            }
            continue;
        }
        if (!line) line = word;
        line_end = p;
    }
    if (line) lines_push(l, r, cur_indent, xstrndup(line, (size_t)(line_end - line)));
    free(safe);
}

void lines_add_wrapped(TermLines *l, Role r, int indent, int width, const char *text)
{
    lines_wrap(l, r, indent, 0, width, text);
}

void lines_add_hanging(TermLines *l, Role r, int indent, int hang, int width, const char *text)
{
    lines_wrap(l, r, indent, hang, width, text);
}

size_t lines_draw(const TermLines *l, size_t top, int y, int x, int h, int w)
{
    if (h <= 0) return 0;
    if (l->n <= (size_t)h)
        top = 0;
    else if (top > l->n - (size_t)h)
        top = l->n - (size_t)h;
    for (int row = 0; row < h && top + (size_t)row < l->n; row++) {
        const TermLine *ln = &l->lines[top + (size_t)row];
        term_put(y + row, x + ln->indent, w - ln->indent, ln->role, ln->text);
    }
    return top;
}
