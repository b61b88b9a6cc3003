/* `breakout learn`: the lessons with the learner's progress, a line-oriented runner for one
 * lesson (single keys on a terminal, one answer a line from a pipe), and --progress, who
 * finished what. The questions are model/lesson.c's, the progress data/progress.c's. */
#include <errno.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "cli_int.h"
#include "lesson.h"
#include "lesson_json.h"
#include "progress.h"
#include "utf8.h"
#include "xalloc.h"

#define LEARNER_MAX 64 /* bytes of a learner's name */

/* ---- the terminal ---- */

/* The terminal's settings before raw mode, restored on every exit path, signals included
 * (a global because the signal handler needs it). */
static struct termios saved_termios, raw_termios;
static volatile sig_atomic_t raw_active;

static void raw_restore(void)
{
    if (raw_active) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
        raw_active = 0;
    }
}

static void on_signal(int sig)
{
    raw_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Ctrl-Z: the shell gets a normal terminal; on fg, single keys again. */
static void on_suspend(int sig)
{
    (void)sig;
    bool was_raw = raw_active;
    raw_restore();
    signal(SIGTSTP, SIG_DFL);
    raise(SIGTSTP);
    /* continued */
    signal(SIGTSTP, on_suspend);
    if (was_raw && tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw_termios) == 0) raw_active = 1;
}

/* Single keys without Enter: canonical mode and echo off (signals stay on). */
static bool raw_enter(void)
{
    if (tcgetattr(STDIN_FILENO, &saved_termios) != 0) return false;
    raw_termios = saved_termios;
    raw_termios.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
    raw_termios.c_cc[VMIN] = 1;
    raw_termios.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw_termios) != 0) return false;
    raw_active = 1;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    signal(SIGQUIT, on_signal);
    signal(SIGTSTP, on_suspend);
    return true;
}

/* ---- the runner ---- */

typedef struct {
    FILE *out;
    bool tty;    /* stdin is a terminal: single keys */
    bool colour; /* ANSI styles on stdout */
    int width;   /* columns to wrap at */
    Store *st;
    const char *learner;
    const Lesson *lesson;
    const Catalog *cat;
    LessonRun *run;
    size_t asked, right; /* this session */
    bool *taught;        /* per technique: its teaching text was shown this session */
} Runner;

enum { KEY_EOF = -1 };

/* The next answer: on a terminal the next key (echoed; with skip_blank, spaces and tabs are
 * passed over), from a pipe the first non-blank character of the next non-blank line.
 * KEY_EOF at the end of input (or Ctrl-D). */
static int read_key_from(Runner *r, bool skip_blank)
{
    fflush(r->out);
    if (r->tty) {
        for (;;) {
            unsigned char c;
            ssize_t n = read(STDIN_FILENO, &c, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0 || c == 4) return KEY_EOF;
            if (skip_blank && (c == ' ' || c == '\t')) continue;
            if (c == '\r' || c == '\n') c = '\n';
            if (c > 0x20 && c < 0x7f)
                fprintf(r->out, "%c\n", c);
            else
                fputc('\n', r->out);
            return c;
        }
    }
    char *line = NULL;
    size_t cap = 0;
    int key = KEY_EOF;
    while (getline(&line, &cap, stdin) >= 0) {
        const char *p = line;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\n' || *p == '\0') continue;
        key = (unsigned char)*p;
        break;
    }
    free(line);
    if (key != KEY_EOF) /* the transcript shows the answer, printable or not */
        fprintf(r->out, "%c\n", key > 0x20 && key < 0x7f ? key : '?');
    return key;
}

static int read_key(Runner *r)
{
    return read_key_from(r, true);
}

static const char *style(const Runner *r, const char *code)
{
    return r->colour ? code : "";
}
#define BOLD  "\033[1m"
#define GREEN "\033[32m"
#define RED   "\033[31m"
#define CYAN  "\033[36m"
#define DIM   "\033[2m"
#define RESET "\033[0m"

/* Display width of the n bytes of UTF-8 at s (sanitized: every character printable, but for
 * our own style sequences, ESC [ ... m, which take no room). */
