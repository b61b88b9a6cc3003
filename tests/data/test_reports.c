/* Report writers (Markdown, HTML, DOT, SARIF): goldens for two bundled scenarios in each format,
 * hostile names rendered as text in every format, DOT that Graphviz draws, SARIF valid against
 * the OASIS schema, HTML with nothing outside the file. Goldens are rewritten only on purpose:
 * BREAKOUT_REGEN_GOLDENS=1 ./data_test_reports, then review git diff tests/golden/reports. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis_json.h"
#include "catalog_json.h"
#include "fileio.h"
#include "report_dot.h"
#include "report_html.h"
#include "report_md.h"
#include "report_sarif.h"
#include "scenario_json.h"
#include "xalloc.h"

#define GOLDEN_DIR   "tests/golden/reports"
#define SARIF_SCHEMA SHARED_DIR "/schemas/sarif-schema-2.1.0.json"
#define PYTHON       "/usr/bin/python3"
#define HOSTILE      "<script>alert(1)</script>"

static const char *const golden_scenarios[] = {"process-ssh-mount-admin", "linux-kata-ssh-mount"};

static void enter_source_dir(void)
{
    cr_assert_eq(chdir(SOURCE_DIR), 0, "cannot enter %s", SOURCE_DIR);
}

TestSuite(reports, .init = enter_source_dir, .timeout = 120);

/* ---- building reports -------------------------------------------------------------------- */

typedef struct {
    Scenario *s;
    Catalog *c;
    Analysis *a;
    Findings *f;
    FixPlan *p;
    Report r;
} Built;

/* Analyses s (taken over) with catalog c (taken over) as `breakout analyze` does. */
static void build(Built *b, Scenario *s, Catalog *c)
{
    char *err = NULL;
    cr_assert(scenario_validate(s, &err), "invalid test scenario: %s", err);
    EngineOptions eo = {.max_paths = 0};
    b->s = s;
    b->c = c;
    b->a = engine_analyze(s, c, &eo);
    b->f = findings_compute(b->a);
    b->p = fixplan_compute(s, c, b->a);
    b->r = (Report){.analysis = b->a, .findings = b->f, .plan = b->p, .max_paths = 0};
}

static void build_file(Built *b, const char *path)
{
    char *err = NULL;
    Scenario *s = scenario_load_file(path, &err);
    cr_assert_not_null(s, "%s", err);
    build(b, s, catalog_load_builtin());
}

static void built_free(Built *b)
{
    fixplan_free(b->p);
    findings_free(b->f);
    analysis_free(b->a);
    scenario_free(b->s);
    catalog_free(b->c);
}

/* A scenario whose every user string is hostile to some format, and a catalog technique whose
 * text is too (catalog files are user input). */
static void build_hostile(Built *b)
{
    Scenario *s = scenario_new(HOSTILE " | `tick` *star* _under_ [link](x) #h $m$ ~s~");
    s->description = xstrdup("first line\nsecond | line <b>bold</b> & `code`");
    Tenant *t = scenario_add_tenant(s, HOSTILE, TRUST_UNTRUSTED);
    free(t->name);
    t->name = xstrdup("Evil\nCorp | <i>");
    scenario_add_tenant(s, "a|b", TRUST_TRUSTED);
    Host *h = scenario_add_host(s, "node`1`", OS_WINDOWS);
    h->ssh = true;
    host_add_user(h, "azureuser", false);
    Workload *w = scenario_add_workload(s, "line\nbreak", HOSTILE, "node`1`");
    w->isolation = ISOLATION_PROCESS;
    w->account = ACCOUNT_ADMIN;
    workload_add_mount(w, "C:\\Users\\azureuser\\.ssh", "C:\\k|e`y<s>\"q\"", false);
    strlist_add(&w->hardening, "<rbac>");
    strlist_add(&w->notes, "runAsUser unset: <assumed> root | `x`");
    w = scenario_add_workload(s, "*star*_under_[x]\\", "a|b", "node`1`");
    w->isolation = ISOLATION_PROCESS;
    w->account = ACCOUNT_USER;
    Catalog *c = catalog_load_builtin();
    static const char evil[] =
        "{\"breakout_catalog\": 1, \"techniques\": [{\"id\": \"evil<script>|x\", \"name\": \"<img "
        "src=x onerror=alert(1)> `n` | *b*\", \"boundary\": \"isolation\", \"servicing\": "
        "\"by-design\", \"effort\": 1, \"when\": [{\"from\": [\"workload-admin\"], \"effect\": "
        "\"host-admin\"}], \"closed_by\": [\"<u>never</u>\"], \"teaching\": \"a|b `c`\\n<script>x"
        "</script> \\\\N \\\"q\\\"\", \"source\": \"[src](javascript:alert(1)) &amp;\"}]}";
    char *err = NULL;
    cr_assert(catalog_merge_text(c, evil, strlen(evil), "evil.json", &err), "%s", err);
    build(b, s, c);
}

