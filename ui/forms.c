/* The explorer's forms: adding, changing and removing tenants, hosts, host users, workloads,
 * mounts, hardening and assumptions (each submit one edit, committed at once), and
 * creating, forking, renaming and removing scenarios. Each check says in one line what is
 * wrong with the values as they are typed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explorer_int.h"
#include "form.h"
#include "xalloc.h"

enum {
    P_TENANT,
    P_HOST,
    P_USER,
    P_WORKLOAD,
    P_MOUNT,
    P_HARDENING,
    P_ASSUMPTIONS,
    P_SCENARIO_NEW,
    P_SCENARIO_DUPLICATE,
    P_SCENARIO_RENAME,
};

/* Menu codes of the + menu. */
enum { ADD_TENANT, ADD_HOST, ADD_WORKLOAD, ADD_USER, ADD_MOUNT, ADD_HARDENING };

static const char *const trust_choices[] = {"trusted", "untrusted"};
static const char *const os_choices[] = {"windows", "linux"};
static const char *const isolation_choices[] = {"process", "hyperv", "sandbox", "host"};
static const char *const account_choices[] = {"admin", "user"};

/* ---- checks shared by the forms ---- */

static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return true;
    return false;
}

/* A name or id typed in a form: not empty (unless optional), no control characters, no
 * blanks around it. Fills f->error and returns false when it is not acceptable. */
static bool check_text(Form *f, const char *what, const char *s, bool optional)
{
    size_t n = strlen(s);
    if (!n && !optional)
        snprintf(f->error, sizeof f->error, "%s must not be empty", what);
    else if (has_control(s))
        snprintf(f->error, sizeof f->error, "%s must not contain control characters", what);
    else if (n && (s[0] == ' ' || s[n - 1] == ' '))
        snprintf(f->error, sizeof f->error, "%s must not start or end with a space", what);
    else
        return true;
    return false;
}

/* An id is free when no entity of the kind but the one being changed (old, or NULL) has it. */
static bool check_free_id(Form *f, const char *id, const char *old, bool used)
{
    if (used && !(old && strcmp(old, id) == 0)) {
        snprintf(f->error, sizeof f->error, "id \"%s\" is already used", id);
        return false;
    }
    return true;
}

/* The first workload using tenant or host id (by == 't' or 'h'), or NULL. */
static const Workload *user_of(const Scenario *s, char by, const char *id)
{
    for (size_t w = 0; w < s->n_workloads; w++)
        if (strcmp(by == 't' ? s->workloads[w].tenant : s->workloads[w].host, id) == 0)
            return &s->workloads[w];
    return NULL;
}

/* An id being changed while workloads refer to it: refused (they would dangle). */
static bool check_id_kept(Form *f, char by, const char *old, const char *id, const Scenario *s)
{
    if (!old || strcmp(old, id) == 0) return true;
    const Workload *w = user_of(s, by, old);
    if (!w) return true;
    snprintf(f->error, sizeof f->error,
             "%s \"%s\" has workload \"%s\": its id cannot change while workloads use it",
             by == 't' ? "tenant" : "host", old, w->id);
    return false;
}

/* Commits e from a form; on refusal keeps the form open with the reason. */
static bool submit_edit(Explorer *ex, Form *f, Edit *e)
{
    if (explorer_commit(ex, e)) return true;
    if (strcmp(ex->status, "nothing changed") == 0) return true; /* close: the status says so */
    snprintf(f->error, sizeof f->error, "%s", ex->status);
    return false;
}

