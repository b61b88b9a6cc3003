/* Tests for data/import and data/yaml_reader: input detection, each row of DESIGN.md's mapping
 * table on small inline manifests (JSON and YAML) and docker inspect output, the notes a user
 * reads, and the one-line errors for malformed input and limits. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"
#include "scenario_json.h"
#include "xalloc.h"
#include "yaml_reader.h"

static void enter_source_dir(void)
{
    cr_assert_eq(chdir(SOURCE_DIR), 0, "cannot enter %s", SOURCE_DIR);
}

TestSuite(import, .init = enter_source_dir);
TestSuite(yaml_reader, .init = enter_source_dir);

/* Imports NUL-terminated text as file; asserts success. kind and notes may be NULL. */
static Scenario *imp_opt(const char *text, const char *file, const ImportOptions *o,
                         InputKind *kind, StrList *notes)
{
    char *err = NULL;
    Scenario *s = import_text(text, strlen(text), file, o, kind, notes, &err);
    cr_assert_not_null(s, "import of %s failed: %s", file, err ? err : "(no message)");
    return s;
}

static Scenario *imp(const char *text)
{
    return imp_opt(text, "t.yaml", NULL, NULL, NULL);
}

/* Imports text as file; asserts failure and returns the owned message. */
static char *imp_err(const char *text, const char *file)
{
    char *err = NULL;
    Scenario *s = import_text(text, strlen(text), file, NULL, NULL, NULL, &err);
    cr_assert_null(s, "import of %s should fail", file);
    cr_assert_not_null(err);
    cr_assert_null(strchr(err, '\n'), "not one line: %s", err);
    return err;
}

static void expect_err(const char *text, const char *file, const char *expected)
{
    char *err = imp_err(text, file);
    cr_expect_str_eq(err, expected);
    free(err);
}

static const Workload *wl(const Scenario *s, const char *id)
{
    const Workload *w = scenario_workload(s, id);
    cr_assert_not_null(w, "no workload %s", id);
    return w;
}

static bool has_note(const StrList *notes, const char *text)
{
    return strlist_has(notes, text);
}

static void expect_note(const StrList *notes, const char *text)
{
    if (has_note(notes, text)) return;
    for (size_t i = 0; i < notes->n; i++)
        fprintf(stderr, "  note: %s\n", notes->items[i]);
    cr_expect_fail("missing note \"%s\"", text);
}

/* ---- detection ---- */

#define MINIMAL_POD                                                                                \
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: team-a\nspec:\n"              \
    "  containers:\n  - name: app\n    image: nginx\n"

Test(import, detects_scenario_json_and_delegates)
{
    const char *text = "{\"breakout\": 1, \"name\": \"x\", \"tenants\": [], \"hosts\": [], "
                       "\"workloads\": []}";
    InputKind k = INPUT_DOCKER;
    Scenario *s = imp_opt(text, "s.json", NULL, &k, NULL);
    cr_expect_eq(k, INPUT_SCENARIO);
    cr_expect_str_eq(s->name, "x");
    scenario_free(s);
    /* and its errors are scenario_parse's */
    expect_err("{\"breakout\": 1, \"name\": \"x\", \"tenants\": [], \"hosts\": []}", "s.json",
               "s.json:1:1: missing required key \"workloads\"");
}

Test(import, detects_kubernetes_json_yaml_and_docker)
{
    InputKind k;
    Scenario *s = imp_opt("{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": "
                          "\"p\"}, \"spec\": {\"containers\": [{\"name\": \"c\"}]}}",
                          "pod.json", NULL, &k, NULL);
    cr_expect_eq(k, INPUT_K8S_JSON);
    cr_expect_str_eq(s->name, "pod.json");
    cr_expect_str_eq(s->description,
                     "Imported from pod.json (Kubernetes JSON): 1 workload, 1 tenant, 1 host.");
    scenario_free(s);

    s = imp_opt(MINIMAL_POD, "dir/sub/pods.yaml", NULL, &k, NULL);
    cr_expect_eq(k, INPUT_K8S_YAML);
    cr_expect_str_eq(s->name, "pods.yaml");
    scenario_free(s);

    s = imp_opt("[{\"Id\": \"abc\", \"Name\": \"/web\", \"Config\": {}, \"HostConfig\": {}}]",
                "inspect.json", NULL, &k, NULL);
    cr_expect_eq(k, INPUT_DOCKER);
    scenario_free(s);

    /* flow-style YAML starts like JSON but is not JSON */
    s = imp_opt("{ apiVersion: \"v1\", kind: \"Pod\", metadata: { name: \"p\" },\n"
                "  spec: { containers: [{ name: \"c\" }] } }\n",
                "flow.yaml", NULL, &k, NULL);
    cr_expect_eq(k, INPUT_K8S_YAML);
    cr_expect_not_null(scenario_workload(s, "default/p"));
    scenario_free(s);
    cr_expect_str_eq(import_kind_name(INPUT_DOCKER), "docker inspect");
}

Test(import, nothing_recognised_is_an_error)
{
    const char *msg = "x: not a breakout scenario, Kubernetes manifest or docker inspect output";
    expect_err("{\"foo\": 1}", "x", msg);
    expect_err("[]", "x", msg);
    expect_err("hello world\n", "x", msg);
    expect_err("foo: bar\n", "x", msg);
    expect_err("", "x", "x: empty file, expected a JSON object"); /* the scenario reader's */
    expect_err("\x89PNG\r\n\x1a\n", "x", msg);
    expect_err("kind: Service\nmetadata: {name: web, namespace: default}\n", "x",
               "x: not a breakout scenario, Kubernetes manifest or docker inspect output (found "
               "only kinds breakout skips: Service)");
    expect_err("[{\"Id\": \"sha256:1\", \"Config\": {}, \"RepoTags\": [\"a\"]}]", "x",
               "x: not a breakout scenario, Kubernetes manifest or docker inspect output (found "
               "images, not containers)");
}

Test(import, an_empty_list_is_an_empty_scenario)
{
    StrList notes = {0};
    Scenario *s = imp_opt("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}",
                          "pods.json", NULL, NULL, &notes);
    cr_expect_eq(s->n_workloads, 0);
    expect_note(&notes, "no pods or pod templates: no workloads");
    scenario_free(s);
    strlist_done(&notes);
}

/* ---- tenants, hosts, ids ---- */