typedef enum { OUT_MD, OUT_HTML_TEXT, OUT_HTML_AUTO, OUT_DOT, OUT_SARIF } OutFormat;

/* Renders r in a format into an owned string. */
static char *render(const Report *r, OutFormat f, const char *uri)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    cr_assert_not_null(mem);
    switch (f) {
    case OUT_MD: report_write_md(r, mem); break;
    case OUT_HTML_TEXT: report_write_html_with(r, mem, HTML_GRAPH_TEXT); break;
    case OUT_HTML_AUTO: report_write_html(r, mem); break;
    case OUT_DOT: report_write_dot(r, mem); break;
    case OUT_SARIF: report_write_sarif(r, mem, uri); break;
    }
    fclose(mem);
    return buf;
}

/* ---- skips, files and helpers ------------------------------------------------------------ */

static bool ci(void)
{
    const char *v = getenv("CI");
    return v && strcmp(v, "true") == 0;
}

/* Skips the test when a tool is missing, except under CI=true, where that is a failure. */
static void need(bool present, const char *what)
{
    if (present) return;
    if (ci()) cr_assert_fail("%s is missing, and with CI=true a skip is a failure", what);
    cr_skip_test("%s is missing: skipped (set CI=true to make this a failure)", what);
}

static bool have_dot(void)
{
    return system("command -v dot >/dev/null 2>&1") == 0;
}

