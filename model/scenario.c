/* The scenario's lifetime, appenders, names of enum values and reference checks. */
#include "scenario.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

static const char *const trust_names[] = {"trusted", "untrusted"};
static const char *const os_names[] = {"windows", "linux"};
static const char *const isolation_names[] = {"process", "hyperv", "sandbox", "host"};
static const char *const account_names[] = {"admin", "user"};
static const char *const assumption_names[] = {"kernel_exploit", "hypervisor_exploit",
                                               "sandbox_exploit"};

#define NAME_OF(table, v) ((size_t)(v) < sizeof table / sizeof *table ? table[(size_t)(v)] : "?")

const char *trust_name(Trust t)
{
    return NAME_OF(trust_names, t);
}
const char *os_name(Os os)
{
    return NAME_OF(os_names, os);
}
const char *isolation_name(Isolation i)
{
    return NAME_OF(isolation_names, i);
}
const char *account_name(Account a)
{
    return NAME_OF(account_names, a);
}
const char *assumption_name(Assumption a)
{
    return NAME_OF(assumption_names, a);
}

static bool parse_name(const char *const *table, size_t n, const char *s, int *out)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i], s) == 0) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

#define PARSE(table, s, out, type)                                                                 \
    do {                                                                                           \
        int v_;                                                                                    \
        if (!parse_name(table, sizeof table / sizeof *table, s, &v_)) return false;                \
        *(out) = (type)v_;                                                                         \
        return true;                                                                               \
    } while (0)

bool trust_parse(const char *s, Trust *out)
{
    PARSE(trust_names, s, out, Trust);
}
bool os_parse(const char *s, Os *out)
{
    PARSE(os_names, s, out, Os);
}
bool isolation_parse(const char *s, Isolation *out)
{
    PARSE(isolation_names, s, out, Isolation);
}
bool account_parse(const char *s, Account *out)
{
    PARSE(account_names, s, out, Account);
}
bool assumption_parse(const char *s, Assumption *out)
{
    PARSE(assumption_names, s, out, Assumption);
}

bool assumption_default(Assumption a)
{
    return a == ASSUME_KERNEL_EXPLOIT;
}

Scenario *scenario_new(const char *name)
{
    Scenario *s = xcalloc(1, sizeof *s);
    s->name = xstrdup(name ? name : "");
    for (int a = 0; a < ASSUME_COUNT; a++)
        s->assume[a] = assumption_default((Assumption)a);
    return s;
}

void strlist_add(StrList *l, const char *s)
{
    xgrow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items);
    l->items[l->n++] = xstrdup(s);
}

bool strlist_has(const StrList *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0) return true;
    return false;
}

void strlist_done(StrList *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static void strlist_copy(StrList *dst, const StrList *src)
{
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->n; i++)
        strlist_add(dst, src->items[i]);
}

static void mount_done(Mount *m)
{
    free(m->host_path);
    free(m->path);
}

static void workload_done(Workload *w)
{
    free(w->id);
    free(w->tenant);
    free(w->host);
    for (size_t i = 0; i < w->n_mounts; i++)
        mount_done(&w->mounts[i]);
    free(w->mounts);
    strlist_done(&w->hardening);
    strlist_done(&w->capabilities);
    strlist_done(&w->notes);
}

static void host_done(Host *h)
{
    free(h->id);
    for (size_t i = 0; i < h->n_users; i++)
        free(h->users[i].name);
    free(h->users);
}

void scenario_free(Scenario *s)
{
    if (!s) return;
    free(s->name);
    free(s->description);
    for (size_t i = 0; i < s->n_tenants; i++) {
        free(s->tenants[i].id);
        free(s->tenants[i].name);
    }
    free(s->tenants);
    for (size_t i = 0; i < s->n_hosts; i++)
        host_done(&s->hosts[i]);
    free(s->hosts);
    for (size_t i = 0; i < s->n_workloads; i++)
        workload_done(&s->workloads[i]);
    free(s->workloads);
    free(s);
}

Tenant *scenario_add_tenant(Scenario *s, const char *id, Trust trust)
{
    xgrow((void **)&s->tenants, &s->cap_tenants, s->n_tenants + 1, sizeof *s->tenants);
    Tenant *t = &s->tenants[s->n_tenants++];
    memset(t, 0, sizeof *t);
    t->id = xstrdup(id);
    t->name = xstrdup(id);
    t->trust = trust;
    return t;
}

Host *scenario_add_host(Scenario *s, const char *id, Os os)
{
    xgrow((void **)&s->hosts, &s->cap_hosts, s->n_hosts + 1, sizeof *s->hosts);
    Host *h = &s->hosts[s->n_hosts++];
    memset(h, 0, sizeof *h);
    h->id = xstrdup(id);
    h->os = os;
    return h;
}