/* `kubectl get pods -A -o json`, trimmed: a List of pods with status and managed fields. */
static const char *const pod_list_json =
    "{\n"
    "  \"apiVersion\": \"v1\",\n"
    "  \"items\": [\n"
    "    {\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
    "     \"metadata\": {\"name\": \"web-1\", \"namespace\": \"team-a\",\n"
    "                  \"managedFields\": [{\"manager\": \"kubectl\"}]},\n"
    "     \"spec\": {\"nodeName\": \"node-1\", \"containers\": [{\"name\": \"web\",\n"
    "              \"securityContext\": {\"runAsUser\": 1000}}]},\n"
    "     \"status\": {\"phase\": \"Running\"}},\n"
    "    {\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
    "     \"metadata\": {\"name\": \"dns\", \"namespace\": \"kube-system\"},\n"
    "     \"spec\": {\"nodeName\": \"node-1\", \"containers\": [{\"name\": \"coredns\"}]}},\n"
    "    {\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
    "     \"metadata\": {\"name\": \"job\", \"namespace\": \"team-b\"},\n"
    "     \"spec\": {\"nodeName\": \"node-2\", \"containers\": [{\"name\": \"c\"}]}}\n"
    "  ],\n"
    "  \"kind\": \"List\",\n"
    "  \"metadata\": {\"resourceVersion\": \"\"}\n"
    "}\n";

Test(import, namespaces_become_tenants_and_nodes_hosts)
{
    StrList notes = {0};
    InputKind k;
    Scenario *s = imp_opt(pod_list_json, "pods.json", NULL, &k, &notes);
    cr_expect_eq(k, INPUT_K8S_JSON);
    cr_assert_eq(s->n_tenants, 3);
    cr_expect_eq(scenario_tenant(s, "team-a")->trust, TRUST_UNTRUSTED);
    cr_expect_eq(scenario_tenant(s, "kube-system")->trust, TRUST_TRUSTED);
    cr_assert_eq(s->n_hosts, 2);
    cr_expect_eq(scenario_host(s, "node-1")->os, OS_LINUX);
    cr_expect(scenario_host(s, "node-1")->ssh, "hosts run SSH unless --no-ssh");
    const Workload *w = wl(s, "team-a/web-1");
    cr_expect_str_eq(w->tenant, "team-a");
    cr_expect_str_eq(w->host, "node-1");
    cr_expect_eq(w->account, ACCOUNT_USER);
    cr_expect_str_eq(wl(s, "kube-system/dns")->host, "node-1");
    expect_note(&notes, "namespaces assumed untrusted: team-a, team-b (--trusted NAME to change)");
    expect_note(&notes, "namespaces assumed trusted: kube-system (--untrusted NAME to change)");
    expect_note(&notes, "hosts assumed to accept SSH logins (--no-ssh to change)");
    scenario_free(s);
    strlist_done(&notes);
}

Test(import, trust_and_ssh_options)
{
    ImportOptions o = {0};
    char *err = NULL;
    cr_assert(import_options_add_trusted(&o, "team-a", &err));
    cr_assert(import_options_add_untrusted(&o, "kube-system", &err));
    cr_assert(import_options_add_trusted(&o, "kube-system", &err)); /* untrusted wins */
    cr_assert(import_options_add_trusted(&o, "ghost", &err));
    o.no_ssh = true;
    StrList notes = {0};
    Scenario *s = imp_opt(pod_list_json, "pods.json", &o, NULL, &notes);
    cr_expect_eq(scenario_tenant(s, "team-a")->trust, TRUST_TRUSTED);
    cr_expect_eq(scenario_tenant(s, "kube-system")->trust, TRUST_UNTRUSTED);
    cr_expect_eq(scenario_tenant(s, "team-b")->trust, TRUST_UNTRUSTED);
    cr_expect_not(scenario_host(s, "node-1")->ssh);
    expect_note(&notes, "--trusted ghost: no such namespace in the input");
    expect_note(&notes, "namespaces assumed untrusted: team-b (--trusted NAME to change)");
    cr_expect_not(has_note(&notes, "hosts assumed to accept SSH logins (--no-ssh to change)"));
    scenario_free(s);
    strlist_done(&notes);
}

Test(import, option_helpers_check_their_values)
{
    ImportOptions o = {0};
    char *err = NULL;
    char good[] = "fast=hyperv", bad[] = "fast=vm", none[] = "fast";
    cr_assert(import_options_add_runtime_class(&o, good, &err));
    cr_expect_str_eq(o.runtime_class[0].name, "fast");
    cr_expect_eq(o.runtime_class[0].mode, ISOLATION_HYPERV);
    cr_assert_not(import_options_add_runtime_class(&o, bad, &err));
    cr_expect_str_eq(err, "--runtime-class: expected NAME=MODE with MODE \"process\", \"hyperv\", "
                          "\"sandbox\" or \"host\", got \"fast=vm\"");
    free(err);
    cr_assert_not(import_options_add_runtime_class(&o, none, &err));
    free(err);
    for (size_t i = 0; i < IMPORT_MAX_LIST; i++)
        cr_assert(import_options_add_trusted(&o, "ns", &err));
    cr_assert_not(import_options_add_trusted(&o, "ns", &err));
    cr_expect_str_eq(err, "--trusted: at most 32 may be given");
    free(err);
}

Test(import, unscheduled_pods_share_one_node_per_os_and_say_so)
{
    Scenario *s = imp(MINIMAL_POD "---\n"
                                  "apiVersion: v1\nkind: Pod\nmetadata: {name: win}\n"
                                  "spec:\n  os: {name: windows}\n  containers: [{name: c}]\n");
    cr_assert_eq(s->n_hosts, 2);
    const Workload *a = wl(s, "team-a/web"), *b = wl(s, "default/win");
    cr_expect_str_eq(a->host, "unscheduled-linux");
    cr_expect_str_eq(b->host, "unscheduled-windows");
    cr_expect_eq(scenario_host(s, "unscheduled-windows")->os, OS_WINDOWS);
    expect_note(&a->notes, "no nodeName: placed on unscheduled-linux");
    expect_note(&a->notes, "OS unset (no spec.os.name, kubernetes.io/os node selector or "
                           "windowsOptions): assumed linux");
    expect_note(&b->notes, "namespace unset: assumed default");
    cr_expect_not(has_note(&a->notes, "namespace unset: assumed default"));
    scenario_free(s);
}

Test(import, os_comes_from_node_selector_windows_options_or_the_node)
{
    Scenario *s = imp(
        "kind: Pod\nmetadata: {name: a}\nspec:\n  nodeName: n1\n"
        "  nodeSelector: {kubernetes.io/os: windows}\n  containers: [{name: c}]\n---\n"
        "kind: Pod\nmetadata: {name: b}\nspec:\n  nodeName: n1\n  containers: [{name: c}]\n---\n"
        "kind: Pod\nmetadata: {name: c}\nspec:\n  containers:\n  - name: c\n"
        "    securityContext: {windowsOptions: {runAsUserName: ContainerUser}}\n");
    cr_expect_eq(scenario_host(s, "n1")->os, OS_WINDOWS);
    expect_note(&wl(s, "default/b")->notes, "OS unset: assumed windows like default/a on node n1");
    cr_expect_str_eq(wl(s, "default/c")->host, "unscheduled-windows");
    cr_expect_eq(wl(s, "default/c")->account, ACCOUNT_USER);
    scenario_free(s);
}