static int text_width(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
            i += 2;
            while (i < n && !((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e))
                i++;
            i++;
            continue;
        }
        size_t k = utf8_valid_prefix(s + i);
        if (k == 0) k = 1;
        int cw = k == 1 ? 1 : wcwidth((wchar_t)utf8_decode(s + i, k));
        w += cw < 0 ? 1 : cw;
        i += k;
    }
    return w;
}

/* Prints text wrapped to the width: the first line starts with indent spaces and prefix,
 * later ones with cont spaces. Newlines in text start new paragraphs; user text is
 * sanitized. */
static void say_wrap(Runner *r, int indent, int cont, const char *prefix, const char *text)
{
    int pw = text_width(prefix, strlen(prefix));
    const char *para = text;
    bool first_line = true;
    for (;;) {
        const char *nl = strchr(para, '\n');
        size_t plen = nl ? (size_t)(nl - para) : strlen(para);
        char *raw = xstrndup(para, plen);
        char *safe = utf8_sanitize(raw);
        free(raw);
        const char *p = safe;
        do {
            int avail = r->width - (first_line ? indent + pw : cont);
            if (avail < 20) avail = 20;
            if (first_line)
                fprintf(r->out, "%*s%s", indent, "", prefix);
            else
                fprintf(r->out, "%*s", cont, "");
            first_line = false;
            int used = 0;
            bool any = false;
            while (*p) {
                while (*p == ' ')
                    p++;
                const char *end = p;
                while (*end && *end != ' ')
                    end++;
                if (end == p) break;
                int ww = text_width(p, (size_t)(end - p));
                if (any && used + 1 + ww > avail) break;
                fprintf(r->out, "%s%.*s", any ? " " : "", (int)(end - p), p);
                used += (any ? 1 : 0) + ww;
                any = true;
                p = end;
            }
            fputc('\n', r->out);
            while (*p == ' ')
                p++;
        } while (*p);
        free(safe);
        if (!nl) break;
        para = nl + 1;
    }
}

/* say_wrap with later lines under the text after prefix. */
static void say_hang(Runner *r, int indent, const char *prefix, const char *text)
{
    say_wrap(r, indent, indent + text_width(prefix, strlen(prefix)), prefix, text);
}

static void say(Runner *r, int indent, const char *text)
{
    say_wrap(r, indent, indent, "", text);
}

__attribute__((format(printf, 3, 4))) static void sayf(Runner *r, int indent, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = xvasprintf(fmt, ap);
    va_end(ap);
    say(r, indent, text);
    free(text);
}

/* A heading line in bold. */
static void heading(Runner *r, const char *text)
{
    char *safe = utf8_sanitize(text);
    fprintf(r->out, "%s%s%s\n", style(r, BOLD), safe, style(r, RESET));
    free(safe);
}

/* On a terminal, waits for a key before going on. false when the learner quits. */
static bool pause_key(Runner *r)
{
    if (!r->tty) return true;
    fprintf(r->out, "%s[any key: go on, q: stop here]%s ", style(r, DIM), style(r, RESET));
    int k = read_key_from(r, false);
    return k != 'q' && k != 'Q' && k != KEY_EOF;
}

