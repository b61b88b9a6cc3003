/* Engine unit tests: each DESIGN.md rule on a scenario built in code, with the built-in
 * catalog. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_json.h"
#include "engine.h"
#include "hostpath.h"
#include "scenario.h"

static Catalog *cat;

static void setup(void)
{
    cat = catalog_load_builtin();
}

static void teardown(void)
{
    catalog_free(cat);
}

TestSuite(engine, .init = setup, .fini = teardown);

/* DESIGN.md's example without the mount: node-1 (windows), contoso trusted, guest untrusted. */
static Scenario *shared_node(Isolation iso, Account acct)
{
    Scenario *s = scenario_new("shared");
    scenario_add_tenant(s, "contoso", TRUST_TRUSTED);
    scenario_add_tenant(s, "guest", TRUST_UNTRUSTED);
    Host *h = scenario_add_host(s, "node-1", OS_WINDOWS);
    h->ssh = true;
    host_add_user(h, "azureuser", false);
    Workload *w = scenario_add_workload(s, "guest-app", "guest", "node-1");
    w->isolation = iso;
    w->account = acct;
    w = scenario_add_workload(s, "web", "contoso", "node-1");
    w->isolation = ISOLATION_PROCESS;
    w->account = ACCOUNT_USER;
    return s;
}

static Analysis *run(const Scenario *s)
{
    char *err = NULL;
    cr_assert(scenario_validate(s, &err), "invalid test scenario: %s", err);
    EngineOptions o = {.max_paths = 0};
    return engine_analyze(s, cat, &o);
}

static size_t widx(const Scenario *s, const char *id)
{
    for (size_t i = 0; i < s->n_workloads; i++)
        if (strcmp(s->workloads[i].id, id) == 0) return i;
    cr_assert_fail("no workload %s", id);
    return 0;
}

static const BoundaryResult *boundary(const Analysis *a, const char *w, BoundaryKind k)
{
    return analysis_boundary(a, widx(a->scenario, w), k);
}

static bool has_technique(const Analysis *a, const BoundaryResult *b, const char *id)
{
    for (size_t i = 0; i < b->n_techniques; i++)
        if (strcmp(a->catalog->techniques[b->techniques[i]].id, id) == 0) return true;
    return false;
}

static bool why_mentions(const BoundaryResult *b, const char *text)
{
    for (size_t i = 0; i < b->n_why_not; i++)
        if (strstr(b->why_not[i].reason, text)) return true;
    return false;
}

static const Path *find_path(const Analysis *a, const char *from, TargetKind kind, const char *to)
{
    for (size_t i = 0; i < a->n_paths; i++) {
        const Path *p = &a->paths[i];
        const char *tid = kind == TARGET_HOST ? a->scenario->hosts[p->target].id
                                              : a->scenario->tenants[p->target].id;
        if (p->kind == kind && strcmp(a->scenario->workloads[p->start].id, from) == 0 &&
            strcmp(tid, to) == 0)
            return p;
    }
    return NULL;
}

static const char *step_technique(const Analysis *a, const Path *p, size_t k)
{
    return a->catalog->techniques[a->edges[p->steps[k]].technique].id;
}

Test(engine, admin_escape_fails_under_process_isolation)
{
    Scenario *s = shared_node(ISOLATION_PROCESS, ACCOUNT_ADMIN);
    Analysis *a = run(s);
    const BoundaryResult *b = boundary(a, "guest-app", BOUNDARY_ISOLATION);
    cr_assert(b->fails);
    cr_assert(has_technique(a, b, "admin-escape"));
    cr_assert(has_technique(a, b, "kernel-compromise"));
    cr_assert_eq(b->servicing, SERVICING_NOT_A_BOUNDARY);
    cr_assert(b->attacked);
    const Path *p = find_path(a, "guest-app", TARGET_HOST, "node-1");
    cr_assert_not_null(p);
    cr_assert_eq(p->effort, 2);
    cr_assert_eq(p->n_steps, 1);
    cr_assert_str_eq(step_technique(a, p, 0), "admin-escape");
    cr_assert(a->host_compromised[0]);
    cr_assert(a->tenant_exposed[0], "contoso is exposed");
    cr_assert_not(a->tenant_exposed[1], "a start's own tenant is not exposed");
    const Path *t = find_path(a, "guest-app", TARGET_TENANT, "contoso");
    cr_assert_not_null(t);
    cr_assert_eq(t->effort, 3);
    cr_assert_str_eq(step_technique(a, t, 1), "host-controls-workloads");
    cr_assert_eq(a->n_exposure, 1);
    cr_assert_eq(a->exposure[0].n_hosts, 1);
    analysis_free(a);
    scenario_free(s);
}