/* Appends ", FIELD OLD -> NEW" to a label being built (owned, replaced). */
static void diff(char **label, const char *field, const char *old, const char *now)
{
    if (strcmp(old ? old : "", now ? now : "") == 0) return;
    char *next = xasprintf("%s%s%s %s -> %s", *label, strchr(*label, ':') ? ", " : ": ", field,
                           old && *old ? old : "(none)", now && *now ? now : "(none)");
    free(*label);
    *label = next;
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

/* ---- tenants ---- */

static bool tenant_check(Explorer *ex, Form *f)
{
    const char *id = form_text(f, 0);
    return check_text(f, "id", id, false) &&
           check_free_id(f, id, f->id, scenario_tenant(ex->sc, id) != NULL) &&
           check_id_kept(f, 't', f->id, id, ex->sc) && check_text(f, "name", form_text(f, 1), true);
}

static bool tenant_submit(Explorer *ex, Form *f)
{
    const char *id = form_text(f, 0), *name = *form_text(f, 1) ? form_text(f, 1) : id;
    Trust trust = f->fields[2].choice ? TRUST_UNTRUSTED : TRUST_TRUSTED;
    Edit *e;
    if (!f->id) {
        Scenario *fr = scenario_new(ex->sc->name);
        Tenant *t = scenario_add_tenant(fr, id, trust);
        free(t->name);
        t->name = xstrdup(name);
        e = edit_add(EDIT_TENANT, fr);
        edit_set_label(e, "added tenant %s (%s)", id, trust_name(trust));
    } else {
        e = edit_change(ex->sc, EDIT_TENANT, f->id);
        Tenant *t = edit_tenant(e->after);
        char *label = xasprintf("tenant %s", f->id);
        diff(&label, "id", t->id, id);
        diff(&label, "name", t->name, name);
        diff(&label, "trust", trust_name(t->trust), trust_name(trust));
        free(t->id);
        t->id = xstrdup(id);
        free(t->name);
        t->name = xstrdup(name);
        t->trust = trust;
        edit_set_label(e, "%s", label);
        free(label);
    }
    return submit_edit(ex, f, e);
}

static void tenant_form(Explorer *ex, const Tenant *t)
{
    Form *f = form_new(t ? "Change tenant" : "Add a tenant");
    f->purpose = P_TENANT;
    f->id = t ? xstrdup(t->id) : NULL;
    form_add_text(f, "id", t ? t->id : "");
    form_add_text(f, "name (optional)", t && strcmp(t->name, t->id) ? t->name : "");
    form_add_choice(f, "trust", trust_choices, 2, t && t->trust == TRUST_TRUSTED ? 0 : 1);
    f->check = tenant_check;
    f->submit = tenant_submit;
    form_open(ex, f);
}

/* ---- hosts and host users ---- */

static bool host_check(Explorer *ex, Form *f)
{
    const char *id = form_text(f, 0);
    return check_text(f, "id", id, false) &&
           check_free_id(f, id, f->id, scenario_host(ex->sc, id) != NULL) &&
           check_id_kept(f, 'h', f->id, id, ex->sc);
}

static bool host_submit(Explorer *ex, Form *f)
{
    const char *id = form_text(f, 0);
    Os os = f->fields[1].choice ? OS_LINUX : OS_WINDOWS;
    bool ssh = form_bool(f, 2);
    Edit *e;
    if (!f->id) {
        Scenario *fr = scenario_new(ex->sc->name);
        scenario_add_host(fr, id, os)->ssh = ssh;
        e = edit_add(EDIT_HOST, fr);
        edit_set_label(e, "added host %s (%s%s)", id, os_name(os), ssh ? ", ssh" : "");
    } else {
        e = edit_change(ex->sc, EDIT_HOST, f->id);
        Host *h = edit_host(e->after);
        char *label = xasprintf("host %s", f->id);
        diff(&label, "id", h->id, id);
        diff(&label, "os", os_name(h->os), os_name(os));
        diff(&label, "ssh", yes_no(h->ssh), yes_no(ssh));
        free(h->id);
        h->id = xstrdup(id);
        h->os = os;
        h->ssh = ssh;
        edit_set_label(e, "%s", label);
        free(label);
    }
    return submit_edit(ex, f, e);
}

static void host_form(Explorer *ex, const Host *h)
{
    Form *f = form_new(h ? "Change host" : "Add a host");
    f->purpose = P_HOST;
    f->id = h ? xstrdup(h->id) : NULL;
    form_add_text(f, "id", h ? h->id : "");
    form_add_choice(f, "os", os_choices, 2, h && h->os == OS_WINDOWS ? 0 : 1);
    form_add_bool(f, "ssh server", h ? h->ssh : true);
    f->check = host_check;
    f->submit = host_submit;
    form_open(ex, f);
}

static bool user_check(Explorer *ex, Form *f)
{
    const char *name = form_text(f, 0);
    const Host *h = scenario_host(ex->sc, f->id);
    if (!check_text(f, "user name", name, false)) return false;
    for (size_t u = 0; h && u < h->n_users; u++)
        if (strcmp(h->users[u].name, name) == 0 && u != f->sub) {
            snprintf(f->error, sizeof f->error, "user \"%s\" is already on host \"%s\"", name,
                     h->id);
            return false;
        }
    return true;
}

static bool user_submit(Explorer *ex, Form *f)
{
    const char *name = form_text(f, 0);
    bool admin = form_bool(f, 1);
    Edit *e = edit_change(ex->sc, EDIT_HOST, f->id);
    Host *h = edit_host(e->after);
    if (f->sub == (size_t)-1) {
        host_add_user(h, name, admin);
        edit_set_label(e, "%s: added user %s%s", f->id, name, admin ? " (admin)" : "");
    } else {
        HostUser *u = &h->users[f->sub];
        char *label = xasprintf("%s: user %s", f->id, u->name);
        diff(&label, "name", u->name, name);
        diff(&label, "admin", yes_no(u->admin), yes_no(admin));
        free(u->name);
        u->name = xstrdup(name);
        u->admin = admin;
        edit_set_label(e, "%s", label);
        free(label);
    }
    return submit_edit(ex, f, e);
}

/* The user form of host h: user index u, or (size_t)-1 to add one. */
static void user_form(Explorer *ex, size_t h, size_t u)
{
    const Host *hs = &ex->sc->hosts[h];
    const HostUser *us = u == (size_t)-1 ? NULL : &hs->users[u];
    char title[96];
    snprintf(title, sizeof title, "%s on host %s", us ? "Change user" : "Add a user", hs->id);
    Form *f = form_new(title);
    f->purpose = P_USER;
    f->id = xstrdup(hs->id);
    f->sub = u; /* (size_t)-1: a new user */
    snprintf(f->prompt, sizeof f->prompt,
             "A host user whose SSH key file a mount may expose (the implicit %s is always there).",
             hs->os == OS_WINDOWS ? "Administrator" : "root");
    form_add_text(f, "name", us ? us->name : "");
    form_add_bool(f, "admin", us ? us->admin : false);
    f->check = user_check;
    f->submit = user_submit;
    form_open(ex, f);
}

/* ---- workloads, mounts, hardening ---- */

/* Splits a comma-separated list into l (items trimmed, empty ones dropped). */
static void split_list(const char *text, StrList *l)
{
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if (b > a) {
            char *item = xstrndup(a, (size_t)(b - a));
            if (!strlist_has(l, item)) strlist_add(l, item);
            free(item);
        }
        p = *end ? end + 1 : end;
    }
}

