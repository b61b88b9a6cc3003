/* The scenario: tenants, hosts and workloads as DESIGN.md defines them, with the
 * checks that need no file (duplicate ids, dangling references). Pure data, no I/O. */
#ifndef BREAKOUT_SCENARIO_H
#define BREAKOUT_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "runner.h"

#define SCENARIO_FORMAT_VERSION 3 /* the version breakout writes; it reads 1, 2 and 3 */

typedef enum { TRUST_TRUSTED, TRUST_UNTRUSTED } Trust;
typedef enum { OS_WINDOWS, OS_LINUX } Os;
typedef enum { ISOLATION_PROCESS, ISOLATION_HYPERV, ISOLATION_SANDBOX, ISOLATION_HOST } Isolation;
typedef enum { ACCOUNT_ADMIN, ACCOUNT_USER } Account;

/* Assumptions a scenario makes about exploitable bugs. */
typedef enum {
    ASSUME_KERNEL_EXPLOIT,
    ASSUME_HYPERVISOR_EXPLOIT,
    ASSUME_SANDBOX_EXPLOIT,
    ASSUME_COUNT
} Assumption;

/* Host namespaces a Linux workload may share (format 2). */
enum {
    HOSTNS_PID = 1 << 0,
    HOSTNS_NETWORK = 1 << 1,
    HOSTNS_IPC = 1 << 2,
};

typedef struct {
    char *name;
    bool admin;
} HostUser;

typedef struct {
    char *host_path; /* as written */
    char *path;      /* inside the container; may be NULL */
    bool read_only;
} Mount;

typedef struct {
    char *id;
    char *name; /* defaults to the id */
    Trust trust;
} Tenant;

typedef struct {
    char *id;
    Os os;
    bool ssh;
    HostUser *users;
    size_t n_users, cap_users;
} Host;

/* A list of owned strings. */
typedef struct {
    char **items;
    size_t n, cap;
} StrList;

typedef struct {
    char *id;
    char *tenant; /* a tenant id */
    char *host;   /* a host id */
    Isolation isolation;
    Account account;
    bool privileged;
    bool compromised;
    unsigned host_namespaces; /* HOSTNS_* bits (format 2) */
    Mount *mounts;
    size_t n_mounts, cap_mounts;
    StrList hardening;    /* "apparmor", "seccomp", ... as written */
    StrList capabilities; /* added Linux capabilities without CAP_, e.g. "SYS_ADMIN" (format 2) */
    StrList notes;        /* assumptions an importer made, e.g. "runAsUser unset: assumed root" */
} Workload;

typedef struct Scenario {
    char *name;
    char *description; /* may be NULL */
    bool assume[ASSUME_COUNT];
    Tenant *tenants;
    size_t n_tenants, cap_tenants;
    Host *hosts;
    size_t n_hosts, cap_hosts;
    Workload *workloads;
    size_t n_workloads, cap_workloads;
} Scenario;

/* Returns a new, empty scenario named name (copied), with the default assumptions. */
Scenario *scenario_new(const char *name);
void scenario_free(Scenario *s);
/* Returns a deep copy of s. */
Scenario *scenario_clone(const Scenario *s);

/* Appenders: each returns the new, zeroed element (defaults applied) with its id copied.
 * The pointer is valid until the next append to the same list. A string given as NULL stays
 * NULL, for a reader that sets it next (scenario_free accepts it; nothing else does). */
Tenant *scenario_add_tenant(Scenario *s, const char *id, Trust trust);
Host *scenario_add_host(Scenario *s, const char *id, Os os);
Workload *scenario_add_workload(Scenario *s, const char *id, const char *tenant, const char *host);
HostUser *host_add_user(Host *h, const char *name, bool admin);
Mount *workload_add_mount(Workload *w, const char *host_path, const char *path, bool read_only);
void workload_remove_mount(Workload *w, size_t index);

/* Deep copies of one entity appended to s (ids and references copied as they are). */
Tenant *scenario_copy_tenant(Scenario *s, const Tenant *src);
Host *scenario_copy_host(Scenario *s, const Host *src);
Workload *scenario_copy_workload(Scenario *s, const Workload *src);
/* Removes the entity at index, keeping the others' order. */
void scenario_remove_tenant(Scenario *s, size_t index);
void scenario_remove_host(Scenario *s, size_t index);
void scenario_remove_workload(Scenario *s, size_t index);
/* Moves the last entity of a list to index (others shift up): an append, then this, inserts. */
void scenario_move_last_tenant(Scenario *s, size_t index);
void scenario_move_last_host(Scenario *s, size_t index);
void scenario_move_last_workload(Scenario *s, size_t index);

void strlist_add(StrList *l, const char *s);
bool strlist_has(const StrList *l, const char *s);
void strlist_done(StrList *l);

/* Lookups by id: linear, for small scenarios and tests; the engine indexes. NULL if absent. */
Tenant *scenario_tenant(const Scenario *s, const char *id);
Host *scenario_host(const Scenario *s, const char *id);
Workload *scenario_workload(const Scenario *s, const char *id);

/* Checks ids are unique and references resolve. On failure returns false and sets *err to
 * an owned message naming the place as a JSON path, e.g.
 * `workloads[2].tenant: no tenant with id "ghost"`. */
bool scenario_validate(const Scenario *s, char **err);
/* The same, its checks on runner's threads (NULL: this one), with the same message. */
bool scenario_validate_on(const Scenario *s, const EngineRunner *runner, char **err);

/* Names of enum values as the scenario format writes them, and the reverse (false if unknown). */
const char *trust_name(Trust t);
const char *os_name(Os os);
const char *isolation_name(Isolation i);
const char *account_name(Account a);
const char *assumption_name(Assumption a);
bool trust_parse(const char *s, Trust *out);
bool os_parse(const char *s, Os *out);
bool isolation_parse(const char *s, Isolation *out);
bool account_parse(const char *s, Account *out);
bool assumption_parse(const char *s, Assumption *out);
/* The default of each assumption: kernel_exploit true, the others false. */
bool assumption_default(Assumption a);

#endif