Test(engine, user_escape_through_kernel_is_a_serviced_security_bug)
{
    Scenario *s = shared_node(ISOLATION_PROCESS, ACCOUNT_USER);
    Analysis *a = run(s);
    const BoundaryResult *b = boundary(a, "guest-app", BOUNDARY_ISOLATION);
    cr_assert(b->fails);
    cr_assert_not(has_technique(a, b, "admin-escape"));
    cr_assert(has_technique(a, b, "kernel-compromise"));
    cr_assert_eq(b->servicing, SERVICING_SECURITY_BOUNDARY);
    const Path *p = find_path(a, "guest-app", TARGET_HOST, "node-1");
    cr_assert_not_null(p);
    cr_assert_eq(p->effort, 3);
    analysis_free(a);
    scenario_free(s);
}

Test(engine, user_without_kernel_exploit_holds_and_says_why)
{
    Scenario *s = shared_node(ISOLATION_PROCESS, ACCOUNT_USER);
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    Analysis *a = run(s);
    const BoundaryResult *b = boundary(a, "guest-app", BOUNDARY_ISOLATION);
    cr_assert_not(b->fails);
    cr_assert_eq(b->servicing, SERVICING_NONE);
    cr_assert(why_mentions(b, "account is user"));
    cr_assert(why_mentions(b, "kernel_exploit is false"));
    cr_assert_eq(a->paths_total, 0);
    cr_assert_not(a->host_compromised[0]);
    analysis_free(a);
    scenario_free(s);
}

Test(engine, hyperv_contains_admin_and_kernel_escapes)
{
    Scenario *s = shared_node(ISOLATION_HYPERV, ACCOUNT_ADMIN);
    Analysis *a = run(s);
    const BoundaryResult *b = boundary(a, "guest-app", BOUNDARY_ISOLATION);
    cr_assert_not(b->fails);
    cr_assert(why_mentions(b, "contained in the utility VM"));
    cr_assert(why_mentions(b, "hypervisor_exploit is false"));
    cr_assert_eq(a->paths_total, 0);
    cr_assert_not(a->host_compromised[0]);
    /* web is process isolated and ContainerUser: intrinsically, the kernel still breaks it */
    cr_assert(boundary(a, "web", BOUNDARY_ISOLATION)->fails);
    cr_assert_not(boundary(a, "web", BOUNDARY_ISOLATION)->attacked);
    analysis_free(a);
    scenario_free(s);
}

Test(engine, hypervisor_exploit_breaks_hyperv_as_a_security_boundary)
{
    Scenario *s = shared_node(ISOLATION_HYPERV, ACCOUNT_ADMIN);
    s->assume[ASSUME_HYPERVISOR_EXPLOIT] = true;
    Analysis *a = run(s);
    const BoundaryResult *b = boundary(a, "guest-app", BOUNDARY_ISOLATION);
    cr_assert(b->fails);
    cr_assert(has_technique(a, b, "vm-escape"));
    cr_assert_eq(b->servicing, SERVICING_SECURITY_BOUNDARY);
    const Path *p = find_path(a, "guest-app", TARGET_HOST, "node-1");
    cr_assert_not_null(p);
    cr_assert_eq(p->effort, 7, "admin-escape into the VM (2) then vm-escape (5)");
    cr_assert_str_eq(step_technique(a, p, 0), "admin-escape");
    cr_assert_str_eq(step_technique(a, p, 1), "vm-escape");
    analysis_free(a);
    scenario_free(s);
}

