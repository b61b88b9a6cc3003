/* The command line: global options, dispatch to the commands of ui/cmd_*.c, help. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "catalog_json.h"
#include "cli_int.h"
#include "threads.h"
#include "decisions.h"
#include "scenario_json.h"
#include "utf8.h"
#include "xalloc.h"

static const char usage_text[] =
    "Usage: breakout [OPTIONS] [COMMAND] [ARGS]\n"
    "\n"
    "A threat-model explorer for container isolation: which boundaries hold, which fail,\n"
    "why, and what would close every attack path.\n"
    "\n"
    "Commands:\n"
    "  (none)                     the explorer on the workspace (in a pipe: list)\n"
    "  FILE                       the explorer on a workspace file, or on a scenario file\n"
    "                             imported into the workspace\n"
    "  list                       list the workspace's scenarios\n"
    "  analyze FILE|NAME          analyse a scenario, manifest or docker inspect file, or a\n"
    "                             scenario of the workspace\n"
    "  import FILE...             add scenarios, manifests or docker inspect output to the\n"
    "                             workspace (all or nothing)\n"
    "  export NAME [-o FILE]      write a scenario as JSON (stdout without -o)\n"
    "  diff A B                   what changed between two scenarios (files or names):\n"
    "                             verdicts, paths, findings and the edits behind them;\n"
    "                             exit 1 when B has a path, failing boundary or finding\n"
    "                             that A has not\n"
    "  rm NAME                    remove a scenario from the workspace\n"
    "  decide NAME SUBJECT KIND   record a decision of the review on a boundary, path,\n"
    "                             finding or fix (KIND: accept --reason TEXT --owner NAME\n"
    "                             [--review DATE]; fix --owner NAME --due DATE [--text T];\n"
    "                             dispute --reason TEXT; note --text TEXT)\n"
    "  decisions NAME             list the decisions with their history, and what has none\n"
    "  minutes NAME               the review's minutes (--format md or html, -o FILE)\n"
    "  learn [NAME]               the lessons with your progress; NAME runs one\n"
    "                             (predict, then see the engine's answer and why)\n"
    "\n"
    "Options:\n"
    "  --db FILE                  the workspace (default $BREAKOUT_DB, else\n"
    "                             $XDG_DATA_HOME/breakout/workspace.db, else\n"
    "                             ~/.local/share/breakout/workspace.db)\n"
    "  --format FORMAT            analyze: text (default), json, md, html, dot or sarif;\n"
    "                             diff: text, json or md\n"
    "  -o, --output FILE          write to FILE instead of stdout (written atomically)\n"
    "  --check                    analyze: exit 1 if a start reaches a host or another tenant\n"
    "  --max-paths N              analyze: list at most N paths (default 1000, 0 for all)\n"
    "  --no-plan                  analyze: skip the fix plan (faster on large fleets)\n"
    "  --plan-limit N             analyze: search the fix plan only up to N candidate\n"
    "                             changes (default 0: no limit)\n"
    "  --assume NAME=true|false   override an assumption (kernel_exploit,\n"
    "                             hypervisor_exploit, sandbox_exploit)\n"
    "  --catalog FILE             add or override techniques from a catalog file\n"
    "  --replace                  import: overwrite a different scenario of the same name\n"
    "  --as NAME                  decide, minutes: who records (default: the login name)\n"
    "  --today DATE               decide, decisions, minutes, analyze: today's date for\n"
    "                             review and due dates, and the time recorded (default: the\n"
    "                             clock)\n"
    "  --learner NAME             learn: whose progress (default: the login name)\n"
    "  --progress                 learn: who finished what, every learner\n"
    "  --lessons DIR              learn: also the lessons in DIR (default $BREAKOUT_LESSONS)\n"
    "\n"
    "Reading Kubernetes manifests (JSON or YAML) and docker inspect output:\n"
    "  --trusted NS, --untrusted NS   namespaces to trust or not (kube-system, kube-public\n"
    "                             and kube-node-lease are trusted; others are not)\n"
    "  --runtime-class NAME=MODE  isolation of a RuntimeClass: process, hyperv, sandbox, host\n"
    "  --no-ssh                   hosts have no SSH server (the default assumes they do)\n"
    "  --tenant-label KEY         docker: the container label naming its tenant\n"
    "  --host NAME                docker: the host's name (default docker-host)\n"
    "  --max-size MB              the largest input to import (default 2048)\n"
    "  --max-values N             the most values (keys included) a JSON or YAML input may\n"
    "                             hold (default 64000000; each costs about 100 bytes)\n"
    "  -h, --help                 show this help\n"
    "  -V, --version              show the version\n"
    "\n"
    "Exit status: 0 done, 1 --check found a path, 2 bad usage or bad input.\n"
    "Colour only on a terminal, and never when NO_COLOR is set and not empty.\n";

/* Writes one line on stderr with control characters and invalid UTF-8 made visible. */
static void put_line(const char *prefix, const char *msg, const char *suffix)
{
    char *safe = utf8_sanitize(msg);
    fprintf(stderr, "%s%s\n%s", prefix, safe, suffix);
    free(safe);
}

