/* Internals shared by the workshop-record commands: ui/cmd_decide.c (decide, decisions, and the
 * decisions analyze shows and --check honours) and ui/cmd_minutes.c (minutes). The options
 * struct is self-contained so that ui/cli_int.h can hold one in CliOptions. */
#ifndef BREAKOUT_RECORD_INT_H
#define BREAKOUT_RECORD_INT_H

#include <stdbool.h>

/* The command-line options of the record (all borrowed from argv; NULL when not given). */
typedef struct {
    const char *as;     /* --as NAME: who records or takes the minutes (default: the login name) */
    const char *reason; /* --reason TEXT: accept's reason, dispute's argument */
    const char *owner;  /* --owner NAME: accept, fix */
    const char *review; /* --review DATE: accept's review date (YYYY-MM-DD) */
    const char *due;    /* --due DATE: fix's due date */
    const char *text;   /* --text TEXT: a note; fix: how */
    const char *today;  /* --today DATE or DATE-TIME: the clock, for tests (default: the clock) */
} RecordOptions;

/* Who records: r->as, else the login name, else "unknown". Borrowed (static storage). */
const char *record_author(const RecordOptions *r);

/* Sets now (YYYY-MM-DDTHH:MM:SSZ) and today (YYYY-MM-DD), UTC: from --today when given (a date
 * means that day at 00:00:00Z), else from the clock. False, with a usage error printed, when
 * --today is neither form. */
bool record_clock(const RecordOptions *r, char now[21], char today[11]);

#endif