Test(import, duplicate_names_get_distinct_ids)
{
    Scenario *s = imp(MINIMAL_POD "---\n" MINIMAL_POD);
    cr_expect_not_null(scenario_workload(s, "team-a/web"));
    cr_expect_not_null(scenario_workload(s, "team-a/web#2"));
    scenario_free(s);
}

/* ---- controllers ---- */

Test(import, every_controller_kind_gives_one_workload_per_template)
{
    static const char *const kinds[] = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                                        "Job"};
    for (size_t i = 0; i < 5; i++) {
        char *text = xasprintf("apiVersion: apps/v1\nkind: %s\nmetadata: {name: ctl, namespace: "
                               "ns}\nspec:\n  replicas: 3\n  template:\n    metadata: {labels: "
                               "{app: x}}\n    spec:\n      containers:\n      - name: c\n"
                               "        securityContext: {privileged: true}\n",
                               kinds[i]);
        Scenario *s = imp(text);
        cr_expect_eq(s->n_workloads, 1, "%s", kinds[i]);
        cr_expect(wl(s, "ns/ctl")->privileged, "%s", kinds[i]);
        scenario_free(s);
        free(text);
    }
    Scenario *s =
        imp("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: hello}\nspec:\n"
            "  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n"
            "        spec:\n          hostPID: true\n          containers: [{name: c}]\n");
    cr_expect(wl(s, "default/hello")->host_namespaces & HOSTNS_PID);
    scenario_free(s);
}

Test(import, unknown_kinds_are_skipped_with_a_note)
{
    StrList notes = {0};
    Scenario *s = imp_opt("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: "
                          "default}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: db}\n"
                          "---\nkind: ConfigMap\nmetadata: {name: 1}\n---\n" MINIMAL_POD
                          "---\n- 1\n- 2\n---\n42\n",
                          "t.yaml", NULL, NULL, &notes);
    cr_expect_eq(s->n_workloads, 1);
    expect_note(&notes, "skipped kind Service (default/web and 1 more)");
    expect_note(&notes, "skipped kind ConfigMap (unnamed)");
    expect_note(&notes, "element 0 of document 5: not a Kubernetes object: skipped");
    expect_note(&notes, "document 6: not a Kubernetes object: skipped");
    scenario_free(s);
    strlist_done(&notes);
}

Test(import, unknown_fields_are_noted_once)
{
    StrList notes = {0};
    Scenario *s = imp_opt("kind: Pod\nmetadata: {name: a}\nspec:\n  frobnicate: 1\n"
                          "  containers:\n  - name: c\n    securityContex: {runAsUser: 0}\n"
                          "---\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n"
                          "  - name: c\n    securityContex: {}\n",
                          "t.yaml", NULL, NULL, &notes);
    expect_note(&notes, "unknown field spec.frobnicate (first in default/a): skipped");
    expect_note(&notes, "unknown field spec.containers[].securityContex (first in default/a): "
                        "skipped");
    cr_expect_not(has_note(&notes, "unknown field spec.containers[].securityContex (first in "
                                   "default/b): skipped"));
    scenario_free(s);
    strlist_done(&notes);
}

/* ---- isolation ---- */

static Isolation isolation_of(const char *text, const ImportOptions *o, const char *id,
                              StrList *notes_out)
{
    Scenario *s = imp_opt(text, "t.yaml", o, NULL, NULL);
    const Workload *w = wl(s, id);
    Isolation iso = w->isolation;
    if (notes_out)
        for (size_t i = 0; i < w->notes.n; i++)
            strlist_add(notes_out, w->notes.items[i]);
    scenario_free(s);
    return iso;
}

#define RC_POD(rc)                                                                                 \
    "kind: Pod\nmetadata: {name: p}\nspec:\n  runtimeClassName: " rc "\n"                          \
    "  containers: [{name: c}]\n"

Test(import, runtime_class_names_resolve_through_runtime_classes)
{
    /* the name says nothing; the handler does */
    const char *classes = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: "
                          "secure}\nhandler: runsc\n---\napiVersion: node.k8s.io/v1\nkind: "
                          "RuntimeClass\nmetadata: {name: fast}\nhandler: kata-qemu\n---\n"
                          "kind: RuntimeClass\nmetadata: {name: win-hv}\nhandler: "
                          "runhcs-wcow-hypervisor\n---\n";
    char *t1 = xasprintf("%s%s", classes, RC_POD("secure"));
    char *t2 = xasprintf("%s%s", classes, RC_POD("fast"));
    char *t3 = xasprintf("%s%s", classes, RC_POD("win-hv"));
    char *t4 = xasprintf("%s---\n%s", RC_POD("secure"), classes); /* order does not matter */
    cr_expect_eq(isolation_of(t1, NULL, "default/p", NULL), ISOLATION_SANDBOX);
    cr_expect_eq(isolation_of(t2, NULL, "default/p", NULL), ISOLATION_HYPERV);
    cr_expect_eq(isolation_of(t3, NULL, "default/p", NULL), ISOLATION_HYPERV);
    cr_expect_eq(isolation_of(t4, NULL, "default/p", NULL), ISOLATION_SANDBOX);
    free(t1);
    free(t2);
    free(t3);
    free(t4);
}

Test(import, runtime_class_names_alone_are_judged_and_noted)
{
    StrList notes = {0};
    cr_expect_eq(isolation_of(RC_POD("kata-clh"), NULL, "default/p", &notes), ISOLATION_HYPERV);
    expect_note(&notes, "no RuntimeClass \"kata-clh\" in the input: judged by its name (hyperv)");
    cr_expect_eq(isolation_of(RC_POD("gvisor"), NULL, "default/p", NULL), ISOLATION_SANDBOX);
    cr_expect_eq(isolation_of(RC_POD("my-hyperv"), NULL, "default/p", NULL), ISOLATION_HYPERV);
    strlist_done(&notes);
    cr_expect_eq(isolation_of(RC_POD("special"), NULL, "default/p", &notes), ISOLATION_PROCESS);
    expect_note(&notes, "runtimeClassName \"special\" not recognised: assumed process isolation "
                        "(--runtime-class special=MODE to say otherwise)");
    strlist_done(&notes);
    /* the option overrides */
    ImportOptions o = {0};
    char arg[] = "special=sandbox", arg2[] = "kata-clh=process";
    char *err;
    cr_assert(import_options_add_runtime_class(&o, arg, &err));
    cr_assert(import_options_add_runtime_class(&o, arg2, &err));
    cr_expect_eq(isolation_of(RC_POD("special"), &o, "default/p", NULL), ISOLATION_SANDBOX);
    cr_expect_eq(isolation_of(RC_POD("kata-clh"), &o, "default/p", NULL), ISOLATION_PROCESS);
    StrList file_notes = {0};
    Scenario *s = imp_opt(RC_POD("special"), "t.yaml", &o, NULL, &file_notes);
    expect_note(&file_notes, "--runtime-class kata-clh: no workload in the input uses it");
    cr_expect_not(
        has_note(&file_notes, "--runtime-class special: no workload in the input uses it"));
    scenario_free(s);
    strlist_done(&file_notes);
}

