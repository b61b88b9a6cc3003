/* `breakout analyze`: loads a scenario, runs the engine, writes text or JSON. */
#include <assert.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis_json.h"
#include "cli_int.h"
#include "engine.h"
#include "findings.h"
#include "fixplan.h"
#include "record_int.h"
#include "fileio.h"
#include "report_dot.h"
#include "report_html.h"
#include "report_md.h"
#include "report_sarif.h"
#include "report_text.h"
#include "threads.h"
#include "xalloc.h"

/* BREAKOUT_TIMING=1: each phase's wall time on stderr, for the benchmarks, and the processor
 * time of all threads in it (near the wall time: the phase ran on one core) */
typedef struct {
    bool on;
    double last, last_cpu;
} Phases;

static double clock_ms(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void phase(Phases *p, const char *name)
{
    if (!p->on) return;
    double t = clock_ms(CLOCK_MONOTONIC), cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    if (name)
        fprintf(stderr, "breakout: %-9s %8.1f ms  cpu %8.1f ms\n", name, t - p->last,
                cpu - p->last_cpu);
    p->last = t;
    p->last_cpu = cpu;
}

/* The temporary file an interrupted run removes (the file at -o is untouched until the end):
 * the handler's own copy of its name, set and cleared by the main thread. Signals ignored
 * when analyze started (nohup, a script's background job) stay ignored. */
static char pending_temp[4096];
static volatile sig_atomic_t pending;
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_FATAL (sizeof fatal_signals / sizeof *fatal_signals)
static struct sigaction saved[N_FATAL];
static bool guarded[N_FATAL];

static void on_fatal_signal(int sig)
{
    if (pending) unlink(pending_temp);
    for (size_t i = 0; i < N_FATAL; i++)
        if (fatal_signals[i] == sig) sigaction(sig, &saved[i], NULL);
    raise(sig);
}

static void guard_temp(const AtomicFile *af)
{
    if (!af) {
        pending = 0;
        for (size_t i = 0; i < N_FATAL; i++)
            if (guarded[i]) sigaction(fatal_signals[i], &saved[i], NULL);
        memset(guarded, 0, sizeof guarded);
        return;
    }
    const char *tmp = file_atomic_temp(af);
    if (!tmp || strlen(tmp) >= sizeof pending_temp) return; /* none, or left if interrupted */
    strcpy(pending_temp, tmp);
    pending = 1;
    struct sigaction sa = {.sa_handler = on_fatal_signal};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_FATAL; i++) {
        if (sigaction(fatal_signals[i], NULL, &saved[i]) != 0 || saved[i].sa_handler == SIG_IGN)
            continue;
        guarded[i] = sigaction(fatal_signals[i], &sa, NULL) == 0;
    }
}

/* What a large analysis made is left for the end of the process, which is next, to reclaim:
 * freeing its millions of blocks one at a time took 50-70 ms at 150k workloads, a tenth of the
 * run. It stays reachable from here, so a leak checker counts it as in use, not lost; the
 * previous run's, if cmd_analyze runs again in the same process, is freed first. */
static struct {
    Scenario *s;
    Analysis *a;
    Findings *findings;
    FixPlan *plan;
} kept;

static void keep_until_exit(Scenario *s, Analysis *a, Findings *findings, FixPlan *plan)
{
    fixplan_free(kept.plan);
    findings_free(kept.findings);
    analysis_free(kept.a);
    scenario_free(kept.s);
    kept.s = s;
    kept.a = a;
    kept.findings = findings;
    kept.plan = plan;
}

/* What follows the analysis: its findings and its fix plan, which read it and nothing else,
 * and, when nothing in it waits for them, the JSON document's first part. */
enum { MAKE_FINDINGS, MAKE_PLAN, BEGIN_JSON };
typedef struct {
    const Scenario *s;
    const Catalog *cat;
    const Analysis *a;
    size_t plan_limit;
    const Report *r; /* BEGIN_JSON: the report to write to out */
    FILE *out;
    int jobs[3]; /* what each job makes */
    Findings *findings;
    FixPlan *plan;
    JsonDoc *doc;
} Aftermath;

static void aftermath_job(void *ctx, size_t which)
{
    Aftermath *am = ctx;
    switch (am->jobs[which]) {
    case MAKE_FINDINGS: am->findings = findings_compute(am->a); break;
    case MAKE_PLAN:
        am->plan = fixplan_compute_limited(am->s, am->cat, am->a, am->plan_limit);
        break;
    default: am->doc = analysis_json_begin(am->r, am->out); break;
    }
}

