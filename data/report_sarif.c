/* The SARIF log: see report_sarif.h. Written as a stream with jsonw, which escapes strings. */
#include "report_sarif.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "xalloc.h"

#define SARIF_SCHEMA        "https://json.schemastore.org/sarif-2.1.0.json"
#define FINDING_RULE_PREFIX "finding:"

/* "admin-escape" -> "AdminEscape": the conventional form of a SARIF rule name. Owned. */
static char *pascal_name(const char *id)
{
    char *out = xmalloc(strlen(id) + 1), *o = out;
    bool up = true;
    for (const char *p = id; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80 && isalnum(c)) {
            *o++ = up ? (char)toupper(c) : (char)c;
            up = false;
        } else {
            up = true;
        }
    }
    *o = '\0';
    return out;
}

/* Percent-encodes a file path as a URI reference: unreserved characters and "/:@!$&'()*+,;="
 * pass, backslashes become slashes, every other byte becomes %XX. Owned. */
static char *uri_of_path(const char *path)
{
    char *out = xmalloc(3 * strlen(path) + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '\\') {
            *o++ = '/';
        } else if (*p < 0x80 && (isalnum(*p) || strchr("-._~/:@!$&'()*+,;=", *p))) {
            *o++ = (char)*p;
        } else {
            o += sprintf(o, "%%%02X", *p);
        }
    }
    *o = '\0';
    return out;
}

static void kmessage(JsonW *w, const char *key, const char *text)
{
    jsonw_key(w, key);
    jsonw_object_inline(w);
    jsonw_kstring(w, "text", text);
    jsonw_end(w);
}

static void write_technique_rule(JsonW *w, const Technique *t)
{
    jsonw_object(w);
    jsonw_kstring(w, "id", t->id);
    char *name = pascal_name(t->id);
    if (*name) jsonw_kstring(w, "name", name);
    free(name);
    kmessage(w, "shortDescription", t->name && *t->name ? t->name : t->id);
    kmessage(w, "fullDescription", t->teaching && *t->teaching ? t->teaching : t->name);
    char *closed = xstrdup("");
    for (size_t k = 0; k < t->closed_by.n; k++) {
        char *next = xasprintf("%s%s%s", closed, k ? "; " : "", t->closed_by.items[k]);
        free(closed);
        closed = next;
    }
    char *help = xasprintf("Closed by: %s. Source: %s", *closed ? closed : "no listed change",
                           t->source ? t->source : "none given");
    kmessage(w, "help", help);
    free(help);
    free(closed);
    jsonw_key(w, "properties");
    jsonw_object(w);
    jsonw_kstring(w, "boundary", boundary_name(t->boundary));
    jsonw_key(w, "servicing");
    if (t->servicing != SERVICING_NONE)
        jsonw_string(w, servicing_name(t->servicing));
    else
        jsonw_null(w);
    jsonw_key(w, "servicing_admin");
    if (t->servicing_admin != SERVICING_NONE)
        jsonw_string(w, servicing_name(t->servicing_admin));
    else
        jsonw_null(w);
    jsonw_kint(w, "effort", t->effort);
    jsonw_kstring(w, "source", t->source);
    jsonw_key(w, "tags");
    jsonw_array_inline(w);
    jsonw_string(w, "security");
    jsonw_string(w, "container-isolation");
    jsonw_end(w);
    jsonw_end(w);
    jsonw_end(w);
}

static void write_finding_rule(JsonW *w, FindingKind k)
{
    jsonw_object(w);
    char *id = xasprintf(FINDING_RULE_PREFIX "%s", finding_kind_id(k));
    jsonw_kstring(w, "id", id);
    free(id);
    char *name = pascal_name(finding_kind_id(k));
    jsonw_kstring(w, "name", name);
    free(name);
    kmessage(w, "shortDescription", finding_title(k));
    kmessage(w, "fullDescription", finding_title(k));
    char *help = xasprintf("Source: %s", finding_source(k));
    kmessage(w, "help", help);
    free(help);
    jsonw_key(w, "properties");
    jsonw_object(w);
    jsonw_kstring(w, "source", finding_source(k));
    jsonw_key(w, "tags");
    jsonw_array_inline(w);
    jsonw_string(w, "security");
    jsonw_string(w, "finding");
    jsonw_end(w);
    jsonw_end(w);
    jsonw_end(w);
}