Test(import, legacy_hyperv_annotation_and_the_default)
{
    StrList notes = {0};
    const char *legacy = "kind: Deployment\nmetadata: {name: iis}\nspec:\n  template:\n"
                         "    metadata:\n      annotations:\n"
                         "        experimental.windows.kubernetes.io/isolation-type: hyperv\n"
                         "    spec:\n      containers: [{name: iis}]\n";
    Scenario *s = imp(legacy);
    cr_expect_eq(wl(s, "default/iis")->isolation, ISOLATION_HYPERV);
    cr_expect_eq(scenario_host(s, "unscheduled-windows")->os, OS_WINDOWS,
                 "the annotation is Windows-only");
    scenario_free(s);
    cr_expect_eq(isolation_of(MINIMAL_POD, NULL, "team-a/web", &notes), ISOLATION_PROCESS);
    expect_note(&notes, "runtimeClassName unset: assumed runc (process isolation)");
    strlist_done(&notes);
}

Test(import, host_process_at_pod_or_container_level_is_host_isolation)
{
    Scenario *s = imp("kind: DaemonSet\nmetadata: {name: proxy, namespace: kube-system}\nspec:\n"
                      "  template:\n    spec:\n      hostNetwork: true\n      securityContext:\n"
                      "        windowsOptions:\n          hostProcess: true\n"
                      "          runAsUserName: NT AUTHORITY\\system\n"
                      "      containers: [{name: proxy}]\n---\n"
                      "kind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n"
                      "  containers:\n  - name: c\n    securityContext:\n      windowsOptions:\n"
                      "        hostProcess: true\n        runAsUserName: "
                      "\"NT AUTHORITY\\\\Local service\"\n");
    const Workload *a = wl(s, "kube-system/proxy"), *b = wl(s, "default/p");
    cr_expect_eq(a->isolation, ISOLATION_HOST);
    cr_expect_eq(a->account, ACCOUNT_ADMIN);
    cr_expect(a->host_namespaces & HOSTNS_NETWORK);
    cr_expect_eq(b->isolation, ISOLATION_HOST);
    cr_expect_eq(b->account, ACCOUNT_USER);
    scenario_free(s);
}

/* ---- accounts ---- */

static Account account_of(const char *text, const char *id, StrList *notes_out)
{
    Scenario *s = imp(text);
    const Workload *w = wl(s, id);
    Account a = w->account;
    if (notes_out)
        for (size_t i = 0; i < w->notes.n; i++)
            strlist_add(notes_out, w->notes.items[i]);
    scenario_free(s);
    return a;
}

#define WIN_POD(pod_sc, ctr_sc)                                                                    \
    "kind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n  securityContext: " pod_sc     \
    "\n  containers:\n  - name: c\n    securityContext: " ctr_sc "\n"

Test(import, windows_accounts)
{
    StrList notes = {0};
    cr_expect_eq(account_of(WIN_POD("{}", "{}"), "default/w", &notes), ACCOUNT_ADMIN);
    expect_note(&notes, "runAsUserName unset: assumed ContainerAdministrator");
    strlist_done(&notes);
    cr_expect_eq(account_of(WIN_POD("{windowsOptions: {runAsUserName: ContainerUser}}", "{}"),
                            "default/w", NULL),
                 ACCOUNT_USER);
    /* container level wins over pod level, both ways */
    cr_expect_eq(account_of(WIN_POD("{windowsOptions: {runAsUserName: ContainerUser}}",
                                    "{windowsOptions: {runAsUserName: ContainerAdministrator}}"),
                            "default/w", NULL),
                 ACCOUNT_ADMIN);
    cr_expect_eq(account_of(WIN_POD("{windowsOptions: {runAsUserName: ContainerAdministrator}}",
                                    "{windowsOptions: {runAsUserName: ContainerUser}}"),
                            "default/w", NULL),
                 ACCOUNT_USER);
    cr_expect_eq(account_of(WIN_POD("{}", "{windowsOptions: {runAsUserName: "
                                          "'NT AUTHORITY\\NetworkService'}}"),
                            "default/w", NULL),
                 ACCOUNT_USER);
    cr_expect_eq(account_of(WIN_POD("{}", "{windowsOptions: {runAsUserName: "
                                          "'NT AUTHORITY\\SYSTEM'}}"),
                            "default/w", NULL),
                 ACCOUNT_ADMIN);
    cr_expect_eq(
        account_of(WIN_POD("{}", "{windowsOptions: {runAsUserName: bob}}"), "default/w", &notes),
        ACCOUNT_ADMIN);
    expect_note(&notes, "runAsUserName \"bob\" not known: assumed an administrator");
    strlist_done(&notes);
    cr_expect_eq(account_of(WIN_POD("{runAsNonRoot: true}", "{}"), "default/w", &notes),
                 ACCOUNT_USER);
    expect_note(&notes, "runAsUserName unset with runAsNonRoot: assumed ContainerUser (the "
                        "kubelet refuses to start ContainerAdministrator)");
    strlist_done(&notes);
}

#define LINUX_POD(pod_sc, ctr_sc)                                                                  \
    "kind: Pod\nmetadata: {name: l}\nspec:\n  securityContext: " pod_sc "\n"                       \
    "  containers:\n  - name: c\n    securityContext: " ctr_sc "\n"

