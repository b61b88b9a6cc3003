/* Internals shared by the command-line modules (ui/cli.c and ui/cmd_*.c). */
#ifndef BREAKOUT_CLI_INT_H
#define BREAKOUT_CLI_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "decision.h"
#include "import.h"
#include "record_int.h"
#include "scenario.h"
#include "store.h"

#define EXIT_DONE  0
#define EXIT_FOUND 1 /* --check found a path; diff found a regression */
#define EXIT_BAD   2 /* bad usage or bad input */

#define CLI_MAX_LIST 64

typedef struct {
    const char *db;                     /* --db, or NULL for the default workspace */
    bool replace;                       /* --replace */
    const char *format;                 /* --format */
    const char *output;                 /* -o */
    bool check;                         /* --check */
    bool no_plan;                       /* --no-plan: skip the fix plan */
    long plan_limit;                    /* --plan-limit N: search the plan up to N candidates */
    long max_paths;                     /* --max-paths, default 1000 */
    const char *catalogs[CLI_MAX_LIST]; /* --catalog FILE, in order */
    size_t n_catalogs;
    int assume[ASSUME_COUNT]; /* --assume: -1 unset, 0 false, 1 true */
    ImportOptions import;     /* --trusted, --untrusted, --runtime-class, --no-ssh, ... */
    RecordOptions record;     /* --as, --reason, --owner, --review, --due, --text, --today */
    const char *learner;      /* learn: --learner NAME, or NULL for the login name */
    bool progress;            /* learn: --progress */
    const char *lessons;      /* learn: --lessons DIR, or NULL for $BREAKOUT_LESSONS */
    char **args;              /* positional arguments after the command */
    size_t n_args;
} CliOptions;

/* Each command returns an exit status and reports its own errors on stderr. */
int cmd_list(CliOptions *o);
int cmd_import(CliOptions *o);
int cmd_export(CliOptions *o);
int cmd_rm(CliOptions *o);
int cmd_analyze(CliOptions *o);
int cmd_diff(CliOptions *o);
/* The workshop record (ui/cmd_decide.c, ui/cmd_minutes.c). */
int cmd_decide(CliOptions *o, const RecordOptions *r);
int cmd_decisions(CliOptions *o, const RecordOptions *r);
int cmd_minutes(CliOptions *o, const RecordOptions *r);
/* For analyze: the decisions of the workspace scenario named `what` (with the edit history
 * replayed) matched to the analysis a of s (findings f, plan p may be NULL) as of --today.
 * *out is NULL when there are none (then nothing changes in the output). False, with the error
 * printed, on failure. */
bool record_analysis_decisions(const CliOptions *o, const RecordOptions *r, const char *what,
                               const Scenario *s, const Catalog *cat, const Analysis *a,
                               const Findings *f, const FixPlan *p, DecisionBook **out);
/* The same for a scenario file, whose format 3 decisions section was read with it
 * (cli_load_file_decisions). */
bool record_file_decisions(const RecordOptions *r, DecisionList *file_decisions, const Scenario *s,
                           const Analysis *a, const Findings *f, const FixPlan *p,
                           DecisionBook **out);
/* analyze --check with decisions: prints on stderr every acceptance used ("guest-app isolation:
 * accepted until 2027-03-31 (owner: platform)"), every expired one, every open path and a
 * summary; returns EXIT_DONE when every path is covered by an acceptance in force, else
 * EXIT_FOUND. */
int record_check(const DecisionBook *b, const Analysis *a);
/* `breakout learn [NAME]`, `--progress`: lessons (docs/lessons.md), in ui/cmd_learn.c. */
int cmd_learn(CliOptions *o);
/* The explorer, on file (a workspace or a scenario to import) or the default workspace. */
int cmd_explore(CliOptions *o, const char *file);

/* Prints an error line handed back by a module (which names its file and place) on stderr,
 * made safe for the terminal; frees it. */
void cli_report(char *err);

/* Prints MESSAGE (no prefix) on stderr, made safe for the terminal: progress and notes. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "breakout: MESSAGE" on stderr, made safe for the terminal. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a usage error and the hint to --help; returns EXIT_BAD. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens the workspace the options name (created and seeded on first use). NULL and an error
 * printed on failure. */
Store *cli_open_store(const CliOptions *o);

/* Loads the built-in catalog plus every --catalog file; NULL and an error printed on failure. */
Catalog *cli_load_catalog(const CliOptions *o);

/* Reads a scenario, Kubernetes manifest or docker inspect output (the import options apply),
 * printing the importer's notes. NULL and an error printed on failure. */
Scenario *cli_import_file(const CliOptions *o, const char *path);
/* The same, appending a breakout scenario file's decisions section (format 3) to decisions. */
Scenario *cli_import_file_decisions(const CliOptions *o, const char *path, DecisionList *decisions);

/* Loads what `analyze X` names: a file at X (any input cli_import_file reads), else a
 * scenario named X in the workspace. Applies --assume. NULL and an error printed on failure. */
Scenario *cli_load_scenario(const CliOptions *o, const char *what);
/* cli_load_scenario of a file, appending its decisions section (format 3) to decisions. */
Scenario *cli_load_file_decisions(const CliOptions *o, const char *path, DecisionList *decisions);

/* True when colour should be used on this stream (a terminal, NO_COLOR unset or empty). */
bool cli_use_colour(int fd);

#endif