static char *join_list(const StrList *l)
{
    char *out = xstrdup("");
    for (size_t i = 0; i < l->n; i++) {
        char *next = xasprintf("%s%s%s", out, i ? ", " : "", l->items[i]);
        free(out);
        out = next;
    }
    return out;
}

static bool workload_check(Explorer *ex, Form *f)
{
    const char *id = form_text(f, 0);
    if (!check_text(f, "id", id, false) ||
        !check_free_id(f, id, f->id, scenario_workload(ex->sc, id) != NULL))
        return false;
    if (f->fields[1].n_choices == 0) {
        snprintf(f->error, sizeof f->error, "add a tenant first (+ on the tree, then t)");
        return false;
    }
    if (f->fields[2].n_choices == 0) {
        snprintf(f->error, sizeof f->error, "add a host first (+ on the tree, then h)");
        return false;
    }
    return check_text(f, "hardening", form_text(f, 7), true);
}

static bool workload_submit(Explorer *ex, Form *f)
{
    const char *id = form_text(f, 0), *tenant = form_choice(f, 1), *host = form_choice(f, 2);
    Isolation iso = (Isolation)f->fields[3].choice;
    Account acc = (Account)f->fields[4].choice;
    bool privileged = form_bool(f, 5), compromised = form_bool(f, 6);
    StrList hardening = {0};
    split_list(form_text(f, 7), &hardening);
    Edit *e;
    if (!f->id) {
        Scenario *fr = scenario_new(ex->sc->name);
        Workload *w = scenario_add_workload(fr, id, tenant, host);
        w->isolation = iso;
        w->account = acc;
        w->privileged = privileged;
        w->compromised = compromised;
        w->hardening = hardening;
        e = edit_add(EDIT_WORKLOAD, fr);
        edit_set_label(e, "added workload %s (tenant %s, host %s, %s, %s)", id, tenant, host,
                       isolation_name(iso), account_name(acc));
    } else {
        e = edit_change(ex->sc, EDIT_WORKLOAD, f->id);
        Workload *w = edit_workload(e->after);
        char *label = xasprintf("%s", f->id), *old_h = join_list(&w->hardening),
             *new_h = join_list(&hardening);
        diff(&label, "id", w->id, id);
        diff(&label, "tenant", w->tenant, tenant);
        diff(&label, "host", w->host, host);
        diff(&label, "isolation", isolation_name(w->isolation), isolation_name(iso));
        diff(&label, "account", account_name(w->account), account_name(acc));
        diff(&label, "privileged", yes_no(w->privileged), yes_no(privileged));
        diff(&label, "compromised", yes_no(w->compromised), yes_no(compromised));
        diff(&label, "hardening", old_h, new_h);
        free(old_h);
        free(new_h);
        free(w->id);
        w->id = xstrdup(id);
        free(w->tenant);
        w->tenant = xstrdup(tenant);
        free(w->host);
        w->host = xstrdup(host);
        w->isolation = iso;
        w->account = acc;
        w->privileged = privileged;
        w->compromised = compromised;
        strlist_done(&w->hardening);
        w->hardening = hardening;
        edit_set_label(e, "%s", label);
        free(label);
    }
    return submit_edit(ex, f, e);
}