Test(engine, hyperv_user_writes_ssh_key_through_writable_mount_on_windows)
{
    Scenario *s = shared_node(ISOLATION_HYPERV, ACCOUNT_USER);
    workload_add_mount(&s->workloads[0], "C:\\Users\\azureuser\\.ssh", "C:\\keys", false);
    Analysis *a = run(s);
    const BoundaryResult *v = boundary(a, "guest-app", BOUNDARY_HOST_VOLUME);
    cr_assert(v->fails);
    cr_assert(has_technique(a, v, "hostpath-ssh-injection"));
    cr_assert_eq(v->servicing, SERVICING_BY_DESIGN);
    cr_assert_not(boundary(a, "guest-app", BOUNDARY_ISOLATION)->fails);
    const Path *p = find_path(a, "guest-app", TARGET_HOST, "node-1");
    cr_assert_not_null(p);
    cr_assert_str_eq(step_technique(a, p, 0), "hostpath-ssh-injection");
    /* azureuser is not an admin: the key gives a user on the host, then the kernel */
    const Edge *e = &a->edges[p->steps[0]];
    cr_assert_eq(state_level(a, e->to), LEVEL_USER);
    analysis_free(a);
    scenario_free(s);
}

Test(engine, process_user_cannot_write_the_key_but_admin_can)
{
    Scenario *s = shared_node(ISOLATION_PROCESS, ACCOUNT_USER);
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    workload_add_mount(&s->workloads[0], "c:/users/AZUREUSER/.ssh/", NULL, false);
    Analysis *a = run(s);
    const BoundaryResult *v = boundary(a, "guest-app", BOUNDARY_HOST_VOLUME);
    cr_assert_not(v->fails);
    cr_assert(why_mentions(v, "account is user"), "why-not names the account");
    analysis_free(a);
    s->workloads[0].account = ACCOUNT_ADMIN;
    a = run(s);
    cr_assert(boundary(a, "guest-app", BOUNDARY_HOST_VOLUME)->fails,
              "paths compare case-insensitively with either separator on Windows");
    analysis_free(a);
    scenario_free(s);
}

Test(engine, read_only_mount_and_ssh_off_hold)
{
    Scenario *s = shared_node(ISOLATION_PROCESS, ACCOUNT_ADMIN);
    workload_add_mount(&s->workloads[0], "C:\\Users\\azureuser\\.ssh", NULL, true);
    Analysis *a = run(s);
    const BoundaryResult *v = boundary(a, "guest-app", BOUNDARY_HOST_VOLUME);
    cr_assert_not(v->fails);
    cr_assert(why_mentions(v, "read-only"));
    analysis_free(a);
    s->workloads[0].mounts[0].read_only = false;
    s->hosts[0].ssh = false;
    a = run(s);
    v = boundary(a, "guest-app", BOUNDARY_HOST_VOLUME);
    cr_assert_not(v->fails);
    cr_assert(why_mentions(v, "no SSH server"));
    analysis_free(a);
    scenario_free(s);
}

Test(engine, windows_admin_keys_live_in_programdata)
{
    Scenario *s = shared_node(ISOLATION_PROCESS, ACCOUNT_ADMIN);
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    s->hosts[0].users[0].admin = true;
    /* azureuser's own .ssh no longer matters: an admin's key file is elsewhere */
    workload_add_mount(&s->workloads[0], "C:\\Users\\azureuser\\.ssh", NULL, false);
    Analysis *a = run(s);
    cr_assert_not(boundary(a, "guest-app", BOUNDARY_HOST_VOLUME)->fails);
    analysis_free(a);
    free(s->workloads[0].mounts[0].host_path);
    s->workloads[0].mounts[0].host_path = strdup("C:\\ProgramData\\ssh");
    a = run(s);
    const BoundaryResult *v = boundary(a, "guest-app", BOUNDARY_HOST_VOLUME);
    cr_assert(v->fails);
    analysis_free(a);
    scenario_free(s);
}

