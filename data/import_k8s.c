/* Kubernetes objects to a scenario, per DESIGN.md's mapping table (docs/import.md is the
 * user's version). Two passes. The first reads everything, object by object in document
 * order (so the error reported is in the first malformed object): pods and pod templates with
 * their security contexts, volumes and mounts, RuntimeClasses and Namespaces. The second
 * decides what needs the whole input (a node's OS, a runtime class's handler, a namespace's
 * Pod Security label) and makes one workload per pod, writing down every assumption made for
 * a missing field. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_int.h"
#include "strmap.h"
#include "utf8.h"
#include "xalloc.h"

#define ANN_ISOLATION   "experimental.windows.kubernetes.io/isolation-type"
#define ANN_SECCOMP_POD "seccomp.security.alpha.kubernetes.io/pod"
#define ANN_SECCOMP_CTR "container.seccomp.security.alpha.kubernetes.io/"
#define ANN_APPARMOR    "container.apparmor.security.beta.kubernetes.io/"
#define LABEL_ENFORCE   "pod-security.kubernetes.io/enforce"
#define NOTE_KINDS      10 /* kinds named in a message before "and N more" */

/* A security context (a container's or the pod's) as read; strings borrowed from the tree. */
typedef struct {
    bool uid_set;
    double uid;            /* runAsUser */
    int non_root;          /* runAsNonRoot: -1 unset */
    int privileged;        /* -1 unset */
    const char *user_name; /* windowsOptions.runAsUserName */
    int host_process;      /* windowsOptions.hostProcess: -1 unset */
    const char *seccomp;   /* seccompProfile.type */
    const char *apparmor;  /* appArmorProfile.type */
    const cJSON *cap_add;  /* capabilities.add */
} Sec;

/* A container (init, ordinary or ephemeral). */
typedef struct {
    const char *name; /* "(unnamed)" when it has none */
    Sec sec;
    const char *seccomp, *apparmor; /* effective profiles: contexts, else annotations */
} Ctr;

/* A volume of the pod being read. */
typedef struct {
    const char *name;
    const char *host_path; /* NULL if not a hostPath volume */
    bool used;             /* some container mounts it */
} Vol;

/* A pod or pod template, as read in the first pass. */
typedef struct {
    const char *kind;
    const char *ns;   /* metadata.namespace of the object, or NULL */
    const char *name; /* metadata.name (or generateName), or NULL */
    char *who;        /* NS/NAME for notes, owned */
    int os;           /* the OS the pod states (-1: none) */
    const char *node; /* spec.nodeName, or NULL */
    int host_pid, host_net, host_ipc;
    Sec pod;
    Ctr *ctrs;
    size_t n_ctrs, cap_ctrs;
    bool cap_privileged; /* a container adds SYS_ADMIN or ALL */
    StrList caps;
    Mount *mounts;
    size_t n_mounts, cap_mounts;
    StrList notes;                /* what reading noted: mounts, capabilities, volumes */
    const char *runtime_class;    /* spec.runtimeClassName, or NULL */
    const char *legacy_isolation; /* the isolation-type annotation, or NULL */
} PodRef;

typedef struct {
    const char *kind;
    char *first; /* the first object skipped, owned */
    size_t count;
} Skipped;

typedef struct {
    const char *name;    /* a node's name */
    int os;              /* the first OS a pod on it states (-1: none) */
    const char *said_by; /* the pod that says so (its who) */
} Node;

/* The state of one import. */
typedef struct {
    ImportCtx *c;
    Scenario *s;
    PodRef *pods;
    size_t n_pods, cap_pods;
    StrMap rc_names; /* RuntimeClass name -> index into rc_handlers */
    const char **rc_handlers;
    size_t n_rcs, cap_rcs;
    StrMap ns_enforce; /* Namespace name -> index into enforce */
    const char **enforce;
    size_t n_enforce, cap_enforce;
    StrMap tenants, hosts, workloads; /* id -> index, keys owned by the scenario */
    bool *overridden;                 /* per tenant: trust set by an option */
    size_t cap_overridden;
    Node *nodes;
    size_t n_nodes, cap_nodes;
    StrMap node_index;
    Skipped *skipped;
    size_t n_skipped, cap_skipped;
    StrMap skipped_index;     /* kind -> index into skipped */
    StrList unknown_seen;     /* field patterns already noted as unknown */
    StrMap unknown_index;     /* the same, for lookups (keys are unknown_seen's) */
    size_t recognised;        /* objects of the kinds breakout reads */
    const cJSON *annotations; /* of the pod being read, or NULL */
    size_t spec_depth;        /* the path's depth at the pod spec being read */
} K8s;

/* ---- known fields (others are noted once per input) ---- */

static const char *const pod_spec_fields[] = {"activeDeadlineSeconds",
                                              "affinity",
                                              "automountServiceAccountToken",
                                              "containers",
                                              "dnsConfig",
                                              "dnsPolicy",
                                              "enableServiceLinks",
                                              "ephemeralContainers",
                                              "hostAliases",
                                              "hostIPC",
                                              "hostNetwork",
                                              "hostPID",
                                              "hostUsers",
                                              "hostname",
                                              "hostnameOverride",
                                              "imagePullSecrets",
                                              "initContainers",
                                              "nodeName",
                                              "nodeSelector",
                                              "os",
                                              "overhead",
                                              "preemptionPolicy",
                                              "priority",
                                              "priorityClassName",
                                              "readinessGates",
                                              "resourceClaims",
                                              "resources",
                                              "restartPolicy",
                                              "runtimeClassName",
                                              "schedulerName",
                                              "schedulingGates",
                                              "securityContext",
                                              "serviceAccount",
                                              "serviceAccountName",
                                              "setHostnameAsFQDN",
                                              "shareProcessNamespace",
                                              "subdomain",
                                              "terminationGracePeriodSeconds",
                                              "tolerations",
                                              "topologySpreadConstraints",
                                              "volumes",
                                              NULL};
static const char *const container_fields[] = {"args",
                                               "command",
                                               "env",
                                               "envFrom",
                                               "image",
                                               "imagePullPolicy",
                                               "lifecycle",
                                               "livenessProbe",
                                               "name",
                                               "ports",
                                               "readinessProbe",
                                               "resizePolicy",
                                               "resources",
                                               "restartPolicy",
                                               "restartPolicyRules",
                                               "securityContext",
                                               "startupProbe",
                                               "stdin",
                                               "stdinOnce",
                                               "targetContainerName",
                                               "terminationMessagePath",
                                               "terminationMessagePolicy",
                                               "tty",
                                               "volumeDevices",
                                               "volumeMounts",
                                               "workingDir",
                                               NULL};