void cli_report(char *err)
{
    put_line("", err ? err : "unknown error", "");
    free(err);
}

void cli_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    put_line("", msg, "");
    free(msg);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    put_line("breakout: ", msg, "");
    free(msg);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    put_line("breakout: ", msg, "Try 'breakout --help' for more information.\n");
    free(msg);
    return EXIT_BAD;
}

bool cli_use_colour(int fd)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc) return false;
    return isatty(fd) == 1;
}

Store *cli_open_store(const CliOptions *o)
{
    char *path = o->db ? xstrdup(o->db) : store_default_path();
    char *err = NULL;
    Store *st = store_open(path, true, &err);
    if (!st) {
        cli_report(err);
    }
    free(path);
    return st;
}

Catalog *cli_load_catalog(const CliOptions *o)
{
    Catalog *c = catalog_load_builtin();
    for (size_t i = 0; i < o->n_catalogs; i++) {
        char *err = NULL;
        if (!catalog_merge_file(c, o->catalogs[i], &err)) {
            cli_report(err);
            catalog_free(c);
            return NULL;
        }
    }
    return c;
}

/* Shows the importer's progress on a terminal: "reading FILE: NN%". */
static void show_progress(size_t done, size_t total, void *ctx)
{
    const char *file = ctx;
    if (done >= total)
        fprintf(stderr, "\r\033[K");
    else
        fprintf(stderr, "\rreading %s: %zu%%", file, total ? done * 100 / total : 0);
    fflush(stderr);
}

Scenario *cli_import_file(const CliOptions *o, const char *path)
{
    return cli_import_file_decisions(o, path, NULL);
}

/* The file being imported, for on_sigbus. */
static const char *volatile importing;

/* A large file is mapped while it is read (data/fileio.h): another program cutting it short
 * then raises SIGBUS when the part cut is read. Says so, and exits as for bad input (nothing
 * is written before a file is read whole). Installed only while a file is imported. */
static void on_sigbus(int sig)
{
    (void)sig;
    static const char head[] = "breakout: ", tail[] = ": cut short while it was being read\n";
    const char *file = importing ? importing : "a file";
    if (write(STDERR_FILENO, head, sizeof head - 1) < 0 ||
        write(STDERR_FILENO, file, strlen(file)) < 0 ||
        write(STDERR_FILENO, tail, sizeof tail - 1) < 0) {
        /* nothing more to do */
    }
    _exit(EXIT_BAD);
}

Scenario *cli_import_file_decisions(const CliOptions *o, const char *path, DecisionList *decisions)
{
    ImportOptions opt = o->import;
    EngineRunner threads = threads_runner();
    opt.runner = &threads;
    struct stat st;
    char *safe = utf8_sanitize(path);
    if (isatty(STDERR_FILENO) && stat(path, &st) == 0 && st.st_size > 4 * 1024 * 1024) {
        opt.progress = show_progress;
        opt.progress_ctx = safe;
    }
    StrList notes = {0};
    char *err = NULL;
    InputKind kind;
    struct sigaction bus = {.sa_handler = on_sigbus}, before;
    sigemptyset(&bus.sa_mask);
    importing = safe;
    bool handled = sigaction(SIGBUS, &bus, &before) == 0;
    Scenario *s = decisions_import_file(path, &opt, &kind, &notes, decisions, &err);
    if (handled) sigaction(SIGBUS, &before, NULL);
    importing = NULL;
    free(safe);
    if (!s) {
        cli_report(err);
    } else {
        for (size_t i = 0; i < notes.n; i++)
            cli_note("%s: %s", path, notes.items[i]);
    }
    strlist_done(&notes);
    return s;
}

/* Applies --assume to s (which may be NULL); returns s. */
static Scenario *apply_assumptions(const CliOptions *o, Scenario *s)
{
    for (int i = 0; s && i < ASSUME_COUNT; i++)
        if (o->assume[i] >= 0) s->assume[i] = o->assume[i] == 1;
    return s;
}

