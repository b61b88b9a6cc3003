/* The DOT attack graph: see report_dot.h. */
#include "report_dot.h"

#include <stdlib.h>
#include <string.h>

#include "report_escape.h"
#include "xalloc.h"

uint32_t report_dot_home_state(const Analysis *a, size_t w)
{
    return (uint32_t)(3 * w + (a->scenario->workloads[w].account == ACCOUNT_ADMIN ? 1 : 0));
}

bool report_dot_edge_breaks(const Analysis *a, const Edge *e)
{
    if (state_is_host(a, e->from)) return false;
    if (!state_is_host(a, e->to) && state_owner(a, e->to) == state_owner(a, e->from)) return false;
    return e->crosses == BOUNDARY_ISOLATION || e->crosses == BOUNDARY_HOST_VOLUME;
}

static const Analysis *sort_a; /* qsort context */

static int edge_index_order(const void *x, const void *y)
{
    const Edge *p = &sort_a->edges[*(const uint32_t *)x];
    const Edge *q = &sort_a->edges[*(const uint32_t *)y];
    if (p->from != q->from) return p->from < q->from ? -1 : 1;
    int c = strcmp(sort_a->catalog->techniques[p->technique].id,
                   sort_a->catalog->techniques[q->technique].id);
    if (c) return c;
    return p->to < q->to ? -1 : p->to > q->to;
}

static int host_order(const void *x, const void *y)
{
    return strcmp(sort_a->scenario->hosts[*(const size_t *)x].id,
                  sort_a->scenario->hosts[*(const size_t *)y].id);
}

void report_dot_graph_init(DotGraph *g, const Analysis *a)
{
    const Scenario *s = a->scenario;
    size_t n = a->n_states;
    memset(g, 0, sizeof *g);
    g->a = a;
    g->reached = xcalloc(n + 1, sizeof *g->reached);
    g->shown = xcalloc(n + 1, sizeof *g->shown);
    g->depth = xcalloc(n + 1, sizeof *g->depth);
    for (size_t i = 0; i < n; i++)
        g->depth[i] = UINT32_MAX;
    /* adjacency (CSR) over the edges, which need not be sorted here */
    size_t *first = xcalloc(n + 2, sizeof *first);
    for (size_t i = 0; i < a->n_edges; i++)
        first[a->edges[i].from + 1]++;
    for (size_t i = 0; i < n; i++)
        first[i + 1] += first[i];
    size_t *fill = xcalloc(n + 1, sizeof *fill);
    uint32_t *adj = xcalloc(a->n_edges + 1, sizeof *adj);
    for (size_t i = 0; i < a->n_edges; i++) {
        uint32_t f = a->edges[i].from;
        adj[first[f] + fill[f]++] = (uint32_t)i;
    }
    free(fill);

    uint32_t *queue = xcalloc(n + 1, sizeof *queue);
    size_t head = 0, tail = 0;
    for (size_t w = 0; w < s->n_workloads; w++) {
        uint32_t st = report_dot_home_state(a, w);
        if (a->is_start[w] && !g->reached[st]) {
            g->reached[st] = true;
            g->depth[st] = 0;
            queue[tail++] = st;
        }
    }
    while (head < tail) {
        uint32_t v = queue[head++];
        for (size_t k = first[v]; k < first[v + 1]; k++) {
            uint32_t to = a->edges[adj[k]].to;
            if (!g->reached[to]) {
                g->reached[to] = true;
                g->depth[to] = g->depth[v] + 1;
                queue[tail++] = to;
            }
        }
    }
    free(queue);

    g->edges = xcalloc(a->n_edges + 1, sizeof *g->edges);
    for (size_t i = 0; i < a->n_edges; i++)
        if (g->reached[a->edges[i].from]) g->edges[g->n_edges++] = (uint32_t)i;
    sort_a = a;
    xqsort(g->edges, g->n_edges, sizeof *g->edges, edge_index_order);
    size_t k = 0; /* drop repeats of (from, to, technique), e.g. through two mounts */
    for (size_t i = 0; i < g->n_edges; i++) {
        const Edge *e = &a->edges[g->edges[i]];
        if (k) {
            const Edge *p = &a->edges[g->edges[k - 1]];
            if (p->from == e->from && p->to == e->to && p->technique == e->technique) continue;
        }
        g->edges[k++] = g->edges[i];
    }
    g->n_edges = k;
    for (size_t i = 0; i < n; i++)
        g->shown[i] = g->reached[i];
    for (size_t w = 0; w < s->n_workloads; w++)
        if (!g->reached[3 * w] && !g->reached[3 * w + 1] && !g->reached[3 * w + 2])
            g->shown[report_dot_home_state(a, w)] = true;
    for (size_t i = 0; i < n; i++)
        g->n_nodes += g->shown[i];
    free(first);
    free(adj);

    g->edge_first = xcalloc(n + 2, sizeof *g->edge_first);
    for (size_t i = 0; i < g->n_edges; i++)
        g->edge_first[a->edges[g->edges[i]].from + 1]++;
    for (size_t i = 0; i < n; i++)
        g->edge_first[i + 1] += g->edge_first[i];
    /* workloads by host: a counting sort keeps scenario order within a host */
    size_t nh = s->n_hosts;
    g->host_first = xcalloc(nh + 2, sizeof *g->host_first);
    g->by_host = xcalloc(s->n_workloads + 1, sizeof *g->by_host);
    for (size_t w = 0; w < s->n_workloads; w++)
        g->host_first[a->host_of[w] + 1]++;
    for (size_t h = 0; h < nh; h++)
        g->host_first[h + 1] += g->host_first[h];
    size_t *fill_h = xcalloc(nh + 1, sizeof *fill_h);
    for (size_t w = 0; w < s->n_workloads; w++) {
        size_t h = a->host_of[w];
        g->by_host[g->host_first[h] + fill_h[h]++] = w;
    }
    free(fill_h);
    g->host_order = xcalloc(nh + 1, sizeof *g->host_order);
    for (size_t h = 0; h < nh; h++)
        g->host_order[h] = h;
    sort_a = a;
    xqsort(g->host_order, nh, sizeof *g->host_order, host_order);
}

