/* The HTML report: see report_html.h. The document mirrors the Markdown report's sections, with
 * a drawn attack graph and a coloured matrix; the CSS is inline and carries print rules. */
#include "report_html.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decision.h"
#include "minutes.h"
#include "report_dot.h"
#include "report_escape.h"
#include "xalloc.h"

extern char **environ;

#define SVG_MAX_BYTES ((size_t)64 * 1024 * 1024)

static const char *const assumption_text[ASSUME_COUNT] = {
    [ASSUME_KERNEL_EXPLOIT] = "an exploitable kernel bug exists",
    [ASSUME_HYPERVISOR_EXPLOIT] = "an exploitable hypervisor / utility VM escape exists",
    [ASSUME_SANDBOX_EXPLOIT] = "an exploitable escape from a user-space kernel sandbox exists",
};

static const char css[] =
    ":root{--ink:#111;--muted:#555;--rule:#bbb;--fail:#a31515;--fail-bg:#fde4e1;"
    "--hold:#1b5e20;--hold-bg:#e5f3e5}\n"
    "*{box-sizing:border-box}\n"
    "html{font-size:18px}\n"
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
    "sans-serif;color:var(--ink);background:#fff;line-height:1.5;margin:0 auto;max-width:76rem;"
    "padding:1.5rem}\n"
    "h1{font-size:2.1rem;line-height:1.2;margin:0 0 .5rem}\n"
    "h2{font-size:1.5rem;border-bottom:3px solid var(--ink);margin:2.5rem 0 1rem;"
    "padding-bottom:.2rem}\n"
    "h3{font-size:1.2rem;margin:1.5rem 0 .5rem}\n"
    ".lead{font-size:1.1rem;max-width:60rem}\n"
    ".muted{color:var(--muted)}\n"
    "nav ol{columns:3;padding-left:1.2rem}\n"
    "a{color:#0b4f9c}\n"
    ".id,code{font-family:ui-monospace,\"SFMono-Regular\",Menlo,Consolas,monospace;"
    "font-size:.92em}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}\n"
    ".card{border:2px solid var(--ink);border-radius:6px;padding:.6rem 1rem;min-width:11rem}\n"
    ".card .n{display:block;font-size:2.2rem;font-weight:700;line-height:1.1}\n"
    ".card.bad{border:4px double var(--fail);color:var(--fail)}\n"
    "table{border-collapse:collapse;width:100%;margin:1rem 0}\n"
    "th,td{border:1px solid var(--rule);padding:.45rem .6rem;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#eee}\n"
    "td.fails{background-color:var(--fail-bg);background-image:repeating-linear-gradient("
    "135deg,transparent 0 9px,rgba(163,21,21,.14) 9px 13px);color:var(--fail);"
    "border:3px solid var(--fail);font-weight:700}\n"
    "td.holds{background:var(--hold-bg);color:var(--hold);border:1px dashed var(--hold);"
    "font-weight:400}\n"
    ".verdict{display:block;font-size:1.1rem;letter-spacing:.06em}\n"
    "td.fails .verdict::before{content:\"\\2716\\00a0\"}\n"
    "td.holds .verdict::before{content:\"\\2714\\00a0\"}\n"
    ".detail{display:block;font-weight:400;color:var(--ink)}\n"
    "ol.hops li{margin:.35rem 0}\n"
    ".breaks{color:var(--fail);font-weight:700}\n"
    ".teaching{border-left:5px solid var(--rule);padding:.2rem 0 .2rem 1rem;margin:.5rem 0}\n"
    ".sev{display:inline-block;min-width:5.5rem;font-weight:700;text-transform:uppercase}\n"
    ".sev-high{color:var(--fail);text-decoration:underline}\n"
    ".sev-medium{color:#7a4a00}\n"
    "figure.graph{margin:1rem 0;border:1px solid var(--rule);padding:.5rem;overflow-x:auto}\n"
    "figure.graph svg{max-width:100%;height:auto}\n"
    ".graph-text ul{list-style:none;padding-left:1.2rem}\n"
    ".state{font-weight:700}\n"
    ".unreached{color:var(--muted);font-weight:400;font-style:italic}\n"
    "footer{margin-top:3rem;border-top:1px solid var(--rule);font-size:.85rem}\n"
    "@media print{\n"
    "html{font-size:10.5pt}\n"
    "body{max-width:none;padding:0}\n"
    "nav{display:none}\n"
    "a{color:inherit;text-decoration:none}\n"
    "h2,h3{break-after:avoid}\n"
    "tr,li,figure,.card,.teaching{break-inside:avoid}\n"
    "td.fails,td.holds,.card{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "figure.graph{border:none;overflow:visible}\n"
    "@page{margin:1.5cm}\n"
    "}\n";

static void h(FILE *out, const char *s)
{
    report_escape_html(out, s);
}