Test(engine, hostprocess_has_no_boundary)
{
    Scenario *s = shared_node(ISOLATION_HOST, ACCOUNT_USER);
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    Analysis *a = run(s);
    const BoundaryResult *b = boundary(a, "guest-app", BOUNDARY_ISOLATION);
    cr_assert(b->fails);
    cr_assert(has_technique(a, b, "hostprocess"));
    cr_assert_eq(b->servicing, SERVICING_BY_DESIGN);
    const Path *p = find_path(a, "guest-app", TARGET_HOST, "node-1");
    cr_assert_not_null(p);
    cr_assert_eq(state_level(a, a->edges[p->steps[0]].to), LEVEL_USER,
                 "a HostProcess container runs at its own account's level");
    cr_assert_null(find_path(a, "guest-app", TARGET_TENANT, "contoso"),
                   "a host user without a kernel exploit does not control workloads");
    analysis_free(a);
    scenario_free(s);
}

Test(engine, dedicated_nodes_expose_no_other_tenant)
{
    Scenario *s = shared_node(ISOLATION_PROCESS, ACCOUNT_ADMIN);
    Host *h = scenario_add_host(s, "node-2", OS_WINDOWS);
    (void)h;
    free(s->workloads[1].host);
    s->workloads[1].host = strdup("node-2");
    Analysis *a = run(s);
    cr_assert(a->host_compromised[0]);
    cr_assert_not(a->host_compromised[1]);
    cr_assert_not(a->tenant_exposed[0]);
    cr_assert_eq(a->n_exposure, 0);
    cr_assert_eq(a->paths_total, 1);
    analysis_free(a);
    scenario_free(s);
}

Test(engine, no_starts_means_no_paths_but_intrinsic_verdicts)
{
    Scenario *s = shared_node(ISOLATION_PROCESS, ACCOUNT_ADMIN);
    s->tenants[1].trust = TRUST_TRUSTED;
    Analysis *a = run(s);
    cr_assert_eq(a->n_starts, 0);
    cr_assert_eq(a->paths_total, 0);
    const BoundaryResult *b = boundary(a, "guest-app", BOUNDARY_ISOLATION);
    cr_assert(b->fails, "the verdict is intrinsic, whoever runs there");
    cr_assert_not(b->attacked);
    analysis_free(a);
    s->workloads[1].compromised = true;
    a = run(s);
    cr_assert_eq(a->n_starts, 1, "assume breach makes a trusted workload a start");
    cr_assert_not_null(find_path(a, "web", TARGET_TENANT, "guest"));
    analysis_free(a);
    scenario_free(s);
}

Test(engine, hardening_raises_effort_but_closes_nothing)
{
    Scenario *s = shared_node(ISOLATION_PROCESS, ACCOUNT_ADMIN);
    s->hosts[0].os = OS_LINUX;
    strlist_add(&s->workloads[0].hardening, "apparmor");
    strlist_add(&s->workloads[0].hardening, "seccomp");
    Analysis *a = run(s);
    const Path *p = find_path(a, "guest-app", TARGET_HOST, "node-1");
    cr_assert_not_null(p);
    cr_assert_eq(p->effort, 4, "admin-escape 2 + apparmor 1 + seccomp 1");
    cr_assert(boundary(a, "guest-app", BOUNDARY_ISOLATION)->fails);
    analysis_free(a);
    s->hosts[0].os = OS_WINDOWS;
    a = run(s);
    p = find_path(a, "guest-app", TARGET_HOST, "node-1");
    cr_assert_eq(p->effort, 2, "AppArmor and seccomp do not apply to Windows");
    analysis_free(a);
    scenario_free(s);
}