Test(import, linux_accounts)
{
    StrList notes = {0};
    cr_expect_eq(account_of(LINUX_POD("{}", "{}"), "default/l", &notes), ACCOUNT_ADMIN);
    expect_note(&notes, "runAsUser unset: assumed root");
    strlist_done(&notes);
    cr_expect_eq(account_of(LINUX_POD("{runAsUser: 0}", "{}"), "default/l", &notes), ACCOUNT_ADMIN);
    cr_expect_not(has_note(&notes, "runAsUser unset: assumed root"));
    strlist_done(&notes);
    cr_expect_eq(account_of(LINUX_POD("{runAsUser: 1000}", "{}"), "default/l", NULL), ACCOUNT_USER);
    cr_expect_eq(account_of(LINUX_POD("{runAsNonRoot: true}", "{}"), "default/l", NULL),
                 ACCOUNT_USER);
    cr_expect_eq(account_of(LINUX_POD("{runAsUser: 1000}", "{runAsUser: 0}"), "default/l", NULL),
                 ACCOUNT_ADMIN);
    cr_expect_eq(account_of(LINUX_POD("{runAsUser: 0}", "{runAsUser: 2000}"), "default/l", NULL),
                 ACCOUNT_USER);
    cr_expect_eq(
        account_of(LINUX_POD("{runAsNonRoot: true}", "{runAsNonRoot: false}"), "default/l", NULL),
        ACCOUNT_ADMIN);
}

Test(import, init_and_ephemeral_containers_count)
{
    StrList notes = {0};
    const char *init = "kind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n"
                       "  - name: setup\n  containers:\n  - name: app\n"
                       "    securityContext: {runAsUser: 1000}\n";
    cr_expect_eq(account_of(init, "default/p", &notes), ACCOUNT_ADMIN);
    expect_note(&notes, "runAsUser unset: assumed root (container setup)");
    strlist_done(&notes);
    const char *eph = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n"
                      "    securityContext: {runAsNonRoot: true}\n  ephemeralContainers:\n"
                      "  - name: debug\n    securityContext:\n      capabilities: {add: "
                      "[CAP_SYS_ADMIN, net_raw, 'bad cap']}\n";
    StrList pod_notes = {0};
    Scenario *s = imp(eph);
    const Workload *w = wl(s, "default/p");
    cr_expect_eq(w->account, ACCOUNT_ADMIN);
    cr_expect(w->privileged, "SYS_ADMIN added makes it privileged");
    cr_expect(strlist_has(&w->capabilities, "SYS_ADMIN"));
    cr_expect(strlist_has(&w->capabilities, "NET_RAW"));
    cr_expect_eq(w->capabilities.n, 2);
    expect_note(&w->notes, "capability \"bad cap\" is not a capability name: ignored");
    scenario_free(s);
    strlist_done(&pod_notes);
}

/* ---- flags, mounts, hardening ---- */

Test(import, privileged_and_host_namespaces)
{
    Scenario *s = imp("kind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  hostIPC: true\n"
                      "  hostNetwork: false\n  containers:\n  - name: a\n  - name: b\n"
                      "    securityContext: {privileged: true}\n");
    const Workload *w = wl(s, "default/p");
    cr_expect(w->privileged);
    cr_expect_eq(w->host_namespaces, HOSTNS_PID | HOSTNS_IPC);
    scenario_free(s);
}

Test(import, host_paths_join_volume_mounts_by_name)
{
    Scenario *s = imp("kind: Pod\nmetadata: {name: p}\nspec:\n"
                      "  volumes:\n  - {name: logs, hostPath: {path: /var/log}}\n"
                      "  - {name: keys, hostPath: {path: /root}}\n"
                      "  - {name: scratch, emptyDir: {}}\n"
                      "  - {name: sock, hostPath: {path: /run/docker.sock, type: Socket}}\n"
                      "  containers:\n  - name: a\n    volumeMounts:\n"
                      "    - {name: logs, mountPath: /logs}\n"
                      "    - {name: keys, mountPath: /ssh, subPath: .ssh, readOnly: true}\n"
                      "    - {name: scratch, mountPath: /tmp}\n"
                      "    - {name: ghost, mountPath: /x}\n");
    const Workload *w = wl(s, "default/p");
    cr_assert_eq(w->n_mounts, 3);
    cr_expect_str_eq(w->mounts[0].host_path, "/var/log");
    cr_expect_str_eq(w->mounts[0].path, "/logs");
    cr_expect_not(w->mounts[0].read_only);
    cr_expect_str_eq(w->mounts[1].host_path, "/root/.ssh");
    cr_expect(w->mounts[1].read_only);
    cr_expect_str_eq(w->mounts[2].host_path, "/run/docker.sock");
    cr_expect_null(w->mounts[2].path);
    cr_expect_not(w->mounts[2].read_only);
    expect_note(&w->notes, "readOnly unset on the mount of /var/log: assumed writable");
    expect_note(&w->notes, "volumeMount of \"ghost\": no such volume: ignored");
    expect_note(&w->notes, "hostPath volume \"sock\" (/run/docker.sock) is mounted by no "
                           "container: assumed writable, as an ephemeral container can mount it");
    scenario_free(s);
}

Test(import, mounts_are_the_union_over_containers)
{
    Scenario *s = imp("kind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: windows}\n"
                      "  volumes: [{name: u, hostPath: {path: 'C:\\Users'}}]\n"
                      "  initContainers:\n  - name: i\n    volumeMounts: [{name: u, mountPath: "
                      "'C:\\u', subPath: 'bob\\.ssh', readOnly: false}]\n"
                      "  containers:\n  - name: a\n    volumeMounts: [{name: u, mountPath: "
                      "'C:\\u', readOnly: true}]\n  - name: b\n    volumeMounts: [{name: u, "
                      "mountPath: 'C:\\u', readOnly: true}]\n");
    const Workload *w = wl(s, "default/p");
    cr_assert_eq(w->n_mounts, 2);
    cr_expect_str_eq(w->mounts[0].host_path, "C:\\Users\\bob\\.ssh");
    cr_expect_not(w->mounts[0].read_only);
    cr_expect_str_eq(w->mounts[1].host_path, "C:\\Users");
    cr_expect(w->mounts[1].read_only);
    scenario_free(s);
}

Test(import, hardening_from_profiles_annotations_and_namespace_labels)
{
    Scenario *s =
        imp("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: locked\n  labels:\n"
            "    pod-security.kubernetes.io/enforce: restricted\n---\n"
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: open\n  labels:\n"
            "    pod-security.kubernetes.io/enforce: privileged\n---\n"
            "kind: Pod\nmetadata: {name: a, namespace: locked}\nspec:\n  securityContext:\n"
            "    seccompProfile: {type: RuntimeDefault}\n  containers:\n  - name: c\n"
            "    securityContext: {appArmorProfile: {type: RuntimeDefault}}\n  - name: d\n"
            "    securityContext: {appArmorProfile: {type: Unconfined}}\n---\n"
            "kind: Pod\nmetadata:\n  name: b\n  namespace: open\n  annotations:\n"
            "    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
            "    container.apparmor.security.beta.kubernetes.io/c: localhost/strict\n"
            "spec:\n  containers: [{name: c}]\n---\n"
            "kind: Pod\nmetadata: {name: c, namespace: open}\nspec:\n  securityContext:\n"
            "    seccompProfile: {type: Unconfined}\n  containers: [{name: c}]\n");
    const Workload *a = wl(s, "locked/a"), *b = wl(s, "open/b"), *c = wl(s, "open/c");
    cr_expect(strlist_has(&a->hardening, "seccomp"));
    cr_expect_not(strlist_has(&a->hardening, "apparmor"), "one container is unconfined");
    cr_expect(strlist_has(&a->hardening, "pod-security"));
    cr_expect(strlist_has(&b->hardening, "seccomp"));
    cr_expect(strlist_has(&b->hardening, "apparmor"));
    cr_expect_not(strlist_has(&b->hardening, "pod-security"), "privileged enforces nothing");
    cr_expect_eq(c->hardening.n, 0);
    cr_expect_eq(s->n_tenants, 2);
    scenario_free(s);
}