static const char *const pod_sc_fields[] = {"appArmorProfile",
                                            "fsGroup",
                                            "fsGroupChangePolicy",
                                            "runAsGroup",
                                            "runAsNonRoot",
                                            "runAsUser",
                                            "seLinuxChangePolicy",
                                            "seLinuxOptions",
                                            "seccompProfile",
                                            "supplementalGroups",
                                            "supplementalGroupsPolicy",
                                            "sysctls",
                                            "windowsOptions",
                                            NULL};
static const char *const sc_fields[] = {"allowPrivilegeEscalation",
                                        "appArmorProfile",
                                        "capabilities",
                                        "privileged",
                                        "procMount",
                                        "readOnlyRootFilesystem",
                                        "runAsGroup",
                                        "runAsNonRoot",
                                        "runAsUser",
                                        "seLinuxOptions",
                                        "seccompProfile",
                                        "windowsOptions",
                                        NULL};
static const char *const windows_fields[] = {"gmsaCredentialSpec", "gmsaCredentialSpecName",
                                             "hostProcess", "runAsUserName", NULL};
static const char *const capability_fields[] = {"add", "drop", NULL};
static const char *const mount_fields[] = {
    "mountPath",         "mountPropagation", "name",        "readOnly",
    "recursiveReadOnly", "subPath",          "subPathExpr", NULL};

static bool word_listed(const char *const *list, const char *w)
{
    for (; *list; list++)
        if (strcmp(*list, w) == 0) return true;
    return false;
}

/* Notes the keys of obj that list does not name, once per input for each field: where is the
 * field's place with indices left out (spec.containers[].securityContext), who the object. */
static void note_unknown(K8s *k, const cJSON *obj, const char *const *list, const char *where,
                         const char *who)
{
    if (!obj) return;
    for (const cJSON *m = obj->child; m; m = m->next) {
        if (word_listed(list, m->string)) continue;
        char *field = xasprintf("%s.%s", where, m->string);
        size_t ignored;
        if (!strmap_get(&k->unknown_index, field, &ignored)) {
            strlist_add(&k->unknown_seen, field);
            strmap_put(&k->unknown_index, k->unknown_seen.items[k->unknown_seen.n - 1],
                       k->unknown_seen.n - 1);
            import_note(k->c, "unknown field %s (first in %s): skipped", field, who);
        }
        free(field);
    }
}

/* ---- tenants and hosts ---- */

static bool is_system_namespace(const char *ns)
{
    return strcmp(ns, "kube-system") == 0 || strcmp(ns, "kube-public") == 0 ||
           strcmp(ns, "kube-node-lease") == 0;
}

static void ensure_tenant(K8s *k, const char *ns)
{
    size_t i;
    if (strmap_get(&k->tenants, ns, &i)) return;
    bool over;
    Trust t =
        import_trust(k->c, ns, is_system_namespace(ns) ? TRUST_TRUSTED : TRUST_UNTRUSTED, &over);
    Tenant *tn = scenario_add_tenant(k->s, ns, t);
    strmap_put(&k->tenants, tn->id, k->s->n_tenants - 1);
    xgrow((void **)&k->overridden, &k->cap_overridden, k->s->n_tenants, sizeof *k->overridden);
    k->overridden[k->s->n_tenants - 1] = over;
}

static void ensure_host(K8s *k, const char *id, Os os)
{
    size_t i;
    if (strmap_get(&k->hosts, id, &i)) return;
    Host *h = scenario_add_host(k->s, id, os);
    h->ssh = !k->c->opt->no_ssh;
    strmap_put(&k->hosts, h->id, k->s->n_hosts - 1);
}

/* Adds note to l unless it is there or l is full (IMPORT_MAX_ENTRIES); takes note. */
static void note_once(StrList *l, char *note)
{
    if (l->n < IMPORT_MAX_ENTRIES && !strlist_has(l, note)) strlist_add(l, note);
    free(note);
}

/* ---- reading a pod spec (the first pass) ---- */

/* The OS the pod spec states, if any: spec.os.name, the kubernetes.io/os node selector, the
 * Windows-only isolation-type annotation, or windowsOptions present in a security context.
 * The path is at spec; k->annotations is the pod's. */
static bool stated_os(K8s *k, const cJSON *spec, int *os)
{
    ImportCtx *c = k->c;
    *os = -1;
    const cJSON *o, *sel, *sc;
    const char *name = NULL, *label = NULL;
    Os parsed;
    if (!import_get_object(c, spec, "os", &o)) return false;
    import_push_key(c, "os");
    bool ok = import_get_string(c, o, "name", &name);
    import_pop(c);
    if (!ok) return false;
    if (name && os_parse(name, &parsed)) {
        *os = (int)parsed;
        return true;
    }
    if (!import_get_object(c, spec, "nodeSelector", &sel)) return false;
    import_push_key(c, "nodeSelector");
    ok = import_get_string(c, sel, "kubernetes.io/os", &label) &&
         (label || import_get_string(c, sel, "beta.kubernetes.io/os", &label));
    import_pop(c);
    if (!ok) return false;
    if (label && os_parse(label, &parsed)) {
        *os = (int)parsed;
        return true;
    }
    if (k->annotations && cJSON_GetObjectItemCaseSensitive(k->annotations, ANN_ISOLATION)) {
        *os = OS_WINDOWS; /* a Windows-only annotation */
        return true;
    }
    if (!import_get_object(c, spec, "securityContext", &sc)) return false;
    const cJSON *pod_wo = sc ? cJSON_GetObjectItemCaseSensitive(sc, "windowsOptions") : NULL;
    if (pod_wo && !cJSON_IsNull(pod_wo)) {
        *os = OS_WINDOWS;
        return true;
    }
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    for (size_t l = 0; l < 3; l++) {
        const cJSON *arr = cJSON_GetObjectItemCaseSensitive(spec, lists[l]);
        if (!cJSON_IsArray(arr)) continue; /* read_pod reports a wrong type */
        for (const cJSON *ct = arr->child; ct; ct = ct->next) {
            const cJSON *csc = cJSON_GetObjectItemCaseSensitive(ct, "securityContext");
            const cJSON *wo = cJSON_IsObject(csc)
                                  ? cJSON_GetObjectItemCaseSensitive(csc, "windowsOptions")
                                  : NULL;
            if (wo && !cJSON_IsNull(wo)) {
                *os = OS_WINDOWS;
                return true;
            }
        }
    }
    return true;
}

/* Reads the securityContext member of parent (the path at parent). where is the parent's
 * place for unknown-field notes. */