/* The index of id in a list of n ids, or 0. */
static size_t index_of(const char *const *ids, size_t n, const char *id)
{
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(ids[i], id) == 0) return i;
    return 0;
}

/* The workload form: w to change, or NULL to add one on host (and of tenant) given. */
static void workload_form(Explorer *ex, const Workload *w, const char *host, const char *tenant)
{
    const Scenario *s = ex->sc;
    Form *f = form_new(w ? "Change workload" : "Add a workload");
    f->purpose = P_WORKLOAD;
    f->id = w ? xstrdup(w->id) : NULL;
    const char **tenants = xcalloc(s->n_tenants + 1, sizeof *tenants);
    const char **hosts = xcalloc(s->n_hosts + 1, sizeof *hosts);
    for (size_t t = 0; t < s->n_tenants; t++)
        tenants[t] = s->tenants[t].id;
    for (size_t h = 0; h < s->n_hosts; h++)
        hosts[h] = s->hosts[h].id;
    form_add_text(f, "id", w ? w->id : "");
    form_add_choice(f, "tenant", tenants, s->n_tenants,
                    index_of(tenants, s->n_tenants, w ? w->tenant : tenant));
    form_add_choice(f, "host", hosts, s->n_hosts, index_of(hosts, s->n_hosts, w ? w->host : host));
    form_add_choice(f, "isolation", isolation_choices, 4, w ? (size_t)w->isolation : 0);
    form_add_choice(f, "account", account_choices, 2, w ? (size_t)w->account : 0);
    form_add_bool(f, "privileged", w ? w->privileged : false);
    form_add_bool(f, "compromised", w ? w->compromised : false);
    char *hardening = w ? join_list(&w->hardening) : xstrdup("");
    form_add_text(f, "hardening", hardening);
    free(hardening);
    free(tenants);
    free(hosts);
    f->check = workload_check;
    f->submit = workload_submit;
    form_open(ex, f);
}

static bool mount_check(Explorer *ex, Form *f)
{
    (void)ex;
    return check_text(f, "host path", form_text(f, 0), false) &&
           check_text(f, "path", form_text(f, 1), true);
}

