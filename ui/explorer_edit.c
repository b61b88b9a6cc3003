/* Editing in the explorer: every change is an Edit applied to the open scenario, recorded in
 * the workspace at once (with its history, for undo across restarts), and followed by a
 * re-analysis of the hosts it touches; the status line says what changed in the analysis. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explorer_int.h"
#include "xalloc.h"

/* The analysis before an edit, to say what the edit changed. */
typedef struct {
    size_t n_workloads;
    bool *fails; /* two per workload: isolation, host-volume */
    size_t failing, paths, hosts, tenants;
} Snapshot;

static size_t count_true(const bool *flags, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += flags[i];
    return c;
}

static void snapshot_take(const Explorer *ex, Snapshot *sn)
{
    const Analysis *a = ex->an;
    sn->n_workloads = ex->sc->n_workloads;
    sn->fails = xcalloc(2 * sn->n_workloads + 1, sizeof *sn->fails);
    sn->failing = 0;
    for (size_t i = 0; i < 2 * sn->n_workloads; i++) {
        sn->fails[i] = a->boundaries[i].fails;
        sn->failing += sn->fails[i];
    }
    sn->paths = a->paths_total;
    sn->hosts = count_true(a->host_compromised, ex->sc->n_hosts);
    sn->tenants = count_true(a->tenant_exposed, ex->sc->n_tenants);
}

static void snapshot_done(Snapshot *sn)
{
    free(sn->fails);
    sn->fails = NULL;
}

