/* The machinery of modal forms (see form.h): fields, keys and drawing. What each form
 * asks and does is in ui/forms.c. */
#define NCURSES_WIDECHAR 1
#include "form.h"

#include <assert.h>
#include <ctype.h>
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "term.h"
#include "xalloc.h"

#define LABEL_WIDTH 18

Form *form_new(const char *title)
{
    Form *f = xcalloc(1, sizeof *f);
    snprintf(f->title, sizeof f->title, "%s", title);
    return f;
}

void form_free(Form *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->n_fields; i++) {
        for (size_t k = 0; k < f->fields[i].n_choices; k++)
            free(f->fields[i].choices[k]);
        free(f->fields[i].choices);
    }
    free(f->id);
    free(f);
}

static FormField *field_new(Form *f, const char *label, FieldType type)
{
    assert(f->n_fields < FORM_MAX_FIELDS);
    FormField *fd = &f->fields[f->n_fields++];
    memset(fd, 0, sizeof *fd);
    fd->label = label;
    fd->type = type;
    return fd;
}

FormField *form_add_text(Form *f, const char *label, const char *value)
{
    FormField *fd = field_new(f, label, FIELD_TEXT);
    snprintf(fd->text, sizeof fd->text, "%s", value ? value : "");
    return fd;
}

FormField *form_add_choice(Form *f, const char *label, const char *const *choices, size_t n,
                           size_t selected)
{
    FormField *fd = field_new(f, label, FIELD_CHOICE);
    fd->choices = xcalloc(n + 1, sizeof *fd->choices);
    for (size_t i = 0; i < n; i++)
        fd->choices[i] = xstrdup(choices[i]);
    fd->n_choices = n;
    fd->choice = selected < n ? selected : 0;
    return fd;
}

FormField *form_add_bool(Form *f, const char *label, bool value)
{
    static const char *const no_yes[] = {"no", "yes"};
    return form_add_choice(f, label, no_yes, 2, value ? 1 : 0);
}

void form_add_option(Form *f, int key, const char *label, int code)
{
    assert(f->n_options < FORM_MAX_OPTIONS);
    f->options[f->n_options++] = (FormOption){key, label, code};
}

const char *form_text(const Form *f, size_t i)
{
    return f->fields[i].text;
}

const char *form_choice(const Form *f, size_t i)
{
    const FormField *fd = &f->fields[i];
    return fd->n_choices ? fd->choices[fd->choice] : "";
}

bool form_bool(const Form *f, size_t i)
{
    return strcmp(form_choice(f, i), "yes") == 0;
}

static void form_check(Explorer *ex, Form *f)
{
    f->error[0] = 0;
    if (f->check) f->check(ex, f);
}

void form_open(Explorer *ex, Form *f)
{
    form_free(ex->form);
    ex->form = f;
    form_check(ex, f);
}

void form_close(Explorer *ex)
{
    form_free(ex->form);
    ex->form = NULL;
}

/* Appends the wide character ch to a text field, if it fits. */
static void text_append(FormField *fd, int ch)
{
    char mb[MB_LEN_MAX];
    mbstate_t ps;
    memset(&ps, 0, sizeof ps);
    size_t n = wcrtomb(mb, (wchar_t)ch, &ps);
    size_t len = strlen(fd->text);
    if (n == (size_t)-1 || len + n >= sizeof fd->text) return;
    memcpy(fd->text + len, mb, n);
    fd->text[len + n] = 0;
}

/* Drops the last UTF-8 character of a text field. */
static void text_erase(FormField *fd)
{
    size_t len = strlen(fd->text);
    while (len > 0 && ((unsigned char)fd->text[len - 1] & 0xC0) == 0x80)
        len--;
    if (len) len--;
    fd->text[len] = 0;
}

/* Does choice start with prefix (ASCII case folded)? */
static bool starts_with(const char *choice, const char *prefix)
{
    for (; *prefix; prefix++, choice++)
        if (tolower((unsigned char)*choice) != tolower((unsigned char)*prefix)) return false;
    return true;
}