Workload *scenario_add_workload(Scenario *s, const char *id, const char *tenant, const char *host)
{
    xgrow((void **)&s->workloads, &s->cap_workloads, s->n_workloads + 1, sizeof *s->workloads);
    Workload *w = &s->workloads[s->n_workloads++];
    memset(w, 0, sizeof *w);
    w->id = xstrdup(id);
    w->tenant = xstrdup(tenant);
    w->host = xstrdup(host);
    w->isolation = ISOLATION_PROCESS;
    w->account = ACCOUNT_ADMIN;
    return w;
}

HostUser *host_add_user(Host *h, const char *name, bool admin)
{
    xgrow((void **)&h->users, &h->cap_users, h->n_users + 1, sizeof *h->users);
    HostUser *u = &h->users[h->n_users++];
    u->name = xstrdup(name);
    u->admin = admin;
    return u;
}

Mount *workload_add_mount(Workload *w, const char *host_path, const char *path, bool read_only)
{
    xgrow((void **)&w->mounts, &w->cap_mounts, w->n_mounts + 1, sizeof *w->mounts);
    Mount *m = &w->mounts[w->n_mounts++];
    m->host_path = xstrdup(host_path);
    m->path = xstrdup(path);
    m->read_only = read_only;
    return m;
}

void workload_remove_mount(Workload *w, size_t index)
{
    if (index >= w->n_mounts) return;
    mount_done(&w->mounts[index]);
    memmove(&w->mounts[index], &w->mounts[index + 1],
            (w->n_mounts - index - 1) * sizeof *w->mounts);
    w->n_mounts--;
}

Tenant *scenario_copy_tenant(Scenario *s, const Tenant *src)
{
    Tenant *t = scenario_add_tenant(s, src->id, src->trust);
    free(t->name);
    t->name = xstrdup(src->name);
    return t;
}

Host *scenario_copy_host(Scenario *s, const Host *src)
{
    Host *h = scenario_add_host(s, src->id, src->os);
    h->ssh = src->ssh;
    for (size_t u = 0; u < src->n_users; u++)
        host_add_user(h, src->users[u].name, src->users[u].admin);
    return h;
}

Workload *scenario_copy_workload(Scenario *s, const Workload *src)
{
    Workload *w = scenario_add_workload(s, src->id, src->tenant, src->host);
    w->isolation = src->isolation;
    w->account = src->account;
    w->privileged = src->privileged;
    w->compromised = src->compromised;
    w->host_namespaces = src->host_namespaces;
    for (size_t m = 0; m < src->n_mounts; m++)
        workload_add_mount(w, src->mounts[m].host_path, src->mounts[m].path,
                           src->mounts[m].read_only);
    strlist_copy(&w->hardening, &src->hardening);
    strlist_copy(&w->capabilities, &src->capabilities);
    strlist_copy(&w->notes, &src->notes);
    return w;
}

Scenario *scenario_clone(const Scenario *src)
{
    Scenario *s = scenario_new(src->name);
    s->description = xstrdup(src->description);
    memcpy(s->assume, src->assume, sizeof s->assume);
    for (size_t i = 0; i < src->n_tenants; i++)
        scenario_copy_tenant(s, &src->tenants[i]);
    for (size_t i = 0; i < src->n_hosts; i++)
        scenario_copy_host(s, &src->hosts[i]);
    for (size_t i = 0; i < src->n_workloads; i++)
        scenario_copy_workload(s, &src->workloads[i]);
    return s;
}

/* Removal and insertion at a position, keeping the order of the others. */
#define REMOVE_AT(list, n, index, done)                                                            \
    do {                                                                                           \
        done(&(list)[index]);                                                                      \
        memmove(&(list)[index], &(list)[(index) + 1], ((n) - (index)-1) * sizeof *(list));         \
        (n)--;                                                                                     \
    } while (0)

static void tenant_done(Tenant *t)
{
    free(t->id);
    free(t->name);
}

void scenario_remove_tenant(Scenario *s, size_t index)
{
    assert(index < s->n_tenants);
    REMOVE_AT(s->tenants, s->n_tenants, index, tenant_done);
}

void scenario_remove_host(Scenario *s, size_t index)
{
    assert(index < s->n_hosts);
    REMOVE_AT(s->hosts, s->n_hosts, index, host_done);
}

void scenario_remove_workload(Scenario *s, size_t index)
{
    assert(index < s->n_workloads);
    REMOVE_AT(s->workloads, s->n_workloads, index, workload_done);
}

/* Moves the last element of a list to index (after an append). */
#define MOVE_LAST_TO(list, n, index, type)                                                         \
    do {                                                                                           \
        if ((index) >= (n)-1) break;                                                               \
        type last_ = (list)[(n)-1];                                                                \
        memmove(&(list)[(index) + 1], &(list)[index], ((n)-1 - (index)) * sizeof *(list));         \
        (list)[index] = last_;                                                                     \
    } while (0)

void scenario_move_last_tenant(Scenario *s, size_t index)
{
    MOVE_LAST_TO(s->tenants, s->n_tenants, index, Tenant);
}