Scenario *cli_load_file_decisions(const CliOptions *o, const char *path, DecisionList *decisions)
{
    return apply_assumptions(o, cli_import_file_decisions(o, path, decisions));
}

Scenario *cli_load_scenario(const CliOptions *o, const char *what)
{
    char *err = NULL;
    Scenario *s = NULL;
    if (access(what, F_OK) == 0) {
        return apply_assumptions(o, cli_import_file(o, what));
    } else {
        Store *st = cli_open_store(o);
        if (!st) return NULL;
        s = store_load(st, what, &err);
        if (!s && err) {
            char *more = xasprintf("%s (and no file %s exists)", err, what);
            free(err);
            err = more;
        }
        store_close(st);
    }
    if (!s) {
        cli_report(err);
        return NULL;
    }
    return apply_assumptions(o, s);
}

static bool parse_assume(CliOptions *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq) return false;
    char *name = xstrndup(arg, (size_t)(eq - arg));
    Assumption a;
    bool ok = assumption_parse(name, &a);
    free(name);
    if (!ok) return false;
    if (strcmp(eq + 1, "true") == 0)
        o->assume[a] = 1;
    else if (strcmp(eq + 1, "false") == 0)
        o->assume[a] = 0;
    else
        return false;
    return true;
}

static int run_decide(CliOptions *o)
{
    return cmd_decide(o, &o->record);
}

static int run_decisions(CliOptions *o)
{
    return cmd_decisions(o, &o->record);
}

static int run_minutes(CliOptions *o)
{
    return cmd_minutes(o, &o->record);
}

static const struct {
    const char *name;
    int (*run)(CliOptions *);
} commands[] = {
    {"list", cmd_list},       {"import", cmd_import},
    {"export", cmd_export},   {"rm", cmd_rm},
    {"analyze", cmd_analyze}, {"analyse", cmd_analyze},
    {"diff", cmd_diff},       {"learn", cmd_learn},
    {"decide", run_decide},   {"decisions", run_decisions},
    {"minutes", run_minutes},
};

enum {
    OPT_DB = 256,
    OPT_FORMAT,
    OPT_CHECK,
    OPT_MAX_PATHS,
    OPT_ASSUME,
    OPT_CATALOG,
    OPT_REPLACE,
    OPT_NO_PLAN,
    OPT_PLAN_LIMIT,
    OPT_TRUSTED,
    OPT_UNTRUSTED,
    OPT_RUNTIME_CLASS,
    OPT_NO_SSH,
    OPT_TENANT_LABEL,
    OPT_HOST,
    OPT_LEARNER,
    OPT_PROGRESS,
    OPT_LESSONS,
    OPT_MAX_SIZE,
    OPT_MAX_VALUES,
    OPT_AS,
    OPT_REASON,
    OPT_OWNER,
    OPT_REVIEW,
    OPT_DUE,
    OPT_TEXT,
    OPT_TODAY
};

