/* The text report: see report_text.h. */
#include "report_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "utf8.h"
#include "xalloc.h"

typedef struct {
    FILE *out;
    bool colour;
    const DecisionBook *decisions; /* the report's, or NULL */
} Out;

#define C_RESET "\033[0m"
#define C_BOLD  "\033[1m"
#define C_RED   "\033[1;31m"
#define C_GREEN "\033[32m"
#define C_DIM   "\033[2m"

static const char *col(const Out *o, const char *code)
{
    return o->colour ? code : "";
}

/* Prints a user string safely. */
static void put_safe(const Out *o, const char *s)
{
    char *safe = utf8_sanitize(s ? s : "");
    fputs(safe, o->out);
    free(safe);
}

/* Prints the current decision on subject (owned: freed here) on a line after indent. */
static void write_decision(const Out *o, char *subject, const char *indent)
{
    size_t i = decision_book_find(o->decisions, subject);
    if (i != SIZE_MAX) {
        char *line = decision_book_describe(o->decisions, i);
        fprintf(o->out, "%sdecision: ", indent);
        put_safe(o, line);
        fputc('\n', o->out);
        free(line);
    }
    free(subject);
}

/* Every current decision, by subject, with who recorded it and when. */
static void write_decisions(const Out *o)
{
    const DecisionBook *b = o->decisions;
    fprintf(o->out, "\n%sDECISIONS%s (%zu item%s decided)\n", col(o, C_BOLD), col(o, C_RESET),
            b->n_current, b->n_current == 1 ? "" : "s");
    if (!b->n_current) fputs("  none recorded\n", o->out);
    for (size_t j = 0; j < b->n_current; j++) {
        size_t i = b->by_subject[j];
        const Decision *d = &b->list.items[i];
        char *label = subject_label(d->subject), *line = decision_book_describe(b, i);
        fputs("  ", o->out);
        put_safe(o, label);
        fputs("\n    ", o->out);
        put_safe(o, line);
        fputs("\n    by ", o->out);
        put_safe(o, d->author);
        fputs(", ", o->out);
        put_safe(o, d->created);
        fputc('\n', o->out);
        free(label);
        free(line);
    }
}

static const Analysis *sort_a; /* qsort context */

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

