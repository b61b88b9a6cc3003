/* Diff tests: the what-ifs a workshop records (Hyper-V switch, a mount made read-only, a tenant
 * moved to its own host) tell the right story: which edits, which verdicts, which paths and
 * findings, and whether B regressed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_json.h"
#include "diff.h"
#include "engine.h"
#include "findings.h"
#include "scenario_json.h"
#include "xalloc.h"

#define PAIRS "tests/golden/reports/pairs"

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

TestSuite(diff, .init = setup, .fini = teardown);

typedef struct {
    Scenario *s;
    Analysis *a;
    Findings *f;
} Side;

/* Analyses s (taken over) keeping every path. */
static Side side_of(Scenario *s, size_t max_paths)
{
    char *err = NULL;
    cr_assert(scenario_validate(s, &err), "%s", err);
    EngineOptions o = {.max_paths = max_paths};
    Side x = {.s = s, .a = engine_analyze(s, cat, &o)};
    x.f = findings_compute(x.a);
    return x;
}

static Scenario *load(const char *path)
{
    char *err = NULL;
    Scenario *s = scenario_load_file(path, &err);
    cr_assert_not_null(s, "%s", err);
    return s;
}

static void side_free(Side *x)
{
    findings_free(x->f);
    analysis_free(x->a);
    scenario_free(x->s);
}

typedef struct {
    Side a, b;
    Diff *d;
} Pair;

static Pair pair_of(Scenario *a, Scenario *b)
{
    Pair p = {.a = side_of(a, 0), .b = side_of(b, 0)};
    p.d = diff_compute(p.a.a, p.a.f, p.b.a, p.b.f);
    return p;
}

static Pair pair_files(const char *a, const char *b)
{
    return pair_of(load(a), load(b));
}

static void pair_free(Pair *p)
{
    diff_free(p->d);
    side_free(&p->a);
    side_free(&p->b);
}

/* The descriptions of all edits, one per line (owned). */
static char *edit_lines(const Diff *d)
{
    char *out = xstrdup("");
    for (size_t i = 0; i < d->n_edits; i++) {
        char *e = diff_edit_describe(&d->edits[i]);
        char *next = xasprintf("%s%s\n", out, e);
        free(out);
        free(e);
        out = next;
    }
    return out;
}

static const DiffBoundary *boundary(const Diff *d, const char *workload, BoundaryKind kind)
{
    for (size_t i = 0; i < d->n_boundaries; i++)
        if (strcmp(d->boundaries[i].workload, workload) == 0 && d->boundaries[i].kind == kind)
            return &d->boundaries[i];
    return NULL;
}

static const DiffPath *path(const Diff *d, const char *from, const char *to)
{
    for (size_t i = 0; i < d->n_paths; i++)
        if (strcmp(d->paths[i].from, from) == 0 && strcmp(d->paths[i].to, to) == 0)
            return &d->paths[i];
    return NULL;
}

static const DiffFinding *finding(const Diff *d, FindingKind kind, bool added)
{
    for (size_t i = 0; i < d->n_findings; i++)
        if (d->findings[i].kind == kind && d->findings[i].added == added) return &d->findings[i];
    return NULL;
}

static bool related_to(const DiffRelated *r, const Diff *d, const char *description)
{
    for (size_t i = 0; i < r->n; i++) {
        char *e = diff_edit_describe(&d->edits[r->items[i]]);
        bool same = strcmp(e, description) == 0;
        free(e);
        if (same) return true;
    }
    return false;
}

Test(diff, identical_scenarios_differ_in_nothing)
{
    Pair p = pair_files("scenarios/process-ssh-mount-admin.json",
                        "scenarios/process-ssh-mount-admin.json");
    cr_assert_eq(p.d->n_edits, 0);
    cr_assert_eq(p.d->n_boundaries, 0);
    cr_assert_eq(p.d->n_paths, 0);
    cr_assert_eq(p.d->n_findings, 0);
    cr_assert_not(diff_regressed(p.d));
    cr_assert_eq(p.d->paths_before, 2);
    cr_assert_eq(p.d->paths_after, 2);
    pair_free(&p);
}

