/* Modal forms of the explorer: a box of fields (text or a choice), a menu of options, or a
 * yes/no question, drawn over the current view. The form's check runs after every key and
 * says what is wrong in the status line; its submit acts (commits an edit) when the values
 * are valid. The forms themselves live in ui/forms.c. */
#ifndef BREAKOUT_FORM_H
#define BREAKOUT_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "explorer_int.h"

#define FORM_MAX_FIELDS  10
#define FORM_MAX_OPTIONS 8
#define FORM_TEXT_MAX    256 /* bytes of a text field, NUL included */

typedef enum { FIELD_TEXT, FIELD_CHOICE } FieldType;

typedef struct {
    const char *label; /* static */
    FieldType type;
    char text[FORM_TEXT_MAX]; /* FIELD_TEXT: UTF-8 */
    char **choices;           /* FIELD_CHOICE: owned strings */
    size_t n_choices, choice;
    char seek[64]; /* FIELD_CHOICE: what has been typed to pick a choice by its start */
} FormField;

typedef struct {
    int key;           /* the key that picks it at once */
    const char *label; /* static */
    int code;          /* what the submit callback is told */
} FormOption;

struct Form {
    char title[128];
    char prompt[256]; /* a question or note above the fields */
    FormField fields[FORM_MAX_FIELDS];
    size_t n_fields;
    FormOption options[FORM_MAX_OPTIONS]; /* a menu when there are any */
    size_t n_options;
    bool question;   /* a yes/no question: y or Enter confirms, n or Esc cancels */
    size_t focus;    /* the focused field, or the selected option */
    char error[256]; /* what is wrong with the values now; empty when they can be submitted */

    /* Checks the values: fills error and returns false when they cannot be submitted. NULL:
     * always valid. */
    bool (*check)(Explorer *ex, Form *f);
    /* Acts on valid values (for a menu: on options[focus]). Returns true to close the form,
     * false to keep it open (error then says why). */
    bool (*submit)(Explorer *ex, Form *f);

    /* What the form is about, for its callbacks. */
    int purpose;
    size_t index, sub;
    char *id; /* owned, may be NULL */
};

/* An empty form titled title (copied). */
Form *form_new(const char *title);
void form_free(Form *f);
/* Adds fields; the returned pointer is valid while the form lives. */
FormField *form_add_text(Form *f, const char *label, const char *value);
FormField *form_add_choice(Form *f, const char *label, const char *const *choices, size_t n,
                           size_t selected);
/* A "no"/"yes" choice. */
FormField *form_add_bool(Form *f, const char *label, bool value);
void form_add_option(Form *f, int key, const char *label, int code);

/* Field values. */
const char *form_text(const Form *f, size_t i);
const char *form_choice(const Form *f, size_t i);
bool form_bool(const Form *f, size_t i);

/* Opens f (taken) over the current view, replacing any open form, and runs its check. */
void form_open(Explorer *ex, Form *f);
/* Closes the open form, if any. */
void form_close(Explorer *ex);
/* Draws the open form over the screen, and its message or hints on the status line. */
void form_draw(Explorer *ex);
/* Handles a key while the form is open (ch and is_key as get_wch gives them). */
void form_key(Explorer *ex, int ch, bool is_key);

#endif