/* Shows the scenario as it stands: hosts, their workloads and what the importer assumed. */
static void show_scenario(Runner *r, const Scenario *s)
{
    const char *names[] = {"kernel_exploit", "hypervisor_exploit", "sandbox_exploit"};
    char assume[160] = "";
    for (int i = 0; i < ASSUME_COUNT; i++) {
        size_t n = strlen(assume);
        snprintf(assume + n, sizeof assume - n, "%s%s=%s", i ? ", " : "", names[i],
                 s->assume[i] ? "true" : "false");
    }
    sayf(r, 2, "Assumed: %s", assume);
    for (size_t h = 0; h < s->n_hosts; h++) {
        const Host *host = &s->hosts[h];
        sayf(r, 2, "Host %s (%s, SSH %s)", host->id, os_name(host->os), host->ssh ? "on" : "off");
        for (size_t w = 0; w < s->n_workloads; w++) {
            const Workload *wl = &s->workloads[w];
            if (strcmp(wl->host, host->id) != 0) continue;
            const Tenant *t = scenario_tenant(s, wl->tenant);
            char *line =
                xasprintf("%s: tenant %s (%s), %s isolation, account %s%s%s", wl->id, wl->tenant,
                          t ? trust_name(t->trust) : "?", isolation_name(wl->isolation),
                          account_name(wl->account), wl->privileged ? ", privileged" : "",
                          wl->compromised ? ", marked compromised" : "");
            say_hang(r, 4, "", line);
            free(line);
            for (size_t m = 0; m < wl->n_mounts; m++)
                sayf(r, 8, "mounts %s%s%s (%s)", wl->mounts[m].host_path,
                     wl->mounts[m].path ? " -> " : "", wl->mounts[m].path ? wl->mounts[m].path : "",
                     wl->mounts[m].read_only ? "read-only" : "writable");
            if (wl->hardening.n) {
                char *list = xstrdup("");
                for (size_t i = 0; i < wl->hardening.n; i++) {
                    char *next = xasprintf("%s%s%s", list, i ? ", " : "", wl->hardening.items[i]);
                    free(list);
                    list = next;
                }
                sayf(r, 8, "hardening: %s", list);
                free(list);
            }
            for (size_t i = 0; i < wl->notes.n; i++)
                sayf(r, 8, "importer: %s", wl->notes.items[i]);
        }
    }
}

/* Saves the learner's place; on failure says so (the lesson goes on). */
static void record(Runner *r, size_t step, const char *answer, bool right)
{
    size_t next = step + 1;
    bool finished = next >= r->lesson->n_steps;
    char *err = NULL;
    if (!progress_record(r->st, r->learner, r->lesson->name, step, answer, right, next, finished,
                         &err))
        cli_report(err);
}

/* Shows the teaching text and source of the techniques an answer rests on. */
static void teach(Runner *r, const LessonAnswer *a)
{
    for (size_t i = 0; i < a->n_techniques; i++) {
        const Technique *t = &r->cat->techniques[a->techniques[i]];
        bool again = r->taught[a->techniques[i]];
        char *head = xasprintf("%s (%s)%s", t->name ? t->name : t->id, t->id,
                               again ? ": explained above" : "");
        fprintf(r->out, "  %s", style(r, CYAN));
        say_hang(r, 0, "", head);
        fputs(style(r, RESET), r->out);
        free(head);
        if (again) continue;
        r->taught[a->techniques[i]] = true;
        if (t->teaching) say(r, 4, t->teaching);
        if (t->source) say_hang(r, 4, "Source: ", t->source);
    }
}

static void step_footer(Runner *r, const LessonStep *st)
{
    if (st->explain) {
        fputc('\n', r->out);
        say(r, 2, st->explain);
    }
    if (st->source) say_hang(r, 2, "Source: ", st->source);
}

typedef enum { STEP_DONE, STEP_QUIT } StepResult;

