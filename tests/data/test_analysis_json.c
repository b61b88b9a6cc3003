/* The analysis JSON writer on a fleet large enough that its arrays are formatted in chunks
 * on threads: the same bytes on any number of threads, into memory or a FILE; valid JSON;
 * one line per element of the top-level arrays. (The bundled scenarios' exact output is
 * checked by the goldens, tests/cli/test_goldens.sh.) */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "analysis_json.h"
#include "catalog_json.h"
#include "decision.h"
#include "fileio.h"
#include "xalloc.h"

/* Ids with what a writer must escape or keep: quotes, backslashes, control and non-ASCII
 * characters, ids equal in their first 8 bytes. */
static const char *const flavours[] = {
    "", "\"q\"", "\\", "\t", "\xc3\xa9", "\xe6\x97\xa5", "-longer-than-eight"};
#define N_FLAVOURS (sizeof flavours / sizeof *flavours)

typedef struct {
    Scenario *s;
    Catalog *c;
    Analysis *a;
    Findings *f;
} Fleet;

static void fleet(Fleet *x, size_t n_workloads)
{
    x->s = scenario_new("Fleet \"for\" the writer");
    x->s->assume[ASSUME_KERNEL_EXPLOIT] = true;
    char id[64], tid[64], hid[64];
    size_t n_tenants = 1 + n_workloads / 40, n_hosts = 1 + n_workloads / 150;
    for (size_t i = 0; i < n_tenants; i++) {
        snprintf(id, sizeof id, "tenant-%zu%s", i, flavours[i % N_FLAVOURS]);
        scenario_add_tenant(x->s, id, i % 3 ? TRUST_TRUSTED : TRUST_UNTRUSTED);
    }
    for (size_t i = 0; i < n_hosts; i++) {
        snprintf(id, sizeof id, "node-%zu%s", i, flavours[(i + 3) % N_FLAVOURS]);
        Host *h = scenario_add_host(x->s, id, i % 2 ? OS_WINDOWS : OS_LINUX);
        h->ssh = i % 4 != 0;
        host_add_user(h, "ops", i % 3 == 0);
    }
    unsigned long long state = 20261128;
    for (size_t i = 0; i < n_workloads; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(state >> 33);
        size_t t = r % n_tenants, h = (r / 7) % n_hosts;
        snprintf(tid, sizeof tid, "tenant-%zu%s", t, flavours[t % N_FLAVOURS]);
        snprintf(hid, sizeof hid, "node-%zu%s", h, flavours[(h + 3) % N_FLAVOURS]);
        snprintf(id, sizeof id, "w-%zu%s", i, flavours[(i / 5) % N_FLAVOURS]);
        Workload *w = scenario_add_workload(x->s, id, tid, hid);
        w->isolation = (Isolation)(r % 4);
        w->account = r % 3 ? ACCOUNT_ADMIN : ACCOUNT_USER;
        w->compromised = r % 5 == 0;
        if (r % 4 == 0)
            workload_add_mount(w, h % 2 ? "C:\\Users\\ops\\.ssh" : "/var/run/docker.sock", NULL,
                               r % 8 == 0);
        if (r % 6 == 0) strlist_add(&w->notes, "runAsUser unset: assumed \"root\"\n(a note)");
    }
    char *err = NULL;
    cr_assert(scenario_validate(x->s, &err), "invalid test fleet: %s", err);
    x->c = catalog_load_builtin();
    EngineOptions eo = {.max_paths = 0};
    x->a = engine_analyze(x->s, x->c, &eo);
    x->f = findings_compute(x->a);
}

static void fleet_done(Fleet *x)
{
    findings_free(x->f);
    analysis_free(x->a);
    catalog_free(x->c);
    scenario_free(x->s);
}

static char *to_file(const Report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    analysis_write_json(r, f);
    fclose(f);
    return buf;
}

/* The number of elements of the top-level array key (cJSON), and checks that each is one line
 * of the text, as in `    {...},`. */
static int one_line_elements(const char *json, const cJSON *doc, const char *key)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, key);
    cr_assert(cJSON_IsArray(arr), "no array %s", key);
    int n = cJSON_GetArraySize(arr);
    char *open = xasprintf("\n  \"%s\": [", key);
    const char *p = strstr(json, open);
    cr_assert_not_null(p, "%s", open);
    p += strlen(open);
    for (int i = 0; i < n; i++) {
        cr_assert_eq(strncmp(p, "\n    {", 6), 0, "%s[%d] does not start a line", key, i);
        const char *eol = strchr(p + 1, '\n');
        cr_assert(eol[-1] == '}' || (eol[-2] == '}' && eol[-1] == ','), "%s[%d] is not one line",
                  key, i);
        p = eol;
    }
    cr_assert_eq(strncmp(p, n ? "\n  ]" : "]", n ? 4 : 1), 0, "%s ends badly", key);
    free(open);
    return n;
}