static void list_flagged(const Out *o, const bool *flags, size_t n,
                         const char *(*id)(const Scenario *, size_t), const Scenario *s)
{
    const char **ids = xcalloc(n + 1, sizeof *ids);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (flags[i]) ids[k++] = id(s, i);
    xqsort(ids, k, sizeof *ids, str_order);
    if (!k) fputs("none", o->out);
    for (size_t i = 0; i < k; i++) {
        if (i) fputs(", ", o->out);
        if (i == 20) {
            fprintf(o->out, "... (%zu more)", k - 20);
            break;
        }
        put_safe(o, ids[i]);
    }
    fputc('\n', o->out);
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

static void write_boundary(const Out *o, const Analysis *a, const BoundaryResult *b)
{
    fprintf(o->out, "      %-12s ", boundary_name(b->kind));
    if (b->fails) {
        fprintf(o->out, "%sFAILS%s  ", col(o, C_RED), col(o, C_RESET));
        for (size_t k = 0; k < b->n_techniques; k++)
            fprintf(o->out, "%s%s", k ? ", " : "", a->catalog->techniques[b->techniques[k]].id);
        fprintf(o->out, " (%s)%s\n", servicing_name(b->servicing), b->attacked ? ", attacked" : "");
        if (o->decisions) write_decision(o, subject_of_boundary(a, b), "                   ");
        return;
    }
    fprintf(o->out, "%sholds%s  ", col(o, C_GREEN), col(o, C_RESET));
    if (!b->n_why_not) fputs("no technique applies", o->out);
    for (size_t k = 0; k < b->n_why_not; k++) {
        if (k) fputs("\n                          ", o->out);
        fprintf(o->out, "%s: ", a->catalog->techniques[b->why_not[k].technique].id);
        put_safe(o, b->why_not[k].reason);
    }
    fputc('\n', o->out);
}

static void write_inventory(const Out *o, const Analysis *a)
{
    const Scenario *s = a->scenario;
    size_t *order = xcalloc(s->n_workloads + 1, sizeof *order);
    for (size_t i = 0; i < s->n_workloads; i++)
        order[i] = i;
    sort_a = a;
    xqsort(order, s->n_workloads, sizeof *order, workload_order);
    const char *host = NULL, *tenant = NULL;
    for (size_t i = 0; i < s->n_workloads; i++) {
        size_t w = order[i];
        const Workload *wl = &s->workloads[w];
        if (!host || strcmp(host, wl->host) != 0) {
            const Host *h = &s->hosts[a->host_of[w]];
            fprintf(o->out, "\n%sHOST ", col(o, C_BOLD));
            put_safe(o, h->id);
            fprintf(o->out, "%s (%s, SSH %s)%s\n", "", os_name(h->os), h->ssh ? "on" : "off",
                    col(o, C_RESET));
            host = wl->host;
            tenant = NULL;
        }
        if (!tenant || strcmp(tenant, wl->tenant) != 0) {
            const Tenant *t = &s->tenants[a->tenant_of[w]];
            fputs("  tenant ", o->out);
            put_safe(o, t->id);
            fprintf(o->out, " (%s)\n", trust_name(t->trust));
            tenant = wl->tenant;
        }
        fputs("    ", o->out);
        put_safe(o, wl->id);
        fprintf(o->out, "  %s, %s%s%s\n", isolation_name(wl->isolation), account_name(wl->account),
                wl->privileged ? ", privileged" : "", a->is_start[w] ? "  [start]" : "");
        for (size_t k = 0; k < wl->notes.n; k++) {
            fputs("      assumed:     ", o->out);
            put_safe(o, wl->notes.items[k]);
            fputc('\n', o->out);
        }
        write_boundary(o, a, analysis_boundary(a, w, BOUNDARY_ISOLATION));
        write_boundary(o, a, analysis_boundary(a, w, BOUNDARY_HOST_VOLUME));
    }
    free(order);
}

static void write_findings(const Out *o, const Analysis *a, const Findings *f)
{
    fprintf(o->out, "\n%sFINDINGS%s (%zu)\n", col(o, C_BOLD), col(o, C_RESET), f->n);
    if (!f->n) fputs("  none\n", o->out);
    for (size_t i = 0; i < f->n; i++) {
        const Finding *x = &f->items[i];
        fprintf(o->out, "  %s%-6s%s %s: ", x->severity == SEVERITY_HIGH ? col(o, C_RED) : "",
                severity_name(x->severity), x->severity == SEVERITY_HIGH ? col(o, C_RESET) : "",
                finding_kind_id(x->kind));
        put_safe(o, x->detail);
        fprintf(o->out, "\n         %s%s%s\n", col(o, C_DIM), finding_source(x->kind),
                col(o, C_RESET));
        if (o->decisions) write_decision(o, subject_of_finding(a, x), "         ");
    }
    (void)a;
}

static void write_plan(const Out *o, const Analysis *a, const FixPlan *p)
{
    if (p->skipped) {
        fprintf(o->out,
                "\n%sFIX PLAN%s not searched: %zu candidate changes, more than --plan-limit "
                "(--plan-limit 0 searches it)\n",
                col(o, C_BOLD), col(o, C_RESET), p->n_candidates);
        return;
    }
    fprintf(o->out, "\n%sFIX PLAN%s (%s minimum over %zu candidate changes)\n", col(o, C_BOLD),
            col(o, C_RESET), p->exact ? "exact" : "greedy, not proven", p->n_candidates);
    if (!p->n_items)
        fputs(p->paths_before ? "  no change closes a path\n" : "  nothing to fix: no paths\n",
              o->out);
    for (size_t i = 0; i < p->n_items; i++) {
        char *d = change_describe(a->scenario, &p->items[i].change);
        fprintf(o->out, "  %zu. ", i + 1);
        put_safe(o, d);
        fprintf(o->out, "  (closes %zu of %zu paths on its own)\n", p->items[i].n_closes,
                p->paths_before);
        free(d);
        if (o->decisions)
            write_decision(o, subject_of_change(a->scenario, &p->items[i].change), "     ");
    }
    if (p->n_unclosable) {
        fprintf(o->out, "  unclosable by these changes (%zu):\n", p->n_unclosable);
        for (size_t i = 0; i < p->n_unclosable; i++) {
            fputs("    ", o->out);
            put_safe(o, p->unclosable[i].from);
            fputs(" -> ", o->out);
            put_safe(o, p->unclosable[i].to);
            fputc('\n', o->out);
        }
    }
}

static void write_paths(const Out *o, const Report *r)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    size_t shown = r->max_paths && r->max_paths < a->n_paths ? r->max_paths : a->n_paths;
    fprintf(o->out, "\n%sPATHS%s (%zu of %zu, lowest effort first)\n", col(o, C_BOLD),
            col(o, C_RESET), shown, a->paths_total);
    if (!shown) fputs("  none: no start reaches a host or another tenant\n", o->out);
    for (size_t i = 0; i < shown; i++) {
        const Path *p = &a->paths[i];
        fputs("  ", o->out);
        put_safe(o, s->workloads[p->start].id);
        fprintf(o->out, " -> %s:", p->kind == TARGET_HOST ? "host" : "tenant");
        put_safe(o, p->kind == TARGET_HOST ? s->hosts[p->target].id : s->tenants[p->target].id);
        fprintf(o->out, "  (effort %d)\n", p->effort);
        if (o->decisions) write_decision(o, subject_of_path(a, p), "    ");
        for (size_t k = 0; k < p->n_steps; k++) {
            const Edge *e = &a->edges[p->steps[k]];
            char *from = state_label(a, e->from), *to = state_label(a, e->to);
            fprintf(o->out, "    %zu. %s: ", k + 1, a->catalog->techniques[e->technique].id);
            put_safe(o, from);
            fputs(" -> ", o->out);
            put_safe(o, to);
            if (e->crosses != BOUNDARY_NONE)
                fprintf(o->out, "  [%s%s%s]", boundary_name((BoundaryKind)e->crosses),
                        e->servicing ? ", " : "",
                        e->servicing ? servicing_name((Servicing)e->servicing) : "");
            fputc('\n', o->out);
            free(from);
            free(to);
        }
    }
}