static bool mount_submit(Explorer *ex, Form *f)
{
    const char *hp = form_text(f, 0), *path = form_text(f, 1);
    bool ro = form_bool(f, 2);
    Edit *e = edit_change(ex->sc, EDIT_WORKLOAD, f->id);
    Workload *w = edit_workload(e->after);
    if (f->sub == (size_t)-1) {
        workload_add_mount(w, hp, *path ? path : NULL, ro);
        edit_set_label(e, "%s: added mount %s (%s)", f->id, hp, ro ? "read-only" : "read-write");
    } else {
        Mount *m = &w->mounts[f->sub];
        char *label = xasprintf("%s: mount %s", f->id, m->host_path);
        diff(&label, "host path", m->host_path, hp);
        diff(&label, "path", m->path, path);
        diff(&label, "read-only", yes_no(m->read_only), yes_no(ro));
        free(m->host_path);
        m->host_path = xstrdup(hp);
        free(m->path);
        m->path = *path ? xstrdup(path) : NULL;
        m->read_only = ro;
        edit_set_label(e, "%s", label);
        free(label);
    }
    bool ok = submit_edit(ex, f, e);
    if (ok && f->sub == (size_t)-1) /* show the new mount */
        explorer_select(ex, ITEM_MOUNT, f->id, scenario_workload(ex->sc, f->id)->n_mounts - 1);
    return ok;
}

/* The mount form of workload w: mount m, or (size_t)-1 to add one. */
static void mount_form(Explorer *ex, size_t w, size_t m)
{
    const Workload *wl = &ex->sc->workloads[w];
    const Mount *mt = m == (size_t)-1 ? NULL : &wl->mounts[m];
    char title[96];
    snprintf(title, sizeof title, "%s of %s", mt ? "Change mount" : "Add a mount", wl->id);
    Form *f = form_new(title);
    f->purpose = P_MOUNT;
    f->id = xstrdup(wl->id);
    f->sub = m;
    form_add_text(f, "host path", mt ? mt->host_path : "");
    form_add_text(f, "path (optional)", mt && mt->path ? mt->path : "");
    form_add_bool(f, "read-only", mt ? mt->read_only : false);
    f->check = mount_check;
    f->submit = mount_submit;
    form_open(ex, f);
}

static bool hardening_check(Explorer *ex, Form *f)
{
    const char *p = form_text(f, 0);
    if (!check_text(f, "profile", p, false)) return false;
    if (strchr(p, ',')) {
        snprintf(f->error, sizeof f->error, "one profile at a time (no commas)");
        return false;
    }
    const Workload *w = scenario_workload(ex->sc, f->id);
    if (w && strlist_has(&w->hardening, p)) {
        snprintf(f->error, sizeof f->error, "\"%s\" is already in the hardening of %s", p, f->id);
        return false;
    }
    return true;
}

static bool hardening_submit(Explorer *ex, Form *f)
{
    Edit *e = edit_change(ex->sc, EDIT_WORKLOAD, f->id);
    strlist_add(&edit_workload(e->after)->hardening, form_text(f, 0));
    edit_set_label(e, "%s: hardening + %s", f->id, form_text(f, 0));
    return submit_edit(ex, f, e);
}

static void hardening_form(Explorer *ex, size_t w)
{
    char title[96];
    snprintf(title, sizeof title, "Add hardening to %s", ex->sc->workloads[w].id);
    Form *f = form_new(title);
    f->purpose = P_HARDENING;
    f->id = xstrdup(ex->sc->workloads[w].id);
    snprintf(f->prompt, sizeof f->prompt,
             "A profile as written, e.g. seccomp, apparmor, selinux, pod-security (the edit "
             "form changes or removes them).");
    form_add_text(f, "profile", "");
    f->check = hardening_check;
    f->submit = hardening_submit;
    form_open(ex, f);
}

/* ---- assumptions ---- */

static bool assumptions_check(Explorer *ex, Form *f)
{
    (void)ex;
    return check_text(f, "description", form_text(f, ASSUME_COUNT), true);
}

static bool assumptions_submit(Explorer *ex, Form *f)
{
    Edit *e = edit_change(ex->sc, EDIT_SETTINGS, NULL);
    char *label = xstrdup("assumptions");
    for (int a = 0; a < ASSUME_COUNT; a++) {
        bool v = form_bool(f, (size_t)a);
        diff(&label, assumption_name((Assumption)a), e->after->assume[a] ? "true" : "false",
             v ? "true" : "false");
        e->after->assume[a] = v;
    }
    const char *d = form_text(f, ASSUME_COUNT);
    diff(&label, "description", e->after->description, d);
    free(e->after->description);
    e->after->description = *d ? xstrdup(d) : NULL;
    edit_set_label(e, "%s", label);
    free(label);
    return submit_edit(ex, f, e);
}