/* The document written by write through a FILE opened with mode on a new file, between two lines
 * written through the same FILE, read back: the large arrays go straight into a regular file at
 * their places, but not into one opened to append. */
static char *through_file(const Report *r, const char *mode,
                          void (*write)(const Report *r, FILE *f), bool *failed)
{
    char path[] = "/tmp/breakout-json-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0, "mkstemp: %s", strerror(errno));
    close(fd);
    FILE *f = fopen(path, mode);
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs("before\n", f);
    write(r, f);
    fputs("after\n", f);
    *failed = ferror(f) != 0;
    fclose(f);
    char *data = NULL, *err = NULL;
    size_t len = 0;
    cr_assert(file_read_all(path, (size_t)1 << 30, &data, &len, &err), "%s", err);
    unlink(path);
    return data;
}

Test(analysis_json, same_bytes_on_any_number_of_threads)
{
    Fleet x;
    fleet(&x, 3000);
    FixPlan *plan = fixplan_compute(x.s, x.c, x.a);
    Report r = {.analysis = x.a, .findings = x.f, .plan = plan, .max_paths = 5000, .threads = 1};
    char *one = analysis_to_json(&r);
    char *between = xasprintf("before\n%safter\n", one);
    static const char *const modes[] = {"w", "w+", "a"};
    for (size_t t = 2; t <= 4; t++) {
        r.threads = t;
        char *mem = analysis_to_json(&r), *file = to_file(&r);
        cr_assert(strcmp(mem, one) == 0, "%zu threads into memory differ from one", t);
        cr_assert(strcmp(file, one) == 0, "%zu threads into a FILE differ from one", t);
        free(mem);
        free(file);
        for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
            bool failed = true;
            char *got = through_file(&r, modes[m], analysis_write_json, &failed);
            cr_assert_not(failed);
            cr_assert(strcmp(got, between) == 0, "%zu threads, mode %s: differs from one", t,
                      modes[m]);
            free(got);
        }
    }
    free(between);
    r.threads = 0; /* one per CPU */
    char *any = to_file(&r);
    cr_assert(strcmp(any, one) == 0);
    free(any);

    cJSON *doc = cJSON_Parse(one);
    cr_assert_not_null(doc, "not JSON");
    /* large enough that every big array is written in several chunks */
    cr_assert_gt(one_line_elements(one, doc, "boundaries"), 4000);
    cr_assert_gt(one_line_elements(one, doc, "exposure"), 1000);
    cr_assert_gt(one_line_elements(one, doc, "paths"), 1000);
    cr_assert_gt(one_line_elements(one, doc, "findings"), 1000);
    cr_assert_gt(one_line_elements(one, doc, "assumed"), 300);
    cr_assert_gt(one_line_elements(one, doc, "fixes"), 256);
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "boundaries"), 0);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(b, "workload")->valuestring, "w-0",
                     "boundaries not by workload id");
    /* each fix's paths are the ones the plan says it closes (the writer quotes each string
     * once per thread, found by its address) */
    const cJSON *fixes = cJSON_GetObjectItemCaseSensitive(doc, "fixes");
    size_t n_closes = 0;
    for (size_t i = 0; i < plan->n_items; i++) {
        const cJSON *paths =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(fixes, (int)i), "paths");
        cr_assert_eq(cJSON_GetArraySize(paths), (int)plan->items[i].n_closes, "fixes[%zu]", i);
        for (size_t k = 0; k < plan->items[i].n_closes; k++, n_closes++) {
            const cJSON *path = cJSON_GetArrayItem(paths, (int)k);
            const PathKey *want = &plan->items[i].closes[k];
            cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(path, "from")->valuestring,
                             want->from, "fixes[%zu].paths[%zu]", i, k);
            cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(path, "to")->valuestring, want->to,
                             "fixes[%zu].paths[%zu]", i, k);
        }
    }
    cr_assert_gt(n_closes, 5000);
    cJSON_Delete(doc);
    free(one);
    fixplan_free(plan);
    fleet_done(&x);
}

/* As analyze writes it: begun before the findings and the plan exist, ended once they do. */
static void begin_then_end(const Report *r, FILE *f)
{
    Report early = *r;
    early.findings = NULL;
    early.plan = NULL;
    JsonDoc *d = analysis_json_begin(&early, f);
    early.findings = r->findings;
    early.plan = r->plan;
    analysis_json_end(d);
}

Test(analysis_json, begun_before_the_findings_and_plan)
{
    Fleet x;
    fleet(&x, 3000);
    FixPlan *plan = fixplan_compute(x.s, x.c, x.a);
    cr_assert_gt(plan->n_items, 256, "%zu fixes: too few to be written in several chunks",
                 plan->n_items);
    Report r = {.analysis = x.a, .findings = x.f, .plan = plan, .threads = 2};
    char *at_once = analysis_to_json(&r);
    char *between = xasprintf("before\n%safter\n", at_once);
    bool failed = true;
    char *got = through_file(&r, "w", begin_then_end, &failed);
    cr_assert_not(failed);
    cr_assert(strcmp(got, between) == 0, "differs from the document written at once");
    cr_assert_not_null(strstr(got, "\n  \"fixes\": [\n    {\"change\""));
    free(got);
    free(between);
    free(at_once);
    fixplan_free(plan);
    fleet_done(&x);
}