/* ---- docker inspect ---- */

static const char *const docker_array =
    "[\n"
    "  {\"Id\": \"0123456789abcdef\", \"Name\": \"/web\", \"Platform\": \"linux\",\n"
    "   \"AppArmorProfile\": \"docker-default\",\n"
    "   \"Config\": {\"User\": \"\", \"Labels\": {\"tenant\": \"shop\"}},\n"
    "   \"HostConfig\": {\"Privileged\": false, \"CapAdd\": [\"CAP_NET_ADMIN\"],\n"
    "                  \"PidMode\": \"host\", \"NetworkMode\": \"bridge\", \"IpcMode\": \"\",\n"
    "                  \"Runtime\": \"runc\", \"Isolation\": \"\",\n"
    "                  \"SecurityOpt\": [\"seccomp=unconfined\", \"no-new-privileges:true\"]},\n"
    "   \"Mounts\": [{\"Type\": \"bind\", \"Source\": \"/var/run/docker.sock\",\n"
    "                 \"Destination\": \"/var/run/docker.sock\", \"RW\": true},\n"
    "                {\"Type\": \"volume\", \"Source\": \"/var/lib/docker/volumes/x/_data\",\n"
    "                 \"Destination\": \"/data\", \"RW\": true},\n"
    "                {\"Type\": \"bind\", \"Source\": \"/etc\", \"Destination\": \"/h\",\n"
    "                 \"RW\": false}]},\n"
    "  {\"Id\": \"fedcba9876543210\", \"Name\": \"/sandboxed\", \"Platform\": \"linux\",\n"
    "   \"Config\": {\"User\": \"1000:1000\"},\n"
    "   \"HostConfig\": {\"Runtime\": \"runsc\", \"CapAdd\": [\"SYS_ADMIN\"]}}\n"
    "]\n";

Test(import, docker_inspect_array)
{
    InputKind k;
    StrList notes = {0};
    Scenario *s = imp_opt(docker_array, "inspect.json", NULL, &k, &notes);
    cr_expect_eq(k, INPUT_DOCKER);
    cr_assert_eq(s->n_hosts, 1);
    cr_expect_str_eq(s->hosts[0].id, "docker-host");
    cr_expect(s->hosts[0].ssh);
    cr_expect_eq(s->n_tenants, 2, "each container is its own tenant");
    const Workload *web = wl(s, "web"), *sb = wl(s, "sandboxed");
    cr_expect_str_eq(web->tenant, "web");
    cr_expect_eq(web->isolation, ISOLATION_PROCESS);
    cr_expect_eq(web->account, ACCOUNT_ADMIN);
    expect_note(&web->notes, "Config.User empty: assumed root");
    cr_expect_not(web->privileged);
    cr_expect(strlist_has(&web->capabilities, "NET_ADMIN"));
    cr_expect_eq(web->host_namespaces, HOSTNS_PID);
    cr_assert_eq(web->n_mounts, 2, "volumes are not host mounts");
    cr_expect_str_eq(web->mounts[0].host_path, "/var/run/docker.sock");
    cr_expect_not(web->mounts[0].read_only);
    cr_expect(web->mounts[1].read_only);
    cr_expect(strlist_has(&web->hardening, "apparmor"));
    cr_expect_not(strlist_has(&web->hardening, "seccomp"));
    cr_expect(strlist_has(&web->hardening, "no-new-privileges"));
    cr_expect_eq(sb->isolation, ISOLATION_SANDBOX);
    cr_expect_eq(sb->account, ACCOUNT_USER);
    cr_expect(sb->privileged);
    expect_note(&notes, "tenants assumed untrusted: web, sandboxed (--trusted NAME to change)");
    scenario_free(s);
    strlist_done(&notes);
}

Test(import, docker_inspect_single_object_with_options)
{
    ImportOptions o = {.tenant_label = "tenant", .host_name = "build-1", .no_ssh = true};
    char *err;
    cr_assert(import_options_add_trusted(&o, "shop", &err));
    const char *one = "{\"Id\": \"0123456789abcdef\", \"Name\": \"/win\", \"Platform\": "
                      "\"windows\", \"Config\": {\"User\": \"ContainerUser\", \"Labels\": "
                      "{\"tenant\": \"shop\"}}, \"HostConfig\": {\"Isolation\": \"hyperv\"}, "
                      "\"Mounts\": [{\"Type\": \"npipe\", \"Source\": \"\\\\\\\\.\\\\pipe\\\\"
                      "docker_engine\", \"Destination\": \"\\\\\\\\.\\\\pipe\\\\docker_engine\", "
                      "\"RW\": true}]}";
    Scenario *s = imp_opt(one, "one.json", &o, NULL, NULL);
    cr_expect_str_eq(s->hosts[0].id, "build-1");
    cr_expect_eq(s->hosts[0].os, OS_WINDOWS);
    cr_expect_not(s->hosts[0].ssh);
    const Workload *w = wl(s, "win");
    cr_expect_str_eq(w->tenant, "shop");
    cr_expect_eq(scenario_tenant(s, "shop")->trust, TRUST_TRUSTED);
    cr_expect_eq(w->isolation, ISOLATION_HYPERV);
    cr_expect_eq(w->account, ACCOUNT_USER);
    cr_assert_eq(w->n_mounts, 1);
    cr_expect_str_eq(w->mounts[0].host_path, "\\\\.\\pipe\\docker_engine");
    scenario_free(s);

    /* a Windows container with an empty Isolation and User */
    s = imp_opt("[{\"Id\": \"1\", \"Name\": \"/a\", \"Platform\": \"windows\", \"Config\": {}, "
                "\"HostConfig\": {\"Isolation\": \"default\"}}, {\"Id\": \"2\", \"Config\": {}}]",
                "two.json", NULL, NULL, NULL);
    w = wl(s, "a");
    cr_expect_eq(w->isolation, ISOLATION_PROCESS);
    expect_note(&w->notes, "HostConfig.Isolation unset: assumed process (the Windows Server "
                           "default)");
    expect_note(&w->notes, "Config.User empty: assumed ContainerAdministrator");
    expect_note(&wl(s, "container-2")->notes, "no Name: called container-2");
    scenario_free(s);
}