static bool read_sec(K8s *k, const PodRef *p, const cJSON *parent, bool pod_level, Sec *out,
                     const char *where)
{
    ImportCtx *c = k->c;
    *out = (Sec){.non_root = -1, .privileged = -1, .host_process = -1};
    const cJSON *sc, *wo, *caps = NULL, *prof;
    if (!import_get_object(c, parent, "securityContext", &sc)) return false;
    if (!sc) return true;
    char *w = xasprintf("%s.securityContext", where);
    note_unknown(k, sc, pod_level ? pod_sc_fields : sc_fields, w, p->who);
    import_push_key(c, "securityContext");
    bool ok = import_get_int(c, sc, "runAsUser", 0, &out->uid_set, &out->uid) &&
              import_get_bool(c, sc, "runAsNonRoot", &out->non_root) &&
              (pod_level || import_get_bool(c, sc, "privileged", &out->privileged)) &&
              import_get_object(c, sc, "windowsOptions", &wo);
    if (ok && wo) {
        char *ww = xasprintf("%s.windowsOptions", w);
        note_unknown(k, wo, windows_fields, ww, p->who);
        free(ww);
        import_push_key(c, "windowsOptions");
        ok = import_get_string(c, wo, "runAsUserName", &out->user_name) &&
             import_get_bool(c, wo, "hostProcess", &out->host_process);
        import_pop(c);
    }
    if (ok) ok = import_get_object(c, sc, "seccompProfile", &prof);
    if (ok && prof) {
        import_push_key(c, "seccompProfile");
        ok = import_get_string(c, prof, "type", &out->seccomp);
        import_pop(c);
    }
    if (ok) ok = import_get_object(c, sc, "appArmorProfile", &prof);
    if (ok && prof) {
        import_push_key(c, "appArmorProfile");
        ok = import_get_string(c, prof, "type", &out->apparmor);
        import_pop(c);
    }
    if (ok && !pod_level) ok = import_get_object(c, sc, "capabilities", &caps);
    if (ok && caps) {
        char *cw = xasprintf("%s.capabilities", w);
        note_unknown(k, caps, capability_fields, cw, p->who);
        free(cw);
        import_push_key(c, "capabilities");
        ok = import_get_array(c, caps, "add", &out->cap_add);
        import_pop(c);
    }
    free(w);
    import_pop(c);
    return ok;
}

/* An annotation of the pod being read (a string), or NULL. The path may be anywhere under
 * the pod's spec; it is restored. */
static bool annotation(K8s *k, const char *key, const char **out)
{
    *out = NULL;
    if (!k->annotations) return true;
    ImportCtx *c = k->c;
    JsonPathStep saved[IMPORT_MAX_PATH];
    size_t depth = c->depth;
    memcpy(saved, c->path, sizeof saved);
    c->depth = k->spec_depth - 1;
    import_push_key(c, "metadata");
    import_push_key(c, "annotations");
    bool ok = import_get_string(c, k->annotations, key, out);
    memcpy(c->path, saved, sizeof saved);
    c->depth = depth;
    return ok;
}

/* Joins a hostPath and a subPath with the separator the host path uses. Owned. */
static char *join_sub_path(const char *host, const char *sub)
{
    size_t n = strlen(host);
    if (n > 0 && (host[n - 1] == '/' || host[n - 1] == '\\')) return xasprintf("%s%s", host, sub);
    bool windows = strchr(host, '\\') || (n >= 2 && host[1] == ':');
    return xasprintf("%s%c%s", host, windows ? '\\' : '/', sub);
}

static void add_mount(PodRef *p, const char *host, const char *path, bool ro)
{
    for (size_t i = 0; i < p->n_mounts; i++) {
        const Mount *m = &p->mounts[i];
        if (m->read_only == ro && strcmp(m->host_path, host) == 0 &&
            ((!m->path && !path) || (m->path && path && strcmp(m->path, path) == 0)))
            return;
    }
    xgrow((void **)&p->mounts, &p->cap_mounts, p->n_mounts + 1, sizeof *p->mounts);
    p->mounts[p->n_mounts++] = (Mount){xstrdup(host), path ? xstrdup(path) : NULL, ro};
}

/* The volumeMounts of a container (the path at the container), joined to vols by name. */
static bool read_mounts(K8s *k, PodRef *p, Vol *vols, size_t n_vols, const cJSON *ctr,
                        const char *where)
{
    ImportCtx *c = k->c;
    const cJSON *list;
    if (!import_get_array(c, ctr, "volumeMounts", &list)) return false;
    if (!list) return true;
    import_push_key(c, "volumeMounts");
    char *w = xasprintf("%s.volumeMounts[]", where);
    size_t i = 0;
    bool ok = true;
    for (const cJSON *vm = list->child; vm && ok; vm = vm->next, i++) {
        import_push_index(c, i);
        const char *name = NULL, *path = NULL, *sub = NULL, *sub_expr = NULL;
        int ro = -1;
        if (!cJSON_IsObject(vm)) {
            ok = import_bad_type(c, vm, import_object_word(c));
        } else {
            note_unknown(k, vm, mount_fields, w, p->who);
            ok = import_get_string(c, vm, "name", &name) &&
                 import_get_string(c, vm, "mountPath", &path) &&
                 import_get_bool(c, vm, "readOnly", &ro) &&
                 import_get_string(c, vm, "subPath", &sub) &&
                 import_get_string(c, vm, "subPathExpr", &sub_expr);
        }
        import_pop(c);
        if (!ok || !name || !*name) continue;
        Vol *v = NULL;
        for (size_t j = 0; j < n_vols && !v; j++)
            if (strcmp(vols[j].name, name) == 0) v = &vols[j];
        if (!v) {
            char *q = json_strict_quote(name, strlen(name));
            note_once(&p->notes, xasprintf("volumeMount of %s: no such volume: ignored", q));
            free(q);
            continue;
        }
        v->used = true;
        if (!v->host_path) continue;
        char *host = sub && *sub ? join_sub_path(v->host_path, sub) : xstrdup(v->host_path);
        if (sub_expr && *sub_expr)
            note_once(&p->notes, xasprintf("subPathExpr on the mount of %s: the whole volume "
                                           "assumed",
                                           v->host_path));
        if (ro < 0)
            note_once(&p->notes,
                      xasprintf("readOnly unset on the mount of %s: assumed writable", host));
        if (p->n_mounts >= IMPORT_MAX_ENTRIES) { /* add_mount compares with each */
            import_push_index(c, i);
            ok = import_fail(c, false, "more than %d host mounts in one pod", IMPORT_MAX_ENTRIES);
            import_pop(c);
        } else {
            add_mount(p, host, path && *path ? path : NULL, ro == 1);
        }
        free(host);
    }
    free(w);
    import_pop(c);
    return ok;
}