void forms_assumptions(Explorer *ex)
{
    Form *f = form_new("Assumptions and description");
    f->purpose = P_ASSUMPTIONS;
    snprintf(f->prompt, sizeof f->prompt,
             "Which exploitable bugs the analysis assumes an attacker has (DESIGN.md).");
    for (int a = 0; a < ASSUME_COUNT; a++)
        form_add_bool(f, assumption_name((Assumption)a), ex->sc->assume[a]);
    form_add_text(f, "description", ex->sc->description ? ex->sc->description : "");
    f->check = assumptions_check;
    f->submit = assumptions_submit;
    form_open(ex, f);
}

/* ---- the + menu, e and d in the tree ---- */

static bool add_menu_submit(Explorer *ex, Form *f)
{
    const TreeItem *it = explorer_selected(ex);
    const Scenario *s = ex->sc;
    size_t w = it && (it->kind == ITEM_WORKLOAD || it->kind == ITEM_MOUNT) ? it->index : (size_t)-1;
    size_t h = it && (it->kind == ITEM_HOST || it->kind == ITEM_USER) ? it->index
               : w != (size_t)-1                                      ? ex->an->host_of[w]
                                                                      : (size_t)-1;
    const char *tenant = it && it->kind == ITEM_TENANT ? s->tenants[it->index].id
                         : w != (size_t)-1             ? s->workloads[w].tenant
                                                       : NULL;
    switch (f->options[f->focus].code) {
    case ADD_TENANT: tenant_form(ex, NULL); break;
    case ADD_HOST: host_form(ex, NULL); break;
    case ADD_WORKLOAD:
        workload_form(ex, NULL, h != (size_t)-1 ? s->hosts[h].id : NULL, tenant);
        break;
    case ADD_USER: user_form(ex, h, (size_t)-1); break;
    case ADD_MOUNT: mount_form(ex, w, (size_t)-1); break;
    case ADD_HARDENING: hardening_form(ex, w); break;
    }
    return true;
}

void forms_add_menu(Explorer *ex)
{
    const TreeItem *it = explorer_selected(ex);
    if (!it) return;
    bool on_host = it->kind == ITEM_HOST || it->kind == ITEM_USER || it->kind == ITEM_WORKLOAD ||
                   it->kind == ITEM_MOUNT;
    bool on_workload = it->kind == ITEM_WORKLOAD || it->kind == ITEM_MOUNT;
    Form *f = form_new("Add");
    form_add_option(f, 't', "a tenant", ADD_TENANT);
    form_add_option(f, 'h', "a host", ADD_HOST);
    form_add_option(f, 'w', on_host ? "a workload on this host" : "a workload", ADD_WORKLOAD);
    if (on_host) form_add_option(f, 'u', "a user on this host", ADD_USER);
    if (on_workload) {
        form_add_option(f, 'm', "a mount to this workload", ADD_MOUNT);
        form_add_option(f, 's', "hardening to this workload", ADD_HARDENING);
    }
    /* the likeliest choice first: what belongs under the selected row */
    f->focus = it->kind == ITEM_HOST || it->kind == ITEM_USER ? 2 : on_workload ? 4 : 0;
    f->submit = add_menu_submit;
    form_open(ex, f);
}

void forms_edit(Explorer *ex)
{
    const TreeItem *it = explorer_selected(ex);
    if (!it) return;
    const Scenario *s = ex->sc;
    switch (it->kind) {
    case ITEM_SCENARIO: forms_assumptions(ex); break;
    case ITEM_TENANT: tenant_form(ex, &s->tenants[it->index]); break;
    case ITEM_HOST: host_form(ex, &s->hosts[it->index]); break;
    case ITEM_USER: user_form(ex, it->index, it->mount); break;
    case ITEM_WORKLOAD: workload_form(ex, &s->workloads[it->index], NULL, NULL); break;
    case ITEM_MOUNT: mount_form(ex, it->index, it->mount); break;
    }
}

