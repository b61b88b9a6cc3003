/* Diff writers (text, JSON, Markdown): goldens for the three workshop what-ifs, the JSON shape a
 * CI script reads, and hostile names rendered as text. Goldens are rewritten only on purpose:
 * BREAKOUT_REGEN_GOLDENS=1 ./data_test_report_diff, then review git diff tests/golden/reports. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_json.h"
#include "diff.h"
#include "diff_writer.h"
#include "fileio.h"
#include "scenario_json.h"
#include "xalloc.h"

#define GOLDEN_DIR "tests/golden/reports"
#define PAIRS      GOLDEN_DIR "/pairs"
#define HOSTILE    "<script>alert(1)</script>"

static Catalog *cat;

static void setup(void)
{
    cr_assert_eq(chdir(SOURCE_DIR), 0, "cannot enter %s", SOURCE_DIR);
    cat = catalog_load_builtin();
}

static void teardown(void)
{
    catalog_free(cat);
}

TestSuite(report_diff, .init = setup, .fini = teardown);

typedef struct {
    Scenario *s[2];
    Analysis *a[2];
    Findings *f[2];
    Diff *d;
} Pair;

static Scenario *load(const char *path)
{
    char *err = NULL;
    Scenario *s = scenario_load_file(path, &err);
    cr_assert_not_null(s, "%s", err);
    return s;
}

/* Analyses a and b (taken over) and diffs them. */
static void pair_init(Pair *p, Scenario *a, Scenario *b)
{
    p->s[0] = a;
    p->s[1] = b;
    for (int i = 0; i < 2; i++) {
        EngineOptions o = {.max_paths = 0};
        p->a[i] = engine_analyze(p->s[i], cat, &o);
        p->f[i] = findings_compute(p->a[i]);
    }
    p->d = diff_compute(p->a[0], p->f[0], p->a[1], p->f[1]);
}

static void pair_done(Pair *p)
{
    diff_free(p->d);
    for (int i = 0; i < 2; i++) {
        findings_free(p->f[i]);
        analysis_free(p->a[i]);
        scenario_free(p->s[i]);
    }
}

typedef enum { OUT_TEXT, OUT_TEXT_COLOUR, OUT_JSON, OUT_MD } OutFormat;

static char *render(const Diff *d, OutFormat f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    cr_assert_not_null(mem);
    switch (f) {
    case OUT_TEXT: diff_write_text(d, mem, false); break;
    case OUT_TEXT_COLOUR: diff_write_text(d, mem, true); break;
    case OUT_JSON: diff_write_json(d, mem); break;
    case OUT_MD: diff_write_md(d, mem); break;
    }
    fclose(mem);
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* Compares actual with GOLDEN_DIR/name, or rewrites it with BREAKOUT_REGEN_GOLDENS=1. */
static void check_golden(const char *name, const char *actual)
{
    char *path = xasprintf(GOLDEN_DIR "/%s", name);
    const char *regen = getenv("BREAKOUT_REGEN_GOLDENS");
    if (regen && strcmp(regen, "1") == 0) {
        write_file(path, actual);
        cr_log_warn("rewrote %s: review it with git diff", path);
        free(path);
        return;
    }
    char *golden = NULL, *err = NULL;
    size_t len;
    cr_assert(file_read_all(path, 1u << 20, &golden, &len, &err),
              "%s (BREAKOUT_REGEN_GOLDENS=1 writes it; review it)", err);
    if (strcmp(golden, actual) != 0) {
        char *out = xasprintf("/tmp/breakout-actual-%s", name);
        write_file(out, actual);
        cr_assert_fail("%s differs from the output (written to %s): diff -u %s %s", path, out, path,
                       out);
        free(out);
    }
    free(golden);
    free(path);
}

static const struct {
    const char *name, *a, *b;
} pairs[] = {
    {"diff-hyperv-switch", "scenarios/shared-node-admin.json",
     PAIRS "/shared-node-admin-hyperv.json"},
    {"diff-mount-read-only", "scenarios/process-ssh-mount-admin.json",
     PAIRS "/process-ssh-mount-admin-ro.json"},
    {"diff-tenant-own-host", "scenarios/shared-node-admin.json",
     PAIRS "/shared-node-admin-dedicated.json"},
};

Test(report_diff, outputs_match_goldens)
{
    static const struct {
        OutFormat f;
        const char *ext;
    } formats[] = {{OUT_TEXT, "txt"}, {OUT_JSON, "json"}, {OUT_MD, "md"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        Pair p;
        pair_init(&p, load(pairs[i].a), load(pairs[i].b));
        for (size_t k = 0; k < sizeof formats / sizeof *formats; k++) {
            char *out = render(p.d, formats[k].f);
            char *name = xasprintf("%s.%s", pairs[i].name, formats[k].ext);
            check_golden(name, out);
            free(name);
            free(out);
        }
        pair_done(&p);
    }
}

static const char *str_at(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* What a CI script reads: regressed, the changes with their kinds, edits by index. */
Test(report_diff, json_gives_ci_what_it_needs)
{
    Pair p;
    pair_init(&p, load(PAIRS "/shared-node-admin-hyperv.json"),
              load("scenarios/shared-node-admin.json"));
    char *text = render(p.d, OUT_JSON);
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(root, "regressed")));
    const cJSON *paths = cJSON_GetObjectItem(root, "paths");
    cr_assert_eq(cJSON_GetArraySize(paths), 2);
    const cJSON *p0 = cJSON_GetArrayItem(paths, 0);
    cr_assert_str_eq(str_at(p0, "change"), "opened");
    cr_assert_str_eq(str_at(p0, "from"), "guest-app");
    cr_assert_str_eq(str_at(p0, "to"), "host:node-1");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(p0, "effort_before")));
    cr_assert_eq(cJSON_GetObjectItem(p0, "effort_after")->valueint, 2);
    const cJSON *e0 = cJSON_GetArrayItem(cJSON_GetObjectItem(p0, "edits"), 0);
    const cJSON *edit = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "edits"), e0->valueint);
    cr_assert_str_eq(str_at(edit, "description"), "guest-app: isolation hyperv -> process");
    cr_assert_str_eq(str_at(edit, "change"), "changed");
    const cJSON *b0 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "boundaries"), 0);
    cr_assert_str_eq(str_at(b0, "before"), "holds");
    cr_assert_str_eq(str_at(b0, "after"), "fails");
    cr_assert_str_eq(str_at(b0, "servicing_after"), "security-boundary");
    const cJSON *summary = cJSON_GetObjectItem(root, "summary");
    const cJSON *paths_n = cJSON_GetObjectItem(summary, "paths");
    cr_assert_eq(cJSON_GetObjectItem(paths_n, "a")->valueint, 0);
    cr_assert_eq(cJSON_GetObjectItem(paths_n, "b")->valueint, 2);
    cJSON_Delete(root);
    free(text);
    pair_done(&p);
}