Test(engine, linux_vm_runtime_keeps_file_ownership)
{
    Scenario *s = scenario_new("kata");
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    scenario_add_tenant(s, "t", TRUST_UNTRUSTED);
    Host *h = scenario_add_host(s, "n", OS_LINUX);
    h->ssh = true;
    Workload *w = scenario_add_workload(s, "kata-app", "t", "n");
    w->isolation = ISOLATION_HYPERV;
    w->account = ACCOUNT_USER;
    workload_add_mount(w, "/root/.ssh", NULL, false);
    Analysis *a = run(s);
    cr_assert_not(boundary(a, "kata-app", BOUNDARY_HOST_VOLUME)->fails,
                  "a non-root user in Kata cannot write root's key file");
    analysis_free(a);
    s->assume[ASSUME_KERNEL_EXPLOIT] = true;
    a = run(s);
    cr_assert(boundary(a, "kata-app", BOUNDARY_HOST_VOLUME)->fails,
              "holding the VM's kernel writes through the shared folder as root");
    const Path *p = find_path(a, "kata-app", TARGET_HOST, "n");
    cr_assert_not_null(p);
    cr_assert_eq(p->n_steps, 2);
    cr_assert_str_eq(step_technique(a, p, 0), "kernel-compromise");
    cr_assert_str_eq(step_technique(a, p, 1), "hostpath-ssh-injection");
    analysis_free(a);
    scenario_free(s);
}

Test(engine, runtime_socket_works_read_only)
{
    Scenario *s = scenario_new("sock");
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    scenario_add_tenant(s, "t", TRUST_UNTRUSTED);
    scenario_add_host(s, "n", OS_LINUX);
    Workload *w = scenario_add_workload(s, "app", "t", "n");
    workload_add_mount(w, "/var/run/docker.sock", NULL, true);
    s->workloads[0].isolation = ISOLATION_SANDBOX; /* admin-escape is contained */
    Analysis *a = run(s);
    cr_assert_not(boundary(a, "app", BOUNDARY_HOST_VOLUME)->fails,
                  "the socket technique needs process isolation");
    analysis_free(a);
    s->workloads[0].isolation = ISOLATION_PROCESS;
    a = run(s);
    const BoundaryResult *v = boundary(a, "app", BOUNDARY_HOST_VOLUME);
    cr_assert(v->fails);
    cr_assert(has_technique(a, v, "runtime-socket"));
    analysis_free(a);
    scenario_free(s);
}

Test(engine, privileged_with_host_pid_is_one_step)
{
    Scenario *s = scenario_new("priv");
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    scenario_add_tenant(s, "t", TRUST_UNTRUSTED);
    scenario_add_host(s, "n", OS_LINUX);
    Workload *w = scenario_add_workload(s, "app", "t", "n");
    w->privileged = true;
    w->host_namespaces = HOSTNS_PID;
    w->isolation = ISOLATION_SANDBOX;
    Analysis *a = run(s);
    cr_assert_not(boundary(a, "app", BOUNDARY_ISOLATION)->fails);
    analysis_free(a);
    s->workloads[0].isolation = ISOLATION_PROCESS;
    a = run(s);
    const BoundaryResult *b = boundary(a, "app", BOUNDARY_ISOLATION);
    cr_assert(has_technique(a, b, "nsenter-host-pid"));
    cr_assert(has_technique(a, b, "privileged-host-mount"));
    cr_assert(has_technique(a, b, "kernel-module-load"));
    const Path *p = find_path(a, "app", TARGET_HOST, "n");
    cr_assert_eq(p->effort, 1);
    cr_assert_str_eq(step_technique(a, p, 0), "nsenter-host-pid", "ties break by technique id");
    analysis_free(a);
    scenario_free(s);
}