/* Adds the capabilities of sec->cap_add to the pod's (the path at the container). */
static bool read_caps(K8s *k, PodRef *p, const Sec *sec)
{
    if (!sec->cap_add) return true;
    ImportCtx *c = k->c;
    import_push_key(c, "securityContext");
    import_push_key(c, "capabilities");
    import_push_key(c, "add");
    size_t i = 0;
    bool ok = true;
    for (const cJSON *e = sec->cap_add->child; e && ok; e = e->next, i++) {
        import_push_index(c, i);
        if (!cJSON_IsString(e)) {
            ok = import_bad_type(c, e, "a capability name");
        } else {
            char *cap = import_capability(e->valuestring);
            if (!cap) {
                char *q = json_strict_quote(e->valuestring, strlen(e->valuestring));
                note_once(&p->notes,
                          xasprintf("capability %s is not a capability name: ignored", q));
                free(q);
            } else {
                if (strcmp(cap, "SYS_ADMIN") == 0 || strcmp(cap, "ALL") == 0)
                    p->cap_privileged = true;
                bool known = strlist_has(&p->caps, cap);
                if (!known && p->caps.n >= IMPORT_MAX_ENTRIES)
                    ok = import_fail(c, false, "more than %d capabilities in one pod",
                                     IMPORT_MAX_ENTRIES);
                else if (!known)
                    strlist_add(&p->caps, cap);
                free(cap);
            }
        }
        import_pop(c);
    }
    import_pop(c);
    import_pop(c);
    import_pop(c);
    return ok;
}

/* One container (the path at it). */
static bool read_container(K8s *k, PodRef *p, Vol *vols, size_t n_vols, const cJSON *ctr,
                           const char *list)
{
    ImportCtx *c = k->c;
    char *where = xasprintf("spec.%s[]", list);
    Ctr ct = {0};
    note_unknown(k, ctr, container_fields, where, p->who);
    bool ok = import_get_string(c, ctr, "name", &ct.name) &&
              read_sec(k, p, ctr, false, &ct.sec, where) && read_caps(k, p, &ct.sec) &&
              read_mounts(k, p, vols, n_vols, ctr, where);
    free(where);
    if (!ok) return false;
    if (!ct.name || !*ct.name) ct.name = "(unnamed)";
    ct.seccomp = ct.sec.seccomp ? ct.sec.seccomp : p->pod.seccomp;
    ct.apparmor = ct.sec.apparmor ? ct.sec.apparmor : p->pod.apparmor;
    const char *ann;
    char *key;
    if (!ct.seccomp) {
        key = xasprintf("%s%s", ANN_SECCOMP_CTR, ct.name);
        ok = annotation(k, key, &ann);
        free(key);
        if (!ok) return false;
        ct.seccomp = ann;
        if (!ct.seccomp && !annotation(k, ANN_SECCOMP_POD, &ct.seccomp)) return false;
    }
    if (!ct.apparmor) {
        key = xasprintf("%s%s", ANN_APPARMOR, ct.name);
        ok = annotation(k, key, &ct.apparmor);
        free(key);
        if (!ok) return false;
    }
    xgrow((void **)&p->ctrs, &p->cap_ctrs, p->n_ctrs + 1, sizeof *p->ctrs);
    p->ctrs[p->n_ctrs++] = ct;
    return true;
}

/* The pod's volumes into *vols (owned): hostPath ones keep their path. The path is at spec. */
static bool read_volumes(K8s *k, const cJSON *spec, Vol **vols, size_t *n_vols)
{
    ImportCtx *c = k->c;
    const cJSON *list;
    *vols = NULL;
    *n_vols = 0;
    if (!import_get_array(c, spec, "volumes", &list)) return false;
    if (!list) return true;
    *vols = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof **vols);
    import_push_key(c, "volumes");
    size_t i = 0;
    bool ok = true;
    for (const cJSON *v = list->child; v && ok; v = v->next, i++) {
        import_push_index(c, i);
        const char *name = NULL, *path = NULL;
        const cJSON *hp = NULL;
        if (!cJSON_IsObject(v)) {
            ok = import_bad_type(c, v, import_object_word(c));
        } else {
            ok = import_get_string(c, v, "name", &name) && import_get_object(c, v, "hostPath", &hp);
            if (ok && hp) {
                import_push_key(c, "hostPath");
                ok = import_get_string(c, hp, "path", &path);
                import_pop(c);
            }
        }
        import_pop(c);
        /* a volume without a name (the API server refuses it) is still declared */
        if (ok && (name || (path && *path)))
            (*vols)[(*n_vols)++] = (Vol){name ? name : "", path && *path ? path : NULL, false};
    }
    import_pop(c);
    return ok;
}

/* Reads the pod spec at spec (the path at it) into p. */
static bool read_pod(K8s *k, PodRef *p, const cJSON *meta, const cJSON *spec)
{
    ImportCtx *c = k->c;
    k->annotations = NULL;
    k->spec_depth = c->depth;
    if (meta) {
        import_pop(c);
        import_push_key(c, "metadata");
        bool ok = import_get_object(c, meta, "annotations", &k->annotations);
        import_pop(c);
        import_push_key(c, "spec");
        if (!ok) return false;
    }
    note_unknown(k, spec, pod_spec_fields, "spec", p->who);
    Vol *vols = NULL;
    size_t n_vols = 0;
    bool ok = stated_os(k, spec, &p->os) && import_get_string(c, spec, "nodeName", &p->node) &&
              import_get_bool(c, spec, "hostPID", &p->host_pid) &&
              import_get_bool(c, spec, "hostNetwork", &p->host_net) &&
              import_get_bool(c, spec, "hostIPC", &p->host_ipc) &&
              import_get_string(c, spec, "runtimeClassName", &p->runtime_class) &&
              annotation(k, ANN_ISOLATION, &p->legacy_isolation) &&
              read_sec(k, p, spec, true, &p->pod, "spec") && read_volumes(k, spec, &vols, &n_vols);
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    for (size_t l = 0; l < 3 && ok; l++) {
        const cJSON *arr;
        ok = import_get_array(c, spec, lists[l], &arr);
        if (ok && l == 1 && cJSON_GetArraySize(arr) == 0) {
            /* the API server refuses it too: there is nothing to judge */
            bool present = cJSON_GetObjectItemCaseSensitive(spec, "containers") != NULL;
            if (present) import_push_key(c, "containers");
            ok = import_fail(c, false,
                             present ? "expected at least one container, got none"
                                     : "missing key \"containers\": a pod needs at "
                                       "least one container");
        }
        if (!ok || !arr) continue;
        import_push_key(c, lists[l]);
        size_t i = 0;
        for (const cJSON *ctr = arr->child; ctr && ok; ctr = ctr->next, i++) {
            import_push_index(c, i);
            ok = cJSON_IsObject(ctr) ? read_container(k, p, vols, n_vols, ctr, lists[l])
                                     : import_bad_type(c, ctr, import_object_word(c));
            import_pop(c);
        }
        import_pop(c);
    }
    for (size_t i = 0; ok && i < n_vols; i++) {
        /* an ephemeral container (kubectl debug) can mount any volume of the pod, read-write */
        if (vols[i].used || !vols[i].host_path) continue;
        char *q = *vols[i].name ? json_strict_quote(vols[i].name, strlen(vols[i].name))
                                : xstrdup("without a name");
        note_once(&p->notes, xasprintf("hostPath volume %s (%s) is mounted by no container: "
                                       "assumed writable, as an ephemeral container can mount it",
                                       q, vols[i].host_path));
        free(q);
        add_mount(p, vols[i].host_path, NULL, false);
    }
    free(vols);
    if (p->node && !*p->node) p->node = NULL;
    if (p->runtime_class && !*p->runtime_class) p->runtime_class = NULL;
    return ok;
}