Test(report_diff, text_says_regression_first_and_colours_only_when_asked)
{
    Pair p;
    pair_init(&p, load(PAIRS "/shared-node-admin-hyperv.json"),
              load("scenarios/shared-node-admin.json"));
    char *plain = render(p.d, OUT_TEXT);
    cr_assert_not_null(strstr(plain, "\nREGRESSION: B adds 2 paths, 2 failing boundaries, 2 "
                                     "findings\n"));
    cr_assert_null(strchr(plain, '\033'));
    cr_assert_not_null(strstr(plain, "  opened guest-app -> host:node-1  (effort 2)  (edit 1)\n"));
    char *colour = render(p.d, OUT_TEXT_COLOUR);
    cr_assert_not_null(strstr(colour, "\033[1;31mREGRESSION\033[0m"));
    free(plain);
    free(colour);
    pair_done(&p);
}

/* Hostile ids and names: sanitised in text, exact in JSON, escaped in Markdown tables. */
Test(report_diff, hostile_names_render_as_text)
{
    Scenario *a = scenario_new(HOSTILE);
    scenario_add_tenant(a, "a|b", TRUST_UNTRUSTED);
    scenario_add_tenant(a, "t`1`", TRUST_TRUSTED);
    scenario_add_host(a, "h\n1", OS_LINUX);
    Workload *w = scenario_add_workload(a, HOSTILE, "a|b", "h\n1");
    w->account = ACCOUNT_ADMIN;
    w = scenario_add_workload(a, "v*1*", "t`1`", "h\n1");
    w->account = ACCOUNT_USER;
    Scenario *b = scenario_clone(a);
    b->workloads[0].isolation = ISOLATION_HYPERV;
    workload_add_mount(&b->workloads[0], "/x|y`\n<z>", NULL, false);
    Pair p;
    pair_init(&p, a, b);
    cr_assert_gt(p.d->n_boundaries, 0);

    char *text = render(p.d, OUT_TEXT);
    cr_assert_not_null(strstr(text, "h\\x0a1"), "newline not made visible in text");
    for (const char *c = text; *c; c++)
        cr_assert(*c == '\n' || (unsigned char)*c >= 0x20, "control character in text output");
    free(text);

    char *md = render(p.d, OUT_MD);
    cr_assert_null(strstr(md, "<script"));
    cr_assert_not_null(strstr(md, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    cr_assert_not_null(strstr(md, "/x\\|y\\`\\\\x0a&lt;z&gt;"));
    /* every table row keeps its header's number of cells */
    size_t header = 0;
    for (const char *line = md; *line;) {
        size_t len = strcspn(line, "\n"), pipes = 0;
        for (size_t i = 0; i < len; i++) {
            if (line[i] == '\\') {
                i++;
                continue;
            }
            pipes += line[i] == '|';
        }
        if (len && line[0] == '|') {
            if (!header) header = pipes;
            cr_assert_eq(pipes, header, "broken table row: %.*s", (int)len, line);
        } else {
            header = 0;
        }
        line += len + (line[len] == '\n');
    }
    free(md);

    char *json = render(p.d, OUT_JSON);
    cJSON *root = cJSON_Parse(json);
    cr_assert_not_null(root);
    cr_assert_str_eq(str_at(root, "a"), HOSTILE);
    const cJSON *edits = cJSON_GetObjectItem(root, "edits");
    bool found = false;
    const cJSON *e;
    cJSON_ArrayForEach(e, edits) found =
        found || (str_at(e, "key") && strcmp(str_at(e, "key"), "/x|y`\n<z>") == 0);
    cr_assert(found, "the mount path did not survive JSON exactly");
    cJSON_Delete(root);
    free(json);
    pair_done(&p);
}