void report_write_text(const Report *r, FILE *out, bool colour)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    Out o = {out, colour, r->decisions};
    fprintf(out, "%s", col(&o, C_BOLD));
    put_safe(&o, s->name);
    fprintf(out, "%s\n", col(&o, C_RESET));
    fputs("assumptions: ", out);
    for (int i = 0; i < ASSUME_COUNT; i++)
        fprintf(out, "%s%s=%s", i ? ", " : "", assumption_name((Assumption)i),
                s->assume[i] ? "true" : "false");
    fputc('\n', out);

    size_t failing = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        failing += a->boundaries[i].fails;
    fprintf(out, "\n%sSUMMARY%s\n", col(&o, C_BOLD), col(&o, C_RESET));
    fprintf(out, "  hosts compromised: %zu of %zu: ", count(a->host_compromised, s->n_hosts),
            s->n_hosts);
    list_flagged(&o, a->host_compromised, s->n_hosts, host_id, s);
    fputs("  tenants exposed:   ", out);
    list_flagged(&o, a->tenant_exposed, s->n_tenants, tenant_id, s);
    fputs("  starts:            ", out);
    list_flagged(&o, a->is_start, s->n_workloads, workload_id, s);
    fprintf(out, "  boundaries:        %s%zu fail%s, %zu hold\n", failing ? col(&o, C_RED) : "",
            failing, failing ? col(&o, C_RESET) : "", a->n_boundaries - failing);

    write_inventory(&o, a);

    fprintf(out, "\n%sEXPOSURE%s\n", col(&o, C_BOLD), col(&o, C_RESET));
    if (!a->n_exposure) fputs("  none: no tenant reaches another\n", out);
    for (size_t i = 0; i < a->n_exposure; i++) {
        const Exposure *e = &a->exposure[i];
        fputs("  ", out);
        put_safe(&o, s->tenants[e->from].id);
        fputs(" -> ", out);
        put_safe(&o, s->tenants[e->to].id);
        fputs(" through ", out);
        for (size_t k = 0; k < e->n_hosts; k++) {
            if (k) fputs(", ", out);
            put_safe(&o, s->hosts[e->hosts[k]].id);
        }
        fputc('\n', out);
    }
    write_paths(&o, r);
    if (r->findings) write_findings(&o, a, r->findings);
    if (r->plan) write_plan(&o, a, r->plan);
    if (r->decisions) write_decisions(&o);
}
