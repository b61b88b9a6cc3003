/* The Markdown report: see report_md.h. Sections follow the text report's order, with tables
 * where a reviewer compares rows (inventory, matrix) and lists where sentences run long. */
#include "report_md.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "minutes.h"
#include "report_escape.h"
#include "xalloc.h"

static const char *const assumption_text[ASSUME_COUNT] = {
    [ASSUME_KERNEL_EXPLOIT] = "an exploitable kernel bug exists",
    [ASSUME_HYPERVISOR_EXPLOIT] = "an exploitable hypervisor / utility VM escape exists",
    [ASSUME_SANDBOX_EXPLOIT] = "an exploitable escape from a user-space kernel sandbox exists",
};

static void md(FILE *out, const char *s)
{
    report_escape_md(out, s);
}

/* Writes prose (a description, a teaching text) as one escaped paragraph line. */
static void md_prose(FILE *out, const char *s)
{
    char *flat = report_flatten(s);
    report_escape_md(out, flat);
    free(flat);
}

static const Analysis *sort_a; /* qsort context */
/* The decisions of the report being written (report_write_md sets it), shown beside each
 * item; NULL: none. A file-level context like sort_a: the writer is not re-entered. */
static const DecisionBook *decisions_shown;

/* Writes the decision on subject (owned: freed here) after an item, when there is one. */
static void item_decision(FILE *out, char *subject)
{
    minutes_md_item_decision(out, decisions_shown, subject);
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

/* Writes the ids of the flagged entries, sorted and escaped, or "none". */
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
        md(out, ids[i]);
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

static size_t paths_shown(const Report *r)
{
    size_t n = r->analysis->n_paths;
    return r->max_paths && r->max_paths < n ? r->max_paths : n;
}

static void write_summary(FILE *out, const Report *r)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    size_t failing = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        failing += a->boundaries[i].fails;
    fputs("## Summary\n\n", out);
    fprintf(out, "- **Hosts compromised:** %zu of %zu: ", count(a->host_compromised, s->n_hosts),
            s->n_hosts);
    write_flagged(out, a->host_compromised, s->n_hosts, host_id, s);
    fputs("\n- **Tenants exposed:** ", out);
    write_flagged(out, a->tenant_exposed, s->n_tenants, tenant_id, s);
    fputs("\n- **Attacker starts:** ", out);
    write_flagged(out, a->is_start, s->n_workloads, workload_id, s);
    fprintf(out, "\n- **Boundaries:** %zu fail, %zu hold\n", failing, a->n_boundaries - failing);
    fprintf(out, "- **Attack paths:** %zu\n", a->paths_total);
    if (r->findings) fprintf(out, "- **Findings:** %zu\n", r->findings->n);
    fputc('\n', out);
}

static void write_assumptions(FILE *out, const Analysis *a)
{
    const Scenario *s = a->scenario;
    fputs("## Assumptions\n\n", out);
    for (int i = 0; i < ASSUME_COUNT; i++)
        fprintf(out, "- `%s` = **%s**: %s\n", assumption_name((Assumption)i),
                s->assume[i] ? "true" : "false", assumption_text[i]);
    fputs("- Hardening (AppArmor, seccomp, RBAC, ...) raises the effort of a technique, never "
          "closes it.\n",
          out);
    for (size_t w = 0; w < s->n_workloads; w++)
        for (size_t k = 0; k < s->workloads[w].notes.n; k++) {
            fputs("- ", out);
            md(out, s->workloads[w].id);
            fputs(": ", out);
            md(out, s->workloads[w].notes.items[k]);
            fputc('\n', out);
        }
    fputc('\n', out);
}

static void write_list(FILE *out, const StrList *l)
{
    if (!l->n) fputs("none", out);
    for (size_t i = 0; i < l->n; i++) {
        if (i) fputs(", ", out);
        md(out, l->items[i]);
    }
}

/* Writes a comma-separated item: *sep before it, then ", " for the next. */
static void put_flag(FILE *out, const char **sep, const char *text)
{
    fputs(*sep, out);
    fputs(text, out);
    *sep = ", ";
}