Test(engine, max_paths_keeps_the_lowest_effort_and_counts_all)
{
    Scenario *s = scenario_new("many");
    scenario_add_host(s, "n", OS_WINDOWS);
    char id[32];
    for (int i = 0; i < 6; i++) {
        snprintf(id, sizeof id, "t%d", i);
        scenario_add_tenant(s, id, TRUST_UNTRUSTED);
        Workload *w = scenario_add_workload(s, id, id, "n");
        w->account = i % 2 ? ACCOUNT_USER : ACCOUNT_ADMIN;
    }
    Analysis *all = run(s);
    cr_assert_eq(all->paths_total, 6 * 6, "each start: its host and 5 other tenants");
    cr_assert_eq(all->n_paths, all->paths_total);
    EngineOptions o = {.max_paths = 4};
    Analysis *few = engine_analyze(s, cat, &o);
    cr_assert_eq(few->paths_total, all->paths_total);
    cr_assert_eq(few->n_paths, 4);
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(few->paths[i].start, all->paths[i].start);
        cr_assert_eq(few->paths[i].target, all->paths[i].target);
        cr_assert_eq(few->paths[i].effort, all->paths[i].effort);
    }
    for (size_t i = 1; i < all->n_paths; i++)
        cr_assert_leq(path_compare(all, &all->paths[i - 1], &all->paths[i]), 0);
    analysis_free(all);
    analysis_free(few);
    scenario_free(s);
}

/* Adds the techniques of a catalog file's text to the test's catalog. */
static void add_techniques(const char *json)
{
    char *err = NULL;
    cr_assert(catalog_merge_text(cat, json, strlen(json), "extra.json", &err), "%s", err);
}

Test(engine, catalog_file_technique_creates_paths)
{
    Scenario *s = shared_node(ISOLATION_HYPERV, ACCOUNT_USER);
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    workload_add_mount(&s->workloads[0], "D:\\build-cache", NULL, false);
    Analysis *a = run(s);
    cr_assert_eq(a->paths_total, 0);
    analysis_free(a);
    const char *extra =
        "{\"breakout_catalog\": 1, \"techniques\": [{\"id\": \"build-cache-poisoning\", "
        "\"name\": \"Poison a shared build cache\", \"boundary\": \"host-volume\", "
        "\"servicing\": \"by-design\", \"effort\": 3, \"when\": [{\"from\": [\"workload\"], "
        "\"mount\": {\"need\": \"writable\", \"within\": [\"D:\\\\build-cache\"]}, "
        "\"effect\": \"host-admin\"}], \"teaching\": \"t\", \"source\": \"s\"}]}";
    add_techniques(extra);
    a = run(s);
    const BoundaryResult *v = boundary(a, "guest-app", BOUNDARY_HOST_VOLUME);
    cr_assert(v->fails);
    cr_assert(has_technique(a, v, "build-cache-poisoning"));
    const Path *p = find_path(a, "guest-app", TARGET_HOST, "node-1");
    cr_assert_not_null(p);
    cr_assert_str_eq(step_technique(a, p, 0), "build-cache-poisoning");
    analysis_free(a);
    scenario_free(s);
}

/* Workloads alike are judged once; a technique that reaches the other workloads of the host
 * breaks the boundary only of a workload that has some beside it. */
Test(engine, a_workload_alone_on_its_host_is_judged_apart_from_one_alike_with_neighbours)
{
    const char *extra =
        "{\"breakout_catalog\": 1, \"techniques\": [{\"id\": \"reach-the-neighbours\", "
        "\"name\": \"Reach the workloads beside it\", \"boundary\": \"isolation\", "
        "\"servicing\": \"by-design\", \"effort\": 2, \"when\": [{\"from\": "
        "[\"workload-admin\"], \"effect\": \"host-workloads\"}], \"teaching\": \"t\", "
        "\"source\": \"s\"}]}";
    add_techniques(extra);
    Scenario *s = scenario_new("neighbours");
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    scenario_add_tenant(s, "contoso", TRUST_TRUSTED);
    scenario_add_tenant(s, "guest", TRUST_UNTRUSTED);
    scenario_add_host(s, "node-1", OS_LINUX);
    scenario_add_host(s, "node-2", OS_LINUX);
    const char *ids[] = {"alone", "beside", "neighbour"};
    const char *tenants[] = {"guest", "guest", "contoso"};
    const char *hosts[] = {"node-1", "node-2", "node-2"};
    for (int i = 0; i < 3; i++) {
        Workload *w = scenario_add_workload(s, ids[i], tenants[i], hosts[i]);
        w->isolation = ISOLATION_HYPERV;
        w->account = ACCOUNT_ADMIN;
    }
    for (int pass = 0; pass < 2; pass++) { /* either judged first */
        Analysis *a = run(s);
        const BoundaryResult *alone = boundary(a, "alone", BOUNDARY_ISOLATION);
        const BoundaryResult *beside = boundary(a, "beside", BOUNDARY_ISOLATION);
        cr_assert_not(alone->fails, "pass %d: alone on its host, yet its isolation fails", pass);
        cr_assert(beside->fails, "pass %d", pass);
        cr_assert(has_technique(a, beside, "reach-the-neighbours"), "pass %d", pass);
        analysis_free(a);
        Workload first = s->workloads[0]; /* the other order */
        s->workloads[0] = s->workloads[1];
        s->workloads[1] = first;
    }
    scenario_free(s);
}