static void pod_done(PodRef *p)
{
    free(p->who);
    free(p->ctrs);
    strlist_done(&p->caps);
    for (size_t i = 0; i < p->n_mounts; i++) {
        free(p->mounts[i].host_path);
        free(p->mounts[i].path);
    }
    free(p->mounts);
    strlist_done(&p->notes);
}

/* Reads and records the pod spec at spec (the path at it) of the object kind/ns/name. */
static bool add_pod(K8s *k, const char *kind, const char *ns, const char *name, const cJSON *meta,
                    const cJSON *spec)
{
    xgrow((void **)&k->pods, &k->cap_pods, k->n_pods + 1, sizeof *k->pods);
    PodRef *p = &k->pods[k->n_pods];
    *p = (PodRef){.kind = kind, .ns = ns, .name = name, .os = -1};
    p->who = xasprintf("%s/%s", ns ? ns : "default", name ? name : "(unnamed)");
    if (!read_pod(k, p, meta, spec)) {
        pod_done(p);
        return false;
    }
    k->n_pods++;
    ensure_tenant(k, ns ? ns : "default");
    return true;
}

/* ---- finding objects (the first pass) ---- */

static void note_skipped(K8s *k, const char *kind, const char *ns, const char *name)
{
    size_t i = k->n_skipped;
    if (!strmap_get(&k->skipped_index, kind, &i)) {
        strmap_put(&k->skipped_index, kind, i);
        xgrow((void **)&k->skipped, &k->cap_skipped, i + 1, sizeof *k->skipped);
        k->skipped[i] = (Skipped){kind, NULL, 0};
        k->n_skipped++;
        if (!name)
            k->skipped[i].first = xstrdup("unnamed");
        else if (ns)
            k->skipped[i].first = xasprintf("%s/%s", ns, name);
        else
            k->skipped[i].first = xstrdup(name);
    }
    k->skipped[i].count++;
}

/* Follows steps (keys, each an object) from obj, pushing them on the path (*pushed of them).
 * A missing one is an error (the API server refuses such an object too). */
static bool descend(K8s *k, const cJSON *obj, const char *const *steps, size_t n, const cJSON **out,
                    size_t *pushed)
{
    *pushed = 0;
    *out = obj;
    for (size_t i = 0; i < n; i++) {
        const cJSON *next;
        if (!import_get_object(k->c, *out, steps[i], &next)) return false;
        if (!next && cJSON_GetObjectItemCaseSensitive(*out, steps[i])) {
            import_push_key(k->c, steps[i]);
            return import_fail(k->c, false, "expected %s, got null", import_object_word(k->c));
        }
        if (!next) return import_fail(k->c, false, "missing key \"%s\"", steps[i]);
        import_push_key(k->c, steps[i]);
        (*pushed)++;
        *out = next;
    }
    return true;
}

static bool is_template_kind(const char *kind)
{
    static const char *const kinds[] = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                                        "Job",        "CronJob",     NULL};
    return word_listed(kinds, kind);
}

/* The pod template of a controller (the path at obj). */
static bool add_template(K8s *k, const cJSON *obj, const char *kind, const char *ns,
                         const char *name)
{
    static const char *const plain[] = {"spec", "template", "spec"};
    static const char *const cron[] = {"spec", "jobTemplate", "spec", "template", "spec"};
    bool is_cron = strcmp(kind, "CronJob") == 0;
    const cJSON *spec, *tmpl, *meta = NULL;
    size_t pushed;
    if (!descend(k, obj, is_cron ? cron : plain, is_cron ? 5 : 3, &spec, &pushed)) return false;
    /* the template (metadata's parent) is the spec's parent */
    tmpl = obj;
    for (size_t i = 0; i + 1 < (is_cron ? 5u : 3u); i++)
        tmpl = cJSON_GetObjectItemCaseSensitive(tmpl, (is_cron ? cron : plain)[i]);
    import_pop(k->c);
    bool ok = import_get_object(k->c, tmpl, "metadata", &meta);
    import_push_key(k->c, "spec");
    ok = ok && add_pod(k, kind, ns, name, meta, spec);
    for (; pushed > 0; pushed--)
        import_pop(k->c);
    return ok;
}

static bool collect_object(K8s *k, const cJSON *obj, const char *default_kind);