static void write_inventory(FILE *out, const Analysis *a, const size_t *order)
{
    const Scenario *s = a->scenario;
    fputs("## Inventory\n\n### Tenants\n\n| Tenant | Name | Trust |\n|---|---|---|\n", out);
    for (size_t t = 0; t < s->n_tenants; t++) {
        fputs("| ", out);
        md(out, s->tenants[t].id);
        fputs(" | ", out);
        md(out, s->tenants[t].name);
        fprintf(out, " | %s |\n", trust_name(s->tenants[t].trust));
    }
    fputs("\n### Hosts\n\n| Host | OS | SSH | Users |\n|---|---|---|---|\n", out);
    for (size_t h = 0; h < s->n_hosts; h++) {
        const Host *ho = &s->hosts[h];
        fputs("| ", out);
        md(out, ho->id);
        fprintf(out, " | %s | %s | ", os_name(ho->os), ho->ssh ? "on" : "off");
        for (size_t u = 0; u < ho->n_users; u++) {
            md(out, ho->users[u].name);
            fputs(ho->users[u].admin ? " (admin), " : ", ", out);
        }
        fprintf(out, "%s (admin, implicit) |\n", ho->os == OS_WINDOWS ? "Administrator" : "root");
    }
    fputs("\n### Workloads\n\n| Workload | Tenant | Host | Isolation | Account | Flags | Mounts | "
          "Hardening |\n|---|---|---|---|---|---|---|---|\n",
          out);
    for (size_t i = 0; i < s->n_workloads; i++) {
        size_t w = order[i];
        const Workload *wl = &s->workloads[w];
        fputs("| ", out);
        md(out, wl->id);
        fputs(" | ", out);
        md(out, wl->tenant);
        fputs(" | ", out);
        md(out, wl->host);
        fprintf(out, " | %s | %s | ", isolation_name(wl->isolation), account_name(wl->account));
        const char *sep = "";
        if (a->is_start[w]) put_flag(out, &sep, "attacker start");
        if (wl->privileged) put_flag(out, &sep, "privileged");
        if (wl->compromised) put_flag(out, &sep, "compromised");
        if (wl->host_namespaces & HOSTNS_PID) put_flag(out, &sep, "host PID");
        if (wl->host_namespaces & HOSTNS_NETWORK) put_flag(out, &sep, "host network");
        if (wl->host_namespaces & HOSTNS_IPC) put_flag(out, &sep, "host IPC");
        for (size_t k = 0; k < wl->capabilities.n; k++) {
            put_flag(out, &sep, "CAP\\_");
            md(out, wl->capabilities.items[k]);
        }
        if (!*sep) fputs("none", out);
        fputs(" | ", out);
        if (!wl->n_mounts) fputs("none", out);
        for (size_t m = 0; m < wl->n_mounts; m++) {
            if (m) fputs("; ", out);
            md(out, wl->mounts[m].host_path);
            if (wl->mounts[m].path) {
                fputs(" → ", out);
                md(out, wl->mounts[m].path);
            }
            fputs(wl->mounts[m].read_only ? " (read-only)" : " (read-write)", out);
        }
        fputs(" | ", out);
        write_list(out, &wl->hardening);
        fputs(" |\n", out);
    }
    fputc('\n', out);
}

static void write_verdict(FILE *out, const Analysis *a, const BoundaryResult *b)
{
    if (!b->fails) {
        fputs("holds", out);
        return;
    }
    fprintf(out, "**FAILS** (%s%s): ", servicing_name(b->servicing),
            b->attacked ? ", attacked" : "");
    for (size_t k = 0; k < b->n_techniques; k++) {
        if (k) fputs(", ", out);
        md(out, a->catalog->techniques[b->techniques[k]].id);
    }
    if (decisions_shown) item_decision(out, subject_of_boundary(a, b));
}

static void write_matrix(FILE *out, const Analysis *a, const size_t *order)
{
    const Scenario *s = a->scenario;
    fputs("## Boundary matrix\n\n", out);
    fputs("Each boundary is judged for an attacker inside the workload; *attacked* means an "
          "attacker starts there or reaches it.\n\n",
          out);
    fputs("| Host | Tenant | Workload | Isolation | Host volume |\n|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < s->n_workloads; i++) {
        size_t w = order[i];
        const Workload *wl = &s->workloads[w];
        fputs("| ", out);
        md(out, wl->host);
        fputs(" | ", out);
        md(out, wl->tenant);
        fputs(" | ", out);
        md(out, wl->id);
        fputs(" | ", out);
        write_verdict(out, a, analysis_boundary(a, w, BOUNDARY_ISOLATION));
        fputs(" | ", out);
        write_verdict(out, a, analysis_boundary(a, w, BOUNDARY_HOST_VOLUME));
        fputs(" |\n", out);
    }
    bool any = false;
    for (size_t i = 0; i < s->n_workloads; i++) {
        size_t w = order[i];
        for (int kind = BOUNDARY_ISOLATION; kind <= BOUNDARY_HOST_VOLUME; kind++) {
            const BoundaryResult *b = analysis_boundary(a, w, (BoundaryKind)kind);
            if (b->fails) continue;
            if (!any) fputs("\n### Why the holding boundaries hold\n\n", out);
            any = true;
            fputs("- ", out);
            md(out, s->workloads[w].id);
            fprintf(out, ", %s:", boundary_name((BoundaryKind)kind));
            if (!b->n_why_not) fputs(" no technique applies", out);
            fputc('\n', out);
            for (size_t k = 0; k < b->n_why_not; k++) {
                fputs("  - ", out);
                md(out, a->catalog->techniques[b->why_not[k].technique].id);
                fputs(": ", out);
                md(out, b->why_not[k].reason);
                fputc('\n', out);
            }
        }
    }
    fputc('\n', out);
}

