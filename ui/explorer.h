/* The ncurses explorer: browse a workspace's scenarios, their analysis, attack paths,
 * boundary matrix, findings and fix plan. The command line (ui/cli.c) starts it. */
#ifndef BREAKOUT_EXPLORER_H
#define BREAKOUT_EXPLORER_H

#include "catalog.h"
#include "store.h"

/* Runs the explorer on the open workspace st with catalog cat (both borrowed; the caller
 * closes and frees them). select_name, when not NULL, is the scenario to open first (the
 * scenario list otherwise). Starts curses on stdin/stdout and restores the terminal on every
 * exit path; nothing is written to stdout or stderr while curses is active. Returns 0 when
 * the user quits, 2 with one line on stderr when there is no usable terminal (TERM unset or
 * dumb, newterm failing) or select_name cannot be opened, 128+N after signal N. */
int explorer_run(Store *st, Catalog *cat, const char *select_name);

#endif
