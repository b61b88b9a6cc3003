/* `docker inspect` output to a scenario, per DESIGN.md's mapping table (docs/import.md is
 * the user's version): one host, one workload per container, tenants from a label or one per
 * container, every assumption for a missing field written down in the workload's notes. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_int.h"
#include "strmap.h"
#include "xalloc.h"

#define DEFAULT_HOST "docker-host"

typedef struct {
    ImportCtx *c;
    Scenario *s;
    const char *host;
    int host_os;        /* -1 until the first container says */
    char *host_os_from; /* that container's name, owned */
    StrMap tenants, workloads;
    size_t images; /* image objects skipped */
    bool *overridden;
    size_t cap_overridden;
} Docker;

static void ensure_tenant(Docker *d, const char *id)
{
    size_t at;
    if (strmap_get(&d->tenants, id, &at)) return;
    bool over;
    Trust t = import_trust(d->c, id, TRUST_UNTRUSTED, &over);
    Tenant *tn = scenario_add_tenant(d->s, id, t);
    strmap_put(&d->tenants, tn->id, d->s->n_tenants - 1);
    xgrow((void **)&d->overridden, &d->cap_overridden, d->s->n_tenants, sizeof *d->overridden);
    d->overridden[d->s->n_tenants - 1] = over;
}

/* True when a Config.User names an administrator: empty, 0, root, ContainerAdministrator or
 * NT AUTHORITY\SYSTEM (a group after ':' does not matter). */
static bool user_is_admin(const char *user)
{
    size_t n = strcspn(user, ":");
    static const char *const admins[] = {"0", "root", "ContainerAdministrator",
                                         "NT AUTHORITY\\SYSTEM"};
    if (n == 0) return true;
    for (size_t i = 0; i < sizeof admins / sizeof *admins; i++)
        if (strlen(admins[i]) == n && strncasecmp(user, admins[i], n) == 0) return true;
    return false;
}

/* A "KEY=VALUE" or "KEY:VALUE" security option: true if it is key, *value then set. */
static bool security_opt(const char *opt, const char *key, const char **value)
{
    size_t n = strlen(key);
    if (strncmp(opt, key, n) != 0 || (opt[n] != '=' && opt[n] != ':')) return false;
    *value = opt + n + 1;
    return true;
}

static void add_hardening(Workload *w, const char *name)
{
    if (!strlist_has(&w->hardening, name)) strlist_add(&w->hardening, name);
}

/* HostConfig.SecurityOpt and AppArmorProfile as hardening names. The path is at the
 * container. */
static bool read_security(Docker *d, const cJSON *ctr, const cJSON *hc, Workload *w)
{
    ImportCtx *c = d->c;
    const cJSON *opts;
    const char *profile;
    if (!import_get_string(c, ctr, "AppArmorProfile", &profile)) return false;
    if (profile && *profile && strcasecmp(profile, "unconfined") != 0) add_hardening(w, "apparmor");
    import_push_key(c, "HostConfig");
    bool ok = import_get_array(c, hc, "SecurityOpt", &opts);
    import_push_key(c, "SecurityOpt");
    size_t i = 0;
    for (const cJSON *o = opts ? opts->child : NULL; o && ok; o = o->next, i++) {
        import_push_index(c, i);
        const char *v;
        if (!cJSON_IsString(o)) {
            ok = import_bad_type(c, o, "a string");
        } else if (security_opt(o->valuestring, "apparmor", &v)) {
            if (strcasecmp(v, "unconfined") != 0) add_hardening(w, "apparmor");
        } else if (security_opt(o->valuestring, "seccomp", &v)) {
            if (strcasecmp(v, "unconfined") != 0) add_hardening(w, "seccomp");
        } else if (security_opt(o->valuestring, "label", &v)) {
            if (strcasecmp(v, "disable") != 0) add_hardening(w, "selinux");
        } else if (strncmp(o->valuestring, "no-new-privileges", 17) == 0) {
            const char *rest = o->valuestring + 17;
            if (!*rest || strcmp(rest, ":true") == 0 || strcmp(rest, "=true") == 0)
                add_hardening(w, "no-new-privileges");
        }
        import_pop(c);
    }
    import_pop(c);
    import_pop(c);
    return ok;
}

/* Mounts[]: bind mounts (and Windows named pipes) become host mounts. The path is at the
 * container. */