static StepResult run_question(Runner *r, const LessonStep *st, size_t index)
{
    LessonAnswer a;
    LessonProblem p = {0};
    if (!lesson_evaluate(st, r->run->scenario, r->cat, &a, &p)) {
        /* lesson_check accepted it at load time, so this is a programmer error */
        cli_error("lesson %s, step %zu: %s: %s", r->lesson->name, index + 1, p.field, p.message);
        lesson_problem_done(&p);
        return STEP_QUIT;
    }
    say(r, 0, st->text);
    if (a.yes_no) {
        fprintf(r->out, "  y) yes    n) no\n");
    } else {
        for (size_t i = 0; i < a.n_choices; i++) {
            char prefix[8];
            snprintf(prefix, sizeof prefix, "%c) ", lesson_answer_key(&a, i));
            say_hang(r, 2, prefix, a.choices[i].label);
        }
    }
    int pick = -1;
    while (pick < 0) {
        if (a.yes_no)
            fprintf(r->out, "Your answer (y/n, q to stop): ");
        else
            fprintf(r->out,
                    "Your answer (a-%c, q to stop): ", lesson_answer_key(&a, a.n_choices - 1));
        int k = read_key(r);
        if (k == KEY_EOF || k == 'q' || k == 'Q') {
            lesson_answer_done(&a);
            return STEP_QUIT;
        }
        pick = lesson_answer_pick(&a, k);
        if (pick < 0) fprintf(r->out, "That is not one of the answers.\n");
    }
    const LessonChoice *ch = &a.choices[pick];
    r->asked++;
    fputc('\n', r->out);
    if (ch->correct) {
        r->right++;
        fprintf(r->out, "%sRight.%s\n", style(r, GREEN BOLD), style(r, RESET));
    } else {
        fprintf(r->out, "%sNot quite.%s\n", style(r, RED BOLD), style(r, RESET));
        const char *m = lesson_misconception(st, ch->key);
        say(r, 2, m ? m : "The engine sees it differently; here is why.");
    }
    fputc('\n', r->out);
    say_hang(r, 0, "The engine: ", a.verdict);
    for (size_t i = 0; i < a.detail.n; i++)
        say_wrap(r, 4, 8, "", a.detail.items[i]);
    if (!a.yes_no && !ch->correct) {
        char *mine =
            xasprintf("You chose %c: %s", lesson_answer_key(&a, (size_t)pick), ch->outcome);
        say(r, 2, mine);
        free(mine);
    }
    teach(r, &a);
    step_footer(r, st);
    char *answer = a.yes_no ? xstrdup(ch->label)
                            : xasprintf("%c) %s", lesson_answer_key(&a, (size_t)pick), ch->label);
    record(r, index, answer, ch->correct);
    free(answer);
    lesson_answer_done(&a);
    return pause_key(r) ? STEP_DONE : STEP_QUIT;
}

static StepResult run_change(Runner *r, const LessonStep *st, size_t index)
{
    say(r, 0, st->text);
    char *what = lesson_edit_describe(r->run->scenario, &st->edit);
    char *prefix = xasprintf("%sChange:%s ", style(r, BOLD), style(r, RESET));
    say_hang(r, 2, prefix, what);
    free(prefix);
    free(what);
    char *err = NULL;
    if (!lesson_run_next(r->run, &err)) {
        cli_error("lesson %s, step %zu: %s", r->lesson->name, index + 1, err);
        free(err);
        return STEP_QUIT;
    }
    r->run->step--; /* the loop moves on; the change is in the scenario */
    step_footer(r, st);
    record(r, index, NULL, true);
    return pause_key(r) ? STEP_DONE : STEP_QUIT;
}

/* The key of menu item i: 1..9, then a..p. */
static int move_key(size_t i)
{
    return i < 9 ? '1' + (int)i : 'a' + (int)(i - 9);
}

static int move_pick(int key, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (move_key(i) == key) return (int)i;
    return -1;
}