/* The items of a List (the path at the list). */
static bool collect_list(K8s *k, const cJSON *list, const char *kind)
{
    static const char *const known[] = {"Pod",        "Deployment", "StatefulSet", "DaemonSet",
                                        "ReplicaSet", "Job",        "CronJob",     "RuntimeClass",
                                        "Namespace",  NULL};
    const cJSON *items;
    k->recognised++; /* even empty: `kubectl get pods -o json` of no pods */
    if (!import_get_items(k->c, list, "items", &items)) return false;
    /* PodList and the like: items the API server prints carry no kind */
    const char *item_kind = NULL;
    size_t n = strlen(kind) - 4;
    for (size_t i = 0; known[i] && n > 0; i++)
        if (strlen(known[i]) == n && strncmp(known[i], kind, n) == 0) item_kind = known[i];
    import_push_key(k->c, "items");
    size_t i = 0;
    bool ok = true;
    for (const cJSON *it = items ? items->child : NULL; it && ok; it = it->next, i++) {
        import_push_index(k->c, i);
        if (cJSON_IsObject(it))
            ok = collect_object(k, it, item_kind);
        else if (!cJSON_IsNull(it))
            ok = import_bad_type(k->c, it, import_object_word(k->c));
        import_pop(k->c);
    }
    import_pop(k->c);
    return ok;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A string member of obj, or NULL (no errors: for objects breakout skips). */
static const char *loose_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* One Kubernetes object (the path at it). default_kind: the kind of a List's items. */
static bool collect_object(K8s *k, const cJSON *obj, const char *default_kind)
{
    static const char *const kinds[] = {"Pod", "RuntimeClass", "Namespace", NULL};
    ImportCtx *c = k->c;
    const cJSON *kv = cJSON_GetObjectItemCaseSensitive(obj, "kind");
    const char *kind = cJSON_IsString(kv) && *kv->valuestring ? kv->valuestring : default_kind;
    if (kind && ends_with(kind, "List") && cJSON_GetObjectItemCaseSensitive(obj, "items"))
        return collect_list(k, obj, kind);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (!kind || !(word_listed(kinds, kind) || is_template_kind(kind))) {
        note_skipped(k, kind ? kind : "(none)", loose_string(meta, "namespace"),
                     loose_string(meta, "name"));
        return true;
    }
    const char *name = NULL, *ns = NULL;
    k->recognised++;
    if (!import_get_object(c, obj, "metadata", &meta)) return false;
    import_push_key(c, "metadata");
    bool ok =
        import_get_string(c, meta, "name", &name) && import_get_string(c, meta, "namespace", &ns);
    if (ok && !name) ok = import_get_string(c, meta, "generateName", &name);
    import_pop(c);
    if (!ok) return false;
    if (ns && !*ns) ns = NULL;
    if (name && !*name) name = NULL;
    if (strcmp(kind, "Pod") == 0) {
        const cJSON *spec;
        size_t pushed;
        static const char *const steps[] = {"spec"};
        if (!descend(k, obj, steps, 1, &spec, &pushed)) return false;
        ok = add_pod(k, "Pod", ns, name, meta, spec);
        import_pop(c);
        return ok;
    }
    if (is_template_kind(kind)) return add_template(k, obj, kind, ns, name);
    if (strcmp(kind, "RuntimeClass") == 0) {
        const char *handler;
        if (!import_get_string(c, obj, "handler", &handler)) return false;
        if (!name || !handler) {
            import_note(c, "RuntimeClass %s without %s: skipped", name ? name : "(unnamed)",
                        name ? "handler" : "name");
            return true;
        }
        xgrow((void **)&k->rc_handlers, &k->cap_rcs, k->n_rcs + 1, sizeof *k->rc_handlers);
        if (strmap_put(&k->rc_names, name, k->n_rcs)) k->rc_handlers[k->n_rcs++] = handler;
        return true;
    }
    /* a Namespace */
    const cJSON *labels;
    const char *level = NULL;
    import_push_key(c, "metadata");
    ok = import_get_object(c, meta, "labels", &labels);
    if (ok) {
        import_push_key(c, "labels");
        ok = import_get_string(c, labels, LABEL_ENFORCE, &level);
        import_pop(c);
    }
    import_pop(c);
    if (!ok) return false;
    if (!name) {
        import_note(c, "Namespace without a name: skipped");
        return true;
    }
    ensure_tenant(k, name);
    if (level) {
        xgrow((void **)&k->enforce, &k->cap_enforce, k->n_enforce + 1, sizeof *k->enforce);
        if (strmap_put(&k->ns_enforce, name, k->n_enforce)) k->enforce[k->n_enforce++] = level;
    }
    return true;
}

/* A top-level value: an object, or an array of objects (the path at it). */
static bool collect_value(K8s *k, const cJSON *v)
{
    ImportCtx *c = k->c;
    if (cJSON_IsNull(v)) return true;
    if (cJSON_IsObject(v)) return collect_object(k, v, NULL);
    if (cJSON_IsArray(v)) {
        size_t i = 0;
        for (const cJSON *e = v->child; e; e = e->next, i++) {
            if (cJSON_IsObject(e)) {
                import_push_index(c, i);
                bool ok = collect_object(k, e, NULL);
                import_pop(c);
                if (!ok) return false;
            } else if (!cJSON_IsNull(e) && c->yaml) {
                import_note(c, "element %zu of document %zu: not a Kubernetes object: skipped", i,
                            c->doc + 1);
            } else if (!cJSON_IsNull(e)) {
                import_note(c, "element %zu: not a Kubernetes object: skipped", i);
            }
        }
        return true;
    }
    if (c->yaml) import_note(c, "document %zu: not a Kubernetes object: skipped", c->doc + 1);
    return true;
}

/* ---- deciding (the second pass) ---- */

/* A note about one container, grouped with the same note of the pod's other containers. */
typedef struct {
    char *text;
    const char *container;
} CtrNote;

typedef struct {
    CtrNote *items;
    size_t n, cap;
} CtrNotes;

static void ctr_note(CtrNotes *l, const char *container, char *text)
{
    xgrow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items);
    l->items[l->n++] = (CtrNote){text, container};
}

static void ctr_notes_done(CtrNotes *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].text);
    free(l->items);
}

/* Adds "TEXT", or "TEXT (container a)" when not every container has it, for each distinct
 * container note, in order. */
static void group_notes(const CtrNotes *l, size_t n_ctrs, StrList *out)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *text = l->items[i].text;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(l->items[j].text, text) == 0;
        if (seen) continue;
        size_t count = 0, len = strlen(text) + 16;
        for (size_t j = i; j < l->n; j++) {
            if (strcmp(l->items[j].text, text) != 0) continue;
            count++;
            len += strlen(l->items[j].container) + 2;
        }
        if (count >= n_ctrs) {
            strlist_add(out, text);
            continue;
        }
        char *s = xmalloc(len);
        strcpy(s, text);
        strcat(s, count == 1 ? " (container " : " (containers ");
        size_t listed = 0;
        for (size_t j = i; j < l->n; j++) {
            if (strcmp(l->items[j].text, text) != 0) continue;
            if (listed++ > 0) strcat(s, ", ");
            strcat(s, l->items[j].container);
        }
        strcat(s, ")");
        strlist_add(out, s);
        free(s);
    }
}

static bool name_is(const char *s, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp(s, *names) == 0) return true;
    return false;
}