static void logical(JsonW *w, const char *kind_prefix, const char *id, const char *kind)
{
    char *fqn = xasprintf("%s:%s", kind_prefix, id);
    jsonw_object_inline(w);
    jsonw_kstring(w, "name", id);
    jsonw_kstring(w, "fullyQualifiedName", fqn);
    jsonw_kstring(w, "kind", kind);
    jsonw_end(w);
    free(fqn);
}

/* Writes "locations": one location naming the workloads, host and tenants concerned. */
static void write_locations(JsonW *w, const Scenario *s, const size_t *workloads, size_t n_w,
                            size_t host, const size_t *tenants, size_t n_t, const char *uri)
{
    jsonw_key(w, "locations");
    jsonw_array(w);
    jsonw_object(w);
    if (uri) {
        jsonw_key(w, "physicalLocation");
        jsonw_object(w);
        jsonw_key(w, "artifactLocation");
        jsonw_object_inline(w);
        jsonw_kstring(w, "uri", uri);
        jsonw_end(w);
        jsonw_end(w);
    }
    jsonw_key(w, "logicalLocations");
    jsonw_array(w);
    for (size_t i = 0; i < n_w; i++)
        logical(w, "workload", s->workloads[workloads[i]].id, "resource");
    logical(w, "host", s->hosts[host].id, "resource");
    for (size_t i = 0; i < n_t; i++)
        logical(w, "tenant", s->tenants[tenants[i]].id, "namespace");
    jsonw_end(w);
    jsonw_end(w);
    jsonw_end(w);
}

/* The technique a failing boundary's result is filed under: lowest catalog effort, then id. */
static uint32_t primary_technique(const Analysis *a, const BoundaryResult *b)
{
    uint32_t best = b->techniques[0];
    for (size_t k = 1; k < b->n_techniques; k++) {
        const Technique *t = &a->catalog->techniques[b->techniques[k]];
        const Technique *p = &a->catalog->techniques[best];
        if (t->effort < p->effort || (t->effort == p->effort && strcmp(t->id, p->id) < 0))
            best = b->techniques[k];
    }
    return best;
}

static const char *boundary_level(const BoundaryResult *b)
{
    bool config = b->servicing != SERVICING_SECURITY_BOUNDARY;
    if (config) return b->attacked ? "error" : "warning";
    return b->attacked ? "warning" : "note";
}

static const Analysis *sort_a; /* qsort context */
/* The decisions of the log being written (report_write_sarif sets it); NULL: none. A file-level
 * context like sort_a: the writer is not re-entered. */
static const DecisionBook *decisions_shown;

/* Writes the result's "suppressions" when the review accepted or disputed its subject (owned:
 * freed here): an acceptance in force is SARIF's {kind external, status accepted} with the
 * reason as justification; one past its review date, or a dispute, is status underReview (the
 * result counts again). Nothing for other decisions or none. */
static void write_suppressions(JsonW *w, char *subject)
{
    size_t i = decision_book_find(decisions_shown, subject);
    free(subject);
    if (i == SIZE_MAX) return;
    const Decision *d = &decisions_shown->list.items[i];
    if (d->kind != DECISION_ACCEPT && d->kind != DECISION_DISPUTE) return;
    char *justification = decision_book_describe(decisions_shown, i);
    jsonw_key(w, "suppressions");
    jsonw_array(w);
    jsonw_object(w);
    jsonw_kstring(w, "kind", "external");
    jsonw_kstring(w, "status",
                  decision_book_in_force(decisions_shown, i) ? "accepted" : "underReview");
    jsonw_kstring(w, "justification", justification);
    jsonw_key(w, "properties");
    jsonw_object(w);
    jsonw_kstring(w, "decision", decision_kind_name(d->kind));
    jsonw_kstring(w, "subject", d->subject);
    if (d->owner) jsonw_kstring(w, "owner", d->owner);
    if (d->review_date) jsonw_kstring(w, "review_date", d->review_date);
    jsonw_kstring(w, "author", d->author);
    jsonw_kstring(w, "created", d->created);
    jsonw_end(w);
    jsonw_end(w);
    jsonw_end(w);
    free(justification);
}