int cli_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"output", required_argument, NULL, 'o'},
        {"check", no_argument, NULL, OPT_CHECK},
        {"max-paths", required_argument, NULL, OPT_MAX_PATHS},
        {"assume", required_argument, NULL, OPT_ASSUME},
        {"catalog", required_argument, NULL, OPT_CATALOG},
        {"replace", no_argument, NULL, OPT_REPLACE},
        {"no-plan", no_argument, NULL, OPT_NO_PLAN},
        {"plan-limit", required_argument, NULL, OPT_PLAN_LIMIT},
        {"trusted", required_argument, NULL, OPT_TRUSTED},
        {"untrusted", required_argument, NULL, OPT_UNTRUSTED},
        {"runtime-class", required_argument, NULL, OPT_RUNTIME_CLASS},
        {"no-ssh", no_argument, NULL, OPT_NO_SSH},
        {"tenant-label", required_argument, NULL, OPT_TENANT_LABEL},
        {"host", required_argument, NULL, OPT_HOST},
        {"as", required_argument, NULL, OPT_AS},
        {"reason", required_argument, NULL, OPT_REASON},
        {"owner", required_argument, NULL, OPT_OWNER},
        {"review", required_argument, NULL, OPT_REVIEW},
        {"due", required_argument, NULL, OPT_DUE},
        {"text", required_argument, NULL, OPT_TEXT},
        {"today", required_argument, NULL, OPT_TODAY},
        {"learner", required_argument, NULL, OPT_LEARNER},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"lessons", required_argument, NULL, OPT_LESSONS},
        {"max-size", required_argument, NULL, OPT_MAX_SIZE},
        {"max-values", required_argument, NULL, OPT_MAX_VALUES},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    /* a file size limit (ulimit -f) then fails the write with EFBIG, reported as any full disk,
     * instead of killing breakout mid-write */
    signal(SIGXFSZ, SIG_IGN);
    CliOptions o = {.max_paths = 1000, .plan_limit = 0};
    for (int i = 0; i < ASSUME_COUNT; i++)
        o.assume[i] = -1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:hV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: o.db = optarg; break;
        case OPT_FORMAT: o.format = optarg; break;
        case 'o': o.output = optarg; break;
        case OPT_CHECK: o.check = true; break;
        case OPT_REPLACE: o.replace = true; break;
        case OPT_NO_PLAN: o.no_plan = true; break;
        case OPT_TRUSTED:
        case OPT_UNTRUSTED:
        case OPT_RUNTIME_CLASS: {
            char *err = NULL;
            bool ok = c == OPT_TRUSTED ? import_options_add_trusted(&o.import, optarg, &err)
                      : c == OPT_UNTRUSTED
                          ? import_options_add_untrusted(&o.import, optarg, &err)
                          : import_options_add_runtime_class(&o.import, optarg, &err);
            if (!ok) {
                int status = cli_usage_error("%s", err);
                free(err);
                return status;
            }
            break;
        }
        case OPT_NO_SSH: o.import.no_ssh = true; break;
        case OPT_TENANT_LABEL: o.import.tenant_label = optarg; break;
        case OPT_HOST: o.import.host_name = optarg; break;
        case OPT_AS: o.record.as = optarg; break;
        case OPT_REASON: o.record.reason = optarg; break;
        case OPT_OWNER: o.record.owner = optarg; break;
        case OPT_REVIEW: o.record.review = optarg; break;
        case OPT_DUE: o.record.due = optarg; break;
        case OPT_TEXT: o.record.text = optarg; break;
        case OPT_TODAY: o.record.today = optarg; break;
        case OPT_LEARNER: o.learner = optarg; break;
        case OPT_PROGRESS: o.progress = true; break;
        case OPT_LESSONS: o.lessons = optarg; break;
        case OPT_MAX_SIZE:
        case OPT_MAX_VALUES: {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            unsigned long long most = c == OPT_MAX_SIZE ? SIZE_MAX / (1024 * 1024) - 1 : SIZE_MAX;
            if (errno || *end || end == optarg || optarg[0] == '-' || v == 0 || v > most)
                return cli_usage_error("%s: expected a number of 1 or more, got \"%s\"",
                                       c == OPT_MAX_SIZE ? "--max-size" : "--max-values", optarg);
            if (c == OPT_MAX_SIZE)
                o.import.max_bytes = (size_t)v * 1024 * 1024;
            else
                o.import.max_values = (size_t)v;
            break;
        }
        case OPT_PLAN_LIMIT: {
            char *end;
            errno = 0;
            o.plan_limit = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || o.plan_limit < 0)
                return cli_usage_error("--plan-limit: expected a number of 0 or more, got \"%s\"",
                                       optarg);
            break;
        }
        case OPT_MAX_PATHS: {
            char *end;
            errno = 0;
            o.max_paths = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || o.max_paths < 0)
                return cli_usage_error("--max-paths: expected a number of 0 or more, got \"%s\"",
                                       optarg);
            break;
        }
        case OPT_ASSUME:
            if (!parse_assume(&o, optarg))
                return cli_usage_error("--assume: expected NAME=true or NAME=false with NAME "
                                       "kernel_exploit, hypervisor_exploit or sandbox_exploit, "
                                       "got \"%s\"",
                                       optarg);
            break;
        case OPT_CATALOG:
            if (o.n_catalogs == CLI_MAX_LIST)
                return cli_usage_error("--catalog: at most %d files", CLI_MAX_LIST);
            o.catalogs[o.n_catalogs++] = optarg;
            break;
        case 'h': fputs(usage_text, stdout); return EXIT_DONE;
        case 'V': printf("breakout %s\n", BREAKOUT_VERSION); return EXIT_DONE;
        case ':': return cli_usage_error("option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind >= argc) return cmd_explore(&o, NULL);
    const char *command = argv[optind++];
    o.args = argv + optind;
    o.n_args = (size_t)(argc - optind);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, command) == 0) return commands[i].run(&o);
    if (o.n_args == 0 && access(command, F_OK) == 0) return cmd_explore(&o, command);
    return cli_usage_error("unknown command \"%s\"", command);
}