static void h_prose(FILE *out, const char *s)
{
    char *flat = report_flatten(s);
    report_escape_html(out, flat);
    free(flat);
}

static const Analysis *sort_a; /* qsort context */
/* The decisions of the report being written (report_write_html_with sets it), shown beside
 * each item; NULL: none. A file-level context like sort_a: the writer is not re-entered. */
static const DecisionBook *decisions_shown;

/* Writes the decision on subject (owned: freed here) after an item, when there is one. */
static void item_decision(FILE *out, char *subject)
{
    minutes_html_item_decision(out, decisions_shown, subject);
    free(subject);
}

static int workload_order(const void *x, const void *y)
{
    const Workload *p = &sort_a->scenario->workloads[*(const size_t *)x];
    const Workload *q = &sort_a->scenario->workloads[*(const size_t *)y];
    int c = strcmp(p->host, q->host);
    if (!c) c = strcmp(p->tenant, q->tenant);
    return c ? c : strcmp(p->id, q->id);
}

static int str_order(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int technique_order(const void *x, const void *y)
{
    return strcmp(sort_a->catalog->techniques[*(const size_t *)x].id,
                  sort_a->catalog->techniques[*(const size_t *)y].id);
}

static size_t paths_shown(const Report *r)
{
    size_t n = r->analysis->n_paths;
    return r->max_paths && r->max_paths < n ? r->max_paths : n;
}

/* ---- running Graphviz -------------------------------------------------------------------- */

/* Removes every "<open ... close>" span from s in place. */
static void strip_spans(char *s, const char *open, const char *close)
{
    char *p;
    while ((p = strstr(s, open))) {
        char *end = strstr(p, close);
        if (!end) {
            *p = '\0';
            return;
        }
        end += strlen(close);
        memmove(p, end, strlen(end) + 1);
    }
}

/* Keeps the <svg>...</svg> element of dot's output, without comments and titles. Owned or
 * NULL. */
static char *clean_svg(char *raw)
{
    char *start = strstr(raw, "<svg");
    if (!start) return NULL;
    char *end = strstr(start, "</svg>");
    if (!end) return NULL;
    end[strlen("</svg>")] = '\0';
    char *svg = xstrdup(start);
    strip_spans(svg, "<!--", "-->");
    strip_spans(svg, "<title>", "</title>");
    return svg;
}

char *report_html_render_svg(const Report *r)
{
    FILE *in = tmpfile();
    if (!in) return NULL;
    report_write_dot(r, in);
    if (fflush(in) != 0 || lseek(fileno(in), 0, SEEK_SET) != 0) {
        fclose(in);
        return NULL;
    }
    int pfd[2];
    if (pipe(pfd) != 0) {
        fclose(in);
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fileno(in), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    posix_spawn_file_actions_addclose(&fa, pfd[1]);
    char *argv[] = {(char *)"dot", (char *)"-Tsvg", NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    fclose(in);
    if (rc != 0) {
        close(pfd[0]);
        return NULL;
    }
    size_t len = 0, cap = 65536;
    char *buf = xmalloc(cap + 1);
    bool too_big = false;
    for (;;) {
        if (len == cap) {
            if (cap >= SVG_MAX_BYTES) {
                too_big = true;
                break;
            }
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t n = read(pfd[0], buf + len, cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
    }
    close(pfd[0]);
    buf[len] = '\0';
    int status = 0;
    pid_t waited;
    do
        waited = waitpid(pid, &status, 0);
    while (waited < 0 && errno == EINTR);
    /* waitpid fails with ECHILD when SIGCHLD is ignored: judge by the output alone then */
    bool ok =
        !too_big && (waited < 0 ? errno == ECHILD : WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *svg = ok ? clean_svg(buf) : NULL;
    free(buf);
    return svg;
}

/* ---- sections ---------------------------------------------------------------------------- */

static void write_flagged(FILE *out, const bool *flags, size_t n,
                          const char *(*id)(const Scenario *, size_t), const Scenario *s)
{
    const char **ids = xcalloc(n + 1, sizeof *ids);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (flags[i]) ids[k++] = id(s, i);
    xqsort(ids, k, sizeof *ids, str_order);
    if (!k) fputs("none", out);
    for (size_t i = 0; i < k; i++) {
        if (i) fputs(", ", out);
        h(out, ids[i]);
    }
    free(ids);
}

static const char *host_id(const Scenario *s, size_t i)
{
    return s->hosts[i].id;
}
static const char *tenant_id(const Scenario *s, size_t i)
{
    return s->tenants[i].id;
}
static const char *workload_id(const Scenario *s, size_t i)
{
    return s->workloads[i].id;
}

static size_t count(const bool *flags, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += flags[i];
    return k;
}

static void card(FILE *out, bool bad, const char *label, size_t n, const char *of)
{
    fprintf(out, "<div class=\"card%s\"><span class=\"n\">%zu%s</span>%s</div>\n",
            bad ? " bad" : "", n, of, label);
}

static void write_summary(FILE *out, const Report *r)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    size_t failing = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        failing += a->boundaries[i].fails;
    size_t hosts = count(a->host_compromised, s->n_hosts);
    size_t tenants = count(a->tenant_exposed, s->n_tenants);
    char of[32];
    fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n", out);
    snprintf(of, sizeof of, " / %zu", s->n_hosts);
    card(out, hosts > 0, "hosts compromised", hosts, of);
    card(out, tenants > 0, "tenants exposed", tenants, "");
    card(out, failing > 0, "boundaries fail", failing, "");
    card(out, false, "boundaries hold", a->n_boundaries - failing, "");
    card(out, a->paths_total > 0, "attack paths", a->paths_total, "");
    if (r->findings) card(out, r->findings->n > 0, "findings", r->findings->n, "");
    fputs("</div>\n<ul>\n<li>Hosts compromised: ", out);
    write_flagged(out, a->host_compromised, s->n_hosts, host_id, s);
    fputs("</li>\n<li>Tenants exposed: ", out);
    write_flagged(out, a->tenant_exposed, s->n_tenants, tenant_id, s);
    fputs("</li>\n<li>Attacker starts: ", out);
    write_flagged(out, a->is_start, s->n_workloads, workload_id, s);
    fputs("</li>\n</ul>\n</section>\n", out);
}

static void write_assumptions(FILE *out, const Analysis *a)
{
    const Scenario *s = a->scenario;
    fputs("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n<ul>\n", out);
    for (int i = 0; i < ASSUME_COUNT; i++)
        fprintf(out, "<li><code>%s</code> = <strong>%s</strong>: %s</li>\n",
                assumption_name((Assumption)i), s->assume[i] ? "true" : "false",
                assumption_text[i]);
    fputs("<li>Hardening (AppArmor, seccomp, RBAC, ...) raises the effort of a technique, never "
          "closes it.</li>\n",
          out);
    for (size_t w = 0; w < s->n_workloads; w++)
        for (size_t k = 0; k < s->workloads[w].notes.n; k++) {
            fputs("<li><span class=\"id\">", out);
            h(out, s->workloads[w].id);
            fputs("</span>: ", out);
            h(out, s->workloads[w].notes.items[k]);
            fputs("</li>\n", out);
        }
    fputs("</ul>\n</section>\n", out);
}

static void write_state(FILE *out, const DotGraph *g, uint32_t st)
{
    const Analysis *a = g->a;
    char *label = state_label(a, st);
    fprintf(out, "<span class=\"state%s\">", g->reached[st] ? "" : " unreached");
    h(out, label);
    fputs("</span>", out);
    free(label);
}

static void write_state_item(FILE *out, const DotGraph *g, uint32_t st)
{
    const Analysis *a = g->a;
    const Scenario *s = a->scenario;
    size_t owner = state_owner(a, st);
    fputs("<li>", out);
    write_state(out, g, st);
    if (!state_is_host(a, st)) {
        fputs(" <span class=\"muted\">tenant ", out);
        h(out, s->workloads[owner].tenant);
        if (a->is_start[owner] && st == report_dot_home_state(a, owner))
            fputs(", attacker start", out);
        if (!g->reached[st]) fputs(", not reached", out);
        fputs("</span>", out);
    }
    bool open = false;
    for (size_t i = g->edge_first[st]; i < g->edge_first[st + 1]; i++) {
        const Edge *e = &a->edges[g->edges[i]];
        if (!open) fputs("\n<ul>\n", out);
        open = true;
        bool breaks = report_dot_edge_breaks(a, e);
        fprintf(out, "<li%s>&rarr; ", breaks ? " class=\"breaks\"" : "");
        write_state(out, g, e->to);
        fputs(" by <span class=\"id\">", out);
        h(out, a->catalog->techniques[e->technique].id);
        fputs("</span>", out);
        if (breaks)
            fprintf(out, " (breaks %s)", boundary_name((BoundaryKind)e->crosses));
        else if (e->crosses == BOUNDARY_TENANT)
            fputs(" (crosses tenants)", out);
        fputs("</li>\n", out);
    }
    fputs(open ? "</ul>\n</li>\n" : "</li>\n", out);
}

static void write_graph_text(FILE *out, const Analysis *a, const DotGraph *g)
{
    const Scenario *s = a->scenario;
    fputs("<div class=\"graph-text\">\n", out);
    for (size_t i = 0; i < s->n_hosts; i++) {
        size_t hi = g->host_order[i];
        if (!report_dot_host_shown(g, hi)) continue;
        uint32_t hs = (uint32_t)(3 * s->n_workloads + 2 * hi);
        fputs("<h3>host ", out);
        h(out, s->hosts[hi].id);
        fprintf(out, " <span class=\"muted\">(%s, SSH %s)</span></h3>\n<ul>\n",
                os_name(s->hosts[hi].os), s->hosts[hi].ssh ? "on" : "off");
        for (size_t k = g->host_first[hi]; k < g->host_first[hi + 1]; k++) {
            size_t w = g->by_host[k];
            for (uint32_t st = (uint32_t)(3 * w); st < 3 * w + 3; st++)
                if (g->shown[st]) write_state_item(out, g, st);
        }
        for (uint32_t st = hs; st <= hs + 1; st++)
            if (g->shown[st]) write_state_item(out, g, st);
        fputs("</ul>\n", out);
    }
    fputs("</div>\n", out);
}

static void write_graph(FILE *out, const Report *r, HtmlGraph mode)
{
    const Analysis *a = r->analysis;
    DotGraph g;
    report_dot_graph_init(&g, a);
    fputs("<section id=\"graph\">\n<h2>Attack graph</h2>\n", out);
    fputs("<p class=\"muted\">States an attacker reaches from each start, grouped by host. Red "
          "steps break an isolation or host-volume boundary; dashed steps cross from a host into "
          "another tenant's workload.</p>\n",
          out);
    char *svg = NULL;
    bool too_big = g.n_nodes > HTML_GRAPH_MAX_NODES || g.n_edges > HTML_GRAPH_MAX_EDGES;
    if (mode == HTML_GRAPH_AUTO && !too_big) svg = report_html_render_svg(r);
    if (svg) {
        fputs("<figure class=\"graph\" role=\"img\" aria-label=\"Attack graph\">\n", out);
        fputs(svg, out);
        fputs("\n</figure>\n", out);
        free(svg);
    } else {
        if (too_big)
            fprintf(out,
                    "<p>The graph has %zu states and %zu steps, too many to draw legibly; here it "
                    "is as text.</p>\n",
                    g.n_nodes, g.n_edges);
        else if (mode == HTML_GRAPH_AUTO)
            fputs("<p>Graphviz <code>dot</code> was not found (or failed), so the graph is "
                  "given as text; <code>breakout analyze --format dot</code> writes it for "
                  "drawing.</p>\n",
                  out);
        else
            fputs("<p>The graph as text; <code>breakout analyze --format dot</code> writes it "
                  "for drawing.</p>\n",
                  out);
        write_graph_text(out, a, &g);
    }
    fputs("</section>\n", out);
    report_dot_graph_done(&g);
}

static void write_cell(FILE *out, const Analysis *a, const BoundaryResult *b)
{
    if (!b->fails) {
        fputs("<td class=\"holds\"><span class=\"verdict\">holds</span></td>", out);
        return;
    }
    fprintf(out,
            "<td class=\"fails\"><span class=\"verdict\">FAILS</span><span class=\"detail\">%s%s",
            servicing_name(b->servicing), b->attacked ? ", attacked" : "");
    fputs("<br>", out);
    for (size_t k = 0; k < b->n_techniques; k++) {
        if (k) fputs(", ", out);
        fputs("<span class=\"id\">", out);
        h(out, a->catalog->techniques[b->techniques[k]].id);
        fputs("</span>", out);
    }
    if (decisions_shown) item_decision(out, subject_of_boundary(a, b));
    fputs("</span></td>", out);
}

static void write_matrix(FILE *out, const Analysis *a, const size_t *order)
{
    const Scenario *s = a->scenario;
    fputs("<section id=\"matrix\">\n<h2>Boundary matrix</h2>\n", out);
    fputs("<p class=\"muted\">Each boundary is judged for an attacker inside the workload; "
          "<em>attacked</em> means an attacker starts there or reaches it.</p>\n",
          out);
    fputs("<table>\n<thead><tr><th>Host</th><th>Tenant</th><th>Workload</th><th>Isolation</th>"
          "<th>Host volume</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < s->n_workloads; i++) {
        size_t w = order[i];
        const Workload *wl = &s->workloads[w];
        fputs("<tr><td class=\"id\">", out);
        h(out, wl->host);
        fputs("</td><td class=\"id\">", out);
        h(out, wl->tenant);
        fputs("</td><td><span class=\"id\">", out);
        h(out, wl->id);
        fprintf(out, "</span><br><span class=\"muted\">%s, %s%s</span></td>",
                isolation_name(wl->isolation), account_name(wl->account),
                a->is_start[w] ? ", attacker start" : "");
        write_cell(out, a, analysis_boundary(a, w, BOUNDARY_ISOLATION));
        write_cell(out, a, analysis_boundary(a, w, BOUNDARY_HOST_VOLUME));
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    bool any = false;
    for (size_t i = 0; i < s->n_workloads; i++) {
        size_t w = order[i];
        for (int kind = BOUNDARY_ISOLATION; kind <= BOUNDARY_HOST_VOLUME; kind++) {
            const BoundaryResult *b = analysis_boundary(a, w, (BoundaryKind)kind);
            if (b->fails) continue;
            if (!any) fputs("<h3>Why the holding boundaries hold</h3>\n<ul>\n", out);
            any = true;
            fputs("<li><span class=\"id\">", out);
            h(out, s->workloads[w].id);
            fprintf(out, "</span>, %s:", boundary_name((BoundaryKind)kind));
            if (!b->n_why_not) fputs(" no technique applies", out);
            if (b->n_why_not) fputs("\n<ul>\n", out);
            for (size_t k = 0; k < b->n_why_not; k++) {
                fputs("<li><span class=\"id\">", out);
                h(out, a->catalog->techniques[b->why_not[k].technique].id);
                fputs("</span>: ", out);
                h(out, b->why_not[k].reason);
                fputs("</li>\n", out);
            }
            fputs(b->n_why_not ? "</ul>\n</li>\n" : "</li>\n", out);
        }
    }
    if (any) fputs("</ul>\n", out);
    fputs("</section>\n", out);
}

static void write_exposure(FILE *out, const Analysis *a)
{
    const Scenario *s = a->scenario;
    fputs("<section id=\"exposure\">\n<h2>Tenant exposure</h2>\n", out);
    if (!a->n_exposure) fputs("<p>No tenant reaches another.</p>\n", out);
    if (a->n_exposure) fputs("<ul>\n", out);
    for (size_t i = 0; i < a->n_exposure; i++) {
        const Exposure *e = &a->exposure[i];
        fputs("<li><span class=\"id\">", out);
        h(out, s->tenants[e->from].id);
        fputs("</span> &rarr; <span class=\"id\">", out);
        h(out, s->tenants[e->to].id);
        fputs("</span> through ", out);
        for (size_t k = 0; k < e->n_hosts; k++) {
            if (k) fputs(", ", out);
            fputs("<span class=\"id\">", out);
            h(out, s->hosts[e->hosts[k]].id);
            fputs("</span>", out);
        }
        fputs("</li>\n", out);
    }
    if (a->n_exposure) fputs("</ul>\n", out);
    fputs("</section>\n", out);
}

static void write_paths(FILE *out, const Report *r)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    size_t shown = paths_shown(r);
    fprintf(out,
            "<section id=\"paths\">\n<h2>Attack paths <span class=\"muted\">(%zu of %zu, lowest "
            "effort first)</span></h2>\n",
            shown, a->paths_total);
    if (!shown) fputs("<p>No start reaches a host or another tenant.</p>\n", out);
    for (size_t i = 0; i < shown; i++) {
        const Path *p = &a->paths[i];
        fprintf(out, "<h3>Path %zu: <span class=\"id\">", i + 1);
        h(out, s->workloads[p->start].id);
        fprintf(out, "</span> &rarr; %s <span class=\"id\">",
                p->kind == TARGET_HOST ? "host" : "tenant");
        h(out, p->kind == TARGET_HOST ? s->hosts[p->target].id : s->tenants[p->target].id);
        fprintf(out, "</span> <span class=\"muted\">(effort %d)</span>", p->effort);
        if (decisions_shown) item_decision(out, subject_of_path(a, p));
        fputs("</h3>\n<ol class=\"hops\">\n", out);
        for (size_t k = 0; k < p->n_steps; k++) {
            const Edge *e = &a->edges[p->steps[k]];
            const Technique *t = &a->catalog->techniques[e->technique];
            char *from = state_label(a, e->from), *to = state_label(a, e->to);
            bool breaks = report_dot_edge_breaks(a, e);
            fputs("<li>", out);
            h(out, from);
            fputs(" &rarr; ", out);
            h(out, to);
            fprintf(out, " by <a href=\"#t%zu\"><strong>", (size_t)e->technique);
            h(out, t->name);
            fputs("</strong></a> (<span class=\"id\">", out);
            h(out, t->id);
            fprintf(out, "</span>, effort %d)", e->effort);
            if (e->crosses != BOUNDARY_NONE) {
                fprintf(out, "; <span%s>crosses the %s boundary", breaks ? " class=\"breaks\"" : "",
                        boundary_name((BoundaryKind)e->crosses));
                if (e->servicing != SERVICING_NONE)
                    fprintf(out, " (%s)", servicing_name((Servicing)e->servicing));
                fputs("</span>", out);
            }
            if (e->mount >= 0) {
                fputs(" through the mount <span class=\"id\">", out);
                h(out, s->workloads[state_owner(a, e->from)].mounts[e->mount].host_path);
                fputs("</span>", out);
            }
            fputs("</li>\n", out);
            free(from);
            free(to);
        }
        fputs("</ol>\n", out);
    }
    fputs("</section>\n", out);
}

static bool *techniques_used(const Report *r)
{
    const Analysis *a = r->analysis;
    bool *used = xcalloc(a->catalog->n + 1, sizeof *used);
    for (size_t i = 0; i < paths_shown(r); i++)
        for (size_t k = 0; k < a->paths[i].n_steps; k++)
            used[a->edges[a->paths[i].steps[k]].technique] = true;
    for (size_t i = 0; i < a->n_boundaries; i++)
        if (a->boundaries[i].fails)
            for (size_t k = 0; k < a->boundaries[i].n_techniques; k++)
                used[a->boundaries[i].techniques[k]] = true;
    return used;
}

static void write_techniques(FILE *out, const Analysis *a, const bool *used)
{
    const Catalog *c = a->catalog;
    size_t *order = xcalloc(c->n + 1, sizeof *order), n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (used[i]) order[n++] = i;
    sort_a = a;
    xqsort(order, n, sizeof *order, technique_order);
    fputs("<section id=\"techniques\">\n<h2>Why these techniques work</h2>\n", out);
    if (!n) fputs("<p>No technique breaks a boundary here.</p>\n", out);
    for (size_t i = 0; i < n; i++) {
        const Technique *t = &c->techniques[order[i]];
        fprintf(out, "<h3 id=\"t%zu\">", order[i]);
        h(out, t->name);
        fputs(" <span class=\"muted id\">(", out);
        h(out, t->id);
        fprintf(out, ")</span></h3>\n<p class=\"muted\">Boundary: %s", boundary_name(t->boundary));
        if (t->servicing != SERVICING_NONE) {
            fprintf(out, "; servicing: %s", servicing_name(t->servicing));
            if (t->servicing_admin != t->servicing && t->servicing_admin != SERVICING_NONE)
                fprintf(out, " (%s from an admin attacker)", servicing_name(t->servicing_admin));
        }
        fprintf(out, "; effort %d of 5</p>\n<p class=\"teaching\">", t->effort);
        h_prose(out, t->teaching);
        fputs("</p>\n", out);
        if (t->closed_by.n) {
            fputs("<p><strong>Closed by:</strong> ", out);
            for (size_t k = 0; k < t->closed_by.n; k++) {
                if (k) fputs("; ", out);
                h_prose(out, t->closed_by.items[k]);
            }
            fputs("</p>\n", out);
        }
        fputs("<p class=\"muted\">Source: ", out);
        h_prose(out, t->source);
        fputs("</p>\n", out);
    }
    fputs("</section>\n", out);
    free(order);
}

static void write_findings(FILE *out, const Analysis *a, const Findings *f)
{
    const Scenario *s = a->scenario;
    fprintf(out,
            "<section id=\"findings\">\n<h2>Findings <span class=\"muted\">(%zu)</span></h2>\n",
            f->n);
    if (!f->n) fputs("<p>None.</p>\n", out);
    if (f->n) fputs("<ol>\n", out);
    for (size_t i = 0; i < f->n; i++) {
        const Finding *x = &f->items[i];
        fprintf(out,
                "<li><span class=\"sev sev-%s\">%s</span> <strong>%s</strong> <span "
                "class=\"muted id\">(%s)</span><br>",
                severity_name(x->severity), severity_name(x->severity), finding_title(x->kind),
                finding_kind_id(x->kind));
        h(out, x->detail);
        fputs(".<br><span class=\"muted\">Host <span class=\"id\">", out);
        h(out, s->hosts[x->host].id);
        fputs("</span>", out);
        if (x->n_workloads) fputs(x->n_workloads > 1 ? "; workloads " : "; workload ", out);
        for (size_t k = 0; k < x->n_workloads; k++) {
            if (k) fputs(", ", out);
            fputs("<span class=\"id\">", out);
            h(out, s->workloads[x->workloads[k]].id);
            fputs("</span>", out);
        }
        if (x->n_tenants) fputs(x->n_tenants > 1 ? "; tenants " : "; tenant ", out);
        for (size_t k = 0; k < x->n_tenants; k++) {
            if (k) fputs(", ", out);
            fputs("<span class=\"id\">", out);
            h(out, s->tenants[x->tenants[k]].id);
            fputs("</span>", out);
        }
        fputs(". Source: ", out);
        h(out, finding_source(x->kind));
        fputs("</span>", out);
        if (decisions_shown) item_decision(out, subject_of_finding(a, x));
        fputs("</li>\n", out);
    }
    if (f->n) fputs("</ol>\n", out);
    fputs("</section>\n", out);
}

static void write_plan(FILE *out, const Analysis *a, const FixPlan *p)
{
    fputs("<section id=\"plan\">\n<h2>Fix plan</h2>\n", out);
    fprintf(out,
            "<p>The %s over %zu candidate changes that closes every path a change can "
            "close.</p>\n",
            p->exact ? "exact minimum" : "greedy plan (not proven minimal)", p->n_candidates);
    if (!p->n_items)
        fputs(p->paths_before ? "<p>No change closes a path.</p>\n"
                              : "<p>Nothing to fix: no paths.</p>\n",
              out);
    if (p->n_items) fputs("<ol>\n", out);
    for (size_t i = 0; i < p->n_items; i++) {
        char *d = change_describe(a->scenario, &p->items[i].change);
        fputs("<li><strong>", out);
        h(out, d);
        fprintf(out, "</strong> <span class=\"muted\">(closes %zu of %zu paths on its own)</span>",
                p->items[i].n_closes, p->paths_before);
        if (decisions_shown)
            item_decision(out, subject_of_change(a->scenario, &p->items[i].change));
        fputs("</li>\n", out);
        free(d);
    }
    if (p->n_items) fputs("</ol>\n", out);
    if (p->n_unclosable) {
        fprintf(out, "<p>Unclosable by these changes (%zu):</p>\n<ul>\n", p->n_unclosable);
        for (size_t i = 0; i < p->n_unclosable; i++) {
            fputs("<li><span class=\"id\">", out);
            h(out, p->unclosable[i].from);
            fputs("</span> &rarr; <span class=\"id\">", out);
            h(out, p->unclosable[i].to);
            fputs("</span></li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    fputs("</section>\n", out);
}

static void write_inventory(FILE *out, const Analysis *a, const size_t *order)
{
    const Scenario *s = a->scenario;
    fputs("<section id=\"inventory\">\n<h2>Inventory</h2>\n<h3>Tenants</h3>\n<table>\n"
          "<thead><tr><th>Tenant</th><th>Name</th><th>Trust</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t t = 0; t < s->n_tenants; t++) {
        fputs("<tr><td class=\"id\">", out);
        h(out, s->tenants[t].id);
        fputs("</td><td>", out);
        h(out, s->tenants[t].name);
        fprintf(out, "</td><td>%s</td></tr>\n", trust_name(s->tenants[t].trust));
    }
    fputs("</tbody>\n</table>\n<h3>Hosts</h3>\n<table>\n<thead><tr><th>Host</th><th>OS</th>"
          "<th>SSH</th><th>Users</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t hi = 0; hi < s->n_hosts; hi++) {
        const Host *ho = &s->hosts[hi];
        fputs("<tr><td class=\"id\">", out);
        h(out, ho->id);
        fprintf(out, "</td><td>%s</td><td>%s</td><td>", os_name(ho->os), ho->ssh ? "on" : "off");
        for (size_t u = 0; u < ho->n_users; u++) {
            h(out, ho->users[u].name);
            fputs(ho->users[u].admin ? " (admin), " : ", ", out);
        }
        fprintf(out, "%s (admin, implicit)</td></tr>\n",
                ho->os == OS_WINDOWS ? "Administrator" : "root");
    }
    fputs("</tbody>\n</table>\n<h3>Workloads</h3>\n<table>\n<thead><tr><th>Workload</th>"
          "<th>Tenant</th><th>Host</th><th>Isolation</th><th>Account</th><th>Flags</th>"
          "<th>Mounts</th><th>Hardening</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < s->n_workloads; i++) {
        size_t w = order[i];
        const Workload *wl = &s->workloads[w];
        fputs("<tr><td class=\"id\">", out);
        h(out, wl->id);
        fputs("</td><td class=\"id\">", out);
        h(out, wl->tenant);
        fputs("</td><td class=\"id\">", out);
        h(out, wl->host);
        fprintf(out, "</td><td>%s</td><td>%s</td><td>", isolation_name(wl->isolation),
                account_name(wl->account));
        const char *sep = "";
        const char *flags[] = {
            a->is_start[w] ? "attacker start" : NULL,
            wl->privileged ? "privileged" : NULL,
            wl->compromised ? "compromised" : NULL,
            wl->host_namespaces & HOSTNS_PID ? "host PID" : NULL,
            wl->host_namespaces & HOSTNS_NETWORK ? "host network" : NULL,
            wl->host_namespaces & HOSTNS_IPC ? "host IPC" : NULL,
        };
        for (size_t k = 0; k < sizeof flags / sizeof *flags; k++)
            if (flags[k]) {
                fprintf(out, "%s%s", sep, flags[k]);
                sep = ", ";
            }
        for (size_t k = 0; k < wl->capabilities.n; k++) {
            fprintf(out, "%sCAP_", sep);
            h(out, wl->capabilities.items[k]);
            sep = ", ";
        }
        if (!*sep) fputs("none", out);
        fputs("</td><td>", out);
        if (!wl->n_mounts) fputs("none", out);
        for (size_t m = 0; m < wl->n_mounts; m++) {
            if (m) fputs("<br>", out);
            fputs("<span class=\"id\">", out);
            h(out, wl->mounts[m].host_path);
            fputs("</span>", out);
            if (wl->mounts[m].path) {
                fputs(" &rarr; <span class=\"id\">", out);
                h(out, wl->mounts[m].path);
                fputs("</span>", out);
            }
            fputs(wl->mounts[m].read_only ? " (read-only)" : " (read-write)", out);
        }
        fputs("</td><td>", out);
        if (!wl->hardening.n) fputs("none", out);
        for (size_t k = 0; k < wl->hardening.n; k++) {
            if (k) fputs(", ", out);
            h(out, wl->hardening.items[k]);
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
}

static void add_source(const char ***list, size_t *n, size_t *cap, const char *src)
{
    if (!src || !*src) return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], src) == 0) return;
    xgrow((void **)list, cap, *n + 1, sizeof **list);
    (*list)[(*n)++] = src;
}

static void write_sources(FILE *out, const Report *r, const bool *used)
{
    const Analysis *a = r->analysis;
    const char **list = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < a->catalog->n; i++)
        if (used[i]) add_source(&list, &n, &cap, a->catalog->techniques[i].source);
    if (r->findings)
        for (size_t i = 0; i < r->findings->n; i++)
            add_source(&list, &n, &cap, finding_source(r->findings->items[i].kind));
    xqsort(list, n, sizeof *list, str_order);
    fputs("<section id=\"sources\">\n<h2>Sources cited</h2>\n<ul>\n", out);
    fputs("<li>Microsoft, <cite>Secure Windows containers</cite>: the source every rule of "
          "breakout traces to, with its container security servicing criteria.</li>\n",
          out);
    for (size_t i = 0; i < n; i++) {
        fputs("<li>", out);
        h_prose(out, list[i]);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n</section>\n", out);
    free(list);
}

void report_write_html(const Report *r, FILE *out)
{
    report_write_html_with(r, out, HTML_GRAPH_AUTO);
}

void report_write_html_with(const Report *r, FILE *out, HtmlGraph graph)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    size_t *order = xcalloc(s->n_workloads + 1, sizeof *order);
    for (size_t i = 0; i < s->n_workloads; i++)
        order[i] = i;
    sort_a = a;
    xqsort(order, s->n_workloads, sizeof *order, workload_order);
    decisions_shown = r->decisions;

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"generator\" content=\"breakout\">\n<title>Threat model: ",
          out);
    h(out, s->name);
    fprintf(out,
            "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>Threat model: ", css);
    h(out, s->name);
    fputs("</h1>\n", out);
    if (s->description && *s->description) {
        fputs("<p class=\"lead\">", out);
        h_prose(out, s->description);
        fputs("</p>\n", out);
    }
    fputs("</header>\n<nav>\n<ol>\n<li><a href=\"#summary\">Summary</a></li>\n"
          "<li><a href=\"#assumptions\">Assumptions</a></li>\n"
          "<li><a href=\"#graph\">Attack graph</a></li>\n"
          "<li><a href=\"#matrix\">Boundary matrix</a></li>\n"
          "<li><a href=\"#exposure\">Tenant exposure</a></li>\n"
          "<li><a href=\"#paths\">Attack paths</a></li>\n"
          "<li><a href=\"#techniques\">Why these techniques work</a></li>\n",
          out);
    if (r->findings) fputs("<li><a href=\"#findings\">Findings</a></li>\n", out);
    if (r->plan) fputs("<li><a href=\"#plan\">Fix plan</a></li>\n", out);
    if (r->decisions) fputs("<li><a href=\"#decisions\">Decisions</a></li>\n", out);
    fputs("<li><a href=\"#inventory\">Inventory</a></li>\n"
          "<li><a href=\"#sources\">Sources cited</a></li>\n</ol>\n</nav>\n<main>\n",
          out);
    write_summary(out, r);
    write_assumptions(out, a);
    write_graph(out, r, graph);
    write_matrix(out, a, order);
    write_exposure(out, a);
    write_paths(out, r);
    bool *used = techniques_used(r);
    write_techniques(out, a, used);
    if (r->findings) write_findings(out, a, r->findings);
    if (r->plan) write_plan(out, a, r->plan);
    minutes_html_report_section(out, r->decisions, a, r->findings, r->plan);
    write_inventory(out, a, order);
    write_sources(out, r, used);
    free(used);
    fputs(
        "</main>\n<footer class=\"muted\"><p>Written by breakout. Every boundary is judged for an "
        "attacker inside the workload; every technique cites its source.</p></footer>\n"
        "</body>\n</html>\n",
        out);
    free(order);
    decisions_shown = NULL;
}