static StepResult run_goal(Runner *r, const LessonStep *st, size_t index)
{
    say(r, 0, st->text);
    say(r, 2,
        "Pick changes from the menu until the goal holds; the engine re-checks after each. "
        "u undoes the last change, q stops.");
    Scenario *s = scenario_clone(r->run->scenario);
    Scenario **history = NULL;
    size_t n_history = 0;
    char *moves_made = xstrdup("");
    size_t wasted = 0;
    StepResult result = STEP_DONE;
    for (;;) {
        char *status = NULL;
        size_t d = lesson_goal_distance(st, s, r->cat, &status);
        char *now = xasprintf("%sNow:%s ", style(r, BOLD), style(r, RESET));
        fputc('\n', r->out);
        say_hang(r, 2, now, status);
        free(now);
        free(status);
        if (d == 0) break;
        size_t n;
        LessonEdit *moves = lesson_goal_moves(st, s, &n);
        for (size_t i = 0; i < n; i++) {
            char prefix[8];
            snprintf(prefix, sizeof prefix, "%c) ", move_key(i));
            char *label = lesson_edit_describe(s, &moves[i]);
            say_hang(r, 2, prefix, label);
            free(label);
        }
        int pick = -1;
        bool undo = false;
        while (pick < 0 && !undo) {
            fprintf(r->out, "Your change (%c-%c, u undo, q stop): ", move_key(0),
                    move_key(n ? n - 1 : 0));
            int k = read_key(r);
            if (k == KEY_EOF || k == 'q' || k == 'Q') {
                result = STEP_QUIT;
                break;
            }
            if (k == 'u' || k == 'U') {
                if (n_history == 0) {
                    fprintf(r->out, "Nothing to undo.\n");
                    continue;
                }
                undo = true;
                break;
            }
            pick = move_pick(k, n);
            if (pick < 0) fprintf(r->out, "That is not on the menu.\n");
        }
        if (result == STEP_QUIT) {
            for (size_t i = 0; i < n; i++)
                lesson_edit_done(&moves[i]);
            free(moves);
            break;
        }
        if (undo) {
            scenario_free(s);
            s = history[--n_history];
            fprintf(r->out, "  Undone.\n");
            char *next = xasprintf("%s; undo", moves_made);
            free(moves_made);
            moves_made = next;
        } else {
            Scenario *before = scenario_clone(s);
            char *label = lesson_edit_describe(s, &moves[pick]);
            char *err = NULL;
            if (!lesson_edit_apply(s, &moves[pick], &err)) {
                sayf(r, 2, "%s: %s", label, err);
                free(err);
                scenario_free(before);
            } else {
                history = xrealloc(history, (n_history + 1) * sizeof *history);
                history[n_history++] = before;
                char *next = xasprintf("%s%s%s", moves_made, *moves_made ? "; " : "", label);
                free(moves_made);
                moves_made = next;
                size_t after = lesson_goal_distance(st, s, r->cat, NULL);
                sayf(r, 2, "Applied: %s", label);
                if (after >= d) {
                    wasted++;
                    const char *m =
                        lesson_misconception(st, lesson_edit_kind_name(moves[pick].kind));
                    say(r, 2, m ? m : "That did not bring the goal any closer.");
                }
            }
            free(label);
        }
        for (size_t i = 0; i < n; i++)
            lesson_edit_done(&moves[i]);
        free(moves);
    }
    if (result == STEP_DONE) {
        r->asked++;
        r->right += wasted == 0;
        char *how = xasprintf("with %zu change%s%s.", n_history, n_history == 1 ? "" : "s",
                              wasted ? ", not all of which helped" : ", each of which helped");
        char *prefix = xasprintf("%sGoal reached%s ", style(r, GREEN BOLD), style(r, RESET));
        say_wrap(r, 0, 2, prefix, how);
        free(prefix);
        free(how);
        step_footer(r, st);
        char *answer = xasprintf("reached: %s", moves_made);
        record(r, index, answer, wasted == 0);
        free(answer);
        if (!pause_key(r)) result = STEP_QUIT;
    }
    for (size_t i = 0; i < n_history; i++)
        scenario_free(history[i]);
    free(history);
    free(moves_made);
    scenario_free(s);
    return result;
}

static StepResult run_note(Runner *r, const LessonStep *st, size_t index)
{
    say(r, 0, st->text);
    step_footer(r, st);
    record(r, index, NULL, true);
    return pause_key(r) ? STEP_DONE : STEP_QUIT;
}

/* The learner's name: --learner, else the login name. NULL (after a message) if unusable. */
static char *learner_name(const char *given)
{
    const char *name = given;
    if (!name) {
        name = getlogin();
        if (!name || !*name) {
            struct passwd *pw = getpwuid(geteuid());
            name = pw ? pw->pw_name : NULL;
        }
        if (!name || !*name) name = getenv("USER");
        if (!name || !*name) name = "learner";
    }
    size_t n = strlen(name);
    bool ok = n > 0 && n <= LEARNER_MAX && utf8_valid(name, n);
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)name[i] >= 0x20 && name[i] != 0x7f;
    if (!ok) {
        char *safe = utf8_sanitize(name);
        cli_usage_error("--learner: expected a name of 1 to %d printable characters, got \"%s\"",
                        LEARNER_MAX, safe);
        free(safe);
        return NULL;
    }
    return xstrdup(name);
}