/* Type-ahead in a choice: what was typed so far plus ch picks the first choice starting with
 * it ("tenant-1" among 150 tenants); when none does, the next choice starting with ch alone. */
static void choice_seek(FormField *fd, int ch)
{
    size_t len = strlen(fd->seek);
    if (len + 1 < sizeof fd->seek) {
        fd->seek[len] = (char)ch;
        fd->seek[len + 1] = 0;
        for (size_t i = 0; i < fd->n_choices; i++)
            if (starts_with(fd->choices[i], fd->seek)) {
                fd->choice = i;
                return;
            }
    }
    fd->seek[0] = (char)ch;
    fd->seek[1] = 0;
    for (size_t k = 1; k <= fd->n_choices; k++) {
        size_t i = (fd->choice + k) % fd->n_choices;
        if (starts_with(fd->choices[i], fd->seek)) {
            fd->choice = i;
            return;
        }
    }
}

/* Runs the submit callback when the values are valid; closes the form when it says so. */
static void form_submit(Explorer *ex)
{
    Form *f = ex->form;
    form_check(ex, f);
    if (f->error[0]) return;
    ex->form = NULL; /* detached while it acts: submit may open another form */
    bool close = !f->submit || f->submit(ex, f);
    if (!close && !ex->form)
        ex->form = f; /* stays open; its error says why */
    else
        form_free(f);
}

static void menu_key(Explorer *ex, int ch, bool is_key)
{
    Form *f = ex->form;
    if (is_key && ch == KEY_UP) {
        if (f->focus) f->focus--;
    } else if (is_key && ch == KEY_DOWN) {
        if (f->focus + 1 < f->n_options) f->focus++;
    } else if ((is_key && ch == KEY_ENTER) || (!is_key && (ch == '\r' || ch == '\n'))) {
        form_submit(ex);
    } else if (!is_key && (ch == 27 || ch == 'q')) {
        form_close(ex);
    } else if (!is_key) {
        for (size_t i = 0; i < f->n_options; i++)
            if (f->options[i].key == ch) {
                f->focus = i;
                form_submit(ex);
                return;
            }
    }
}

static void question_key(Explorer *ex, int ch, bool is_key)
{
    if ((is_key && ch == KEY_ENTER) || (!is_key && (ch == '\r' || ch == '\n' || ch == 'y')))
        form_submit(ex);
    else if (!is_key && (ch == 27 || ch == 'n' || ch == 'q'))
        form_close(ex);
}

void form_key(Explorer *ex, int ch, bool is_key)
{
    Form *f = ex->form;
    if (f->n_options) {
        menu_key(ex, ch, is_key);
        return;
    }
    if (f->question) {
        question_key(ex, ch, is_key);
        return;
    }
    FormField *fd = f->n_fields ? &f->fields[f->focus] : NULL;
    bool typing = !is_key && ch > 32 && ch < 0x7f && fd && fd->type == FIELD_CHOICE;
    if (fd && !typing) fd->seek[0] = 0; /* type-ahead starts again */
    if (is_key) {
        switch (ch) {
        case KEY_UP:
        case KEY_BTAB:
            if (f->focus) f->focus--;
            return;
        case KEY_DOWN:
            if (f->focus + 1 < f->n_fields) f->focus++;
            return;
        case KEY_LEFT:
        case KEY_RIGHT:
            if (fd && fd->type == FIELD_CHOICE && fd->n_choices)
                fd->choice =
                    (fd->choice + (ch == KEY_LEFT ? fd->n_choices - 1 : 1)) % fd->n_choices;
            break;
        case KEY_BACKSPACE:
        case KEY_DC:
            if (fd && fd->type == FIELD_TEXT) text_erase(fd);
            break;
        case KEY_ENTER: form_submit(ex); return;
        default: return;
        }
    } else if (ch == '\r' || ch == '\n') {
        form_submit(ex);
        return;
    } else if (ch == 27) {
        form_close(ex);
        return;
    } else if (ch == '\t') {
        f->focus = f->n_fields ? (f->focus + 1) % f->n_fields : 0;
        return;
    } else if (ch == 127 || ch == 8) {
        if (fd && fd->type == FIELD_TEXT) text_erase(fd);
    } else if (ch == 21) { /* Ctrl-U clears a text field */
        if (fd && fd->type == FIELD_TEXT) fd->text[0] = 0;
    } else if (ch >= 32 && fd) {
        if (fd->type == FIELD_TEXT)
            text_append(fd, ch);
        else if (ch == ' ')
            fd->choice = (fd->choice + 1) % fd->n_choices;
        else if (ch < 0x80)
            choice_seek(fd, ch);
    } else {
        return;
    }
    form_check(ex, f);
}