/* The removal asked about: what is removed, as an edit (label set). */
static Edit *removal_edit(Explorer *ex, const TreeItem *it)
{
    const Scenario *s = ex->sc;
    Edit *e = NULL;
    switch (it->kind) {
    case ITEM_TENANT:
        e = edit_remove(s, EDIT_TENANT, s->tenants[it->index].id);
        edit_set_label(e, "removed tenant %s", s->tenants[it->index].id);
        break;
    case ITEM_HOST:
        e = edit_remove(s, EDIT_HOST, s->hosts[it->index].id);
        edit_set_label(e, "removed host %s", s->hosts[it->index].id);
        break;
    case ITEM_USER: {
        const Host *h = &s->hosts[it->index];
        e = edit_change(s, EDIT_HOST, h->id);
        Host *a = edit_host(e->after);
        free(a->users[it->mount].name);
        memmove(&a->users[it->mount], &a->users[it->mount + 1],
                (a->n_users - it->mount - 1) * sizeof *a->users);
        a->n_users--;
        edit_set_label(e, "%s: removed user %s", h->id, h->users[it->mount].name);
        break;
    }
    case ITEM_WORKLOAD:
        e = edit_remove(s, EDIT_WORKLOAD, s->workloads[it->index].id);
        edit_set_label(e, "removed workload %s", s->workloads[it->index].id);
        break;
    case ITEM_MOUNT: {
        const Workload *w = &s->workloads[it->index];
        e = edit_change(s, EDIT_WORKLOAD, w->id);
        workload_remove_mount(edit_workload(e->after), it->mount);
        edit_set_label(e, "%s: removed mount %s", w->id, w->mounts[it->mount].host_path);
        break;
    }
    case ITEM_SCENARIO: break;
    }
    return e;
}

static bool remove_submit(Explorer *ex, Form *f)
{
    (void)f;
    const TreeItem *it = explorer_selected(ex);
    Edit *e = it ? removal_edit(ex, it) : NULL;
    if (e) explorer_commit(ex, e);
    return true;
}

void forms_remove(Explorer *ex)
{
    const TreeItem *it = explorer_selected(ex);
    if (!it) return;
    const Scenario *s = ex->sc;
    if (it->kind == ITEM_SCENARIO) {
        explorer_status(ex, "a scenario is removed from the scenario list (q, then d)");
        return;
    }
    if (it->kind == ITEM_TENANT || it->kind == ITEM_HOST) {
        const char *id = explorer_item_id(ex, it);
        const Workload *w = user_of(s, it->kind == ITEM_TENANT ? 't' : 'h', id);
        if (w) { /* said at once: asking first would be pointless */
            explorer_status(ex,
                            "%s \"%s\" still has workload \"%s\": remove or move its workloads "
                            "first",
                            it->kind == ITEM_TENANT ? "tenant" : "host", id, w->id);
            return;
        }
    }
    Form *f = form_new("Remove");
    f->question = true;
    Edit *e = removal_edit(ex, it);
    const char *what = strstr(e->label, "removed ");
    what = what ? what + strlen("removed ") : e->label;
    if (it->kind == ITEM_USER || it->kind == ITEM_MOUNT)
        snprintf(f->prompt, sizeof f->prompt, "Remove %s of %s? (u undoes it)", what,
                 explorer_item_id(ex, it));
    else
        snprintf(f->prompt, sizeof f->prompt, "Remove %s? (u undoes it)", what);
    edit_free(e);
    f->submit = remove_submit;
    form_open(ex, f);
}

/* ---- scenarios (the scenario list) ---- */

static const StoreEntry *list_selected(const Explorer *ex)
{
    return ex->n_entries && ex->list.sel < ex->n_entries ? &ex->entries[ex->list.sel] : NULL;
}

static bool name_used(const Explorer *ex, const char *name)
{
    for (size_t i = 0; i < ex->n_entries; i++)
        if (strcmp(ex->entries[i].name, name) == 0) return true;
    return false;
}