static int terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col > 100 ? 100 : ws.ws_col;
    const char *c = getenv("COLUMNS");
    long v = c ? strtol(c, NULL, 10) : 0;
    if (v >= 40) return v > 100 ? 100 : (int)v;
    return 80;
}

/* The next lesson in the list the learner has not finished, or NULL. */
static const Lesson *next_lesson(Store *st, const char *learner, const LessonList *list,
                                 const Lesson *after)
{
    bool passed = false;
    for (size_t i = 0; i < list->n; i++) {
        if (list->items[i] == after) {
            passed = true;
            continue;
        }
        if (!passed) continue;
        size_t step;
        bool finished;
        char *err = NULL;
        if (!progress_get(st, learner, list->items[i]->name, &step, &finished, &err)) {
            free(err);
            return NULL;
        }
        if (!finished) return list->items[i];
    }
    return NULL;
}

static int run_lesson(Runner *r, const LessonList *list)
{
    const Lesson *l = r->lesson;
    size_t step = 0;
    bool finished = false;
    char *err = NULL;
    if (!progress_get(r->st, r->learner, l->name, &step, &finished, &err)) {
        cli_report(err);
        return EXIT_BAD;
    }
    heading(r, l->title);
    sayf(r, 0, "Lesson %s, %zu steps, for %s.", l->name, l->n_steps, r->learner);
    if (finished || step >= l->n_steps) {
        say(r, 0, "You finished this lesson before: here it is again from the start.");
        step = 0;
    } else if (step > 0) {
        fprintf(r->out, "You stopped at step %zu of %zu. Go on from there (y), or start over (n)? ",
                step + 1, l->n_steps);
        int k;
        while ((k = read_key(r)) != 'y' && k != 'Y' && k != 'n' && k != 'N') {
            if (k == KEY_EOF || k == 'q' || k == 'Q') return EXIT_DONE;
            fprintf(r->out, "Press y or n: ");
        }
        if (k == 'n' || k == 'N') step = 0;
    }
    if (!progress_set(r->st, r->learner, l->name, step, &err)) {
        cli_report(err);
        return EXIT_BAD;
    }
    if (!lesson_run_seek(r->run, step, &err)) {
        cli_error("lesson %s: %s", l->name, err);
        free(err);
        return EXIT_BAD;
    }
    fputc('\n', r->out);
    if (step == 0 && l->intro) {
        say(r, 0, l->intro);
        fputc('\n', r->out);
    }
    sayf(r, 0, "The scenario (%s)%s:", l->origin ? l->origin : "the lesson's",
         step > 0 ? ", as the lesson has changed it so far" : "");
    show_scenario(r, r->run->scenario);
    fputc('\n', r->out);
    say(r, 0,
        "Answer with one key: y or n, or the letter of a choice. Predict first; the engine "
        "then shows why. q stops, and your place is kept.");
    if (!pause_key(r)) goto stopped;
    for (; r->run->step < l->n_steps; r->run->step++) {
        size_t i = r->run->step;
        const LessonStep *st = &l->steps[i];
        fputc('\n', r->out);
        char *head = xasprintf("Step %zu of %zu", i + 1, l->n_steps);
        heading(r, head);
        free(head);
        StepResult res;
        switch (st->kind) {
        case STEP_NOTE: res = run_note(r, st, i); break;
        case STEP_CHANGE: res = run_change(r, st, i); break;
        case STEP_GOAL: res = run_goal(r, st, i); break;
        default: res = run_question(r, st, i); break;
        }
        if (res == STEP_QUIT) {
            /* a step answered before quitting at its pause counts as done */
            size_t now = 0;
            bool done = false;
            char *e2 = NULL;
            if (progress_get(r->st, r->learner, l->name, &now, &done, &e2) && done)
                goto finished_lesson;
            free(e2);
            goto stopped;
        }
    }
finished_lesson:
    fputc('\n', r->out);
    char *head = xasprintf("%sLesson finished.%s ", style(r, GREEN BOLD), style(r, RESET));
    char *score = r->asked ? xasprintf("%zu of %zu answered right this time.", r->right, r->asked)
                           : xstrdup("");
    say_hang(r, 0, head, score);
    free(head);
    free(score);
    if (l->source) say_hang(r, 0, "Source: ", l->source);
    const Lesson *next = next_lesson(r->st, r->learner, list, l);
    if (next) {
        char *safe = utf8_sanitize(next->name);
        fprintf(r->out, "Next: breakout learn %s\n", safe);
        free(safe);
    } else {
        fprintf(r->out, "See everyone's progress: breakout learn --progress\n");
    }
    return EXIT_DONE;
stopped : {
    size_t now = 0;
    bool done = false;
    char *e2 = NULL;
    if (!progress_get(r->st, r->learner, l->name, &now, &done, &e2)) free(e2);
    char *safe = utf8_sanitize(l->name);
    fprintf(r->out,
            "\nStopped at step %zu of %zu; your place is kept. Go on with: breakout learn "
            "%s\n",
            now + 1 > l->n_steps ? l->n_steps : now + 1, l->n_steps, safe);
    free(safe);
    return EXIT_DONE;
}
}