/* The workshop's first what-if: switch the shared node to Hyper-V isolation. */
Test(diff, hyperv_switch_closes_every_path_and_boundary)
{
    Pair p = pair_files("scenarios/shared-node-admin.json", PAIRS "/shared-node-admin-hyperv.json");
    const Diff *d = p.d;
    char *edits = edit_lines(d);
    cr_assert_str_eq(edits, "guest-app: isolation process -> hyperv\n"
                            "contoso-web: isolation process -> hyperv\n");
    free(edits);
    cr_assert_str_eq(d->name_before, "Shared Windows node, ContainerAdministrator guest");
    cr_assert_str_eq(d->name_after, "Shared Windows node, Hyper-V isolation");

    cr_assert_eq(d->n_boundaries, 2);
    const DiffBoundary *g = boundary(d, "guest-app", BOUNDARY_ISOLATION);
    cr_assert_not_null(g);
    cr_assert_eq(g->before, DIFF_FAILS);
    cr_assert_eq(g->after, DIFF_HOLDS);
    cr_assert_eq(g->techniques_before.n, 2);
    cr_assert_str_eq(g->techniques_before.items[0], "admin-escape");
    cr_assert_eq(g->servicing_before, SERVICING_NOT_A_BOUNDARY);
    cr_assert_eq(g->servicing_after, SERVICING_NONE);
    cr_assert(related_to(&g->related, d, "guest-app: isolation process -> hyperv"));
    cr_assert_not(related_to(&g->related, d, "contoso-web: isolation process -> hyperv"));

    cr_assert_eq(d->n_paths, 2);
    const DiffPath *host = path(d, "guest-app", "host:node-1");
    cr_assert_not_null(host);
    cr_assert_eq(host->effort_before, 2);
    cr_assert_eq(host->effort_after, -1);
    const DiffPath *tenant = path(d, "guest-app", "tenant:contoso");
    cr_assert_not_null(tenant);
    cr_assert(related_to(&tenant->related, d, "contoso-web: isolation process -> hyperv"),
              "the target tenant's workload edit explains the closed tenant path");

    cr_assert_not_null(finding(d, FINDING_SHARED_KERNEL, false));
    cr_assert_null(finding(d, FINDING_SHARED_KERNEL, true));
    cr_assert_eq(d->hosts_before.n, 1);
    cr_assert_eq(d->hosts_after.n, 0);
    cr_assert_eq(d->failing_before, 2);
    cr_assert_eq(d->failing_after, 0);
    cr_assert_not(diff_regressed(d), "closing everything is no regression");
    pair_free(&p);

    /* the same switch made in code gives the same story */
    Scenario *a = load("scenarios/shared-node-admin.json");
    Scenario *b = scenario_clone(a);
    for (size_t i = 0; i < b->n_workloads; i++)
        b->workloads[i].isolation = ISOLATION_HYPERV;
    p = pair_of(a, b);
    cr_assert_eq(p.d->n_edits, 2);
    cr_assert_eq(p.d->n_boundaries, 2);
    cr_assert_eq(p.d->n_paths, 2);
    cr_assert_not(diff_regressed(p.d));
    pair_free(&p);
}

/* Undoing the switch is what CI must block. */
Test(diff, going_back_to_process_isolation_is_a_regression)
{
    Pair p = pair_files(PAIRS "/shared-node-admin-hyperv.json", "scenarios/shared-node-admin.json");
    cr_assert(diff_regressed(p.d));
    const DiffPath *host = path(p.d, "guest-app", "host:node-1");
    cr_assert_not_null(host);
    cr_assert_eq(host->effort_before, -1);
    cr_assert_eq(host->effort_after, 2);
    const DiffBoundary *g = boundary(p.d, "contoso-web", BOUNDARY_ISOLATION);
    cr_assert_eq(g->before, DIFF_HOLDS);
    cr_assert_eq(g->after, DIFF_FAILS);
    cr_assert_not_null(finding(p.d, FINDING_SHARED_KERNEL, true));
    pair_free(&p);
}

/* A bundled pair that differs in more than isolation: a tenant and a workload are added. */
Test(diff, hyperv_tenants_lists_added_entities)
{
    Pair p = pair_files("scenarios/shared-node-admin.json", "scenarios/hyperv-tenants.json");
    char *edits = edit_lines(p.d);
    cr_assert_str_eq(edits, "tenant fabrikam added (untrusted)\n"
                            "guest-app: isolation process -> hyperv\n"
                            "guest-app: hardening rbac removed\n"
                            "contoso-web: isolation process -> hyperv\n"
                            "workload fabrikam-api added (tenant fabrikam, host node-1, hyperv, "
                            "admin)\n");
    free(edits);
    /* fabrikam-api's boundaries hold: a new workload that holds is no verdict change */
    cr_assert_null(boundary(p.d, "fabrikam-api", BOUNDARY_ISOLATION));
    /* but its admin account is a new finding, and that is a regression by the rule */
    const DiffFinding *f = finding(p.d, FINDING_ADMIN_ACCOUNT, true);
    cr_assert_not_null(f);
    cr_assert_str_eq(f->detail, "fabrikam-api runs as ContainerAdministrator");
    cr_assert(diff_regressed(p.d));
    pair_free(&p);
}

