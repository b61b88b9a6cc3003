/* The diff writers: see diff_writer.h. */
#include "diff_writer.h"

#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "report_escape.h"
#include "utf8.h"
#include "xalloc.h"

#define C_RESET "\033[0m"
#define C_BOLD  "\033[1m"
#define C_RED   "\033[1;31m"
#define C_GREEN "\033[32m"

static const char *path_change(const DiffPath *p)
{
    if (p->effort_before < 0) return "opened";
    if (p->effort_after < 0) return "closed";
    return p->effort_after < p->effort_before ? "easier" : "harder";
}

/* True when a boundary change makes things worse: newly failing. */
static bool boundary_worse(const DiffBoundary *b)
{
    return b->after == DIFF_FAILS && b->before != DIFF_FAILS;
}

static bool path_worse(const DiffPath *p)
{
    return p->effort_before < 0 || (p->effort_after >= 0 && p->effort_after < p->effort_before);
}

static void count_regressions(const Diff *d, size_t *paths, size_t *boundaries, size_t *findings)
{
    *paths = *boundaries = *findings = 0;
    for (size_t i = 0; i < d->n_paths; i++)
        *paths += d->paths[i].effort_before < 0;
    for (size_t i = 0; i < d->n_boundaries; i++)
        *boundaries += boundary_worse(&d->boundaries[i]);
    for (size_t i = 0; i < d->n_findings; i++)
        *findings += d->findings[i].added;
}

/* ---- text -------------------------------------------------------------------------------- */

typedef struct {
    FILE *out;
    bool colour;
} Out;

static const char *col(const Out *o, const char *code)
{
    return o->colour ? code : "";
}

static void put_safe(const Out *o, const char *s)
{
    char *safe = utf8_sanitize(s ? s : "");
    fputs(safe, o->out);
    free(safe);
}

static void text_list(const Out *o, const StrList *l)
{
    if (!l->n) fputs("none", o->out);
    for (size_t i = 0; i < l->n; i++) {
        if (i) fputs(", ", o->out);
        put_safe(o, l->items[i]);
    }
}

static void text_related(const Out *o, const DiffRelated *r)
{
    if (!r->n) return;
    fputs(r->n > 1 ? "  (edits " : "  (edit ", o->out);
    for (size_t i = 0; i < r->n; i++)
        fprintf(o->out, "%s%zu", i ? ", " : "", r->items[i] + 1);
    fputc(')', o->out);
}

static void text_verdict(const Out *o, DiffVerdict v)
{
    if (v == DIFF_FAILS)
        fprintf(o->out, "%sFAILS%s", col(o, C_RED), col(o, C_RESET));
    else
        fputs(v == DIFF_HOLDS ? "holds" : "absent", o->out);
}

static void text_techniques(const Out *o, const StrList *l, Servicing s)
{
    text_list(o, l);
    if (s != SERVICING_NONE) fprintf(o->out, " (%s)", servicing_name(s));
}