static bool have_jsonschema(void)
{
    return system(PYTHON " -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

static char *read_file(const char *path)
{
    char *data = NULL, *err = NULL;
    size_t len;
    if (!file_read_all(path, 64u << 20, &data, &len, &err)) {
        free(err);
        return NULL;
    }
    return data;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static bool regen(void)
{
    const char *v = getenv("BREAKOUT_REGEN_GOLDENS");
    return v && strcmp(v, "1") == 0;
}

/* Compares actual with the golden file name (under GOLDEN_DIR), naming the first differing
 * line; with BREAKOUT_REGEN_GOLDENS=1 rewrites the golden instead. */
static void check_golden(const char *name, const char *actual)
{
    char *path = xasprintf(GOLDEN_DIR "/%s", name);
    if (regen()) {
        write_file(path, actual);
        cr_log_warn("rewrote %s: review it with git diff", path);
        free(path);
        return;
    }
    char *golden = read_file(path);
    cr_assert_not_null(golden, "no golden %s (BREAKOUT_REGEN_GOLDENS=1 writes it; review it)",
                       path);
    if (strcmp(golden, actual) != 0) {
        size_t line = 1;
        const char *g = golden, *a = actual;
        while (*g && *g == *a) {
            if (*g == '\n') line++;
            g++;
            a++;
        }
        const char *gl = g, *al = a;
        while (gl > golden && gl[-1] != '\n')
            gl--;
        while (al > actual && al[-1] != '\n')
            al--;
        char *out = xasprintf("/tmp/breakout-actual-%s", name);
        write_file(out, actual);
        cr_assert_fail(
            "%s differs at line %zu:\n  golden: %.*s\n  actual: %.*s\n(actual output in %s)", path,
            line, (int)strcspn(gl, "\n"), gl, (int)strcspn(al, "\n"), al, out);
        free(out);
    }
    free(golden);
    free(path);
}

/* Runs a Python program (from a string) on its stdin with arguments; returns its exit status. */
static int run_python(const char *program, const char *args)
{
    char *cmd = xasprintf(PYTHON " - %s", args);
    FILE *p = popen(cmd, "w");
    cr_assert_not_null(p);
    fputs(program, p);
    int status = pclose(p);
    free(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *temp_dir(void)
{
    char tmpl[] = "/tmp/breakout-reports-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    return xstrdup(tmpl);
}

static void remove_dir(const char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
}

/* The bundled scenario files, sorted; *n set. Owned. */
static char **bundled(size_t *n)
{
    DIR *d = opendir("scenarios");
    cr_assert_not_null(d);
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0) continue;
        xgrow((void **)&names, &cap, *n + 1, sizeof *names);
        names[(*n)++] = xasprintf("scenarios/%s", e->d_name);
    }
    closedir(d);
    cr_assert_geq(*n, 15);
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- goldens ----------------------------------------------------------------------------- */

static void golden_format(OutFormat f, const char *ext)
{
    for (size_t i = 0; i < sizeof golden_scenarios / sizeof *golden_scenarios; i++) {
        char *path = xasprintf("scenarios/%s.json", golden_scenarios[i]);
        Built b;
        build_file(&b, path);
        char *out = render(&b.r, f, path);
        char *name = xasprintf("%s.%s", golden_scenarios[i], ext);
        check_golden(name, out);
        free(name);
        free(out);
        built_free(&b);
        free(path);
    }
}

Test(reports, markdown_matches_goldens)
{
    golden_format(OUT_MD, "md");
}

Test(reports, dot_matches_goldens)
{
    golden_format(OUT_DOT, "dot");
}

Test(reports, sarif_matches_goldens)
{
    golden_format(OUT_SARIF, "sarif");
}

Test(reports, html_with_text_graph_matches_goldens)
{
    golden_format(OUT_HTML_TEXT, "text-graph.html");
}

/* The HTML as `analyze --format html` writes it when Graphviz is there: the inline SVG carries
 * no Graphviz version (the writer strips comments), so the golden holds on any 2.4x. */
Test(reports, html_with_svg_matches_goldens)
{
    need(have_dot(), "Graphviz dot");
    golden_format(OUT_HTML_AUTO, "html");
}

/* ---- Markdown ---------------------------------------------------------------------------- */

/* Number of '|' not escaped by a backslash in a line. */
static size_t cell_pipes(const char *line, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '\\') {
            i++;
            continue;
        }
        n += line[i] == '|';
    }
    return n;
}

/* Every table row has as many cells as its header: no user string split a table. */
static void assert_tables_intact(const char *md)
{
    size_t header = 0;
    int lineno = 0;
    for (const char *p = md; *p;) {
        size_t len = strcspn(p, "\n");
        lineno++;
        if (len && p[0] == '|') {
            size_t n = cell_pipes(p, len);
            if (!header) header = n;
            cr_assert_eq(n, header, "table row at line %d has %zu cells' pipes, header %zu: %.*s",
                         lineno, n, header, (int)len, p);
        } else {
            header = 0;
        }
        p += len + (p[len] == '\n');
    }
}

Test(reports, markdown_renders_hostile_names_as_text)
{
    Built b;
    build_hostile(&b);
    char *md = render(&b.r, OUT_MD, NULL);
    cr_assert_null(strstr(md, "<script"), "raw <script> in Markdown");
    cr_assert_null(strstr(md, "<img"), "raw <img> in Markdown");
    cr_assert_null(strstr(md, "<b>"), "raw <b> in Markdown");
    cr_assert_not_null(strstr(md, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    cr_assert_not_null(strstr(md, "a\\|b"), "| not escaped");
    cr_assert_not_null(strstr(md, "\\`tick\\`"), "backticks not escaped");
    cr_assert_not_null(strstr(md, "\\*star\\*"), "* not escaped");
    cr_assert_not_null(strstr(md, "\\_under\\_"), "_ not escaped");
    cr_assert_not_null(strstr(md, "\\[link\\](x)"), "[ ] not escaped");
    cr_assert_not_null(strstr(md, "\\$m\\$"), "$ not escaped");
    /* a newline in a name is shown, not obeyed; a trailing backslash cannot escape a pipe */
    cr_assert_not_null(strstr(md, "line\\\\x0abreak"), "newline in a name not made visible");
    cr_assert_not_null(strstr(md, "\\[x\\]\\\\ |"), "trailing backslash not escaped");
    /* the description is prose: its newline is a space, its markup escaped */
    cr_assert_not_null(strstr(md, "first line second \\| line &lt;b&gt;bold&lt;/b&gt;"));
    /* catalog text is user input too */
    cr_assert_not_null(strstr(md, "&lt;img src=x onerror=alert(1)&gt;"));
    cr_assert_not_null(strstr(md, "\\[src\\](javascript:alert(1)) &amp;amp;"));
    /* every line is either inside a table with the header's cell count, or not a table */
    assert_tables_intact(md);
    for (const char *p = md; *p; p++)
        cr_assert((unsigned char)*p >= 0x20 || *p == '\n', "control character in Markdown");
    free(md);
    built_free(&b);
}

Test(reports, markdown_tells_the_whole_story)
{
    Built b;
    build_file(&b, "scenarios/process-ssh-mount-admin.json");
    char *md = render(&b.r, OUT_MD, NULL);
    const char *sections[] = {
        "## Summary",         "## Assumptions",  "## Inventory",
        "## Boundary matrix", "## Attack paths", "## Why these techniques work",
        "## Findings (4)",    "## Fix plan",     "## Sources cited"};
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        cr_assert_not_null(strstr(md, sections[i]), "missing section %s", sections[i]);
    cr_assert_not_null(strstr(md, "| node-1 | guest | guest-app | **FAILS** (not-a-boundary, "
                                  "attacked): admin-escape, kernel-compromise | **FAILS** "
                                  "(by-design, attacked): hostpath-ssh-injection |"));
    cr_assert_not_null(strstr(md, "1. guest-app (admin) → host node-1 (admin) by **Admin process "
                                  "escapes process isolation** (admin-escape, effort 2)"));
    /* the teaching text of each technique on a path is there, once */
    const Technique *t = catalog_find(b.c, "host-controls-workloads");
    cr_assert_eq(count_of(md, t->teaching), 1);
    cr_assert_not_null(strstr(md, "1. guest-app: isolation process -&gt; hyperv (closes 0 of 2"));
    free(md);

    b.r.max_paths = 1;
    md = render(&b.r, OUT_MD, NULL);
    cr_assert_not_null(strstr(md, "## Attack paths (1 of 2, lowest effort first)"));
    cr_assert_null(strstr(md, "### Path 2"));
    free(md);
    b.r.findings = NULL;
    b.r.plan = NULL;
    md = render(&b.r, OUT_MD, NULL);
    cr_assert_null(strstr(md, "## Findings"));
    cr_assert_null(strstr(md, "## Fix plan"));
    free(md);
    built_free(&b);
}

/* ---- HTML -------------------------------------------------------------------------------- */

/* Parses an HTML file and checks it is self-contained: no element that loads anything, links
 * only to fragments, no url() in CSS, a Content-Security-Policy, print rules. With a second
 * argument, also checks that text appears, decoded, in the document's text. */
static const char html_check_py[] =
    "import sys, html.parser\n"
    "doc = open(sys.argv[1], encoding='utf-8').read()\n"
    "banned = {'script','link','img','iframe','object','embed','base','form','audio','video',\n"
    "          'source','input','button','frame','frameset','applet','meta-refresh'}\n"
    "class P(html.parser.HTMLParser):\n"
    "    def __init__(s):\n"
    "        super().__init__(); s.tags=set(); s.text=[]; s.bad=[]; s.csp=False\n"
    "    def handle_starttag(s, tag, attrs):\n"
    "        s.tags.add(tag)\n"
    "        if tag in banned: s.bad.append('element <%s>' % tag)\n"
    "        for k, v in attrs:\n"
    "            v = v or ''\n"
    "            if k.startswith('on'): s.bad.append('event handler %s' % k)\n"
    "            if k in ('src','srcset','action','formaction','poster','background'):\n"
    "                s.bad.append('attribute %s=%r' % (k, v))\n"
    "            if k in ('href','xlink:href') and not v.startswith('#'):\n"
    "                s.bad.append('link %s=%r' % (k, v))\n"
    "            if k == 'style' and 'url(' in v: s.bad.append('url() in style')\n"
    "            if k == 'http-equiv' and v.lower() == 'content-security-policy': s.csp = True\n"
    "    def handle_data(s, d): s.text.append(d)\n"
    "p = P(); p.feed(doc); p.close()\n"
    "if 'url(' in doc: p.bad.append('url( in the document')\n"
    "if '@media print' not in doc: p.bad.append('no print rules')\n"
    "if not p.csp: p.bad.append('no Content-Security-Policy')\n"
    "text = ''.join(p.text)\n"
    "for want in sys.argv[2:]:\n"
    "    if want not in text: p.bad.append('text %r not in the document' % want)\n"
    "for b in p.bad: print('html check:', b)\n"
    "sys.exit(1 if p.bad else 0)\n";

static void assert_html_ok(const char *doc, const char *want_text)
{
    char *dir = temp_dir();
    char *path = xasprintf("%s/report.html", dir);
    write_file(path, doc);
    char *args = want_text ? xasprintf("'%s' '%s'", path, want_text) : xasprintf("'%s'", path);
    cr_assert_eq(run_python(html_check_py, args), 0, "HTML check failed (see the output above)");
    free(args);
    free(path);
    remove_dir(dir);
    free(dir);
}

Test(reports, html_renders_hostile_names_as_text)
{
    need(access(PYTHON, X_OK) == 0, PYTHON);
    Built b;
    build_hostile(&b);
    for (int mode = 0; mode < 2; mode++) {
        if (mode == 1 && !have_dot()) continue;
        char *doc = render(&b.r, mode ? OUT_HTML_AUTO : OUT_HTML_TEXT, NULL);
        const char *lower = doc;
        for (const char *p = lower; *p; p++)
            cr_assert(strncasecmp(p, "<script", 7) != 0 && strncasecmp(p, "<img", 4) != 0 &&
                          strncasecmp(p, "<b>", 3) != 0 && strncasecmp(p, "<i>", 3) != 0,
                      "raw markup from a user string in HTML: %.40s", p);
        cr_assert_not_null(strstr(doc, "&lt;script&gt;alert(1)&lt;/script&gt;"));
        cr_assert_not_null(strstr(doc, "line\\x0abreak"), "newline in a name not made visible");
        cr_assert_not_null(strstr(doc, "C:\\k|e`y&lt;s&gt;&quot;q&quot;"));
        /* decoded by a parser, the text is exactly the name: nothing lost, nothing obeyed */
        assert_html_ok(doc, HOSTILE);
        if (mode) cr_assert_not_null(strstr(doc, "<svg"), "Graphviz is there, yet no SVG");
        free(doc);
    }
    built_free(&b);
}

Test(reports, html_is_self_contained_and_printable)
{
    need(access(PYTHON, X_OK) == 0, PYTHON);
    for (size_t i = 0; i < sizeof golden_scenarios / sizeof *golden_scenarios; i++) {
        char *path = xasprintf("scenarios/%s.json", golden_scenarios[i]);
        Built b;
        build_file(&b, path);
        char *doc = render(&b.r, have_dot() ? OUT_HTML_AUTO : OUT_HTML_TEXT, NULL);
        assert_html_ok(doc, NULL);
        /* the only URIs are the SVG namespaces, which name and do not load */
        cr_assert_null(strstr(doc, "https://"), "an https reference in the HTML");
        cr_assert_eq(count_of(doc, "http://"),
                     count_of(doc, "xmlns=\"http://") + count_of(doc, "xmlns:xlink=\"http://"),
                     "an http reference in the HTML");
        cr_assert_not_null(strstr(doc, "@media print"));
        cr_assert_not_null(strstr(doc, "print-color-adjust:exact"));
        free(doc);
        built_free(&b);
        free(path);
    }
}

/* The matrix says FAILS / holds in words and distinguishes them by weight and border, so it
 * reads without colour. */
Test(reports, html_matrix_reads_without_colour)
{
    Built b;
    build_file(&b, "scenarios/process-ssh-mount-admin.json");
    char *doc = render(&b.r, OUT_HTML_TEXT, NULL);
    cr_assert_eq(count_of(doc, "<td class=\"fails\"><span class=\"verdict\">FAILS</span>"), 3);
    cr_assert_eq(count_of(doc, "<td class=\"holds\"><span class=\"verdict\">holds</span></td>"), 1);
    cr_assert_not_null(strstr(doc, "td.fails{"));
    cr_assert_not_null(strstr(doc, "border:3px solid var(--fail);font-weight:700"));
    cr_assert_not_null(strstr(doc, "border:1px dashed var(--hold);font-weight:400"));
    cr_assert_not_null(strstr(doc, "repeating-linear-gradient"), "no hatching for FAILS");
    free(doc);
    built_free(&b);
}

Test(reports, html_without_graphviz_renders_the_graph_as_text)
{
    Built b;
    build_file(&b, "scenarios/process-ssh-mount-admin.json");
    cr_assert_eq(setenv("PATH", "/nonexistent", 1), 0);
    char *doc = render(&b.r, OUT_HTML_AUTO, NULL);
    cr_assert_null(strstr(doc, "<svg"));
    cr_assert_not_null(strstr(doc, "Graphviz <code>dot</code> was not found"));
    cr_assert_not_null(strstr(doc, "<li class=\"breaks\">&rarr; <span class=\"state\">host node-1 "
                                   "(admin)</span> by <span class=\"id\">admin-escape</span> "
                                   "(breaks isolation)</li>"));
    cr_assert_null(report_html_render_svg(&b.r));
    free(doc);
    built_free(&b);
}

Test(reports, html_inlines_svg_without_graphviz_version)
{
    need(have_dot(), "Graphviz dot");
    Built b;
    build_file(&b, "scenarios/process-ssh-mount-admin.json");
    char *svg = report_html_render_svg(&b.r);
    cr_assert_not_null(svg);
    cr_assert_eq(strncmp(svg, "<svg", 4), 0);
    cr_assert_null(strstr(svg, "<!--"));
    cr_assert_null(strstr(svg, "<?xml"));
    cr_assert_null(strstr(svg, "graphviz version"));
    cr_assert_null(strstr(svg, "<title>"));
    cr_assert_not_null(strstr(svg, ">admin&#45;escape</text>"));
    free(svg);
    built_free(&b);
}

/* ---- DOT --------------------------------------------------------------------------------- */

/* Writes r as DOT and runs `dot -Tsvg`; returns the SVG (owned). Fails when dot does. */
static char *dot_to_svg(const Report *r, const char *dir, const char *name)
{
    char *dot = render(r, OUT_DOT, NULL);
    char *in = xasprintf("%s/%s.dot", dir, name), *out = xasprintf("%s/%s.svg", dir, name);
    write_file(in, dot);
    char *cmd = xasprintf("dot -Tsvg '%s' -o '%s' 2>'%s.err'", in, out, in);
    int status = system(cmd);
    char *errpath = xasprintf("%s.err", in);
    char *errtext = read_file(errpath);
    cr_assert_eq(status, 0, "dot -Tsvg failed on %s: %s", name, errtext ? errtext : "");
    char *svg = read_file(out);
    cr_assert_not_null(svg);
    free(errtext);
    free(errpath);
    free(cmd);
    free(in);
    free(out);
    free(dot);
    return svg;
}

Test(reports, dot_renders_with_graphviz_for_every_bundled_scenario)
{
    need(have_dot(), "Graphviz dot");
    char *dir = temp_dir();
    size_t n;
    char **names = bundled(&n);
    for (size_t i = 0; i < n; i++) {
        Built b;
        build_file(&b, names[i]);
        char *svg = dot_to_svg(&b.r, dir, "bundled");
        cr_assert_not_null(strstr(svg, "<svg"), "%s: no SVG", names[i]);
        free(svg);
        built_free(&b);
    }
    free_names(names, n);
    remove_dir(dir);
    free(dir);
}

Test(reports, dot_renders_hostile_names_as_text)
{
    Built b;
    build_hostile(&b);
    char *dot = render(&b.r, OUT_DOT, NULL);
    /* a quote, a backslash or a newline in a name cannot end a label or form a \N escape */
    cr_assert_not_null(strstr(dot, "label=\"line\\\\x0abreak (admin)\\ntenant <script>alert(1)"
                                   "</script>\""));
    cr_assert_not_null(strstr(dot, "label=\"host node`1` (windows, SSH on)\""));
    cr_assert_not_null(strstr(dot, "*star*_under_[x]\\\\ (admin)"));
    cr_assert_not_null(strstr(dot, "label=\"evil<script>|x\""));
    free(dot);
    need(have_dot(), "Graphviz dot");
    char *dir = temp_dir();
    char *svg = dot_to_svg(&b.r, dir, "hostile");
    cr_assert_null(strstr(svg, "<script"), "raw <script> in Graphviz's SVG");
    cr_assert_not_null(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    cr_assert_not_null(strstr(svg, "line\\x0abreak (admin)"));
    remove_dir(dir);
    free(dir);
    free(svg);
    built_free(&b);
}

/* Hosts are clusters, starts have a double border, every technique breaking an attacked,
 * failing boundary of a start is a red edge leaving it. */
Test(reports, dot_draws_hosts_techniques_and_failing_boundaries)
{
    Built b;
    build_file(&b, "scenarios/assume-breach.json");
    char *dot = render(&b.r, OUT_DOT, NULL);
    const Scenario *s = b.s;
    cr_assert_eq(count_of(dot, "subgraph \"cluster_h"), 2, "one cluster per host");
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (!b.a->is_start[w]) continue;
        uint32_t home = report_dot_home_state(b.a, w);
        char *node = xasprintf("    s%u [label=", (unsigned)home);
        const char *line = strstr(dot, node);
        cr_assert_not_null(line);
        cr_assert(strstr(line, "peripheries=2") < strchr(line, '\n'), "start not doubled");
        free(node);
        const BoundaryResult *br = analysis_boundary(b.a, w, BOUNDARY_ISOLATION);
        for (size_t k = 0; br->fails && k < br->n_techniques; k++) {
            char *edge = xasprintf("  s%u -> ", (unsigned)home);
            char *label = xasprintf("[label=\"%s\", color=\"#c62828\"",
                                    b.c->techniques[br->techniques[k]].id);
            bool found = false;
            for (const char *p = strstr(dot, edge); p && !found; p = strstr(p + 1, edge)) {
                const char *eol = strchr(p, '\n');
                const char *l = strstr(p, label);
                found = l && l < eol;
            }
            cr_assert(found, "no red edge %s... %s", edge, label);
            free(edge);
            free(label);
        }
    }
    free(dot);
    built_free(&b);
}

/* ---- SARIF ------------------------------------------------------------------------------- */

static const char sarif_check_py[] =
    "import json, sys, jsonschema\n"
    "schema = json.load(open(sys.argv[1]))\n"
    "v = jsonschema.Draft4Validator(schema)\n"
    "bad = 0\n"
    "for f in sys.argv[2:]:\n"
    "    for e in v.iter_errors(json.load(open(f, encoding='utf-8'))):\n"
    "        print('%s: %s at %s' % (f, e.message, list(e.absolute_path))); bad += 1\n"
    "sys.exit(1 if bad else 0)\n";

Test(reports, sarif_is_valid_against_the_schema)
{
    need(access(SARIF_SCHEMA, R_OK) == 0, SARIF_SCHEMA);
    need(have_jsonschema(), PYTHON " with jsonschema (python3-jsonschema)");
    char *dir = temp_dir();
    size_t n;
    char **names = bundled(&n);
    char *args = xasprintf("'%s'", SARIF_SCHEMA);
    for (size_t i = 0; i <= n; i++) {
        Built b;
        if (i < n)
            build_file(&b, names[i]);
        else
            build_hostile(&b);
        char *sarif = render(&b.r, OUT_SARIF, i < n ? names[i] : "dir with space/ünï.json");
        char *path = xasprintf("%s/%zu.sarif", dir, i);
        write_file(path, sarif);
        char *next = xasprintf("%s '%s'", args, path);
        free(args);
        args = next;
        free(path);
        free(sarif);
        built_free(&b);
    }
    cr_assert_eq(run_python(sarif_check_py, args), 0, "SARIF invalid (see the output above)");
    free(args);
    free_names(names, n);
    remove_dir(dir);
    free(dir);
}

static cJSON *parse_sarif(const Report *r, const char *uri)
{
    char *text = render(r, OUT_SARIF, uri);
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root, "SARIF is not JSON");
    free(text);
    return root;
}

static const char *str_at(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One result per failing boundary and per finding, levels as documented, every ruleId a rule
 * whose index is ruleIndex, rules carrying the catalog's teaching text. */
Test(reports, sarif_has_one_result_per_failing_boundary_and_finding)
{
    Built b;
    build_file(&b, "scenarios/process-ssh-mount-admin.json");
    cJSON *root = parse_sarif(&b.r, "scenarios/process-ssh-mount-admin.json");
    const cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "runs"), 0);
    const cJSON *rules = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver"), "rules");
    const cJSON *results = cJSON_GetObjectItem(run, "results");
    cr_assert_eq((size_t)cJSON_GetArraySize(rules), b.c->n + FINDING_KIND_COUNT);
    size_t failing = 0;
    for (size_t i = 0; i < b.a->n_boundaries; i++)
        failing += b.a->boundaries[i].fails;
    cr_assert_eq(failing, 3);
    cr_assert_eq((size_t)cJSON_GetArraySize(results), failing + b.f->n);
    const cJSON *res;
    cJSON_ArrayForEach(res, results)
    {
        int idx = cJSON_GetObjectItem(res, "ruleIndex")->valueint;
        const cJSON *rule = cJSON_GetArrayItem(rules, idx);
        cr_assert_str_eq(str_at(rule, "id"), str_at(res, "ruleId"));
    }
    /* guest-app's isolation: admin-escape (effort 2) files it, not-a-boundary attacked: error */
    const cJSON *r1 = cJSON_GetArrayItem(results, 1);
    cr_assert_str_eq(str_at(r1, "ruleId"), "admin-escape");
    cr_assert_str_eq(str_at(r1, "level"), "error");
    /* contoso-web's isolation fails only to a serviced kernel bug: warning */
    const cJSON *r0 = cJSON_GetArrayItem(results, 0);
    cr_assert_str_eq(str_at(r0, "ruleId"), "kernel-compromise");
    cr_assert_str_eq(str_at(r0, "level"), "warning");
    const cJSON *loc = cJSON_GetArrayItem(cJSON_GetObjectItem(r0, "locations"), 0);
    const cJSON *logical = cJSON_GetObjectItem(loc, "logicalLocations");
    cr_assert_str_eq(str_at(cJSON_GetArrayItem(logical, 0), "fullyQualifiedName"),
                     "workload:contoso-web");
    cr_assert_str_eq(str_at(cJSON_GetArrayItem(logical, 1), "fullyQualifiedName"), "host:node-1");
    cr_assert_str_eq(str_at(cJSON_GetArrayItem(logical, 2), "fullyQualifiedName"),
                     "tenant:contoso");
    /* findings: high is an error, medium a warning, low a note */
    const char *levels[] = {"error", "error", "warning", "note"};
    for (size_t i = 0; i < b.f->n; i++)
        cr_assert_str_eq(str_at(cJSON_GetArrayItem(results, (int)(failing + i)), "level"),
                         levels[i]);
    const cJSON *rule0 = cJSON_GetArrayItem(rules, 0);
    cr_assert_str_eq(str_at(rule0, "name"), "AdminEscape");
    cr_assert_str_eq(str_at(cJSON_GetObjectItem(rule0, "fullDescription"), "text"),
                     b.c->techniques[0].teaching);
    cr_assert_str_eq(str_at(cJSON_GetObjectItem(rule0, "properties"), "servicing"),
                     "not-a-boundary");
    cJSON_Delete(root);
    built_free(&b);
}

Test(reports, sarif_keeps_hostile_names_exact)
{
    Built b;
    build_hostile(&b);
    cJSON *root = parse_sarif(&b.r, "dir with space/ünï.json");
    const cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "runs"), 0);
    const cJSON *results = cJSON_GetObjectItem(run, "results");
    cr_assert_gt(cJSON_GetArraySize(results), 0);
    const cJSON *res = cJSON_GetArrayItem(results, 0);
    const cJSON *loc = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "locations"), 0);
    const cJSON *logical = cJSON_GetObjectItem(loc, "logicalLocations");
    cr_assert_str_eq(str_at(cJSON_GetArrayItem(logical, 0), "name"), "*star*_under_[x]\\");
    cr_assert_str_eq(str_at(cJSON_GetArrayItem(logical, 2), "name"), "a|b");
    const cJSON *art =
        cJSON_GetObjectItem(cJSON_GetObjectItem(loc, "physicalLocation"), "artifactLocation");
    cr_assert_str_eq(str_at(art, "uri"), "dir%20with%20space/%C3%BCn%C3%AF.json");
    bool newline_name = false;
    cJSON_ArrayForEach(res, results)
    {
        loc = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "locations"), 0);
        const char *name =
            str_at(cJSON_GetArrayItem(cJSON_GetObjectItem(loc, "logicalLocations"), 0), "name");
        newline_name = newline_name || (name && strcmp(name, "line\nbreak") == 0);
    }
    cr_assert(newline_name, "the name with a newline did not survive JSON escaping");
    cJSON_Delete(root);
    built_free(&b);
}