Test(diff, mount_made_read_only_holds_the_host_volume_boundary)
{
    Pair p = pair_files("scenarios/process-ssh-mount-admin.json",
                        PAIRS "/process-ssh-mount-admin-ro.json");
    const Diff *d = p.d;
    char *edits = edit_lines(d);
    cr_assert_str_eq(edits,
                     "guest-app: mount C:\\Users\\azureuser\\.ssh read-write -> read-only\n");
    free(edits);
    cr_assert_str_eq(d->edits[0].field, "mount");
    cr_assert_str_eq(d->edits[0].key, "C:\\Users\\azureuser\\.ssh");
    cr_assert_eq(d->n_boundaries, 1);
    const DiffBoundary *hv = boundary(d, "guest-app", BOUNDARY_HOST_VOLUME);
    cr_assert_not_null(hv);
    cr_assert_eq(hv->before, DIFF_FAILS);
    cr_assert_eq(hv->after, DIFF_HOLDS);
    cr_assert_str_eq(hv->techniques_before.items[0], "hostpath-ssh-injection");
    cr_assert_eq(hv->related.n, 1);
    cr_assert_eq(hv->related.items[0], 0);
    /* the admin escape still reaches the host: no path changes */
    cr_assert_eq(d->n_paths, 0);
    cr_assert_not_null(finding(d, FINDING_SENSITIVE_MOUNT, false));
    /* the readable key folder is a new (medium) finding, which the rule counts */
    cr_assert_not_null(finding(d, FINDING_READABLE_KEYS, true));
    cr_assert(diff_regressed(d));
    pair_free(&p);
}

Test(diff, tenant_moved_to_its_own_host_closes_the_tenant_path)
{
    Pair p =
        pair_files("scenarios/shared-node-admin.json", PAIRS "/shared-node-admin-dedicated.json");
    const Diff *d = p.d;
    char *edits = edit_lines(d);
    cr_assert_str_eq(edits, "host node-2 added (windows, SSH on)\n"
                            "contoso-web: host node-1 -> node-2\n");
    free(edits);
    cr_assert_eq(d->n_boundaries, 0, "isolation is as weak as before on both nodes");
    cr_assert_eq(d->n_paths, 1);
    const DiffPath *t = path(d, "guest-app", "tenant:contoso");
    cr_assert_not_null(t);
    cr_assert_eq(t->effort_after, -1);
    cr_assert(related_to(&t->related, d, "contoso-web: host node-1 -> node-2"));
    cr_assert_null(path(d, "guest-app", "host:node-1"), "the guest still owns its own node");
    cr_assert_not_null(finding(d, FINDING_SHARED_KERNEL, false));
    cr_assert_eq(d->tenants_before.n, 1);
    cr_assert_eq(d->tenants_after.n, 0);
    cr_assert_not(diff_regressed(d));
    pair_free(&p);
}

Test(diff, assumption_change_is_an_edit_that_explains_verdicts)
{
    Scenario *a = load("scenarios/shared-node-user.json");
    Scenario *b = scenario_clone(a);
    b->assume[ASSUME_KERNEL_EXPLOIT] = false;
    Pair p = pair_of(a, b);
    char *edits = edit_lines(p.d);
    cr_assert_str_eq(edits, "assumption kernel_exploit true -> false\n");
    free(edits);
    cr_assert_gt(p.d->n_boundaries, 0);
    for (size_t i = 0; i < p.d->n_boundaries; i++) {
        cr_assert_eq(p.d->boundaries[i].after, DIFF_HOLDS);
        cr_assert(related_to(&p.d->boundaries[i].related, p.d,
                             "assumption kernel_exploit true -> false"));
    }
    cr_assert_not(diff_regressed(p.d));
    pair_free(&p);
}

/* Hardening raises effort without closing anything: the paths are reported harder. */
Test(diff, hardening_makes_a_path_harder_not_closed)
{
    Scenario *a = load("scenarios/assume-breach.json");
    Scenario *b = scenario_clone(a);
    Workload *w = scenario_workload(b, "storefront-web");
    cr_assert_not_null(w);
    strlist_add(&w->hardening, "seccomp");
    Pair p = pair_of(a, b);
    char *edits = edit_lines(p.d);
    cr_assert_str_eq(edits, "storefront-web: hardening seccomp added\n");
    free(edits);
    cr_assert_eq(p.d->n_boundaries, 0);
    cr_assert_gt(p.d->n_paths, 0);
    for (size_t i = 0; i < p.d->n_paths; i++) {
        cr_assert_geq(p.d->paths[i].effort_before, 0);
        cr_assert_gt(p.d->paths[i].effort_after, p.d->paths[i].effort_before);
    }
    /* no path opened; the new (low) hardening-as-boundary finding alone makes it a regression */
    const DiffFinding *f = finding(p.d, FINDING_HARDENING_AS_BOUNDARY, true);
    cr_assert_not_null(f);
    cr_assert_eq(f->severity, SEVERITY_LOW);
    cr_assert(diff_regressed(p.d));
    pair_free(&p);
}