static int boundary_order(const void *x, const void *y)
{
    const BoundaryResult *p = *(const BoundaryResult *const *)x;
    const BoundaryResult *q = *(const BoundaryResult *const *)y;
    int c = strcmp(sort_a->scenario->workloads[p->workload].id,
                   sort_a->scenario->workloads[q->workload].id);
    return c ? c : (int)p->kind - (int)q->kind;
}

static void write_boundary_result(JsonW *w, const Analysis *a, const BoundaryResult *b,
                                  const char *uri)
{
    const Scenario *s = a->scenario;
    const Workload *wl = &s->workloads[b->workload];
    uint32_t rule = primary_technique(a, b);
    char *techs = xstrdup("");
    for (size_t k = 0; k < b->n_techniques; k++) {
        char *next =
            xasprintf("%s%s%s", techs, k ? ", " : "", a->catalog->techniques[b->techniques[k]].id);
        free(techs);
        techs = next;
    }
    char *text = xasprintf("The %s boundary of workload %s (tenant %s, host %s) fails: %s (%s). %s",
                           boundary_name(b->kind), wl->id, wl->tenant, wl->host, techs,
                           servicing_name(b->servicing),
                           b->attacked ? "An attacker starts in this workload or reaches it."
                                       : "No attacker reaches it in this scenario.");
    jsonw_object(w);
    jsonw_kstring(w, "ruleId", a->catalog->techniques[rule].id);
    jsonw_kint(w, "ruleIndex", (long long)rule);
    jsonw_kstring(w, "level", boundary_level(b));
    kmessage(w, "message", text);
    size_t host = a->host_of[b->workload], tenant = a->tenant_of[b->workload];
    write_locations(w, s, &b->workload, 1, host, &tenant, 1, uri);
    if (decisions_shown) write_suppressions(w, subject_of_boundary(a, b));
    char *key = xasprintf("boundary:%s:%s", wl->id, boundary_name(b->kind));
    jsonw_key(w, "partialFingerprints");
    jsonw_object_inline(w);
    jsonw_kstring(w, "breakoutResult/v1", key);
    jsonw_end(w);
    free(key);
    jsonw_key(w, "properties");
    jsonw_object(w);
    jsonw_kstring(w, "workload", wl->id);
    jsonw_kstring(w, "host", wl->host);
    jsonw_kstring(w, "tenant", wl->tenant);
    jsonw_kstring(w, "boundary", boundary_name(b->kind));
    jsonw_kstring(w, "servicing", servicing_name(b->servicing));
    jsonw_kbool(w, "attacked", b->attacked);
    jsonw_key(w, "techniques");
    jsonw_array_inline(w);
    for (size_t k = 0; k < b->n_techniques; k++)
        jsonw_string(w, a->catalog->techniques[b->techniques[k]].id);
    jsonw_end(w);
    jsonw_end(w);
    jsonw_end(w);
    free(text);
    free(techs);
}

