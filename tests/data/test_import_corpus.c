/* The importer against real manifests: every file in ../shared/corpus/INDEX.tsv is imported,
 * and for each upstream check that docs/corpus.md maps to a breakout fact, the fact breakout
 * imported must agree with the upstream verdict (at least 95% of them), every disagreement
 * must be explained in docs/corpus.md, and files breakout refuses must be listed there and get
 * a one-line error. The table in docs/corpus.md is read by this test: it is the mapping. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "catalog.h"
#include "catalog_json.h"
#include "fileio.h"
#include "hostpath.h"
#include "import.h"
#include "xalloc.h"

#define CORPUS_DIR   SHARED_DIR "/corpus"
#define INDEX_FILE   CORPUS_DIR "/INDEX.tsv"
#define MAPPING_FILE "docs/corpus.md"
#define MIN_PERCENT  95

static void enter_source_dir(void)
{
    cr_assert_eq(chdir(SOURCE_DIR), 0, "cannot enter %s", SOURCE_DIR);
}

TestSuite(import_corpus, .init = enter_source_dir);

typedef enum { VERDICT_NONE, VERDICT_FAILS, VERDICT_PASSES } Verdict;

/* The mapping read from docs/corpus.md. */
typedef struct {
    StrList keys;     /* check keys */
    StrList facts;    /* the fact expression, or "excluded: REASON" */
    StrList disagree; /* paths listed under "Disagreements" */
    StrList refused;  /* paths listed under "Refused" */
} Mapping;

static char *read_text(const char *path)
{
    char *data, *err = NULL;
    size_t len;
    cr_assert(file_read_all(path, 16 << 20, &data, &len, &err), "%s", err ? err : "");
    return data;
}

/* The text between the first pair of backticks in s, owned, or NULL. */
static char *backticked(const char *s)
{
    const char *a = strchr(s, '`');
    const char *b = a ? strchr(a + 1, '`') : NULL;
    return b ? xstrndup(a + 1, (size_t)(b - a - 1)) : NULL;
}

/* Reads the table rows "| `KEY` | what | `FACT` or excluded: REASON |" and the path lists
 * of the sections "## Disagreements" and "## Refused". */
static void mapping_read(Mapping *m)
{
    char *text = read_text(MAPPING_FILE);
    StrList *section = NULL;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "## ", 3) == 0) {
            section = strstr(line, "Disagreements") ? &m->disagree
                      : strstr(line, "Refused")     ? &m->refused
                                                    : NULL;
            continue;
        }
        if (section && strncmp(line, "- `", 3) == 0) {
            char *path = backticked(line);
            strlist_add(section, path);
            free(path);
            continue;
        }
        if (strncmp(line, "| `", 3) != 0) continue;
        char *key = backticked(line);
        const char *last = strrchr(line, '|');
        const char *cell = line;
        for (const char *p = line; p < last; p++)
            if (*p == '|') cell = p; /* cell: the last cell's opening bar */
        char *fact = xstrndup(cell + 1, (size_t)(last - cell - 1));
        char *f = fact;
        while (*f == ' ')
            f++;
        char *end = f + strlen(f);
        while (end > f && end[-1] == ' ')
            *--end = '\0';
        if (*f == '`') {
            char *bt = backticked(f);
            strlist_add(&m->facts, bt);
            free(bt);
        } else {
            strlist_add(&m->facts, f);
        }
        strlist_add(&m->keys, key);
        free(key);
        free(fact);
    }
    free(text);
}

static const char *mapping_fact(const Mapping *m, const char *key)
{
    for (size_t i = 0; i < m->keys.n; i++)
        if (strcmp(m->keys.items[i], key) == 0) return m->facts.items[i];
    return NULL;
}

static void mapping_done(Mapping *m)
{
    strlist_done(&m->keys);
    strlist_done(&m->facts);
    strlist_done(&m->disagree);
    strlist_done(&m->refused);
}

/* ---- the check and verdict an INDEX line states ---- */

static bool has(const char *s, const char *w)
{
    return strstr(s, w) != NULL;
}