/* B edits every kind of field of process-ssh-mount-admin and drops contoso-web. */
static const char every_edit_json[] =
    "{\"breakout\": 2, \"name\": \"Shared Windows node pool\",\n"
    " \"assumptions\": {\"kernel_exploit\": true, \"hypervisor_exploit\": true},\n"
    " \"tenants\": [{\"id\": \"contoso\", \"name\": \"Contoso Ltd\", \"trust\": \"untrusted\"},\n"
    "             {\"id\": \"guest\", \"name\": \"Unvetted customer\", \"trust\": "
    "\"untrusted\"}],\n"
    " \"hosts\": [{\"id\": \"node-1\", \"os\": \"windows\", \"ssh\": false,\n"
    "            \"users\": [{\"name\": \"azureuser\", \"admin\": true},\n"
    "                      {\"name\": \"ops\", \"admin\": false}]}],\n"
    " \"workloads\": [{\"id\": \"guest-app\", \"tenant\": \"guest\", \"host\": \"node-1\",\n"
    "   \"isolation\": \"process\", \"account\": \"user\", \"privileged\": true,\n"
    "   \"compromised\": true, \"host_pid\": true, \"host_ipc\": true,\n"
    "   \"capabilities\": [\"SYS_ADMIN\"], \"hardening\": [\"rbac\"],\n"
    "   \"mounts\": [{\"host_path\": \"C:\\\\Users\\\\azureuser\\\\.ssh\", \"path\": "
    "\"C:\\\\other\"},\n"
    "              {\"host_path\": \"C:\\\\data\", \"read_only\": true}]}]}\n";

Test(diff, every_kind_of_edit_is_described)
{
    Scenario *a = load("scenarios/process-ssh-mount-admin.json");
    char *err = NULL;
    Scenario *b = scenario_parse(every_edit_json, strlen(every_edit_json), "b.json", &err);
    cr_assert_not_null(b, "%s", err);
    Pair p = pair_of(a, b);
    char *edits = edit_lines(p.d);
    cr_assert_str_eq(edits,
                     "assumption hypervisor_exploit false -> true\n"
                     "contoso: trust trusted -> untrusted\n"
                     "contoso: name Contoso -> Contoso Ltd\n"
                     "node-1: ssh on -> off\n"
                     "node-1: user azureuser user -> admin\n"
                     "node-1: user ops added (user)\n"
                     "guest-app: account admin -> user\n"
                     "guest-app: privileged false -> true\n"
                     "guest-app: compromised false -> true\n"
                     "guest-app: host namespaces none -> pid, ipc\n"
                     "guest-app: capability SYS_ADMIN added\n"
                     "guest-app: mount target C:\\Users\\azureuser\\.ssh C:\\keys -> C:\\other\n"
                     "guest-app: mount C:\\data added (read-only)\n"
                     "workload contoso-web removed (was tenant contoso, host node-1, process, "
                     "user)\n");
    free(edits);
    const DiffEdit *last = &p.d->edits[p.d->n_edits - 1];
    cr_assert_eq(last->entity, DIFF_WORKLOAD);
    cr_assert_null(last->field);
    cr_assert_null(last->after);
    /* the removed workload's failing isolation is reported as absent in B */
    const DiffBoundary *cw = boundary(p.d, "contoso-web", BOUNDARY_ISOLATION);
    cr_assert_not_null(cw);
    cr_assert_eq(cw->before, DIFF_FAILS);
    cr_assert_eq(cw->after, DIFF_ABSENT);
    pair_free(&p);
}

Test(diff, limited_paths_are_flagged_partial)
{
    Side a = side_of(load("scenarios/shared-node-admin.json"), 1);
    Side b = side_of(load("scenarios/shared-node-admin.json"), 0);
    Diff *d = diff_compute(a.a, a.f, b.a, b.f);
    cr_assert(d->paths_partial);
    diff_free(d);
    d = diff_compute(b.a, NULL, b.a, NULL);
    cr_assert_not(d->paths_partial);
    cr_assert_eq(d->n_findings, 0);
    cr_assert_eq(d->findings_before, 0);
    diff_free(d);
    side_free(&a);
    side_free(&b);
}

Test(diff, free_null_is_a_no_op)
{
    diff_free(NULL);
}