/* The account a Windows container runs as; notes what it assumed. */
static Account windows_account(CtrNotes *notes, const char *cname, const Sec *cs, const Sec *pod,
                               bool host_process)
{
    static const char *const users[] = {"ContainerUser",
                                        "NT AUTHORITY\\Local service",
                                        "NT AUTHORITY\\LocalService",
                                        "NT AUTHORITY\\NetworkService",
                                        "NT AUTHORITY\\Network Service",
                                        NULL};
    static const char *const admins[] = {"ContainerAdministrator", "NT AUTHORITY\\SYSTEM", NULL};
    const char *name = cs->user_name ? cs->user_name : pod->user_name;
    int non_root = cs->non_root >= 0 ? cs->non_root : pod->non_root;
    if (name && name_is(name, users)) return ACCOUNT_USER;
    if (name && name_is(name, admins)) return ACCOUNT_ADMIN;
    if (name) {
        char *q = json_strict_quote(name, strlen(name));
        ctr_note(notes, cname,
                 xasprintf("runAsUserName %s not known: assumed an administrator", q));
        free(q);
        return ACCOUNT_ADMIN;
    }
    if (host_process) {
        ctr_note(notes, cname, xstrdup("runAsUserName unset: assumed NT AUTHORITY\\SYSTEM"));
        return ACCOUNT_ADMIN;
    }
    if (non_root == 1) {
        ctr_note(notes, cname,
                 xstrdup("runAsUserName unset with runAsNonRoot: assumed ContainerUser (the "
                         "kubelet refuses to start ContainerAdministrator)"));
        return ACCOUNT_USER;
    }
    ctr_note(notes, cname, xstrdup("runAsUserName unset: assumed ContainerAdministrator"));
    return ACCOUNT_ADMIN;
}

/* The account a Linux container runs as; notes what it assumed. */
static Account linux_account(CtrNotes *notes, const char *cname, const Sec *cs, const Sec *pod)
{
    bool uid_set = cs->uid_set || pod->uid_set;
    double uid = cs->uid_set ? cs->uid : pod->uid;
    int non_root = cs->non_root >= 0 ? cs->non_root : pod->non_root;
    if (uid_set) return uid == 0 ? ACCOUNT_ADMIN : ACCOUNT_USER;
    if (non_root == 1) return ACCOUNT_USER;
    ctr_note(notes, cname, xstrdup("runAsUser unset: assumed root"));
    return ACCOUNT_ADMIN;
}

/* The isolation of pod p (the containers already judged for hostProcess), noting what it
 * assumed. */
static Isolation decide_isolation(K8s *k, const PodRef *p, Os os, bool host_process, StrList *notes)
{
    ImportCtx *c = k->c;
    Isolation iso;
    if (host_process) return ISOLATION_HOST;
    const char *rc = p->runtime_class;
    if (rc) {
        size_t at;
        const char *handler = strmap_get(&k->rc_names, rc, &at) ? k->rc_handlers[at] : NULL;
        if (import_runtime_option(c, rc, &iso) ||
            (handler && import_runtime_option(c, handler, &iso)))
            return iso;
        char *q = json_strict_quote(rc, strlen(rc));
        if ((handler && import_runtime_isolation(handler, &iso)) ||
            import_runtime_isolation(rc, &iso)) {
            if (!handler)
                note_once(notes, xasprintf("no RuntimeClass %s in the input: judged by its name "
                                           "(%s)",
                                           q, isolation_name(iso)));
            free(q);
            return iso;
        }
        if (handler) {
            char *qh = json_strict_quote(handler, strlen(handler));
            note_once(notes, xasprintf("runtimeClassName %s (handler %s) not recognised: assumed "
                                       "process isolation (--runtime-class %s=MODE to say "
                                       "otherwise)",
                                       q, qh, rc));
            free(qh);
        } else {
            note_once(notes, xasprintf("runtimeClassName %s not recognised: assumed process "
                                       "isolation (--runtime-class %s=MODE to say otherwise)",
                                       q, rc));
        }
        free(q);
        return ISOLATION_PROCESS;
    }
    if (p->legacy_isolation && strcasecmp(p->legacy_isolation, "hyperv") == 0)
        return ISOLATION_HYPERV;
    note_once(notes, xstrdup(os == OS_WINDOWS ? "runtimeClassName unset: assumed process "
                                                "isolation (containerd's Windows default)"
                                              : "runtimeClassName unset: assumed runc (process "
                                                "isolation)"));
    return ISOLATION_PROCESS;
}

static bool not_unconfined(const char *profile)
{
    return profile && *profile && strcasecmp(profile, "unconfined") != 0;
}

/* A workload id not taken yet: NS/NAME, else NS/NAME#2, #3, ... Owned. */
static char *unique_id(K8s *k, const char *ns, const char *name)
{
    char *id = xasprintf("%s/%s", ns, name);
    size_t at;
    for (size_t n = 2; strmap_get(&k->workloads, id, &at); n++) {
        free(id);
        id = xasprintf("%s/%s#%zu", ns, name, n);
    }
    return id;
}

/* Makes the workload of pod p on host_id (of OS os); os_note says how the OS was decided
 * (NULL when the pod states it). */
static void decide_pod(K8s *k, PodRef *p, Os os, const char *host_id, const char *os_note)
{
    const char *ns = p->ns ? p->ns : "default";
    char *unnamed = NULL;
    if (!p->name) unnamed = xasprintf("unnamed-%s-%zu", p->kind, (size_t)(p - k->pods) + 1);
    char *id = unique_id(k, ns, p->name ? p->name : unnamed);
    ensure_tenant(k, ns);
    Workload *w = scenario_add_workload(k->s, id, ns, host_id);
    strmap_put(&k->workloads, w->id, k->s->n_workloads - 1);
    free(id);
    if (!p->ns) strlist_add(&w->notes, "namespace unset: assumed default");
    if (unnamed) note_once(&w->notes, xasprintf("no name: called %s", unnamed));
    free(unnamed);
    if (!p->node) note_once(&w->notes, xasprintf("no nodeName: placed on %s", host_id));
    if (os_note) strlist_add(&w->notes, os_note);

    /* the most privileged container decides */
    CtrNotes notes = {0};
    bool admin = false, host_process = false, privileged = p->cap_privileged;
    size_t n_seccomp = 0, n_apparmor = 0;
    for (size_t i = 0; i < p->n_ctrs; i++) {
        const Ctr *ct = &p->ctrs[i];
        bool hp = (ct->sec.host_process >= 0 ? ct->sec.host_process : p->pod.host_process) == 1;
        host_process |= hp;
        privileged |= ct->sec.privileged == 1;
        Account a = os == OS_WINDOWS ? windows_account(&notes, ct->name, &ct->sec, &p->pod, hp)
                                     : linux_account(&notes, ct->name, &ct->sec, &p->pod);
        admin |= a == ACCOUNT_ADMIN;
        n_seccomp += not_unconfined(ct->seccomp);
        n_apparmor += not_unconfined(ct->apparmor);
    }
    w->isolation = decide_isolation(k, p, os, host_process, &w->notes);
    group_notes(&notes, p->n_ctrs, &w->notes);
    ctr_notes_done(&notes);
    for (size_t i = 0; i < p->notes.n; i++)
        strlist_add(&w->notes, p->notes.items[i]);
    w->account = admin ? ACCOUNT_ADMIN : ACCOUNT_USER;
    w->privileged = privileged;
    w->host_namespaces = (p->host_pid == 1 ? HOSTNS_PID : 0) |
                         (p->host_net == 1 ? HOSTNS_NETWORK : 0) |
                         (p->host_ipc == 1 ? HOSTNS_IPC : 0);
    for (size_t i = 0; i < p->caps.n; i++)
        strlist_add(&w->capabilities, p->caps.items[i]);
    for (size_t i = 0; i < p->n_mounts; i++)
        workload_add_mount(w, p->mounts[i].host_path, p->mounts[i].path, p->mounts[i].read_only);
    if (n_seccomp == p->n_ctrs) strlist_add(&w->hardening, "seccomp");
    if (n_apparmor == p->n_ctrs) strlist_add(&w->hardening, "apparmor");
    size_t at;
    if (strmap_get(&k->ns_enforce, ns, &at)) {
        const char *level = k->enforce[at];
        if (strcmp(level, "baseline") == 0 || strcmp(level, "restricted") == 0)
            strlist_add(&w->hardening, "pod-security");
        else
            import_note(k->c,
                        "namespace %s enforces the Pod Security level %s: no pod-security "
                        "hardening recorded",
                        ns, level);
    }
}