int cmd_analyze(CliOptions *o)
{
    /* a run that ends soon keeps what it frees for what it allocates next, instead of handing
     * large blocks back to the system and faulting fresh pages in again (at 150k workloads, a
     * fifth of the processor time went to page faults) */
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    const char *timing = getenv("BREAKOUT_TIMING");
    Phases ph = {.on = timing && strcmp(timing, "1") == 0};
    phase(&ph, NULL);
    if (o->n_args != 1) return cli_usage_error("analyze needs one FILE or NAME");
    static const char *const formats[] = {"text", "json", "md", "html", "dot", "sarif"};
    const char *format = o->format ? o->format : "text";
    size_t f = 0;
    while (f < sizeof formats / sizeof *formats && strcmp(formats[f], format) != 0)
        f++;
    if (f == sizeof formats / sizeof *formats)
        return cli_usage_error("--format: expected text, json, md, html, dot or sarif, got \"%s\"",
                               format);
    Catalog *cat = cli_load_catalog(o);
    if (!cat) return EXIT_BAD;
    /* a file's decisions are read with it; a stored scenario's come from the workspace */
    bool is_file = access(o->args[0], F_OK) == 0;
    DecisionList file_decisions = {0};
    Scenario *s = is_file ? cli_load_file_decisions(o, o->args[0], &file_decisions)
                          : cli_load_scenario(o, o->args[0]);
    int status = EXIT_BAD;
    EngineRunner threads = threads_runner();
    Analysis *a = NULL;
    Findings *findings = NULL;
    FixPlan *plan = NULL;
    DecisionBook *book = NULL;
    AtomicFile *af = NULL;
    JsonDoc *doc = NULL; /* the JSON document's first part, written beside the findings */
    if (!s) goto done;
    phase(&ph, "load");

    /* the output file is made now, so that a place it cannot go is told before the work; it is
     * written as it is made and replaces the file at -o only when whole */
    bool to_stdout = !o->output || strcmp(o->output, "-") == 0;
    if (!to_stdout) {
        char *err = NULL;
        if (!(af = file_atomic_open(o->output, &err))) {
            cli_report(err);
            goto done;
        }
        guard_temp(af);
    }

    FILE *out = to_stdout ? stdout : file_atomic_stream(af);
    /* a file without decisions has none to show beside the items, so the JSON document's
     * items can be written while the findings and the plan are made (once --today is
     * known to be good: nothing is written before an error) */
    char now[21], today[11];
    bool early = f == 1 && is_file && !file_decisions.n;
    if (early && !record_clock(&o->record, now, today)) goto done;

    /* only the paths shown are kept (the fix plan finds the others itself when it needs
     * them), except for --check, which holds every path against the decisions */
    EngineOptions eo = {.max_paths = o->check ? 0 : (size_t)o->max_paths, .runner = &threads};
    a = engine_analyze(s, cat, &eo);
    phase(&ph, "engine");
    Report r = {.analysis = a, .max_paths = (size_t)o->max_paths};
    Aftermath am = {s, cat, a, (size_t)o->plan_limit, &r, out, {MAKE_FINDINGS}, NULL, NULL, NULL};
    size_t n_jobs = 1;
    if (!o->no_plan) am.jobs[n_jobs++] = MAKE_PLAN;
    if (early) am.jobs[n_jobs++] = BEGIN_JSON;
    if (n_jobs == 1) { /* the findings alone, on every thread */
        findings = findings_compute_in_parts(a, &threads);
    } else { /* each on a thread */
        threads.run(threads.runner, aftermath_job, &am, n_jobs);
        findings = am.findings;
        plan = am.plan;
        doc = am.doc;
    }
    phase(&ph, early ? "findings+plan+items" : o->no_plan ? "findings" : "findings+plan");
    bool recorded =
        is_file ? record_file_decisions(&o->record, &file_decisions, s, a, findings, plan, &book)
                : record_analysis_decisions(o, &o->record, o->args[0], s, cat, a, findings, plan,
                                            &book);
    if (!recorded) goto done;
    phase(&ph, "decisions");
    assert(!doc || !book); /* the items were written without decisions */
    r.findings = findings;
    r.plan = plan;
    r.decisions = book;

    const char *uri = is_file ? o->args[0] : NULL; /* SARIF artifact */
    switch (f) {
    case 0: report_write_text(&r, out, to_stdout && cli_use_colour(STDOUT_FILENO)); break;
    case 1:
        if (doc)
            analysis_json_end(doc);
        else
            analysis_write_json(&r, out);
        doc = NULL;
        break;
    case 2: report_write_md(&r, out); break;
    case 3: report_write_html(&r, out); break;
    case 4: report_write_dot(&r, out); break;
    default: report_write_sarif(&r, out, uri); break;
    }
    phase(&ph, "format");
    status = EXIT_DONE;
    if (to_stdout) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("could not write the output");
            status = EXIT_BAD;
        }
    } else {
        char *err = NULL;
        AtomicFile *written = af;
        af = NULL;
        if (!file_atomic_commit(written, &err)) {
            cli_report(err);
            status = EXIT_BAD;
        }
        guard_temp(NULL);
    }
    phase(&ph, "write");
    /* with decisions, accepted risks pass until their review date, and it says so */
    if (status == EXIT_DONE && o->check)
        status = book ? record_check(book, a) : a->paths_total > 0 ? EXIT_FOUND : EXIT_DONE;

done:
    analysis_json_abandon(doc);
    if (af) {
        file_atomic_abort(af);
        guard_temp(NULL);
    }
    decision_list_done(&file_decisions);
    decision_book_free(book);
    keep_until_exit(s, a, findings, plan);
    catalog_free(cat);
    phase(&ph, "free");
    return status;
}