/* A closed path's missing string is written null, as jsonw_string writes it (the writer
 * quotes each string once per thread and finds it again by its address). */
Test(analysis_json, a_missing_string_in_a_closed_path_is_null)
{
    Fleet x;
    fleet(&x, 10);
    PathKey keys[] = {{(char *)"w-1", NULL}, {NULL, (char *)"host:node-0"}};
    FixItem item = {{CHANGE_ISOLATION_HYPERV, 1, 0, 0}, keys, 2};
    FixPlan plan = {.items = &item, .n_items = 1};
    Report r = {.analysis = x.a, .findings = x.f, .plan = &plan, .threads = 1};
    char *json = analysis_to_json(&r);
    cr_assert_not_null(strstr(json, "{\"from\": \"w-1\", \"to\": null}, "
                                    "{\"from\": null, \"to\": \"host:node-0\"}"),
                       "%s", strstr(json, "\"fixes\""));
    cJSON *doc = cJSON_Parse(json);
    cr_assert_not_null(doc, "not JSON");
    cJSON_Delete(doc);
    free(json);
    fleet_done(&x);
}

/* A file that cannot take the whole document (over the process's file size limit) is an error
 * on the FILE (what analyze reports, exit 2), though the threads write most of it themselves;
 * what was written is the document's beginning. */
Test(analysis_json, a_write_that_fails_is_an_error_on_the_file)
{
    Fleet x;
    fleet(&x, 3000);
    Report r = {.analysis = x.a, .findings = x.f, .max_paths = 5000, .threads = 3};
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = {.rlim_cur = 100000, .rlim_max = RLIM_INFINITY};
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0, "setrlimit: %s", strerror(errno));
    bool failed = false;
    char *got = through_file(&r, "w", analysis_write_json, &failed);
    cr_assert(failed, "no error after writing %zu bytes", strlen(got));
    cr_assert_leq(strlen(got), 100000);
    r.threads = 1;
    char *whole = analysis_to_json(&r);
    cr_assert_eq(strncmp(got, "before\n", 7), 0);
    cr_assert_eq(strncmp(got + 7, whole, strlen(got) - 7), 0, "not the document's beginning");
    free(whole);
    free(got);
    fleet_done(&x);
}

Test(analysis_json, decisions_beside_items_on_threads)
{
    Fleet x;
    fleet(&x, 3000);
    /* a note on every 7th failing boundary, every 5th finding and every 3rd path */
    DecisionList list = {0};
    size_t n = 0;
    for (size_t i = 0; i < x.a->n_boundaries + x.f->n + x.a->n_paths; i++) {
        char *subject = NULL;
        if (i < x.a->n_boundaries) {
            if (x.a->boundaries[i].fails && i % 7 == 0)
                subject = subject_of_boundary(x.a, &x.a->boundaries[i]);
        } else if (i < x.a->n_boundaries + x.f->n) {
            if (i % 5 == 0) subject = subject_of_finding(x.a, &x.f->items[i - x.a->n_boundaries]);
        } else if (i % 3 == 0) {
            subject = subject_of_path(x.a, &x.a->paths[i - x.a->n_boundaries - x.f->n]);
        }
        if (!subject) continue;
        Decision *d = decision_list_add(&list);
        d->id = (long long)++n;
        d->subject = subject;
        d->kind = DECISION_NOTE;
        d->text = xstrdup("looked at \"it\"");
        d->author = xstrdup("tester");
        d->created = xstrdup("2026-11-28T12:00:00Z");
    }
    DecisionBook *book = decision_book_new(&list);
    SubjectSet *set = subjects_compute(x.a, x.f, NULL);
    decision_book_match(book, set, x.s, "2026-11-28");
    subjects_free(set);

    Report r = {.analysis = x.a, .findings = x.f, .decisions = book, .threads = 1};
    char *one = analysis_to_json(&r);
    r.threads = 3;
    char *three = to_file(&r);
    cr_assert(strcmp(three, one) == 0, "3 threads differ from one");
    size_t shown = 0; /* (not strstr from each match on: quadratic under ASan) */
    for (const char *p = one; *p; p++)
        shown += *p == '"' && strncmp(p, "\"decision\": {", 13) == 0;
    cr_assert_eq(shown, n, "%zu of %zu decisions shown beside their items", shown, n);
    cr_assert_gt(n, 1000);
    free(three);
    free(one);
    decision_book_free(book);
    fleet_done(&x);
}