static bool read_mounts(Docker *d, const cJSON *ctr, Workload *w)
{
    ImportCtx *c = d->c;
    const cJSON *list;
    if (!import_get_array(c, ctr, "Mounts", &list)) return false;
    if (!list) return true;
    import_push_key(c, "Mounts");
    size_t i = 0;
    bool ok = true;
    for (const cJSON *m = list->child; m && ok; m = m->next, i++) {
        import_push_index(c, i);
        const char *type = NULL, *src = NULL, *dst = NULL;
        int rw = -1;
        if (!cJSON_IsObject(m))
            ok = import_bad_type(c, m, import_object_word(c));
        else
            ok = import_get_string(c, m, "Type", &type) &&
                 import_get_string(c, m, "Source", &src) &&
                 import_get_string(c, m, "Destination", &dst) && import_get_bool(c, m, "RW", &rw);
        import_pop(c);
        if (!ok || !type || !src || !*src) continue;
        if (strcmp(type, "bind") != 0 && strcmp(type, "npipe") != 0) continue;
        if (rw < 0) {
            char *n = xasprintf("RW unset on the mount of %s: assumed writable", src);
            strlist_add(&w->notes, n);
            free(n);
        }
        workload_add_mount(w, src, dst && *dst ? dst : NULL, rw == 0);
    }
    import_pop(c);
    return ok;
}

/* The name of a container without its leading '/'; NULL if it has none. */
static const char *container_name(const char *name)
{
    if (!name) return NULL;
    while (*name == '/')
        name++;
    return *name ? name : NULL;
}

/* One container (the path at it). */
static bool map_container(Docker *d, const cJSON *ctr, size_t index)
{
    ImportCtx *c = d->c;
    const char *id = NULL, *name = NULL, *platform = NULL, *user = NULL, *isolation = NULL,
               *runtime = NULL, *pid = NULL, *net = NULL, *ipc = NULL, *tenant = NULL;
    const cJSON *config, *hc, *labels = NULL, *caps = NULL;
    int privileged = -1;
    bool ok = import_get_string(c, ctr, "Id", &id) && import_get_string(c, ctr, "Name", &name) &&
              import_get_string(c, ctr, "Platform", &platform) &&
              import_get_object(c, ctr, "Config", &config) &&
              import_get_object(c, ctr, "HostConfig", &hc);
    if (ok && config) {
        import_push_key(c, "Config");
        ok = import_get_string(c, config, "User", &user) &&
             import_get_object(c, config, "Labels", &labels);
        if (ok && labels && c->opt->tenant_label) {
            import_push_key(c, "Labels");
            ok = import_get_string(c, labels, c->opt->tenant_label, &tenant);
            import_pop(c);
        }
        import_pop(c);
    }
    if (ok && hc) {
        import_push_key(c, "HostConfig");
        ok = import_get_string(c, hc, "Isolation", &isolation) &&
             import_get_string(c, hc, "Runtime", &runtime) &&
             import_get_bool(c, hc, "Privileged", &privileged) &&
             import_get_array(c, hc, "CapAdd", &caps) &&
             import_get_string(c, hc, "PidMode", &pid) &&
             import_get_string(c, hc, "NetworkMode", &net) &&
             import_get_string(c, hc, "IpcMode", &ipc);
        import_pop(c);
    }
    if (!ok) return false;
    if (!hc && cJSON_GetObjectItemCaseSensitive(ctr, "RepoTags")) {
        import_note(c, "skipped an image (%.19s): docker inspect of a container was expected",
                    id ? id : "?");
        d->images++;
        return true;
    }

    StrList notes = {0};
    char *generated = NULL;
    const char *wid = container_name(name);
    if (!wid) {
        generated =
            id && *id ? xasprintf("container-%.12s", id) : xasprintf("container-%zu", index + 1);
        char *n = xasprintf("no Name: called %s", generated);
        strlist_add(&notes, n);
        free(n);
        wid = generated;
    }
    Os os = OS_LINUX;
    if (platform && os_parse(platform, &os)) {
        /* stated */
    } else {
        strlist_add(&notes, "Platform unset: assumed linux");
        os = OS_LINUX;
    }
    if (d->host_os < 0) {
        d->host_os = (int)os;
        d->host_os_from = xstrdup(wid);
        Host *h = scenario_add_host(d->s, d->host, os);
        h->ssh = !c->opt->no_ssh;
    } else if ((Os)d->host_os != os) {
        import_note(c, "containers of both windows and linux: host %s assumed %s (as %s says)",
                    d->host, os_name((Os)d->host_os), d->host_os_from);
        os = (Os)d->host_os;
    }

    if (c->opt->tenant_label && !tenant) {
        char *n = xasprintf("no label %s: its own tenant", c->opt->tenant_label);
        strlist_add(&notes, n);
        free(n);
    }
    const char *tid = tenant && *tenant ? tenant : wid;
    ensure_tenant(d, tid);
    char *uid = xstrdup(wid);
    size_t at;
    for (size_t n = 2; strmap_get(&d->workloads, uid, &at); n++) {
        free(uid);
        uid = xasprintf("%s#%zu", wid, n);
    }
    Workload *w = scenario_add_workload(d->s, uid, tid, d->host);
    strmap_put(&d->workloads, w->id, d->s->n_workloads - 1);
    free(uid);
    for (size_t i = 0; i < notes.n; i++)
        strlist_add(&w->notes, notes.items[i]);
    strlist_done(&notes);
    free(generated);

    /* isolation */
    Isolation iso;
    if (isolation && strcasecmp(isolation, "hyperv") == 0) {
        w->isolation = ISOLATION_HYPERV;
    } else if (runtime && *runtime &&
               (import_runtime_option(c, runtime, &iso) ||
                import_runtime_isolation(runtime, &iso))) {
        w->isolation = iso;
    } else {
        w->isolation = ISOLATION_PROCESS;
        if (runtime && *runtime && strcmp(runtime, "runc") != 0) {
            char *q = json_strict_quote(runtime, strlen(runtime));
            char *n = xasprintf("HostConfig.Runtime %s not recognised: assumed process isolation "
                                "(--runtime-class %s=MODE to say otherwise)",
                                q, runtime);
            strlist_add(&w->notes, n);
            free(n);
            free(q);
        } else if (os == OS_WINDOWS && !(isolation && strcasecmp(isolation, "process") == 0)) {
            strlist_add(&w->notes, "HostConfig.Isolation unset: assumed process (the Windows "
                                   "Server default)");
        }
    }

    /* account */
    if (!user || !*user) {
        strlist_add(&w->notes, os == OS_WINDOWS
                                   ? "Config.User empty: assumed ContainerAdministrator"
                                   : "Config.User empty: assumed root");
        w->account = ACCOUNT_ADMIN;
    } else {
        w->account = user_is_admin(user) ? ACCOUNT_ADMIN : ACCOUNT_USER;
    }

    /* privileges, namespaces */
    w->privileged = privileged == 1;
    import_push_key(c, "HostConfig");
    import_push_key(c, "CapAdd");
    size_t i = 0;
    for (const cJSON *e = caps ? caps->child : NULL; e && ok; e = e->next, i++) {
        import_push_index(c, i);
        if (!cJSON_IsString(e)) {
            ok = import_bad_type(c, e, "a capability name");
        } else {
            char *cap = import_capability(e->valuestring);
            if (cap && (strcmp(cap, "SYS_ADMIN") == 0 || strcmp(cap, "ALL") == 0))
                w->privileged = true;
            if (cap && !strlist_has(&w->capabilities, cap)) strlist_add(&w->capabilities, cap);
            free(cap);
        }
        import_pop(c);
    }
    import_pop(c);
    import_pop(c);
    if (!ok) return false;
    w->host_namespaces = (pid && strcmp(pid, "host") == 0 ? HOSTNS_PID : 0) |
                         (net && strcmp(net, "host") == 0 ? HOSTNS_NETWORK : 0) |
                         (ipc && strcmp(ipc, "host") == 0 ? HOSTNS_IPC : 0);
    return read_mounts(d, ctr, w) && read_security(d, ctr, hc, w);
}

