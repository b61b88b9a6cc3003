/* The terminal layer of the explorer: semantic colour roles, width-aware drawing of
 * sanitised UTF-8, line drawing with an ASCII fallback, and a scrollable text buffer.
 * Everything here draws on stdscr; nothing here knows the domain. */
#ifndef BREAKOUT_TERM_H
#define BREAKOUT_TERM_H

#include <stdbool.h>
#include <stddef.h>

/* Semantic roles: the one colour table lives in term.c. */
typedef enum {
    ROLE_NORMAL,
    ROLE_FAILS,     /* a failing boundary, a compromised host */
    ROLE_HOLDS,     /* a holding boundary */
    ROLE_UNTRUSTED, /* an untrusted tenant, a start */
    ROLE_SELECTED,  /* the selected row */
    ROLE_HEADER,    /* title and key bars */
    ROLE_DIM,       /* secondary text */
    ROLE_TITLE,     /* section titles inside panes */
    ROLE_COUNT
} Role;

/* Sets up colours after curses starts: colour when allowed (the terminal has colours and
 * NO_COLOR is unset or empty), monochrome attributes otherwise. Returns true with colour. */
bool term_colours_init(void);
/* The curses attributes of a role (colour pair or monochrome fallback). */
int term_attr(Role r);
/* True when the locale's charset is UTF-8 (decided once by term_colours_init). */
bool term_utf8(void);

/* Display width in cells of s (UTF-8, sanitised or not), as term_put would draw it. */
int term_width(const char *s);
/* Draws s at (y, x) in role r, sanitised (utf8_sanitize), clipped to w cells (wide
 * characters never split). Returns the cells drawn. s is borrowed. */
int term_put(int y, int x, int w, Role r, const char *s);
/* term_put of a formatted string. */
int term_printf(int y, int x, int w, Role r, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Fills w cells at (y, x) with spaces in role r. */
void term_fill(int y, int x, int w, Role r);
/* Horizontal / vertical rules: UTF-8 box drawing or '-' and '|'. */
void term_hline(int y, int x, int w);
void term_vline(int y, int x, int h);
/* A frame of h x w cells at (y, x): box drawing, or '+', '-' and '|'. */
void term_box(int y, int x, int h, int w);

/* A list of lines to draw with a scroll offset: detail panes, help, teaching text. */
typedef struct {
    char *text; /* owned, sanitised */
    Role role;
    int indent; /* cells */
} TermLine;

typedef struct {
    TermLine *lines;
    size_t n, cap;
} TermLines;

void lines_init(TermLines *l);
void lines_done(TermLines *l);
/* Appends one formatted line (not wrapped; term_put clips it). */
void lines_add(TermLines *l, Role r, int indent, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Appends text word-wrapped to width cells (at least 10), each line indented. */
void lines_add_wrapped(TermLines *l, Role r, int indent, int width, const char *text);
/* The same with the lines after the first indented hang cells more ("- item" lists). */
void lines_add_hanging(TermLines *l, Role r, int indent, int hang, int width, const char *text);
/* Draws lines top.. into the h x w box at (y, x). top is clamped; returns the clamped top. */
size_t lines_draw(const TermLines *l, size_t top, int y, int x, int h, int w);

#endif