static bool scenario_name_check(Explorer *ex, Form *f)
{
    const char *name = form_text(f, 0);
    if (!check_text(f, "a scenario name", name, false)) return false;
    if (f->purpose == P_SCENARIO_RENAME && strcmp(name, f->id) == 0) {
        snprintf(f->error, sizeof f->error, "that is its name already");
        return false;
    }
    if (name_used(ex, name)) {
        snprintf(f->error, sizeof f->error, "a scenario named \"%s\" is already in the workspace",
                 name);
        return false;
    }
    return true;
}

static bool scenario_name_submit(Explorer *ex, Form *f)
{
    const char *name = form_text(f, 0);
    char *err = NULL;
    bool ok;
    switch (f->purpose) {
    case P_SCENARIO_NEW: ok = store_create_empty(ex->store, name, &err); break;
    case P_SCENARIO_DUPLICATE: ok = store_duplicate(ex->store, f->id, name, &err); break;
    default: ok = store_rename(ex->store, f->id, name, &err); break;
    }
    if (!ok) {
        snprintf(f->error, sizeof f->error, "%s", err);
        free(err);
        return false;
    }
    if (f->purpose == P_SCENARIO_RENAME && ex->sc && strcmp(ex->sc->name, f->id) == 0) {
        free(ex->sc->name); /* the open copy follows its new name */
        ex->sc->name = xstrdup(name);
    }
    explorer_relist(ex, name);
    switch (f->purpose) {
    case P_SCENARIO_NEW:
        explorer_status(ex, "created scenario \"%s\" (empty: Enter opens it, + adds to it)", name);
        break;
    case P_SCENARIO_DUPLICATE:
        explorer_status(ex, "forked \"%s\" as \"%s\": edits to one leave the other alone", f->id,
                        name);
        break;
    default: explorer_status(ex, "renamed \"%s\" to \"%s\"", f->id, name); break;
    }
    return true;
}

static void scenario_name_form(Explorer *ex, int purpose, const char *title, const char *from,
                               const char *value)
{
    Form *f = form_new(title);
    f->purpose = purpose;
    f->id = from ? xstrdup(from) : NULL;
    form_add_text(f, "name", value);
    f->check = scenario_name_check;
    f->submit = scenario_name_submit;
    form_open(ex, f);
}

void forms_scenario_new(Explorer *ex)
{
    scenario_name_form(ex, P_SCENARIO_NEW, "New scenario", NULL, "");
}

void forms_scenario_duplicate(Explorer *ex)
{
    const StoreEntry *e = list_selected(ex);
    if (!e) return;
    char name[200];
    snprintf(name, sizeof name, "%s (what-if)", e->name);
    for (int i = 2; name_used(ex, name) && i < 100; i++)
        snprintf(name, sizeof name, "%s (what-if %d)", e->name, i);
    char title[96];
    snprintf(title, sizeof title, "Fork for a what-if");
    scenario_name_form(ex, P_SCENARIO_DUPLICATE, title, e->name, name);
    snprintf(ex->form->prompt, sizeof ex->form->prompt,
             "A copy of \"%s\" (not its undo history), to change without touching the original.",
             e->name);
}

void forms_scenario_rename(Explorer *ex)
{
    const StoreEntry *e = list_selected(ex);
    if (!e) return;
    scenario_name_form(ex, P_SCENARIO_RENAME, "Rename scenario", e->name, e->name);
}

static bool scenario_remove_submit(Explorer *ex, Form *f)
{
    char *err = NULL;
    if (!store_remove(ex->store, f->id, &err)) {
        explorer_status(ex, "%s", err);
        free(err);
        return true;
    }
    if (ex->sc && strcmp(ex->sc->name, f->id) == 0) explorer_close_scenario(ex);
    explorer_relist(ex, NULL);
    explorer_status(ex, "removed scenario \"%s\" and its history", f->id);
    return true;
}

void forms_scenario_remove(Explorer *ex)
{
    const StoreEntry *e = list_selected(ex);
    if (!e) return;
    Form *f = form_new("Remove scenario");
    f->question = true;
    f->id = xstrdup(e->name);
    snprintf(f->prompt, sizeof f->prompt,
             "Remove scenario \"%s\" and its undo history from the workspace? This cannot be "
             "undone.",
             e->name);
    f->submit = scenario_remove_submit;
    form_open(ex, f);
}