/* ---- errors ---- */

Test(import, malformed_yaml_and_json_get_file_line_column)
{
    expect_err("kind: Pod\nmetadata: {name: x\n", "p.yaml",
               "p.yaml:3:1: did not find expected ',' or '}' (while parsing a flow mapping at "
               "2:11)");
    expect_err("kind: Pod\nspec:\n  containers:\n  - name: a\n   image: b\n", "p.yaml",
               "p.yaml:5:4: did not find expected key (while parsing a block mapping at 3:3)");
    expect_err("{\"kind\": \"Pod\" \"spec\": {}}", "p.json",
               "p.json:1:16: expected ',' or '}' after an object member, got a string");
    expect_err("kind: Pod\nmetadata: {name: a}\nmetadata: {name: b}\n", "p.yaml",
               "p.yaml:3:1: duplicate key \"metadata\"");
    expect_err("kind: Pod\nmetadata:\n  name: \"a\\0b\"\n", "p.yaml",
               "p.yaml:3:9: a string contains a NUL character");
    expect_err("kind: Pod\n? [a]\n: b\n", "p.yaml",
               "p.yaml:2:3: a mapping key must be a scalar, got a sequence");
    expect_err("kind: Pod\nmetadata: {name: \xff}\n", "p.yaml",
               "p.yaml:2:18: invalid leading UTF-8 octet");
}

Test(import, wrong_types_name_the_field_and_place)
{
    expect_err("kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n"
               "    runAsUser: nobody\n  containers: [{name: c}]\n",
               "p.yaml",
               "p.yaml:5:16: spec.securityContext.runAsUser: expected a whole number, got the "
               "string \"nobody\"");
    expect_err("---\nkind: Service\n---\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
               "  template:\n    spec:\n      containers:\n      - name: c\n"
               "        securityContext: {privileged: \"yes\"}\n",
               "d.yaml",
               "d.yaml:11:39: spec.template.spec.containers[0].securityContext.privileged: "
               "expected true or false, got the string \"yes\"");
    expect_err("{\"kind\": \"List\", \"items\": [{\"kind\": \"Pod\", \"metadata\": {\"name\": "
               "\"p\"},\n \"spec\": {\"containers\": {\"name\": \"c\"}}}]}",
               "l.json", "l.json:2:25: items[0].spec.containers: expected an array, got an object");
    expect_err("kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: -1}\n"
               "  containers: [{name: c}]\n",
               "p.yaml",
               "p.yaml:4:32: spec.securityContext.runAsUser: expected a whole number of at "
               "least 0, got the number -1");
    expect_err("kind: Pod\nmetadata: {name: p}\n", "p.yaml", "p.yaml:1:1: missing key \"spec\"");
    expect_err("kind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n  template:\n",
               "d.yaml", "d.yaml:5:12: spec.template: expected a mapping, got null");
    expect_err("kind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n", "p.yaml",
               "p.yaml:3:20: spec.containers: expected at least one container, got none");
    expect_err("kind: Pod\nmetadata:\n  name: p\n  annotations:\n"
               "    seccomp.security.alpha.kubernetes.io/pod: 5\nspec: {containers: [{name: c}]}\n",
               "p.yaml",
               "p.yaml:5:47: metadata.annotations[\"seccomp.security.alpha.kubernetes.io/pod\"]: "
               "expected a string, got the number 5");
    expect_err("[{\"Id\": \"1\", \"Name\": \"/a\", \"Config\": {\"User\": 0}}]", "d.json",
               "d.json:1:47: [0].Config.User: expected a string, got the number 0");
}

Test(import, depth_limit)
{
    size_t n = YAML_READER_MAX_DEPTH;
    char *ok = xmalloc(2 * n + 64), *deep = xmalloc(2 * n + 64);
    sprintf(ok, "kind: Pod\nx: ");
    sprintf(deep, "kind: Pod\nx: ");
    /* the document's mapping is one level: n - 1 sequences inside it reach n */
    for (size_t i = 0; i < n - 1; i++)
        strcat(ok, "[");
    for (size_t i = 0; i < n - 1; i++)
        strcat(ok, "]");
    strcat(ok, "\n");
    for (size_t i = 0; i < n; i++)
        strcat(deep, "[");
    for (size_t i = 0; i < n; i++)
        strcat(deep, "]");
    strcat(deep, "\n");
    char *err = NULL;
    cJSON *docs = yaml_reader_read(ok, strlen(ok), "ok.yaml", NULL, NULL, &err);
    cr_expect_not_null(docs, "%s", err ? err : "");
    cJSON_Delete(docs);
    char *msg = imp_err(deep, "deep.yaml");
    cr_expect_str_eq(msg, "deep.yaml:2:203: nesting deeper than 200 levels");
    free(msg);
    free(ok);
    free(deep);
}

Test(import, aliases_are_rejected)
{
    expect_err("kind: Pod\nmetadata: &m {name: a}\nother: *m\n", "a.yaml",
               "a.yaml:3:8: aliases are not supported (*m): write the value out");
    /* an anchor alone is harmless */
    Scenario *s = imp("kind: Pod\nmetadata: &m {name: a}\nspec: {containers: [{name: c}]}\n");
    cr_expect_not_null(scenario_workload(s, "default/a"));
    scenario_free(s);
}

Test(import, string_limit)
{
    size_t n = YAML_READER_MAX_STRING + 1;
    char *text = xmalloc(n + 64);
    strcpy(text, "kind: Pod\nx: ");
    size_t at = strlen(text);
    memset(text + at, 'a', n);
    strcpy(text + at + n, "\n");
    char *msg = imp_err(text, "big.yaml");
    cr_expect_str_eq(msg, "big.yaml:2:4: string longer than 1048576 bytes");
    free(msg);
    free(text);
}

Test(import, missing_file)
{
    char *err = NULL;
    cr_expect_null(import_file("tests/import/does-not-exist.yaml", NULL, NULL, NULL, &err));
    cr_expect_str_eq(err, "tests/import/does-not-exist.yaml: no such file");
    free(err);
}

/* ---- progress ---- */

typedef struct {
    size_t calls, last, total;
    bool monotone;
} Progress;

static void on_progress(size_t done, size_t total, void *ctx)
{
    Progress *p = ctx;
    if (done < p->last) p->monotone = false;
    p->calls++;
    p->last = done;
    p->total = total;
}