/* ---- listing ---- */

static int pad_to(const char *s, int width)
{
    int w = text_width(s, strlen(s));
    return w < width ? width - w : 0;
}

static int list_lessons(Store *st, const char *learner, const LessonList *list)
{
    char *who = utf8_sanitize(learner);
    printf("Lessons for %s (start one with: breakout learn NAME)\n\n", who);
    free(who);
    int name_w = 4;
    for (size_t i = 0; i < list->n; i++) {
        int w = text_width(list->items[i]->name, strlen(list->items[i]->name));
        if (w > name_w) name_w = w;
    }
    printf("%3s  %-*s  %-14s  %s\n", "#", name_w, "NAME", "PROGRESS", "TITLE");
    ProgressEntry *e = NULL;
    size_t n = 0;
    char *err = NULL;
    if (!progress_list(st, learner, &e, &n, &err)) {
        cli_report(err);
        return EXIT_BAD;
    }
    for (size_t i = 0; i < list->n; i++) {
        const Lesson *l = list->items[i];
        char progress[32] = "not started";
        for (size_t k = 0; k < n; k++) {
            if (strcmp(e[k].lesson, l->name) != 0) continue;
            if (e[k].finished)
                snprintf(progress, sizeof progress, "finished %zu/%zu", e[k].right, e[k].answered);
            else
                snprintf(progress, sizeof progress, "step %zu of %zu",
                         e[k].step + 1 > l->n_steps ? l->n_steps : e[k].step + 1, l->n_steps);
        }
        char *name = utf8_sanitize(l->name), *title = utf8_sanitize(l->title);
        printf("%3zu  %s%*s  %-14s  %s\n", i + 1, name, pad_to(name, name_w), "", progress, title);
        free(name);
        free(title);
    }
    progress_entries_free(e, n);
    return EXIT_DONE;
}