bool import_docker_map(ImportCtx *c, const cJSON *root, Scenario *s)
{
    Docker d = {.c = c, .s = s, .host_os = -1};
    d.host = c->opt->host_name && *c->opt->host_name ? c->opt->host_name : DEFAULT_HOST;
    strmap_init(&d.tenants);
    strmap_init(&d.workloads);
    bool ok = true;
    c->depth = 0;
    size_t n = cJSON_IsArray(root) ? (size_t)cJSON_GetArraySize(root) : 1;
    if (cJSON_IsArray(root)) {
        size_t i = 0;
        for (const cJSON *e = root->child; e && ok; e = e->next, i++) {
            import_push_index(c, i);
            if (import_is_docker_object(e))
                ok = map_container(&d, e, i);
            else
                import_note(c, "element %zu: not a docker inspect container: skipped", i);
            import_pop(c);
            import_progress(c, c->len + c->len * (i + 1) / n);
        }
    } else {
        ok = map_container(&d, root, 0);
    }
    if (ok && s->n_workloads == 0) {
        c->err = xasprintf("%s: not a breakout scenario, Kubernetes manifest or docker inspect "
                           "output (found %s)",
                           c->file, d.images ? "images, not containers" : "no containers");
        ok = false;
    }
    if (ok) import_note_trust(c, s, "tenants", d.overridden);
    if (ok && s->n_hosts > 0 && !c->opt->no_ssh)
        import_note(c, "host %s assumed to accept SSH logins (--no-ssh to change)", d.host);
    free(d.host_os_from);
    free(d.overridden);
    strmap_done(&d.tenants);
    strmap_done(&d.workloads);
    return ok;
}
