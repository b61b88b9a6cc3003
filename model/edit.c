/* Edits of one entity or of the settings: see edit.h. */
#include "edit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

Tenant *edit_tenant(Scenario *f)
{
    return f && f->n_tenants ? &f->tenants[0] : NULL;
}
Host *edit_host(Scenario *f)
{
    return f && f->n_hosts ? &f->hosts[0] : NULL;
}
Workload *edit_workload(Scenario *f)
{
    return f && f->n_workloads ? &f->workloads[0] : NULL;
}

/* The index of entity id in s's list for kind, or (size_t)-1. */
static size_t find(const Scenario *s, EditKind kind, const char *id)
{
    switch (kind) {
    case EDIT_TENANT:
        for (size_t i = 0; i < s->n_tenants; i++)
            if (strcmp(s->tenants[i].id, id) == 0) return i;
        break;
    case EDIT_HOST:
        for (size_t i = 0; i < s->n_hosts; i++)
            if (strcmp(s->hosts[i].id, id) == 0) return i;
        break;
    case EDIT_WORKLOAD:
        for (size_t i = 0; i < s->n_workloads; i++)
            if (strcmp(s->workloads[i].id, id) == 0) return i;
        break;
    case EDIT_SETTINGS: return 0;
    }
    return (size_t)-1;
}

/* A fragment holding a copy of entity `index` of s (or s's settings). */
static Scenario *fragment_of(const Scenario *s, EditKind kind, size_t index)
{
    Scenario *f = scenario_new(s->name);
    switch (kind) {
    case EDIT_TENANT: scenario_copy_tenant(f, &s->tenants[index]); break;
    case EDIT_HOST: scenario_copy_host(f, &s->hosts[index]); break;
    case EDIT_WORKLOAD: scenario_copy_workload(f, &s->workloads[index]); break;
    case EDIT_SETTINGS:
        f->description = xstrdup(s->description);
        memcpy(f->assume, s->assume, sizeof f->assume);
        break;
    }
    return f;
}

static Edit *edit_new(EditKind kind)
{
    Edit *e = xcalloc(1, sizeof *e);
    e->kind = kind;
    e->label = xstrdup("edit");
    return e;
}

Edit *edit_change(const Scenario *s, EditKind kind, const char *id)
{
    size_t i = find(s, kind, id ? id : "");
    if (i == (size_t)-1) return NULL;
    Edit *e = edit_new(kind);
    e->before = fragment_of(s, kind, i);
    e->after = fragment_of(s, kind, i);
    e->position = i;
    return e;
}

Edit *edit_add(EditKind kind, Scenario *entity)
{
    Edit *e = edit_new(kind);
    e->after = entity;
    e->position = (size_t)-1; /* at the end */
    return e;
}

Edit *edit_remove(const Scenario *s, EditKind kind, const char *id)
{
    size_t i = find(s, kind, id);
    if (i == (size_t)-1 || kind == EDIT_SETTINGS) return NULL;
    Edit *e = edit_new(kind);
    e->before = fragment_of(s, kind, i);
    e->position = i;
    return e;
}

void edit_free(Edit *e)
{
    if (!e) return;
    free(e->label);
    scenario_free(e->before);
    scenario_free(e->after);
    free(e);
}

void edit_set_label(Edit *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(e->label);
    e->label = xvasprintf(fmt, ap);
    va_end(ap);
}

void edit_invert(Edit *e)
{
    Scenario *t = e->before;
    e->before = e->after;
    e->after = t;
}

/* The id of the entity a fragment holds. */
static const char *fragment_id(Scenario *f, EditKind kind)
{
    switch (kind) {
    case EDIT_TENANT: return edit_tenant(f) ? edit_tenant(f)->id : NULL;
    case EDIT_HOST: return edit_host(f) ? edit_host(f)->id : NULL;
    case EDIT_WORKLOAD: return edit_workload(f) ? edit_workload(f)->id : NULL;
    case EDIT_SETTINGS: return "";
    }
    return NULL;
}

/* Removes entity index of kind from s. */
static void remove_at(Scenario *s, EditKind kind, size_t i)
{
    switch (kind) {
    case EDIT_TENANT: scenario_remove_tenant(s, i); break;
    case EDIT_HOST: scenario_remove_host(s, i); break;
    case EDIT_WORKLOAD: scenario_remove_workload(s, i); break;
    case EDIT_SETTINGS: break;
    }
}

/* Inserts a copy of the fragment's entity at index i (the end if beyond it). */
static void insert_at(Scenario *s, EditKind kind, Scenario *f, size_t i)
{
    switch (kind) {
    case EDIT_TENANT:
        scenario_copy_tenant(s, edit_tenant(f));
        scenario_move_last_tenant(s, i);
        break;
    case EDIT_HOST:
        scenario_copy_host(s, edit_host(f));
        scenario_move_last_host(s, i);
        break;
    case EDIT_WORKLOAD:
        scenario_copy_workload(s, edit_workload(f));
        scenario_move_last_workload(s, i);
        break;
    case EDIT_SETTINGS:
        free(s->description);
        s->description = xstrdup(f->description);
        memcpy(s->assume, f->assume, sizeof s->assume);
        break;
    }
}