/* Decides each node's OS from the pods on it that state one (the first wins). */
static void decide_nodes(K8s *k)
{
    for (size_t i = 0; i < k->n_pods; i++) {
        PodRef *p = &k->pods[i];
        if (!p->node) continue;
        size_t at;
        if (!strmap_get(&k->node_index, p->node, &at)) {
            xgrow((void **)&k->nodes, &k->cap_nodes, k->n_nodes + 1, sizeof *k->nodes);
            at = k->n_nodes++;
            k->nodes[at] = (Node){p->node, -1, NULL};
            strmap_put(&k->node_index, p->node, at);
        }
        Node *n = &k->nodes[at];
        if (p->os < 0) continue;
        if (n->os < 0) {
            n->os = p->os;
            n->said_by = p->who;
        } else if (n->os != p->os) {
            import_note(k->c, "node %s: pods state both windows and linux: %s assumed (as %s says)",
                        p->node, os_name((Os)n->os), n->said_by);
        }
    }
}

bool import_k8s_map(ImportCtx *c, const cJSON *root, Scenario *s)
{
    K8s k = {.c = c, .s = s};
    strmap_init(&k.rc_names);
    strmap_init(&k.ns_enforce);
    strmap_init(&k.tenants);
    strmap_init(&k.hosts);
    strmap_init(&k.workloads);
    strmap_init(&k.node_index);
    strmap_init(&k.skipped_index);
    strmap_init(&k.unknown_index);
    bool ok = true;
    c->depth = 0;
    if (c->yaml) {
        c->doc = 0;
        for (const cJSON *d = root->child; d && ok; d = d->next, c->doc++)
            ok = collect_value(&k, d);
    } else {
        ok = collect_value(&k, root);
    }
    if (ok) decide_nodes(&k);
    for (size_t i = 0; i < k.n_pods && ok; i++) {
        PodRef *p = &k.pods[i];
        Os os = OS_LINUX;
        char *os_note = NULL, *unscheduled = NULL;
        size_t at;
        const Node *node = p->node && strmap_get(&k.node_index, p->node, &at) ? &k.nodes[at] : NULL;
        if (node && node->os >= 0) {
            os = (Os)node->os;
            if (p->os < 0)
                os_note = xasprintf("OS unset: assumed %s like %s on node %s", os_name(os),
                                    node->said_by, p->node);
        } else if (p->os >= 0) {
            os = (Os)p->os;
        } else {
            os_note = xstrdup("OS unset (no spec.os.name, kubernetes.io/os node selector or "
                              "windowsOptions): assumed linux");
        }
        if (!p->node) unscheduled = xasprintf("unscheduled-%s", os_name(os));
        const char *host = p->node ? p->node : unscheduled;
        ensure_host(&k, host, os);
        decide_pod(&k, p, os, host, os_note);
        free(os_note);
        free(unscheduled);
        import_progress(c, c->len + c->len * (i + 1) / k.n_pods);
    }
    if (ok && k.recognised == 0) {
        /* Kubernetes-looking, but nothing breakout reads */
        char *kinds = xstrdup("");
        for (size_t i = 0; i < k.n_skipped && i < NOTE_KINDS; i++) {
            char *kind = utf8_sanitize(k.skipped[i].kind); /* the message is one line */
            char *more = xasprintf("%s%s%s", kinds, i ? ", " : "", kind);
            free(kind);
            free(kinds);
            kinds = more;
        }
        if (k.n_skipped > NOTE_KINDS) {
            char *more = xasprintf("%s and %zu more", kinds, k.n_skipped - NOTE_KINDS);
            free(kinds);
            kinds = more;
        }
        c->err = xasprintf("%s: not a breakout scenario, Kubernetes manifest or docker inspect "
                           "output (found only kinds breakout skips: %s)",
                           c->file, *kinds ? kinds : "none");
        free(kinds);
        ok = false;
    }
    if (ok) {
        for (size_t i = 0; i < k.n_skipped; i++) {
            if (k.skipped[i].count == 1)
                import_note(c, "skipped kind %s (%s)", k.skipped[i].kind, k.skipped[i].first);
            else
                import_note(c, "skipped kind %s (%s and %zu more)", k.skipped[i].kind,
                            k.skipped[i].first, k.skipped[i].count - 1);
        }
        if (s->n_workloads == 0) import_note(c, "no pods or pod templates: no workloads");
        import_note_trust(c, s, "namespaces", k.overridden);
        if (s->n_hosts > 0 && !c->opt->no_ssh)
            import_note(c, "hosts assumed to accept SSH logins (--no-ssh to change)");
    }
    for (size_t i = 0; i < k.n_pods; i++)
        pod_done(&k.pods[i]);
    for (size_t i = 0; i < k.n_skipped; i++)
        free(k.skipped[i].first);
    free(k.skipped);
    free(k.nodes);
    free(k.pods);
    free(k.rc_handlers);
    free(k.enforce);
    free(k.overridden);
    strlist_done(&k.unknown_seen);
    strmap_done(&k.rc_names);
    strmap_done(&k.ns_enforce);
    strmap_done(&k.tenants);
    strmap_done(&k.hosts);
    strmap_done(&k.workloads);
    strmap_done(&k.node_index);
    strmap_done(&k.skipped_index);
    strmap_done(&k.unknown_index);
    return ok;
}