bool report_dot_host_shown(const DotGraph *g, size_t h)
{
    const Analysis *a = g->a;
    uint32_t hs = (uint32_t)(3 * a->scenario->n_workloads + 2 * h);
    if (g->shown[hs] || g->shown[hs + 1]) return true;
    for (size_t i = g->host_first[h]; i < g->host_first[h + 1]; i++) {
        size_t w = g->by_host[i];
        if (g->shown[3 * w] || g->shown[3 * w + 1] || g->shown[3 * w + 2]) return true;
    }
    return false;
}

void report_dot_graph_done(DotGraph *g)
{
    free(g->reached);
    free(g->shown);
    free(g->depth);
    free(g->edges);
    free(g->edge_first);
    free(g->host_first);
    free(g->by_host);
    free(g->host_order);
    memset(g, 0, sizeof *g);
}

static void write_node(FILE *out, const DotGraph *g, uint32_t st)
{
    const Analysis *a = g->a;
    const Scenario *s = a->scenario;
    size_t owner = state_owner(a, st);
    char *label = state_label(a, st);
    fprintf(out, "    s%u [label=\"", (unsigned)st);
    report_escape_dot(out, label);
    free(label);
    if (state_is_host(a, st)) {
        fputs("\", shape=box, style=\"filled,bold\", fillcolor=\"#fde0dc\"];\n", out);
        return;
    }
    fputs("\\ntenant ", out);
    report_escape_dot(out, s->workloads[owner].tenant);
    fputc('"', out);
    bool start = a->is_start[owner] && st == report_dot_home_state(a, owner);
    if (start)
        fputs(", peripheries=2, style=\"rounded,bold\"", out);
    else if (!g->reached[st])
        fputs(", style=\"rounded,dashed\", color=\"#777777\", fontcolor=\"#555555\"", out);
    else if (state_level(a, st) == LEVEL_VM)
        fputs(", style=\"rounded,filled\", fillcolor=\"#eeeeee\"", out);
    fputs("];\n", out);
}

void report_write_dot(const Report *r, FILE *out)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    DotGraph g;
    report_dot_graph_init(&g, a);

    fputs("digraph \"breakout\" {\n", out);
    fputs("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=16, labelloc=t, "
          "nodesep=0.4, ranksep=0.9, label=\"",
          out);
    report_escape_dot(out, s->name);
    fputs("\\nred: breaks a boundary; dashed: tenant step; double border: attacker start; "
          "grey dashed: not reached\"];\n",
          out);
    fputs("  node [fontname=\"Helvetica\", fontsize=12, shape=box, style=rounded];\n", out);
    fputs("  edge [fontname=\"Helvetica\", fontsize=10];\n", out);

    /* clusters: one per host holding a drawn state, in host id order */
    for (size_t i = 0; i < s->n_hosts; i++) {
        size_t h = g.host_order[i];
        if (!report_dot_host_shown(&g, h)) continue;
        const Host *ho = &s->hosts[h];
        uint32_t hs = (uint32_t)(3 * s->n_workloads + 2 * h);
        fprintf(out, "  subgraph \"cluster_h%zu\" {\n    label=\"host ", h);
        report_escape_dot(out, ho->id);
        fprintf(out, " (%s, SSH %s)\";\n    style=\"rounded\"; color=\"#444444\";\n",
                os_name(ho->os), ho->ssh ? "on" : "off");
        for (uint32_t st = hs; st <= hs + 1; st++)
            if (g.shown[st]) write_node(out, &g, st);
        for (size_t k = g.host_first[h]; k < g.host_first[h + 1]; k++) {
            size_t w = g.by_host[k];
            for (uint32_t st = (uint32_t)(3 * w); st < 3 * w + 3; st++)
                if (g.shown[st]) write_node(out, &g, st);
        }
        fputs("  }\n", out);
    }

    for (size_t i = 0; i < g.n_edges; i++) {
        const Edge *e = &a->edges[g.edges[i]];
        fprintf(out, "  s%u -> s%u [label=\"", (unsigned)e->from, (unsigned)e->to);
        report_escape_dot(out, a->catalog->techniques[e->technique].id);
        fputc('"', out);
        if (report_dot_edge_breaks(a, e))
            fputs(", color=\"#c62828\", fontcolor=\"#c62828\", penwidth=2.5", out);
        else if (e->crosses == BOUNDARY_TENANT)
            fputs(", style=dashed", out);
        else
            fputs(", color=\"#555555\"", out);
        if (g.depth[e->to] <= g.depth[e->from]) fputs(", constraint=false", out);
        fputs("];\n", out);
    }
    fputs("}\n", out);
    report_dot_graph_done(&g);
}