/* Does the fragment hold the same entity as entity i of s (nothing would change)? */
static bool same(const Scenario *s, EditKind kind, size_t i, Scenario *f)
{
    Scenario *a = fragment_of(s, kind, i);
    bool eq = true;
    switch (kind) {
    case EDIT_TENANT: {
        const Tenant *x = edit_tenant(a), *y = edit_tenant(f);
        eq = !strcmp(x->id, y->id) && !strcmp(x->name, y->name) && x->trust == y->trust;
        break;
    }
    case EDIT_HOST: {
        const Host *x = edit_host(a), *y = edit_host(f);
        eq =
            !strcmp(x->id, y->id) && x->os == y->os && x->ssh == y->ssh && x->n_users == y->n_users;
        for (size_t u = 0; eq && u < x->n_users; u++)
            eq = !strcmp(x->users[u].name, y->users[u].name) &&
                 x->users[u].admin == y->users[u].admin;
        break;
    }
    case EDIT_WORKLOAD: {
        const Workload *x = edit_workload(a), *y = edit_workload(f);
        eq = !strcmp(x->id, y->id) && !strcmp(x->tenant, y->tenant) && !strcmp(x->host, y->host) &&
             x->isolation == y->isolation && x->account == y->account &&
             x->privileged == y->privileged && x->compromised == y->compromised &&
             x->host_namespaces == y->host_namespaces && x->n_mounts == y->n_mounts &&
             x->hardening.n == y->hardening.n && x->capabilities.n == y->capabilities.n &&
             x->notes.n == y->notes.n;
        for (size_t m = 0; eq && m < x->n_mounts; m++)
            eq = !strcmp(x->mounts[m].host_path, y->mounts[m].host_path) &&
                 !strcmp(x->mounts[m].path ? x->mounts[m].path : "",
                         y->mounts[m].path ? y->mounts[m].path : "") &&
                 x->mounts[m].read_only == y->mounts[m].read_only;
        for (size_t k = 0; eq && k < x->hardening.n; k++)
            eq = !strcmp(x->hardening.items[k], y->hardening.items[k]);
        for (size_t k = 0; eq && k < x->capabilities.n; k++)
            eq = !strcmp(x->capabilities.items[k], y->capabilities.items[k]);
        break;
    }
    case EDIT_SETTINGS:
        eq = !memcmp(s->assume, f->assume, sizeof s->assume) &&
             !strcmp(s->description ? s->description : "", f->description ? f->description : "");
        break;
    }
    scenario_free(a);
    return eq;
}

bool edit_apply(Scenario *s, const Edit *e, char **err)
{
    const char *before_id = e->before ? fragment_id(e->before, e->kind) : NULL;
    const char *after_id = e->after ? fragment_id(e->after, e->kind) : NULL;
    if ((e->before && !before_id) || (e->after && !after_id) || (!e->before && !e->after)) {
        *err = xstrdup("the edit holds no entity");
        return false;
    }
    size_t at = (size_t)-1;
    if (e->before) {
        at = find(s, e->kind, before_id);
        if (at == (size_t)-1) {
            *err = xasprintf("no %s \"%s\" to change",
                             e->kind == EDIT_TENANT ? "tenant"
                             : e->kind == EDIT_HOST ? "host"
                                                    : "workload",
                             before_id);
            return false;
        }
        if (e->after && same(s, e->kind, at, e->after)) {
            *err = xstrdup("nothing changed");
            return false;
        }
    }
    /* Work on a copy, so that a refused edit leaves s exactly as it was. */
    Scenario *t = scenario_clone(s);
    if (e->before && e->kind != EDIT_SETTINGS) remove_at(t, e->kind, at);
    if (e->after) {
        size_t where = e->before ? at : e->position;
        insert_at(t, e->kind, e->after, where);
    }
    /* the references that removal could break, said plainly */
    if (!e->after && (e->kind == EDIT_TENANT || e->kind == EDIT_HOST)) {
        for (size_t i = 0; i < t->n_workloads; i++) {
            const char *ref =
                e->kind == EDIT_TENANT ? t->workloads[i].tenant : t->workloads[i].host;
            if (strcmp(ref, before_id) == 0) {
                *err = xasprintf("%s \"%s\" still has workload \"%s\"",
                                 e->kind == EDIT_TENANT ? "tenant" : "host", before_id,
                                 t->workloads[i].id);
                scenario_free(t);
                return false;
            }
        }
    }
    char *verr = NULL;
    if (!scenario_validate(t, &verr)) {
        *err = verr;
        scenario_free(t);
        return false;
    }
    /* swap contents: s takes t's lists, t takes s's old ones and is freed */
    Scenario tmp = *s;
    *s = *t;
    *t = tmp;
    free(s->name);
    s->name = xstrdup(t->name);
    scenario_free(t);
    return true;
}