/* Appends "; "-separated text to buf. */
static void append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 3 >= size) return;
    if (len) {
        memcpy(buf + len, "; ", 3);
        len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

/* What changed between sn and the analysis now, e.g. "2 boundaries now HOLD; paths 2 -> 0". */
static void consequence(const Explorer *ex, const Snapshot *sn, char *buf, size_t size)
{
    const Analysis *a = ex->an;
    buf[0] = 0;
    size_t failing = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        failing += a->boundaries[i].fails;
    if (sn->n_workloads == ex->sc->n_workloads) { /* the same workloads: compare one by one */
        size_t held = 0, broke = 0;
        for (size_t i = 0; i < 2 * sn->n_workloads; i++) {
            held += sn->fails[i] && !a->boundaries[i].fails;
            broke += !sn->fails[i] && a->boundaries[i].fails;
        }
        if (held)
            append(buf, size, "%zu boundar%s now HOLD%s", held, held == 1 ? "y" : "ies",
                   held == 1 ? "S" : "");
        if (broke)
            append(buf, size, "%zu boundar%s now FAIL%s", broke, broke == 1 ? "y" : "ies",
                   broke == 1 ? "S" : "");
    } else if (failing != sn->failing) {
        append(buf, size, "failing boundaries %zu -> %zu", sn->failing, failing);
    }
    if (a->paths_total != sn->paths)
        append(buf, size, "paths %zu -> %zu", sn->paths, a->paths_total);
    size_t hosts = count_true(a->host_compromised, ex->sc->n_hosts);
    size_t tenants = count_true(a->tenant_exposed, ex->sc->n_tenants);
    if (hosts != sn->hosts) append(buf, size, "hosts compromised %zu -> %zu", sn->hosts, hosts);
    if (tenants != sn->tenants)
        append(buf, size, "tenants exposed %zu -> %zu", sn->tenants, tenants);
    if (!buf[0]) snprintf(buf, size, "the analysis is unchanged");
}

/* Applies e to the open scenario and records it; re-analyses. On failure memory and workspace
 * are as they were and *err says why (owned). */
static bool apply_one(Explorer *ex, Edit *e, char **err)
{
    if (!edit_apply(ex->sc, e, err)) return false;
    if (!store_record_edit(ex->store, ex->sc->name, e, err)) {
        char *undo_err = NULL;
        edit_invert(e);
        bool back = edit_apply(ex->sc, e, &undo_err);
        edit_invert(e);
        free(undo_err);
        if (!back) explorer_reload(ex); /* cannot happen: the inverse of an applied edit applies */
        return false;
    }
    reanalysis_update(ex->re, e);
    return true;
}

/* Makes the item the edit is about the remembered selection when it is a different entity
 * (an addition, a restored removal); a selection inside the same entity stays. */
static void remember_entity(Explorer *ex, const Edit *e)
{
    if (!e->after || e->kind == EDIT_SETTINGS) return;
    ItemKind kind = e->kind == EDIT_TENANT ? ITEM_TENANT
                    : e->kind == EDIT_HOST ? ITEM_HOST
                                           : ITEM_WORKLOAD;
    const char *id = kind == ITEM_TENANT ? edit_tenant(e->after)->id
                     : kind == ITEM_HOST ? edit_host(e->after)->id
                                         : edit_workload(e->after)->id;
    if (ex->sel_id && strcmp(ex->sel_id, id) == 0) {
        bool same = ex->sel_kind == kind || (kind == ITEM_WORKLOAD && ex->sel_kind == ITEM_MOUNT) ||
                    (kind == ITEM_HOST && ex->sel_kind == ITEM_USER);
        if (same) return;
    }
    free(ex->sel_id);
    ex->sel_id = xstrdup(id);
    ex->sel_kind = kind;
    ex->sel_sub = 0;
}

static bool view_on_stack(const Explorer *ex, const View *v, int *at)
{
    for (int i = 0; i < ex->depth; i++)
        if (ex->stack[i] == v) {
            if (at) *at = i;
            return true;
        }
    return false;
}

/* Brings the tree and the views in line with the changed scenario. */
static void after_change(Explorer *ex)
{
    explorer_drop_findings(ex);
    explorer_rebuild_tree(ex);
    int at;
    if (view_on_stack(ex, &view_hop, &at)) ex->depth = at; /* its path may be gone */
    ex->hop = ex->hop_top = 0;
    if (view_on_stack(ex, &view_findings, NULL)) explorer_need_findings(ex);
}

/* Commits edits in order (taken), each recorded on its own (each undoable); stops at the
 * first that fails. label, when not NULL, names the whole group on the status line. */
static bool commit_many(Explorer *ex, Edit **edits, size_t n, const char *label)
{
    if (!ex->sc) {
        for (size_t i = 0; i < n; i++)
            edit_free(edits[i]);
        return false;
    }
    ex->edit_started = explorer_now_ms();
    Snapshot sn;
    snapshot_take(ex, &sn);
    explorer_remember_selection(ex);
    size_t done = 0;
    char *err = NULL;
    for (; done < n; done++) {
        if (!apply_one(ex, edits[done], &err)) break;
        if (done == 0) remember_entity(ex, edits[0]);
    }
    if (done == 0) {
        explorer_status(ex, "%s", err);
        free(ex->sel_id);
        ex->sel_id = NULL;
        ex->edit_started = -1;
    } else {
        after_change(ex);
        char what[192];
        consequence(ex, &sn, what, sizeof what);
        if (done < n)
            explorer_status(ex, "%s: %zu of %zu edits made, then: %s", label, done, n, err);
        else if (n > 1)
            explorer_status(ex, "%s (%zu edits, u undoes one at a time); %s", label, n, what);
        else
            explorer_status(ex, "%s; %s", label ? label : edits[0]->label, what);
    }
    free(err);
    snapshot_done(&sn);
    for (size_t i = 0; i < n; i++)
        edit_free(edits[i]);
    return done == n;
}

bool explorer_commit(Explorer *ex, Edit *e)
{
    return commit_many(ex, &e, 1, NULL);
}

void explorer_undo(Explorer *ex, bool redo)
{
    ex->edit_started = explorer_now_ms();
    Edit *e = NULL;
    char *err = NULL;
    bool ok = redo ? store_redo(ex->store, ex->sc->name, &e, &err)
                   : store_undo(ex->store, ex->sc->name, &e, &err);
    if (!ok || !e) {
        if (ok)
            explorer_status(ex, redo ? "nothing to redo" : "nothing to undo");
        else
            explorer_status(ex, "%s", err);
        free(err);
        ex->edit_started = -1;
        return;
    }
    Snapshot sn;
    snapshot_take(ex, &sn);
    explorer_remember_selection(ex);
    remember_entity(ex, e);
    if (edit_apply(ex->sc, e, &err)) {
        reanalysis_update(ex->re, e);
    } else { /* memory and workspace disagree: the workspace is the truth */
        free(err);
        err = NULL;
        explorer_reload(ex);
    }
    after_change(ex);
    char what[192];
    consequence(ex, &sn, what, sizeof what);
    explorer_status(ex, "%s: %s; %s", redo ? "redone" : "undone", e->label, what);
    snapshot_done(&sn);
    edit_free(e);
}

/* ---- the single-key toggles ---- */

/* The workload of a workload or mount row, or (size_t)-1. */
static size_t row_workload(const TreeItem *it)
{
    return it->kind == ITEM_WORKLOAD || it->kind == ITEM_MOUNT ? it->index : (size_t)-1;
}

/* The host of a host, user, workload or mount row, or (size_t)-1. */
static size_t row_host(const Explorer *ex, const TreeItem *it)
{
    if (it->kind == ITEM_HOST || it->kind == ITEM_USER) return it->index;
    if (it->kind == ITEM_WORKLOAD || it->kind == ITEM_MOUNT) return ex->an->host_of[it->index];
    return (size_t)-1;
}

static Edit *toggle_workload(Explorer *ex, size_t w, Action act)
{
    const Workload *src = &ex->sc->workloads[w];
    Edit *e = edit_change(ex->sc, EDIT_WORKLOAD, src->id);
    Workload *wl = edit_workload(e->after);
    switch (act) {
    case ACT_ISOLATION:
        wl->isolation = (Isolation)((src->isolation + 1) % (ISOLATION_HOST + 1));
        edit_set_label(e, "%s: isolation %s -> %s", src->id, isolation_name(src->isolation),
                       isolation_name(wl->isolation));
        break;
    case ACT_ACCOUNT:
        wl->account = src->account == ACCOUNT_ADMIN ? ACCOUNT_USER : ACCOUNT_ADMIN;
        edit_set_label(e, "%s: account %s -> %s", src->id, account_name(src->account),
                       account_name(wl->account));
        break;
    default: /* ACT_COMPROMISED */
        wl->compromised = !src->compromised;
        edit_set_label(e, "%s: compromised %s -> %s", src->id, src->compromised ? "yes" : "no",
                       wl->compromised ? "yes" : "no");
        break;
    }
    return e;
}

void explorer_toggle(Explorer *ex, Action act)
{
    const TreeItem *it = explorer_selected(ex);
    if (!it) return;
    const Scenario *s = ex->sc;
    size_t w = row_workload(it), h = row_host(ex, it);
    Edit *e = NULL;
    switch (act) {
    case ACT_ISOLATION:
    case ACT_COMPROMISED:
        if (w == (size_t)-1) {
            explorer_status(ex, "%c changes a workload: select one",
                            act == ACT_ISOLATION ? 'i' : 'c');
            return;
        }
        e = toggle_workload(ex, w, act);
        break;
    case ACT_ACCOUNT:
        if (it->kind == ITEM_USER) {
            const HostUser *u = &s->hosts[h].users[it->mount];
            e = edit_change(s, EDIT_HOST, s->hosts[h].id);
            edit_host(e->after)->users[it->mount].admin = !u->admin;
            edit_set_label(e, "%s: user %s admin %s -> %s", s->hosts[h].id, u->name,
                           u->admin ? "yes" : "no", u->admin ? "no" : "yes");
        } else if (w != (size_t)-1) {
            e = toggle_workload(ex, w, act);
        } else {
            explorer_status(ex, "a changes a workload's account or a host user's: select one");
            return;
        }
        break;
    case ACT_TRUST: {
        size_t t = it->kind == ITEM_TENANT ? it->index
                   : w != (size_t)-1       ? ex->an->tenant_of[w]
                                           : (size_t)-1;
        if (t == (size_t)-1) {
            explorer_status(ex,
                            "t changes a tenant's trust: select a tenant or one of its workloads");
            return;
        }
        const Tenant *tn = &s->tenants[t];
        e = edit_change(s, EDIT_TENANT, tn->id);
        Trust to = tn->trust == TRUST_TRUSTED ? TRUST_UNTRUSTED : TRUST_TRUSTED;
        edit_tenant(e->after)->trust = to;
        edit_set_label(e, "tenant %s: trust %s -> %s", tn->id, trust_name(tn->trust),
                       trust_name(to));
        break;
    }
    case ACT_READ_ONLY: {
        if (it->kind != ITEM_MOUNT) {
            explorer_status(ex,
                            "r changes a mount: select one (the rw and ro rows under a workload)");
            return;
        }
        const Workload *src = &s->workloads[w];
        const Mount *m = &src->mounts[it->mount];
        e = edit_change(s, EDIT_WORKLOAD, src->id);
        edit_workload(e->after)->mounts[it->mount].read_only = !m->read_only;
        edit_set_label(e, "%s: mount %s %s -> %s", src->id, m->host_path,
                       m->read_only ? "read-only" : "read-write",
                       m->read_only ? "read-write" : "read-only");
        break;
    }
    case ACT_SSH: {
        if (h == (size_t)-1) {
            explorer_status(ex, "s changes a host's SSH server: select a host or something on it");
            return;
        }
        const Host *hs = &s->hosts[h];
        e = edit_change(s, EDIT_HOST, hs->id);
        edit_host(e->after)->ssh = !hs->ssh;
        edit_set_label(e, "%s: SSH %s -> %s", hs->id, hs->ssh ? "on" : "off",
                       hs->ssh ? "off" : "on");
        break;
    }
    default: return;
    }
    explorer_commit(ex, e);
}

/* ---- the fix plan ---- */

static const Change *selected_change(Explorer *ex)
{
    if (!ex->plan || ex->plan->n_items == 0) {
        explorer_status(ex, "the fix plan has no changes");
        return NULL;
    }
    if (ex->fix_sel >= ex->plan->n_items) ex->fix_sel = 0;
    return &ex->plan->items[ex->fix_sel].change;
}

/* How many keys of a (sorted) are not in b (sorted). */
static size_t keys_missing(const PathKey *a, size_t na, const PathKey *b, size_t nb)
{
    size_t miss = 0, j = 0;
    for (size_t i = 0; i < na; i++) {
        int c = 1;
        while (j < nb) {
            c = strcmp(b[j].from, a[i].from);
            if (!c) c = strcmp(b[j].to, a[i].to);
            if (c >= 0) break;
            j++;
        }
        if (j >= nb || c != 0) miss++;
    }
    return miss;
}

void explorer_fix_preview(Explorer *ex)
{
    const Change *c = selected_change(ex);
    if (!c || !ex->an_full) return;
    Scenario *t = scenario_clone(ex->sc);
    change_apply_all(t, c, 1);
    EngineOptions all = {.max_paths = 0};
    Analysis *a = engine_analyze(t, ex->cat, &all);
    size_t nb, na;
    PathKey *kb = pathkeys_of(ex->an_full, &nb), *ka = pathkeys_of(a, &na);
    size_t closed = keys_missing(kb, nb, ka, na), opened = keys_missing(ka, na, kb, nb);
    size_t hosts_before = count_true(ex->an_full->host_compromised, ex->sc->n_hosts);
    size_t hosts_after = count_true(a->host_compromised, t->n_hosts);
    free(ex->fix_preview);
    ex->fix_preview = xasprintf("closes %zu of %zu path%s (%zu left)%s%s; hosts compromised %zu -> "
                                "%zu",
                                closed, nb, nb == 1 ? "" : "s", na, opened ? ", opens " : "",
                                opened ? "some" : "", hosts_before, hosts_after);
    char *d = change_describe(ex->sc, c);
    explorer_status(ex, "preview: %s %s; F applies it", d, ex->fix_preview);
    free(d);
    pathkeys_free(kb, nb);
    pathkeys_free(ka, na);
    analysis_free(a);
    scenario_free(t);
}

/* The edits that make change c (made for the open scenario), labelled; owned array. */
static Edit **edits_for_change(Explorer *ex, const Change *c, size_t *n)
{
    const Scenario *s = ex->sc;
    Edit **out = NULL;
    size_t cap = 0;
    *n = 0;
    char *d = change_describe(s, c);
    if (c->kind == CHANGE_SSH_OFF) {
        Edit *e = edit_change(s, EDIT_HOST, s->hosts[c->target].id);
        edit_host(e->after)->ssh = false;
        edit_set_label(e, "fix: %s", d);
        xgrow((void **)&out, &cap, 1, sizeof *out);
        out[(*n)++] = e;
    } else if (c->kind == CHANGE_TENANT_DEDICATED) {
        /* new hosts first, then each moved workload: every one a recorded edit */
        Scenario *t = scenario_clone(s);
        change_apply_all(t, c, 1);
        for (size_t h = s->n_hosts; h < t->n_hosts; h++) {
            Scenario *f = scenario_new(s->name);
            scenario_copy_host(f, &t->hosts[h]);
            Edit *e = edit_add(EDIT_HOST, f);
            edit_set_label(e, "fix: new host %s for tenant %s", t->hosts[h].id,
                           s->tenants[c->target].id);
            xgrow((void **)&out, &cap, *n + 1, sizeof *out);
            out[(*n)++] = e;
        }
        for (size_t w = 0; w < s->n_workloads; w++) {
            if (strcmp(s->workloads[w].host, t->workloads[w].host) == 0) continue;
            Edit *e = edit_change(s, EDIT_WORKLOAD, s->workloads[w].id);
            Workload *wl = edit_workload(e->after);
            free(wl->host);
            wl->host = xstrdup(t->workloads[w].host);
            edit_set_label(e, "fix: %s: host %s -> %s", s->workloads[w].id, s->workloads[w].host,
                           wl->host);
            xgrow((void **)&out, &cap, *n + 1, sizeof *out);
            out[(*n)++] = e;
        }
        scenario_free(t);
    } else {
        const Workload *src = &s->workloads[c->target];
        Edit *e = edit_change(s, EDIT_WORKLOAD, src->id);
        Workload *wl = edit_workload(e->after);
        switch (c->kind) {
        case CHANGE_ISOLATION_HYPERV: wl->isolation = ISOLATION_HYPERV; break;
        case CHANGE_ACCOUNT_USER: wl->account = ACCOUNT_USER; break;
        case CHANGE_MOUNT_READ_ONLY: wl->mounts[c->mount].read_only = true; break;
        case CHANGE_MOUNT_REMOVE: workload_remove_mount(wl, c->mount); break;
        default: break;
        }
        edit_set_label(e, "fix: %s", d);
        xgrow((void **)&out, &cap, 1, sizeof *out);
        out[(*n)++] = e;
    }
    free(d);
    return out;
}

void explorer_fix_apply(Explorer *ex)
{
    const Change *c = selected_change(ex);
    if (!c) return;
    size_t n = 0;
    Edit **edits = edits_for_change(ex, c, &n);
    char *d = change_describe(ex->sc, c);
    char *label = xasprintf("fix: %s", d);
    free(d);
    commit_many(ex, edits, n, label);
    free(label);
    free(edits);
}