void diff_write_text(const Diff *d, FILE *out, bool colour)
{
    Out o = {out, colour};
    size_t np, nb, nf;
    count_regressions(d, &np, &nb, &nf);
    fputs("A: ", out);
    put_safe(&o, d->name_before);
    fputs("\nB: ", out);
    put_safe(&o, d->name_after);
    fputc('\n', out);
    if (diff_regressed(d))
        fprintf(out, "%sREGRESSION%s: B adds %zu path%s, %zu failing boundar%s, %zu finding%s\n",
                col(&o, C_RED), col(&o, C_RESET), np, np == 1 ? "" : "s", nb, nb == 1 ? "y" : "ies",
                nf, nf == 1 ? "" : "s");
    else
        fprintf(out, "%sno regression%s: B adds no path, failing boundary or finding\n",
                col(&o, C_GREEN), col(&o, C_RESET));
    if (d->paths_partial)
        fputs("note: an analysis kept only some of its paths; path changes may be incomplete\n",
              out);

    fprintf(out, "\n%sSUMMARY%s (A -> B)\n  hosts compromised:  ", col(&o, C_BOLD),
            col(&o, C_RESET));
    text_list(&o, &d->hosts_before);
    fputs(" -> ", out);
    text_list(&o, &d->hosts_after);
    fputs("\n  tenants exposed:    ", out);
    text_list(&o, &d->tenants_before);
    fputs(" -> ", out);
    text_list(&o, &d->tenants_after);
    fprintf(out,
            "\n  failing boundaries: %zu -> %zu\n  paths:              %zu -> %zu\n"
            "  findings:           %zu -> %zu\n",
            d->failing_before, d->failing_after, d->paths_before, d->paths_after,
            d->findings_before, d->findings_after);

    fprintf(out, "\n%sEDITS%s (%zu)\n", col(&o, C_BOLD), col(&o, C_RESET), d->n_edits);
    if (!d->n_edits) fputs("  none: the scenarios are the same\n", out);
    for (size_t i = 0; i < d->n_edits; i++) {
        char *desc = diff_edit_describe(&d->edits[i]);
        fprintf(out, "  %zu. ", i + 1);
        put_safe(&o, desc);
        fputc('\n', out);
        free(desc);
    }

    fprintf(out, "\n%sBOUNDARIES%s (%zu changed)\n", col(&o, C_BOLD), col(&o, C_RESET),
            d->n_boundaries);
    if (!d->n_boundaries) fputs("  no verdict changed\n", out);
    for (size_t i = 0; i < d->n_boundaries; i++) {
        const DiffBoundary *b = &d->boundaries[i];
        fputs("  ", out);
        put_safe(&o, b->workload);
        fprintf(out, " %s: ", boundary_name(b->kind));
        text_verdict(&o, b->before);
        fputs(" -> ", out);
        text_verdict(&o, b->after);
        text_related(&o, &b->related);
        fputc('\n', out);
        if (b->before == DIFF_FAILS) {
            fputs("      A: ", out);
            text_techniques(&o, &b->techniques_before, b->servicing_before);
            fputc('\n', out);
        }
        if (b->after == DIFF_FAILS) {
            fputs("      B: ", out);
            text_techniques(&o, &b->techniques_after, b->servicing_after);
            fputc('\n', out);
        }
    }

    size_t opened = 0, closed = 0;
    for (size_t i = 0; i < d->n_paths; i++) {
        opened += d->paths[i].effort_before < 0;
        closed += d->paths[i].effort_after < 0;
    }
    fprintf(out, "\n%sPATHS%s (%zu opened, %zu closed, %zu changed effort)\n", col(&o, C_BOLD),
            col(&o, C_RESET), opened, closed, d->n_paths - opened - closed);
    if (!d->n_paths) fputs("  no path changed\n", out);
    for (size_t i = 0; i < d->n_paths; i++) {
        const DiffPath *p = &d->paths[i];
        bool worse = path_worse(p);
        fprintf(out, "  %s%-6s%s ", worse ? col(&o, C_RED) : col(&o, C_GREEN), path_change(p),
                col(&o, C_RESET));
        put_safe(&o, p->from);
        fputs(" -> ", out);
        put_safe(&o, p->to);
        if (p->effort_before < 0)
            fprintf(out, "  (effort %d)", p->effort_after);
        else if (p->effort_after < 0)
            fprintf(out, "  (was effort %d)", p->effort_before);
        else
            fprintf(out, "  (effort %d -> %d)", p->effort_before, p->effort_after);
        text_related(&o, &p->related);
        fputc('\n', out);
    }

    fprintf(out, "\n%sFINDINGS%s (%zu removed, %zu added)\n", col(&o, C_BOLD), col(&o, C_RESET),
            d->n_findings - nf, nf);
    if (!d->n_findings) fputs("  no finding changed\n", out);
    for (size_t i = 0; i < d->n_findings; i++) {
        const DiffFinding *f = &d->findings[i];
        fprintf(out, "  %s%-7s%s %-6s %s: ", f->added ? col(&o, C_RED) : col(&o, C_GREEN),
                f->added ? "added" : "removed", col(&o, C_RESET), severity_name(f->severity),
                finding_kind_id(f->kind));
        put_safe(&o, f->detail);
        fputc('\n', out);
    }
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void json_strlist(JsonW *w, const char *key, const StrList *l)
{
    jsonw_key(w, key);
    jsonw_array_inline(w);
    for (size_t i = 0; i < l->n; i++)
        jsonw_string(w, l->items[i]);
    jsonw_end(w);
}

static void json_pair_list(JsonW *w, const char *key, const StrList *a, const StrList *b)
{
    jsonw_key(w, key);
    jsonw_object(w);
    json_strlist(w, "a", a);
    json_strlist(w, "b", b);
    jsonw_end(w);
}

static void json_pair_int(JsonW *w, const char *key, size_t a, size_t b)
{
    jsonw_key(w, key);
    jsonw_object_inline(w);
    jsonw_kint(w, "a", (long long)a);
    jsonw_kint(w, "b", (long long)b);
    jsonw_end(w);
}

static void json_related(JsonW *w, const DiffRelated *r)
{
    jsonw_key(w, "edits");
    jsonw_array_inline(w);
    for (size_t i = 0; i < r->n; i++)
        jsonw_int(w, (long long)r->items[i]);
    jsonw_end(w);
}

static void json_servicing(JsonW *w, const char *key, Servicing s)
{
    jsonw_key(w, key);
    if (s == SERVICING_NONE)
        jsonw_null(w);
    else
        jsonw_string(w, servicing_name(s));
}

static void json_effort(JsonW *w, const char *key, int effort)
{
    jsonw_key(w, key);
    if (effort < 0)
        jsonw_null(w);
    else
        jsonw_int(w, effort);
}

void diff_write_json(const Diff *d, FILE *out)
{
    JsonW w;
    jsonw_init_file(&w, out, true);
    jsonw_object(&w);
    jsonw_kstring(&w, "a", d->name_before);
    jsonw_kstring(&w, "b", d->name_after);
    jsonw_kbool(&w, "regressed", diff_regressed(d));
    jsonw_kbool(&w, "paths_partial", d->paths_partial);

    jsonw_key(&w, "summary");
    jsonw_object(&w);
    json_pair_list(&w, "hosts_compromised", &d->hosts_before, &d->hosts_after);
    json_pair_list(&w, "tenants_exposed", &d->tenants_before, &d->tenants_after);
    json_pair_int(&w, "boundaries_failing", d->failing_before, d->failing_after);
    json_pair_int(&w, "paths", d->paths_before, d->paths_after);
    json_pair_int(&w, "findings", d->findings_before, d->findings_after);
    jsonw_end(&w);

    jsonw_key(&w, "edits");
    jsonw_array(&w);
    for (size_t i = 0; i < d->n_edits; i++) {
        const DiffEdit *e = &d->edits[i];
        char *desc = diff_edit_describe(e);
        jsonw_object(&w);
        jsonw_kstring(&w, "entity", diff_entity_name(e->entity));
        jsonw_kstring(&w, "id", e->id);
        jsonw_kstring(&w, "change", !e->before ? "added" : !e->after ? "removed" : "changed");
        jsonw_kstring(&w, "field", e->field);
        jsonw_kstring(&w, "key", e->key);
        jsonw_kstring(&w, "before", e->before);
        jsonw_kstring(&w, "after", e->after);
        jsonw_kstring(&w, "description", desc);
        jsonw_end(&w);
        free(desc);
    }
    jsonw_end(&w);

    jsonw_key(&w, "boundaries");
    jsonw_array(&w);
    for (size_t i = 0; i < d->n_boundaries; i++) {
        const DiffBoundary *b = &d->boundaries[i];
        jsonw_object(&w);
        jsonw_kstring(&w, "workload", b->workload);
        jsonw_kstring(&w, "host", b->host);
        jsonw_kstring(&w, "tenant", b->tenant);
        jsonw_kstring(&w, "kind", boundary_name(b->kind));
        jsonw_kstring(&w, "before", diff_verdict_name(b->before));
        jsonw_kstring(&w, "after", diff_verdict_name(b->after));
        json_strlist(&w, "techniques_before", &b->techniques_before);
        json_strlist(&w, "techniques_after", &b->techniques_after);
        json_servicing(&w, "servicing_before", b->servicing_before);
        json_servicing(&w, "servicing_after", b->servicing_after);
        json_related(&w, &b->related);
        jsonw_end(&w);
    }
    jsonw_end(&w);

    jsonw_key(&w, "paths");
    jsonw_array(&w);
    for (size_t i = 0; i < d->n_paths; i++) {
        const DiffPath *p = &d->paths[i];
        jsonw_object(&w);
        jsonw_kstring(&w, "change", path_change(p));
        jsonw_kstring(&w, "from", p->from);
        jsonw_kstring(&w, "to", p->to);
        json_effort(&w, "effort_before", p->effort_before);
        json_effort(&w, "effort_after", p->effort_after);
        json_related(&w, &p->related);
        jsonw_end(&w);
    }
    jsonw_end(&w);

    jsonw_key(&w, "findings");
    jsonw_array(&w);
    for (size_t i = 0; i < d->n_findings; i++) {
        const DiffFinding *f = &d->findings[i];
        jsonw_object(&w);
        jsonw_kstring(&w, "change", f->added ? "added" : "removed");
        jsonw_kstring(&w, "id", finding_kind_id(f->kind));
        jsonw_kstring(&w, "severity", severity_name(f->severity));
        jsonw_kstring(&w, "host", f->host);
        jsonw_kstring(&w, "detail", f->detail);
        jsonw_end(&w);
    }
    jsonw_end(&w);
    jsonw_end(&w);
    jsonw_finish(&w);
}

/* ---- Markdown ---------------------------------------------------------------------------- */

static void md(FILE *out, const char *s)
{
    report_escape_md(out, s);
}

static void md_list(FILE *out, const StrList *l)
{
    if (!l->n) fputs("none", out);
    for (size_t i = 0; i < l->n; i++) {
        if (i) fputs(", ", out);
        md(out, l->items[i]);
    }
}

static void md_related(FILE *out, const DiffRelated *r)
{
    for (size_t i = 0; i < r->n; i++)
        fprintf(out, "%s%zu", i ? ", " : "", r->items[i] + 1);
}

static void md_verdict(FILE *out, DiffVerdict v, const StrList *techs, Servicing s)
{
    if (v != DIFF_FAILS) {
        fputs(v == DIFF_HOLDS ? "holds" : "absent", out);
        return;
    }
    fputs("**FAILS**: ", out);
    md_list(out, techs);
    if (s != SERVICING_NONE) fprintf(out, " (%s)", servicing_name(s));
}

void diff_write_md(const Diff *d, FILE *out)
{
    size_t np, nb, nf;
    count_regressions(d, &np, &nb, &nf);
    fputs("# What changed: ", out);
    md(out, d->name_before);
    fputs(" → ", out);
    md(out, d->name_after);
    fputs("\n\n", out);
    if (diff_regressed(d))
        fprintf(out,
                "**Regression:** B adds %zu path%s, %zu failing boundar%s and %zu finding%s.\n\n",
                np, np == 1 ? "" : "s", nb, nb == 1 ? "y" : "ies", nf, nf == 1 ? "" : "s");
    else
        fputs("**No regression:** B adds no path, failing boundary or finding.\n\n", out);
    if (d->paths_partial)
        fputs("*An analysis kept only some of its paths; path changes may be incomplete.*\n\n",
              out);

    fputs("## Summary\n\n| | A (before) | B (after) |\n|---|---|---|\n| Hosts compromised | ", out);
    md_list(out, &d->hosts_before);
    fputs(" | ", out);
    md_list(out, &d->hosts_after);
    fputs(" |\n| Tenants exposed | ", out);
    md_list(out, &d->tenants_before);
    fputs(" | ", out);
    md_list(out, &d->tenants_after);
    fprintf(out,
            " |\n| Failing boundaries | %zu | %zu |\n| Attack paths | %zu | %zu |\n"
            "| Findings | %zu | %zu |\n\n",
            d->failing_before, d->failing_after, d->paths_before, d->paths_after,
            d->findings_before, d->findings_after);

    fprintf(out, "## Edits (%zu)\n\n", d->n_edits);
    if (!d->n_edits) fputs("None: the scenarios are the same.\n", out);
    for (size_t i = 0; i < d->n_edits; i++) {
        char *desc = diff_edit_describe(&d->edits[i]);
        fprintf(out, "%zu. ", i + 1);
        md(out, desc);
        fputc('\n', out);
        free(desc);
    }
    fputc('\n', out);

    fprintf(out, "## Boundaries (%zu changed)\n\n", d->n_boundaries);
    if (!d->n_boundaries) fputs("No verdict changed.\n\n", out);
    if (d->n_boundaries)
        fputs("| Workload | Boundary | A | B | Edits |\n|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < d->n_boundaries; i++) {
        const DiffBoundary *b = &d->boundaries[i];
        fputs("| ", out);
        md(out, b->workload);
        fprintf(out, " | %s | ", boundary_name(b->kind));
        md_verdict(out, b->before, &b->techniques_before, b->servicing_before);
        fputs(" | ", out);
        md_verdict(out, b->after, &b->techniques_after, b->servicing_after);
        fputs(" | ", out);
        md_related(out, &b->related);
        fputs(" |\n", out);
    }
    if (d->n_boundaries) fputc('\n', out);

    fprintf(out, "## Attack paths (%zu changed)\n\n", d->n_paths);
    if (!d->n_paths) fputs("No path changed.\n\n", out);
    if (d->n_paths)
        fputs("| Change | From | To | Effort A | Effort B | Edits |\n|---|---|---|---|---|---|\n",
              out);
    for (size_t i = 0; i < d->n_paths; i++) {
        const DiffPath *p = &d->paths[i];
        fprintf(out, "| %s%s%s | ", path_worse(p) ? "**" : "", path_change(p),
                path_worse(p) ? "**" : "");
        md(out, p->from);
        fputs(" | ", out);
        md(out, p->to);
        fputs(" | ", out);
        if (p->effort_before >= 0) fprintf(out, "%d", p->effort_before);
        fputs(" | ", out);
        if (p->effort_after >= 0) fprintf(out, "%d", p->effort_after);
        fputs(" | ", out);
        md_related(out, &p->related);
        fputs(" |\n", out);
    }
    if (d->n_paths) fputc('\n', out);

    fprintf(out, "## Findings (%zu removed, %zu added)\n\n", d->n_findings - nf, nf);
    if (!d->n_findings) fputs("No finding changed.\n", out);
    if (d->n_findings)
        fputs("| Change | Severity | Finding | Host | Detail |\n|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < d->n_findings; i++) {
        const DiffFinding *f = &d->findings[i];
        fprintf(out, "| %s | %s | %s | ", f->added ? "**added**" : "removed",
                severity_name(f->severity), finding_kind_id(f->kind));
        md(out, f->host);
        fputs(" | ", out);
        md(out, f->detail);
        fputs(" |\n", out);
    }
}