/* The box's rows: title, prompt lines, fields or options, a blank, the hints. */
void form_draw(Explorer *ex)
{
    Form *f = ex->form;
    int w = COLS - 8 < 72 ? COLS - 8 : 72;
    int inner = w - 4;
    TermLines prompt;
    lines_init(&prompt);
    if (f->prompt[0]) lines_add_wrapped(&prompt, ROLE_NORMAL, 0, inner, f->prompt);
    size_t body = f->n_options ? f->n_options : f->n_fields;
    int h = 4 + (int)prompt.n + (prompt.n && body ? 1 : 0) + (int)body;
    if (h > LINES - 2) h = LINES - 2;
    int y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;
    for (int y = y0; y < y0 + h; y++)
        term_fill(y, x0, w, ROLE_NORMAL);
    term_box(y0, x0, h, w);
    int tx = x0 + 2;
    tx += term_put(y0, tx, inner, ROLE_TITLE, " ");
    tx += term_put(y0, tx, inner - 2, ROLE_TITLE, f->title);
    term_put(y0, tx, 1, ROLE_TITLE, " ");
    int y = y0 + 1;
    lines_draw(&prompt, 0, y, x0 + 2, (int)prompt.n, inner);
    y += (int)prompt.n + (prompt.n && body ? 1 : 0);
    if (f->n_options) {
        for (size_t i = 0; i < f->n_options && y < y0 + h - 2; i++, y++) {
            Role r = i == f->focus ? ROLE_SELECTED : ROLE_NORMAL;
            if (r == ROLE_SELECTED) term_fill(y, x0 + 1, w - 2, r);
            term_printf(y, x0 + 2, inner, r, "%c  %s", f->options[i].key, f->options[i].label);
        }
    }
    for (size_t i = 0; i < f->n_fields && y < y0 + h - 2; i++, y++) {
        const FormField *fd = &f->fields[i];
        bool focus = i == f->focus;
        term_printf(y, x0 + 2, LABEL_WIDTH, focus ? ROLE_TITLE : ROLE_NORMAL, "%s", fd->label);
        int vx = x0 + 2 + LABEL_WIDTH, vw = inner - LABEL_WIDTH;
        Role r = focus ? ROLE_SELECTED : ROLE_NORMAL;
        if (fd->type == FIELD_TEXT) {
            /* the end of a long value stays visible: that is where the typing happens */
            const char *t = fd->text;
            while (*t && term_width(t) > vw - 4)
                t++;
            int used = term_put(y, vx + 2, vw - 3, r, t);
            if (focus) term_put(y, vx + 2 + used, 1, r, "_");
        } else {
            term_printf(y, vx, vw, r, focus ? "< %s >" : "  %s", form_choice(f, i));
        }
    }
    const char *hints = f->n_options  ? "Enter or a letter picks  Esc cancels"
                        : f->question ? "y/Enter yes  n/Esc no"
                                      : "Enter save  Esc cancel  Tab/Up/Down field  "
                                        "Left/Right/Space choose";
    term_put(y0 + h - 2, x0 + 2, inner, ROLE_DIM, hints);
    lines_done(&prompt);
    /* the status line: what is wrong, or the form's hints */
    int sy = LINES - 1;
    term_fill(sy, 0, COLS, ROLE_HEADER);
    if (f->error[0])
        term_put(sy, 1, COLS - 1, ROLE_HEADER, f->error);
    else
        term_put(sy, 1, COLS - 1, ROLE_HEADER, ex->status[0] ? ex->status : hints);
}