static void write_exposure(FILE *out, const Analysis *a)
{
    const Scenario *s = a->scenario;
    fputs("## Tenant exposure\n\n", out);
    if (!a->n_exposure) fputs("No tenant reaches another.\n", out);
    for (size_t i = 0; i < a->n_exposure; i++) {
        const Exposure *e = &a->exposure[i];
        fputs("- ", out);
        md(out, s->tenants[e->from].id);
        fputs(" → ", out);
        md(out, s->tenants[e->to].id);
        fputs(" through ", out);
        for (size_t k = 0; k < e->n_hosts; k++) {
            if (k) fputs(", ", out);
            md(out, s->hosts[e->hosts[k]].id);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
}

static void write_target(FILE *out, const Scenario *s, const Path *p)
{
    fputs(p->kind == TARGET_HOST ? "host " : "tenant ", out);
    md(out, p->kind == TARGET_HOST ? s->hosts[p->target].id : s->tenants[p->target].id);
}

static void write_paths(FILE *out, const Report *r)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    size_t shown = paths_shown(r);
    fprintf(out, "## Attack paths (%zu of %zu, lowest effort first)\n\n", shown, a->paths_total);
    if (!shown) fputs("No start reaches a host or another tenant.\n\n", out);
    for (size_t i = 0; i < shown; i++) {
        const Path *p = &a->paths[i];
        fprintf(out, "### Path %zu: ", i + 1);
        md(out, s->workloads[p->start].id);
        fputs(" → ", out);
        write_target(out, s, p);
        fprintf(out, " (effort %d)", p->effort);
        if (decisions_shown) item_decision(out, subject_of_path(a, p));
        fputs("\n\n", out);
        for (size_t k = 0; k < p->n_steps; k++) {
            const Edge *e = &a->edges[p->steps[k]];
            const Technique *t = &a->catalog->techniques[e->technique];
            char *from = state_label(a, e->from), *to = state_label(a, e->to);
            fprintf(out, "%zu. ", k + 1);
            md(out, from);
            fputs(" → ", out);
            md(out, to);
            fputs(" by **", out);
            md(out, t->name);
            fputs("** (", out);
            md(out, t->id);
            fprintf(out, ", effort %d)", e->effort);
            if (e->crosses != BOUNDARY_NONE) {
                fprintf(out, "; crosses the %s boundary", boundary_name((BoundaryKind)e->crosses));
                if (e->servicing != SERVICING_NONE)
                    fprintf(out, " (%s)", servicing_name((Servicing)e->servicing));
            }
            if (e->mount >= 0) {
                fputs(" through the mount ", out);
                md(out, s->workloads[state_owner(a, e->from)].mounts[e->mount].host_path);
            }
            fputc('\n', out);
            free(from);
            free(to);
        }
        fputc('\n', out);
    }
}

/* Marks the techniques a reader meets: on a shown path or breaking a failing boundary. */
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

static int technique_order(const void *x, const void *y)
{
    return strcmp(sort_a->catalog->techniques[*(const size_t *)x].id,
                  sort_a->catalog->techniques[*(const size_t *)y].id);
}

static void write_techniques(FILE *out, const Analysis *a, const bool *used)
{
    const Catalog *c = a->catalog;
    size_t *order = xcalloc(c->n + 1, sizeof *order), n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (used[i]) order[n++] = i;
    sort_a = a;
    xqsort(order, n, sizeof *order, technique_order);
    fputs("## Why these techniques work\n\n", out);
    if (!n) fputs("No technique breaks a boundary here.\n\n", out);
    for (size_t i = 0; i < n; i++) {
        const Technique *t = &c->techniques[order[i]];
        fputs("### ", out);
        md(out, t->name);
        fputs(" (", out);
        md(out, t->id);
        fprintf(out, ")\n\n*Boundary:* %s", boundary_name(t->boundary));
        if (t->servicing != SERVICING_NONE) {
            fprintf(out, "; *servicing:* %s", servicing_name(t->servicing));
            if (t->servicing_admin != t->servicing && t->servicing_admin != SERVICING_NONE)
                fprintf(out, " (%s from an admin attacker)", servicing_name(t->servicing_admin));
        }
        fprintf(out, "; *effort:* %d of 5\n\n", t->effort);
        md_prose(out, t->teaching);
        fputs("\n\n", out);
        if (t->closed_by.n) {
            fputs("*Closed by:* ", out);
            for (size_t k = 0; k < t->closed_by.n; k++) {
                if (k) fputs("; ", out);
                md_prose(out, t->closed_by.items[k]);
            }
            fputs("\n\n", out);
        }
        fputs("*Source:* ", out);
        md_prose(out, t->source);
        fputs("\n\n", out);
    }
    free(order);
}

static void write_findings(FILE *out, const Analysis *a, const Findings *f)
{
    const Scenario *s = a->scenario;
    fprintf(out, "## Findings (%zu)\n\n", f->n);
    if (!f->n) fputs("None.\n", out);
    for (size_t i = 0; i < f->n; i++) {
        const Finding *x = &f->items[i];
        fprintf(out, "%zu. **%s: %s** (%s): ", i + 1, severity_name(x->severity),
                finding_title(x->kind), finding_kind_id(x->kind));
        md(out, x->detail);
        fputs(". Host ", out);
        md(out, s->hosts[x->host].id);
        if (x->n_workloads) fputs(x->n_workloads > 1 ? "; workloads " : "; workload ", out);
        for (size_t k = 0; k < x->n_workloads; k++) {
            if (k) fputs(", ", out);
            md(out, s->workloads[x->workloads[k]].id);
        }
        if (x->n_tenants) fputs(x->n_tenants > 1 ? "; tenants " : "; tenant ", out);
        for (size_t k = 0; k < x->n_tenants; k++) {
            if (k) fputs(", ", out);
            md(out, s->tenants[x->tenants[k]].id);
        }
        fputc('.', out);
        if (decisions_shown) item_decision(out, subject_of_finding(a, x));
        fputc('\n', out);
    }
    fputc('\n', out);
}

static void write_plan(FILE *out, const Analysis *a, const FixPlan *p)
{
    fputs("## Fix plan\n\n", out);
    fprintf(out, "The %s over %zu candidate changes that closes every path a change can close.\n\n",
            p->exact ? "exact minimum" : "greedy plan (not proven minimal)", p->n_candidates);
    if (!p->n_items)
        fputs(p->paths_before ? "No change closes a path.\n\n" : "Nothing to fix: no paths.\n\n",
              out);
    for (size_t i = 0; i < p->n_items; i++) {
        char *d = change_describe(a->scenario, &p->items[i].change);
        fprintf(out, "%zu. ", i + 1);
        md(out, d);
        fprintf(out, " (closes %zu of %zu paths on its own)", p->items[i].n_closes,
                p->paths_before);
        if (decisions_shown)
            item_decision(out, subject_of_change(a->scenario, &p->items[i].change));
        fputc('\n', out);
        free(d);
    }
    if (p->n_items) fputc('\n', out);
    if (p->n_unclosable) {
        fprintf(out, "Unclosable by these changes (%zu):\n\n", p->n_unclosable);
        for (size_t i = 0; i < p->n_unclosable; i++) {
            fputs("- ", out);
            md(out, p->unclosable[i].from);
            fputs(" → ", out);
            md(out, p->unclosable[i].to);
            fputc('\n', out);
        }
        fputc('\n', out);
    }
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
    fputs("## Sources cited\n\n", out);
    fputs("- Microsoft, *Secure Windows containers*: the source every rule of breakout traces "
          "to, with its container security servicing criteria.\n",
          out);
    for (size_t i = 0; i < n; i++) {
        fputs("- ", out);
        md_prose(out, list[i]);
        fputc('\n', out);
    }
    free(list);
}

void report_write_md(const Report *r, FILE *out)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    size_t *order = xcalloc(s->n_workloads + 1, sizeof *order);
    for (size_t i = 0; i < s->n_workloads; i++)
        order[i] = i;
    sort_a = a;
    xqsort(order, s->n_workloads, sizeof *order, workload_order);
    decisions_shown = r->decisions;

    fputs("# Threat model: ", out);
    md(out, s->name);
    fputs("\n\n", out);
    if (s->description && *s->description) {
        md_prose(out, s->description);
        fputs("\n\n", out);
    }
    fputs("*Written by breakout. Every boundary is judged for an attacker inside the workload; "
          "every technique cites its source.*\n\n",
          out);
    write_summary(out, r);
    write_assumptions(out, a);
    write_inventory(out, a, order);
    write_matrix(out, a, order);
    write_exposure(out, a);
    write_paths(out, r);
    bool *used = techniques_used(r);
    write_techniques(out, a, used);
    if (r->findings) write_findings(out, a, r->findings);
    if (r->plan) write_plan(out, a, r->plan);
    minutes_md_report_section(out, r->decisions, a, r->findings, r->plan);
    write_sources(out, r, used);
    free(used);
    free(order);
    decisions_shown = NULL;
}