void scenario_move_last_host(Scenario *s, size_t index)
{
    MOVE_LAST_TO(s->hosts, s->n_hosts, index, Host);
}

void scenario_move_last_workload(Scenario *s, size_t index)
{
    MOVE_LAST_TO(s->workloads, s->n_workloads, index, Workload);
}

#define FIND(list, n, id)                                                                          \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < (n); i_++)                                                        \
            if (strcmp((list)[i_].id, (id)) == 0) return &(list)[i_];                              \
        return NULL;                                                                               \
    } while (0)

Tenant *scenario_tenant(const Scenario *s, const char *id)
{
    FIND(s->tenants, s->n_tenants, id);
}
Host *scenario_host(const Scenario *s, const char *id)
{
    FIND(s->hosts, s->n_hosts, id);
}
Workload *scenario_workload(const Scenario *s, const char *id)
{
    FIND(s->workloads, s->n_workloads, id);
}

/* scenario_validate's checks in two jobs: 0 the tenants, the hosts and the workloads'
 * references, 1 the workloads' ids. Each notes its first failure; the message is the one a
 * check in order would give. */
typedef struct {
    const Scenario *s;
    char *lists_msg;  /* a duplicate tenant, host or user */
    size_t first_ref; /* the first workload whose tenant or host is missing, else n */
    bool bad_tenant;  /* which of them (the tenant is checked first) */
    size_t first_dup; /* the first workload whose id is taken, else n */
} Checks;

static void check_job(void *ctx, size_t job)
{
    Checks *k = ctx;
    const Scenario *s = k->s;
    if (job == 1) {
        StrMap workloads;
        strmap_init(&workloads);
        strmap_reserve(&workloads, s->n_workloads);
        for (size_t i = 0; i < s->n_workloads; i++)
            if (!strmap_put(&workloads, s->workloads[i].id, i)) {
                k->first_dup = i;
                break;
            }
        strmap_done(&workloads);
        return;
    }
    StrMap tenants, hosts;
    strmap_init(&tenants);
    strmap_init(&hosts);
    strmap_reserve(&tenants, s->n_tenants);
    strmap_reserve(&hosts, s->n_hosts);
    char *msg = NULL;
    for (size_t i = 0; i < s->n_tenants && !msg; i++)
        if (!strmap_put(&tenants, s->tenants[i].id, i))
            msg = xasprintf("tenants[%zu].id: duplicate id \"%s\"", i, s->tenants[i].id);
    for (size_t i = 0; i < s->n_hosts && !msg; i++) {
        const Host *h = &s->hosts[i];
        if (!strmap_put(&hosts, h->id, i))
            msg = xasprintf("hosts[%zu].id: duplicate id \"%s\"", i, h->id);
        if (h->n_users < 2 || msg) continue;
        StrMap users;
        strmap_init(&users);
        strmap_reserve(&users, h->n_users);
        for (size_t u = 0; u < h->n_users && !msg; u++)
            if (!strmap_put(&users, h->users[u].name, u))
                msg = xasprintf("hosts[%zu].users[%zu].name: duplicate user \"%s\"", i, u,
                                h->users[u].name);
        strmap_done(&users);
    }
    size_t ignored;
    for (size_t i = 0; i < s->n_workloads && !msg; i++) {
        const Workload *w = &s->workloads[i];
        bool no_tenant = !strmap_get(&tenants, w->tenant, &ignored);
        if (no_tenant || !strmap_get(&hosts, w->host, &ignored)) {
            k->first_ref = i;
            k->bad_tenant = no_tenant;
            break;
        }
    }
    k->lists_msg = msg;
    strmap_done(&tenants);
    strmap_done(&hosts);
}

bool scenario_validate_on(const Scenario *s, const EngineRunner *runner, char **err)
{
    Checks k = {.s = s, .first_ref = s->n_workloads, .first_dup = s->n_workloads};
    runner_run(runner, check_job, &k, 2);
    char *msg = k.lists_msg;
    if (msg) {
        /* the lists come before the workloads */
    } else if (k.first_dup < s->n_workloads && k.first_dup <= k.first_ref) {
        const Workload *w = &s->workloads[k.first_dup];
        msg = xasprintf("workloads[%zu].id: duplicate id \"%s\"", k.first_dup, w->id);
    } else if (k.first_ref < s->n_workloads) {
        const Workload *w = &s->workloads[k.first_ref];
        msg = k.bad_tenant
                  ? xasprintf("workloads[%zu].tenant: no tenant with id \"%s\"", k.first_ref,
                              w->tenant)
                  : xasprintf("workloads[%zu].host: no host with id \"%s\"", k.first_ref, w->host);
    }
    if (msg) {
        *err = msg;
        return false;
    }
    return true;
}

bool scenario_validate(const Scenario *s, char **err)
{
    return scenario_validate_on(s, NULL, err);
}