static void write_finding_result(JsonW *w, const Analysis *a, const Finding *x, size_t rule_index,
                                 const char *uri)
{
    const Scenario *s = a->scenario;
    char *rule = xasprintf(FINDING_RULE_PREFIX "%s", finding_kind_id(x->kind));
    char *text = xasprintf("%s: %s.", finding_title(x->kind), x->detail ? x->detail : "");
    jsonw_object(w);
    jsonw_kstring(w, "ruleId", rule);
    jsonw_kint(w, "ruleIndex", (long long)rule_index);
    jsonw_kstring(w, "level",
                  x->severity == SEVERITY_HIGH     ? "error"
                  : x->severity == SEVERITY_MEDIUM ? "warning"
                                                   : "note");
    kmessage(w, "message", text);
    write_locations(w, s, x->workloads, x->n_workloads, x->host, x->tenants, x->n_tenants, uri);
    if (decisions_shown) write_suppressions(w, subject_of_finding(a, x));
    char *key = xasprintf("finding:%s:%s:%s", finding_kind_id(x->kind), s->hosts[x->host].id,
                          x->detail ? x->detail : "");
    jsonw_key(w, "partialFingerprints");
    jsonw_object_inline(w);
    jsonw_kstring(w, "breakoutResult/v1", key);
    jsonw_end(w);
    free(key);
    jsonw_key(w, "properties");
    jsonw_object(w);
    jsonw_kstring(w, "severity", severity_name(x->severity));
    jsonw_kstring(w, "detail", x->detail);
    jsonw_end(w);
    jsonw_end(w);
    free(text);
    free(rule);
}

void report_write_sarif(const Report *r, FILE *out, const char *artifact_uri)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    const Catalog *c = a->catalog;
    char *uri = artifact_uri ? uri_of_path(artifact_uri) : NULL;
    decisions_shown = r->decisions;
    JsonW w;
    jsonw_init_file(&w, out, true);
    jsonw_object(&w);
    jsonw_kstring(&w, "$schema", SARIF_SCHEMA);
    jsonw_kstring(&w, "version", "2.1.0");
    jsonw_key(&w, "runs");
    jsonw_array(&w);
    jsonw_object(&w);

    jsonw_key(&w, "tool");
    jsonw_object(&w);
    jsonw_key(&w, "driver");
    jsonw_object(&w);
    jsonw_kstring(&w, "name", "breakout");
    jsonw_kstring(&w, "fullName", "breakout container isolation threat model");
    kmessage(&w, "shortDescription",
             "Attack paths, boundary verdicts and findings for multi-tenant container "
             "deployments.");
    jsonw_key(&w, "rules");
    jsonw_array(&w);
    for (size_t i = 0; i < c->n; i++)
        write_technique_rule(&w, &c->techniques[i]);
    for (int k = 0; k < FINDING_KIND_COUNT; k++)
        write_finding_rule(&w, (FindingKind)k);
    jsonw_end(&w);
    jsonw_end(&w);
    jsonw_end(&w);

    jsonw_key(&w, "invocations");
    jsonw_array(&w);
    jsonw_object_inline(&w);
    jsonw_kbool(&w, "executionSuccessful", true);
    jsonw_end(&w);
    jsonw_end(&w);

    jsonw_key(&w, "results");
    jsonw_array(&w);
    const BoundaryResult **order = xcalloc(a->n_boundaries + 1, sizeof *order);
    size_t n = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        if (a->boundaries[i].fails && a->boundaries[i].n_techniques) order[n++] = &a->boundaries[i];
    sort_a = a;
    xqsort(order, n, sizeof *order, boundary_order);
    for (size_t i = 0; i < n; i++)
        write_boundary_result(&w, a, order[i], uri);
    free(order);
    if (r->findings)
        for (size_t i = 0; i < r->findings->n; i++)
            write_finding_result(&w, a, &r->findings->items[i],
                                 c->n + (size_t)r->findings->items[i].kind, uri);
    jsonw_end(&w);

    jsonw_key(&w, "properties");
    jsonw_object(&w);
    jsonw_kstring(&w, "scenario", s->name);
    jsonw_key(&w, "assumptions");
    jsonw_object_inline(&w);
    for (int i = 0; i < ASSUME_COUNT; i++)
        jsonw_kbool(&w, assumption_name((Assumption)i), s->assume[i]);
    jsonw_end(&w);
    jsonw_kint(&w, "paths_total", (long long)a->paths_total);
    jsonw_end(&w);

    jsonw_end(&w);
    jsonw_end(&w);
    jsonw_end(&w);
    jsonw_finish(&w);
    free(uri);
    decisions_shown = NULL;
}