static int show_progress(Store *st, const char *learner, const LessonList *list)
{
    ProgressEntry *e = NULL;
    size_t n = 0;
    char *err = NULL;
    if (!progress_list(st, learner, &e, &n, &err)) {
        cli_report(err);
        return EXIT_BAD;
    }
    if (n == 0) {
        char *where = utf8_sanitize(store_path(st));
        if (learner) {
            char *who = utf8_sanitize(learner);
            printf("%s has not started a lesson in %s yet.\n", who, where);
            free(who);
        } else {
            printf("No one has started a lesson in %s yet.\n", where);
        }
        free(where);
        progress_entries_free(e, n);
        return EXIT_DONE;
    }
    int lw = 7, nw = 6;
    for (size_t i = 0; i < n; i++) {
        int a = text_width(e[i].learner, strlen(e[i].learner));
        int b = text_width(e[i].lesson, strlen(e[i].lesson));
        if (a > lw) lw = a;
        if (b > nw) nw = b;
    }
    if (lw > 24) lw = 24;
    if (nw > 32) nw = 32;
    printf("%-*s  %-*s  %-14s  %-5s  %s\n", lw, "LEARNER", nw, "LESSON", "PROGRESS", "RIGHT",
           "UPDATED");
    for (size_t i = 0; i < n; i++) {
        const Lesson *l = lesson_list_find(list, e[i].lesson);
        size_t steps = l ? l->n_steps : 0;
        char progress[32];
        if (e[i].finished)
            snprintf(progress, sizeof progress, "finished");
        else if (steps)
            snprintf(progress, sizeof progress, "step %zu of %zu",
                     e[i].step + 1 > steps ? steps : e[i].step + 1, steps);
        else
            snprintf(progress, sizeof progress, "step %zu", e[i].step + 1);
        char right[24];
        snprintf(right, sizeof right, "%zu/%zu", e[i].right, e[i].answered);
        char *who = utf8_sanitize(e[i].learner), *name = utf8_sanitize(e[i].lesson);
        char *updated = utf8_sanitize(e[i].updated ? e[i].updated : "");
        printf("%s%*s  %s%*s  %-14s  %-5s  %s\n", who, pad_to(who, lw), "", name, pad_to(name, nw),
               "", progress, right, updated);
        free(who);
        free(name);
        free(updated);
    }
    progress_entries_free(e, n);
    return EXIT_DONE;
}

/* ---- the command ---- */

/* learner_opt: --learner, or NULL for the login name; lessons_dir: --lessons, or NULL for
 * $BREAKOUT_LESSONS (unset: the bundled lessons only). */
static int learn_run(CliOptions *o, const char *learner_opt, bool progress, const char *lessons_dir)
{
    if (o->n_args > 1) return cli_usage_error("learn takes at most one lesson NAME");
    if (progress && o->n_args) return cli_usage_error("learn --progress takes no lesson NAME");
    setlocale(LC_CTYPE, "");
    const char *dir = lessons_dir ? lessons_dir : getenv("BREAKOUT_LESSONS");
    char *learner = NULL;
    if (!progress || learner_opt) {
        learner = learner_name(learner_opt);
        if (!learner) return EXIT_BAD;
    }
    Catalog *cat = cli_load_catalog(o);
    if (!cat) {
        free(learner);
        return EXIT_BAD;
    }
    LessonList list;
    char *err = NULL;
    if (!lessons_load_all(dir, cat, &list, &err)) {
        cli_report(err);
        catalog_free(cat);
        free(learner);
        return EXIT_BAD;
    }
    int status = EXIT_DONE;
    const Lesson *lesson = NULL;
    if (o->n_args == 1) {
        lesson = lesson_list_find(&list, o->args[0]);
        if (!lesson) {
            char *safe = utf8_sanitize(o->args[0]);
            cli_error("no lesson named \"%s\" ('breakout learn' lists them)", safe);
            free(safe);
            status = EXIT_BAD;
        }
    }
    Store *st = status == EXIT_DONE ? cli_open_store(o) : NULL;
    if (status == EXIT_DONE && !st) status = EXIT_BAD;
    if (status == EXIT_DONE) {
        if (progress) {
            status = show_progress(st, learner, &list);
        } else if (!lesson) {
            status = list_lessons(st, learner, &list);
        } else {
            Runner r = {.out = stdout,
                        .tty = isatty(STDIN_FILENO) == 1,
                        .colour = cli_use_colour(STDOUT_FILENO),
                        .width = terminal_width(),
                        .st = st,
                        .learner = learner,
                        .lesson = lesson,
                        .cat = cat};
            if (r.tty && !raw_enter()) r.tty = false;
            r.run = lesson_run_new(lesson, cat);
            r.taught = xcalloc(cat->n + 1, sizeof *r.taught);
            status = run_lesson(&r, &list);
            fflush(stdout);
            raw_restore();
            if (r.tty) {
                static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
                for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
                    signal(sigs[i], SIG_DFL);
            }
            free(r.taught);
            lesson_run_free(r.run);
        }
    }
    store_close(st);
    lesson_list_done(&list);
    catalog_free(cat);
    free(learner);
    return status;
}

int cmd_learn(CliOptions *o)
{
    return learn_run(o, o->learner, o->progress, o->lessons);
}