Test(engine, catalog_errors_name_the_place_and_leave_the_catalog_alone)
{
    size_t before = cat->n;
    const char *bad = "{\"breakout_catalog\": 1, \"techniques\": [{\"id\": \"x\", \"name\": "
                      "\"X\", \"boundary\": \"isolation\", \"effort\": 9, \"when\": [], "
                      "\"teaching\": \"t\", \"source\": \"s\"}]}";
    char *err = NULL;
    cr_assert_not(catalog_merge_text(cat, bad, strlen(bad), "bad.json", &err));
    cr_assert_str_eq(err, "bad.json: techniques[0]: effort: expected an integer from 1 to 5");
    free(err);
    cr_assert_eq(cat->n, before);
    const char *syntax = "{\"breakout_catalog\": 1,\n \"techniques\": [}";
    cr_assert_not(catalog_merge_text(cat, syntax, strlen(syntax), "syn.json", &err));
    cr_assert(strncmp(err, "syn.json:2:", 11) == 0, "got %s", err);
    free(err);
}

Test(engine, builtin_catalog_has_the_design_techniques)
{
    static const char *const ids[] = {
        "admin-escape",   "kernel-compromise",      "vm-escape",
        "sandbox-escape", "host-kernel-escalation", "host-controls-workloads",
        "hostprocess",    "hostpath-ssh-injection"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        cr_assert_not_null(catalog_find(cat, ids[i]), "missing %s", ids[i]);
    cr_assert_geq(cat->n, 15);
    for (size_t i = 0; i < cat->n; i++) {
        cr_assert(cat->techniques[i].teaching && strlen(cat->techniques[i].teaching) > 40);
        cr_assert(cat->techniques[i].source && *cat->techniques[i].source);
    }
}

Test(engine, lazy_why_not_gives_the_same_reasons_on_demand)
{
    Scenario *s = shared_node(ISOLATION_HYPERV, ACCOUNT_USER);
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    workload_add_mount(&s->workloads[1], "C:\\Users\\azureuser\\.ssh", NULL, true);
    Analysis *eager = run(s);
    EngineOptions o = {.max_paths = 0, .lazy_why_not = true};
    Analysis *lazy = engine_analyze(s, cat, &o);
    for (size_t w = 0; w < s->n_workloads; w++) {
        cr_assert_eq(lazy->boundaries[2 * w].n_why_not, 0, "nothing before it is asked");
        engine_explain(lazy, w);
        engine_explain(lazy, w); /* twice is once */
        for (size_t b = 2 * w; b < 2 * w + 2; b++) {
            cr_assert_eq(lazy->boundaries[b].n_why_not, eager->boundaries[b].n_why_not);
            for (size_t k = 0; k < eager->boundaries[b].n_why_not; k++)
                cr_assert_str_eq(lazy->boundaries[b].why_not[k].reason,
                                 eager->boundaries[b].why_not[k].reason);
        }
    }
    cr_assert_gt(eager->boundaries[2].n_why_not + eager->boundaries[3].n_why_not, 0);
    analysis_free(eager);
    analysis_free(lazy);
    scenario_free(s);
}