Test(import, progress_is_reported_about_once_per_mib)
{
    /* about 3 MiB of YAML pods */
    size_t n = 3 * 1024 * 1024 / 200;
    size_t cap = n * 256;
    char *text = xmalloc(cap);
    text[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "---\nkind: Pod\nmetadata: {name: p%zu, namespace: ns%zu}\n"
                                "spec: {nodeName: node-%zu, containers: [{name: app, image: "
                                "registry.example/app:1.0}]}\n",
                                i, i % 10, i % 7);
    Progress p = {.monotone = true};
    ImportOptions o = {.progress = on_progress, .progress_ctx = &p};
    Scenario *s = imp_opt(text, "many.yaml", &o, NULL, NULL);
    cr_expect_eq(s->n_workloads, n);
    cr_expect_eq(p.total, 2 * len);
    cr_expect_eq(p.last, p.total, "the last call reports the end");
    cr_expect(p.monotone);
    cr_expect_geq(p.calls, 5);
    cr_expect_leq(p.calls, 12);
    scenario_free(s);
    free(text);
}

/* ---- the YAML reader itself ---- */

Test(yaml_reader, resolves_plain_scalars_as_kubernetes_does)
{
    const char *text = "a: ~\nb: null\nc:\nd: true\ne: No\nf: on\ng: 42\nh: -7\ni: 0x1f\n"
                       "j: 0o17\nk: 0644\nl: 1.5\nm: 1e3\nn: '42'\no: \"true\"\np: !!str 5\n"
                       "q: hello world\nr: |\n  line\ns: .inf\nt: 1.10\n";
    char *err = NULL;
    cJSON *docs = yaml_reader_read(text, strlen(text), "s.yaml", NULL, NULL, &err);
    cr_assert_not_null(docs, "%s", err ? err : "");
    const cJSON *d = cJSON_GetArrayItem(docs, 0);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(d, "a")));
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(d, "b")));
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(d, "c")));
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(d, "d")));
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(d, "e")));
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(d, "f")));
    cr_expect_eq(cJSON_GetObjectItem(d, "g")->valuedouble, 42);
    cr_expect_eq(cJSON_GetObjectItem(d, "h")->valuedouble, -7);
    cr_expect_eq(cJSON_GetObjectItem(d, "i")->valuedouble, 31);
    cr_expect_eq(cJSON_GetObjectItem(d, "j")->valuedouble, 15);
    cr_expect_eq(cJSON_GetObjectItem(d, "k")->valuedouble, 420);
    cr_expect_eq(cJSON_GetObjectItem(d, "l")->valuedouble, 1.5);
    cr_expect_eq(cJSON_GetObjectItem(d, "m")->valuedouble, 1000);
    cr_expect_str_eq(cJSON_GetObjectItem(d, "n")->valuestring, "42");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "o")->valuestring, "true");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "p")->valuestring, "5");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "q")->valuestring, "hello world");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "r")->valuestring, "line\n");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "s")->valuestring, ".inf");
    cr_expect_eq(cJSON_GetObjectItem(d, "t")->valuedouble, 1.1);
    cJSON_Delete(docs);
}

Test(yaml_reader, documents_in_order_and_empty_ones_are_null)
{
    const char *text = "a: 1\n---\n---\n- x\n...\n---\nb\n";
    char *err = NULL;
    cJSON *docs = yaml_reader_read(text, strlen(text), "s.yaml", NULL, NULL, &err);
    cr_assert_not_null(docs, "%s", err ? err : "");
    cr_assert_eq(cJSON_GetArraySize(docs), 4);
    cr_expect(cJSON_IsObject(cJSON_GetArrayItem(docs, 0)));
    cr_expect(cJSON_IsNull(cJSON_GetArrayItem(docs, 1)));
    cr_expect(cJSON_IsArray(cJSON_GetArrayItem(docs, 2)));
    cr_expect_str_eq(cJSON_GetArrayItem(docs, 3)->valuestring, "b");
    cJSON_Delete(docs);
}

Test(yaml_reader, duplicate_keys_in_large_mappings)
{
    char text[4096] = "";
    for (int i = 0; i < 40; i++)
        sprintf(text + strlen(text), "k%d: %d\n", i, i);
    strcat(text, "k7: again\n");
    char *err = NULL;
    cr_expect_null(yaml_reader_read(text, strlen(text), "s.yaml", NULL, NULL, &err));
    cr_expect_str_eq(err, "s.yaml:41:1: duplicate key \"k7\"");
    free(err);
}

Test(yaml_reader, locate_points_at_values_and_keys)
{
    const char *text = "a: 1\n---\nspec:\n  list:\n  - x\n  - {k: v, w: [1, 2]}\n";
    JsonPathStep path[] = {{"spec", 0}, {"list", 0}, {NULL, 1}, {"w", 0}, {NULL, 1}};
    size_t line, col;
    cr_assert(yaml_reader_locate(text, strlen(text), 1, path, 5, false, &line, &col));
    cr_expect_eq(line, 6);
    cr_expect_eq(col, 19);
    cr_assert(yaml_reader_locate(text, strlen(text), 1, path, 4, true, &line, &col));
    cr_expect_eq(line, 6);
    cr_expect_eq(col, 12);
    cr_assert(yaml_reader_locate(text, strlen(text), 1, path, 0, false, &line, &col));
    cr_expect_eq(line, 3);
    cr_expect_eq(col, 1);
    JsonPathStep missing[] = {{"spec", 0}, {"nope", 0}};
    cr_expect_not(yaml_reader_locate(text, strlen(text), 1, missing, 2, false, &line, &col));
    cr_expect_not(yaml_reader_locate(text, strlen(text), 5, path, 0, false, &line, &col));
}

/* ---- fixtures on disk ---- */

Test(import, fixture_files_import)
{
    InputKind k;
    StrList notes = {0};
    char *err = NULL;
    Scenario *s = import_file("tests/import/cluster.yaml", NULL, &k, &notes, &err);
    cr_assert_not_null(s, "%s", err ? err : "");
    cr_expect_eq(k, INPUT_K8S_YAML);
    cr_expect_str_eq(s->name, "cluster.yaml");
    /* the scenario it makes survives the scenario format */
    char *json = scenario_to_json(s);
    Scenario *back = scenario_parse(json, strlen(json), "back.json", &err);
    cr_assert_not_null(back, "%s", err ? err : "");
    cr_expect_eq(back->n_workloads, s->n_workloads);
    for (size_t i = 0; i < s->n_workloads; i++)
        cr_expect_eq(back->workloads[i].notes.n, s->workloads[i].notes.n);
    scenario_free(back);
    free(json);
    scenario_free(s);
    strlist_done(&notes);
}