/* The word (letters, digits, '_', '-') at s, owned. */
static char *word_at(const char *s)
{
    size_t n = 0;
    while (s[n] && (strchr("_-", s[n]) || (s[n] >= 'a' && s[n] <= 'z') ||
                    (s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9')))
        n++;
    return xstrndup(s, n);
}

/* Sets *key (owned) and *v from the expected column (without its manifest facts). */
static void classify(const char *exp, char **key, Verdict *v)
{
    *v = VERDICT_NONE;
    if (strncmp(exp, "fails: ", 7) == 0 || strncmp(exp, "passes: ", 8) == 0) {
        bool fails = exp[0] == 'f';
        char *rule = word_at(exp + (fails ? 7 : 8));
        *key = xasprintf("kubescape %s", rule);
        free(rule);
        *v = fails ? VERDICT_FAILS : VERDICT_PASSES;
    } else if (strncmp(exp, "kubesec", 7) == 0) {
        if (has(exp, "allowPrivilegeEscalation")) {
            *key = xstrdup("kubesec allowPrivilegeEscalation");
        } else if (has(exp, "zero_points")) {
            *key = xstrdup("kubesec critical");
        } else {
            *key = xstrdup("kubesec (no score asserted)");
            return;
        }
        *v = has(exp, "lt_zero_points") ? VERDICT_FAILS : VERDICT_PASSES;
    } else if (strncmp(exp, "checkov graph check ", 20) == 0) {
        char *name = word_at(exp + 20);
        *key = xasprintf("checkov graph %s", name);
        free(name);
        *v = has(exp, "fail=[]") ? VERDICT_PASSES : VERDICT_FAILS;
    } else if (strncmp(exp, "checkov ", 8) == 0) {
        const char *colon = strchr(exp, ':');
        *key = xstrndup(exp, (size_t)(colon - exp));
        const char *rest = colon + 2;
        if (strncmp(rest, "fails", 5) == 0) {
            *v = VERDICT_FAILS;
        } else if (strncmp(rest, "passes", 6) == 0) {
            *v = VERDICT_PASSES;
        } else if (strncmp(rest, "mixed: ", 7) == 0) {
            const char *failed = strstr(rest, "PASSED-");
            *v = failed && atoi(failed + 7) > 0 ? VERDICT_FAILS : VERDICT_PASSES;
        }
    } else if (strncmp(exp, "trivy ", 6) == 0) {
        char *id = word_at(exp + 6);
        *key = xasprintf("trivy %s", id);
        free(id);
        *v = has(exp, ": fails") ? VERDICT_FAILS : VERDICT_PASSES;
    } else if (strncmp(exp, "Pod Security Standards ", 23) == 0) {
        char *level = word_at(exp + 23);
        const char *check = strstr(exp, "(check ");
        char *name = check ? word_at(check + 7) : xstrdup("?");
        *key = xasprintf("PSA %s %s", level, name);
        free(level);
        free(name);
        *v = has(exp, "must be rejected") ? VERDICT_FAILS : VERDICT_PASSES;
    } else if (strncmp(exp, "kubehound", 9) == 0) {
        const char *edge = strstr(exp, "edge ");
        if (has(exp, "no security assertion")) {
            *key = xstrdup("kubehound fixture");
        } else if (has(exp, "converter_test")) {
            *key = xstrdup("kubehound converter_test");
            *v = VERDICT_FAILS;
        } else if (has(exp, "control pod")) {
            *key = xstrdup("kubehound CONTROL_POD");
            *v = VERDICT_PASSES;
        } else if (has(exp, "no CE_NET_MITM edge")) {
            *key = xstrdup("kubehound CE_NET_MITM vertex");
            *v = VERDICT_FAILS;
        } else if (has(exp, "edges ENDPOINT_EXPLOIT")) {
            *key = xstrdup("kubehound ENDPOINT_EXPLOIT vertex");
            *v = VERDICT_FAILS;
        } else if (edge) {
            char *name = word_at(edge + 5);
            *key = xasprintf("kubehound %s", name);
            free(name);
            *v = VERDICT_FAILS;
        } else {
            *key = xstrdup("kubehound ?");
        }
    } else {
        *key = xstrdup("(no upstream verdict)");
    }
}

/* ---- facts ---- */

/* The host paths breakout's runtime-socket technique looks for (from the built-in catalog). */
static void socket_paths(StrList *out)
{
    Catalog *cat = catalog_load_builtin();
    const Technique *t = catalog_find(cat, "runtime-socket");
    cr_assert_not_null(t, "the built-in catalog has no runtime-socket technique");
    for (size_t i = 0; i < t->n_clauses; i++)
        for (size_t j = 0; j < t->clauses[i].mount.covers.n; j++)
            strlist_add(out, t->clauses[i].mount.covers.items[j]);
    catalog_free(cat);
}

/* True if w has a mount (with ro -1: any; 0 writable; 1 read-only) covering path. */
static bool mount_covers(const Workload *w, Os os, int ro, const char *path)
{
    char *inner = hostpath_normalize(path, os);
    bool found = false;
    for (size_t i = 0; i < w->n_mounts && !found; i++) {
        if (ro >= 0 && w->mounts[i].read_only != (ro == 1)) continue;
        char *outer = hostpath_normalize(w->mounts[i].host_path, os);
        found = hostpath_covers(outer, inner);
        free(outer);
    }
    free(inner);
    return found;
}

/* One term of a fact expression for one workload; *known false for an unknown term. */
static bool term_holds(const char *t, const Workload *w, Os os, const StrList *sockets, bool *known)
{
    *known = true;
    if (strcmp(t, "privileged") == 0) return w->privileged;
    if (strcmp(t, "admin") == 0) return w->account == ACCOUNT_ADMIN;
    if (strcmp(t, "capabilities") == 0) return w->capabilities.n > 0;
    if (strncmp(t, "capability:", 11) == 0) return strlist_has(&w->capabilities, t + 11);
    if (strcmp(t, "host-pid") == 0) return w->host_namespaces & HOSTNS_PID;
    if (strcmp(t, "host-network") == 0) return w->host_namespaces & HOSTNS_NETWORK;
    if (strcmp(t, "host-ipc") == 0) return w->host_namespaces & HOSTNS_IPC;
    if (strcmp(t, "host-namespace") == 0) return w->host_namespaces != 0;
    if (strcmp(t, "host-isolation") == 0) return w->isolation == ISOLATION_HOST;
    if (strcmp(t, "mount") == 0) return w->n_mounts > 0;
    if (strcmp(t, "writable-mount") == 0) {
        for (size_t i = 0; i < w->n_mounts; i++)
            if (!w->mounts[i].read_only) return true;
        return false;
    }
    if (strncmp(t, "writable-mount:", 15) == 0) return mount_covers(w, os, 0, t + 15);
    if (strncmp(t, "read-only-mount:", 16) == 0) return mount_covers(w, os, 1, t + 16);
    if (strcmp(t, "socket-mount") == 0) {
        for (size_t i = 0; i < sockets->n; i++)
            if (mount_covers(w, os, -1, sockets->items[i])) return true;
        return false;
    }
    if (strcmp(t, "runasusername-unset") == 0) {
        for (size_t i = 0; i < w->notes.n; i++)
            if (strncmp(w->notes.items[i], "runAsUserName unset", 19) == 0) return true;
        return false;
    }
    *known = false;
    return false;
}

/* Evaluates "A and B or C" ("and" binds tighter) for one workload. */
static bool expr_holds(const char *expr, const Workload *w, Os os, const StrList *sockets,
                       bool *known)
{
    char *copy = xstrdup(expr);
    bool any = false;
    *known = true;
    char *alt = copy;
    while (alt) {
        char * or = strstr(alt, " or ");
        if (or) * or = '\0';
        bool all = true;
        char *term = alt;
        while (term) {
            char *and = strstr(term, " and ");
            if (and) *and = '\0';
            bool k;
            if (!term_holds(term, w, os, sockets, &k)) all = false;
            if (!k) *known = false;
            term = and? and+5 : NULL;
        }
        any |= all;
        alt = or ? or +4 : NULL;
    }
    free(copy);
    return any;
}

/* True when some workload of s satisfies expr. */
static bool scenario_holds(const Scenario *s, const char *expr, const StrList *sockets, bool *known)
{
    *known = true;
    bool any = false;
    for (size_t i = 0; i < s->n_workloads; i++) {
        const Host *h = scenario_host(s, s->workloads[i].host);
        bool k;
        any |= expr_holds(expr, &s->workloads[i], h ? h->os : OS_LINUX, sockets, &k);
        if (!k) *known = false;
    }
    if (s->n_workloads == 0) {
        Workload none = {0}; /* only to check the expression's terms */
        expr_holds(expr, &none, OS_LINUX, sockets, known);
    }
    return any;
}

static bool ci_true(void)
{
    const char *ci = getenv("CI");
    return ci && strcmp(ci, "true") == 0;
}

Test(import_corpus, agrees_with_upstream_verdicts)
{
    if (access(INDEX_FILE, R_OK) != 0) {
        if (ci_true()) cr_assert_fail("%s is missing (CI=true: a skip is a failure)", INDEX_FILE);
        cr_skip_test("%s is missing: corpus test skipped", INDEX_FILE);
    }
    Mapping m = {0};
    mapping_read(&m);
    cr_assert_gt(m.keys.n, 10, "%s: no mapping table found", MAPPING_FILE);
    StrList sockets = {0};
    socket_paths(&sockets);

    char *index = read_text(INDEX_FILE);
    size_t agreed = 0, counted = 0, excluded = 0, refused = 0, problems = 0, files = 0;
    char *save = NULL;
    for (char *line = strtok_r(index, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "path\t", 5) == 0) continue;
        char *tab1 = strchr(line, '\t');
        char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        char *tab3 = tab2 ? strchr(tab2 + 1, '\t') : NULL;
        cr_assert_not_null(tab3, "INDEX.tsv: a line without four columns: %s", line);
        *tab1 = '\0';
        const char *rel = line;
        char *exp = tab3 + 1;
        char *manifest = strstr(exp, " | manifest:");
        if (manifest) *manifest = '\0';
        files++;

        char *key;
        Verdict v;
        classify(exp, &key, &v);
        const char *fact = mapping_fact(&m, key);
        if (!fact) {
            printf("NO ROW    %s: check `%s` is not in %s\n", rel, key, MAPPING_FILE);
            problems++;
        }
        char *path = xasprintf("%s/%s", CORPUS_DIR, rel);
        char *err = NULL;
        StrList notes = {0};
        Scenario *s = import_file(path, NULL, NULL, &notes, &err);
        bool listed_refused = strlist_has(&m.refused, rel);
        if (!s) {
            bool one_line = err && !strchr(err, '\n') && strncmp(err, path, strlen(path)) == 0;
            if (!one_line) {
                printf("BAD ERROR %s: %s\n", rel, err ? err : "(none)");
                problems++;
            } else if (!listed_refused) {
                printf("REFUSED   %s, not listed under Refused in %s: %s\n", rel, MAPPING_FILE,
                       err);
                problems++;
            }
            refused++;
            excluded++;
        } else if (listed_refused) {
            printf("IMPORTS   %s, listed under Refused in %s\n", rel, MAPPING_FILE);
            problems++;
        } else if (!fact || v == VERDICT_NONE || strncmp(fact, "excluded", 8) == 0) {
            excluded++;
        } else {
            bool known;
            bool holds = scenario_holds(s, fact, &sockets, &known);
            if (!known) {
                printf("BAD FACT  `%s` (row `%s`) in %s\n", fact, key, MAPPING_FILE);
                problems++;
            }
            counted++;
            bool agrees = holds == (v == VERDICT_FAILS);
            bool explained = strlist_has(&m.disagree, rel);
            if (agrees) {
                agreed++;
                if (explained)
                    printf("note: %s now agrees; remove it from the Disagreements of %s\n", rel,
                           MAPPING_FILE);
            } else {
                printf("DISAGREE  %s: `%s` upstream %s, breakout's `%s` is %s%s\n", rel, key,
                       v == VERDICT_FAILS ? "fails" : "passes", fact, holds ? "true" : "false",
                       explained ? " (explained)" : " (NOT EXPLAINED)");
                if (!explained) problems++;
            }
        }
        scenario_free(s);
        free(err);
        strlist_done(&notes);
        free(path);
        free(key);
    }
    printf("corpus: %zu files; agreed %zu / counted %zu, excluded %zu (%zu refused)\n", files,
           agreed, counted, excluded, refused);
    fflush(stdout);
    free(index);
    strlist_done(&sockets);
    mapping_done(&m);
    cr_assert_gt(counted, 100, "too few counted files (%zu)", counted);
    cr_assert_geq(agreed * 100, counted * MIN_PERCENT, "agreement %zu / %zu is below %d%%", agreed,
                  counted, MIN_PERCENT);
    cr_assert_eq(problems, 0, "%zu problems (see the lines above)", problems);
}

/* ---- the collector's own reading of each manifest ---- */

/* Checks one "| manifest:" fact (as INDEX.tsv writes it) against s; true if it holds or is
 * not one this test reads (*checked false). */
static bool manifest_fact_holds(const Scenario *s, const char *f, bool *checked)
{
    *checked = true;
    for (size_t i = 0; i < s->n_workloads; i++) {
        const Workload *w = &s->workloads[i];
        if (strcmp(f, "privileged") == 0) {
            if (w->privileged) return true;
        } else if (strcmp(f, "hostNetwork") == 0) {
            if (w->host_namespaces & HOSTNS_NETWORK) return true;
        } else if (strcmp(f, "hostPID") == 0) {
            if (w->host_namespaces & HOSTNS_PID) return true;
        } else if (strcmp(f, "hostIPC") == 0) {
            if (w->host_namespaces & HOSTNS_IPC) return true;
        } else if (strncmp(f, "hostProcess", 11) == 0) {
            if (w->isolation == ISOLATION_HOST) return true;
        } else if (strncmp(f, "runtimeClassName=", 17) == 0) {
            const char *rc = f + 17;
            Isolation want = strncmp(rc, "kata", 4) == 0 ? ISOLATION_HYPERV
                             : strcmp(rc, "gvisor") == 0 ? ISOLATION_SANDBOX
                                                         : ISOLATION_PROCESS;
            if (w->isolation == want) return true;
        } else if (strncmp(f, "capAdd=", 7) == 0) {
            char *list = xstrdup(f + 7);
            bool all = true;
            for (char *c = strtok(list, ","); c; c = strtok(NULL, ",")) {
                const char *name = strncasecmp(c, "CAP_", 4) == 0 ? c + 4 : c;
                char *up = xstrdup(name);
                for (char *p = up; *p; p++)
                    if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
                all &= strlist_has(&w->capabilities, up);
                free(up);
            }
            free(list);
            if (all) return true;
        } else if (strncmp(f, "hostPath ", 9) == 0 || strncmp(f, "bind ", 5) == 0) {
            const char *p = f + (f[0] == 'h' ? 9 : 5);
            const char *sp = strrchr(p, ' ');
            char *path = xstrndup(p, (size_t)(sp - p));
            const char *how = sp + 1;
            bool found = false;
            for (size_t m = 0; m < w->n_mounts && !found; m++) {
                const Mount *mt = &w->mounts[m];
                if (strcmp(mt->host_path, path) != 0 &&
                    !(strncmp(mt->host_path, path, strlen(path)) == 0 &&
                      strchr("/\\", mt->host_path[strlen(path)])))
                    continue; /* a subPath extends it */
                if (strcmp(how, "rw") == 0) found = !mt->read_only;
                if (strcmp(how, "ro") == 0) found = mt->read_only;
                if (strcmp(how, "(unmounted)") == 0) found = !mt->read_only && !mt->path;
            }
            free(path);
            if (found) return true;
        } else {
            *checked = false;
            return true;
        }
    }
    return false;
}

Test(import_corpus, reproduces_what_each_manifest_contains)
{
    if (access(INDEX_FILE, R_OK) != 0) {
        if (ci_true()) cr_assert_fail("%s is missing (CI=true: a skip is a failure)", INDEX_FILE);
        cr_skip_test("%s is missing: corpus test skipped", INDEX_FILE);
    }
    char *index = read_text(INDEX_FILE);
    size_t agreed = 0, checked = 0;
    char *save = NULL;
    for (char *line = strtok_r(index, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');
        char *facts = strstr(line, " | manifest: ");
        if (!tab || !facts) continue;
        *tab = '\0';
        facts += 13;
        char *path = xasprintf("%s/%s", CORPUS_DIR, line);
        char *err = NULL;
        Scenario *s = import_file(path, NULL, NULL, NULL, &err);
        free(path);
        if (!s) { /* refused: the other test checks these are listed */
            free(err);
            continue;
        }
        char *fsave = NULL;
        for (char *f = strtok_r(facts, ";", &fsave); f; f = strtok_r(NULL, ";", &fsave)) {
            while (*f == ' ')
                f++;
            bool was_checked;
            bool holds = manifest_fact_holds(s, f, &was_checked);
            if (!was_checked) continue;
            checked++;
            if (holds)
                agreed++;
            else
                printf("MISSING   %s: the manifest has \"%s\", the import does not\n", line, f);
        }
        scenario_free(s);
    }
    printf("manifest facts: %zu / %zu reproduced\n", agreed, checked);
    fflush(stdout);
    free(index);
    cr_assert_gt(checked, 150);
    cr_assert_eq(agreed, checked, "%zu manifest facts not reproduced", checked - agreed);
}
