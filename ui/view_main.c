/* The main view of one scenario: the tree (tenants; hosts with their workloads and
 * mounts) on the left, the selected item's details and analysis on the right. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explorer_int.h"
#include "term.h"
#include "xalloc.h"

#define PANE_TOP 3 /* first row of both panes */

static int pane_height(void)
{
    return LINES - PANE_TOP - 1;
}

static int tree_width(void)
{
    return COLS * 2 / 5;
}

static bool tenant_untrusted(const Explorer *ex, size_t w)
{
    return ex->sc->tenants[ex->an->tenant_of[w]].trust == TRUST_UNTRUSTED;
}

/* One tree row into buf: symbols first, so the row reads without colour. */
static Role tree_row(const Explorer *ex, const TreeItem *it, char *buf, size_t size)
{
    const Scenario *s = ex->sc;
    switch (it->kind) {
    case ITEM_SCENARIO: snprintf(buf, size, "scenario"); return ROLE_TITLE;
    case ITEM_TENANT: {
        const Tenant *t = &s->tenants[it->index];
        bool u = t->trust == TRUST_UNTRUSTED;
        snprintf(buf, size, "tenant %s%s", t->id, u ? " ! untrusted" : "");
        return u ? ROLE_UNTRUSTED : ROLE_NORMAL;
    }
    case ITEM_HOST: {
        const Host *h = &s->hosts[it->index];
        bool pwned = ex->an->host_compromised[it->index];
        snprintf(buf, size, "host %s (%s%s)%s", h->id, os_name(h->os), h->ssh ? ", ssh" : "",
                 pwned ? " X" : "");
        return pwned ? ROLE_FAILS : ROLE_NORMAL;
    }
    case ITEM_USER: {
        const HostUser *hu = &s->hosts[it->index].users[it->mount];
        snprintf(buf, size, "user %s%s", hu->name, hu->admin ? " (admin)" : "");
        return ROLE_DIM;
    }
    case ITEM_WORKLOAD: {
        const Workload *w = &s->workloads[it->index];
        bool u = tenant_untrusted(ex, it->index);
        snprintf(buf, size, "%s%s %s  %s%s%s", isolation_symbol(w->isolation),
                 account_symbol(w->account), w->id, w->tenant, u ? "!" : "",
                 ex->an->is_start[it->index] ? " *" : "");
        return u ? ROLE_UNTRUSTED : ROLE_NORMAL;
    }
    case ITEM_MOUNT: {
        const Mount *m = &s->workloads[it->index].mounts[it->mount];
        snprintf(buf, size, "%s %s", m->read_only ? "ro" : "rw", m->host_path);
        return ROLE_DIM;
    }
    }
    buf[0] = 0;
    return ROLE_NORMAL;
}

static void detail_boundary(const Explorer *ex, TermLines *l, size_t w, BoundaryKind kind,
                            int width)
{
    const BoundaryResult *b = analysis_boundary(ex->an, w, kind);
    if (!b) return;
    const Catalog *c = ex->cat;
    if (b->fails) {
        lines_add(l, ROLE_FAILS, 0, "%-12s FAILS  (%s)", boundary_name(kind),
                  servicing_name(b->servicing));
        if (b->attacked) lines_add(l, ROLE_FAILS, 2, "a start is in or reaches this workload");
        for (size_t i = 0; i < b->n_techniques; i++) {
            const Technique *t = &c->techniques[b->techniques[i]];
            char *line = xasprintf("- %s: %s", t->id, t->name);
            lines_add_hanging(l, ROLE_NORMAL, 2, 2, width - 2, line);
            free(line);
        }
    } else {
        lines_add(l, ROLE_HOLDS, 0, "%-12s HOLDS", boundary_name(kind));
        for (size_t i = 0; i < b->n_why_not; i++) {
            const Technique *t = &c->techniques[b->why_not[i].technique];
            lines_add(l, ROLE_DIM, 2, "- %s would need:", t->id);
            lines_add_wrapped(l, ROLE_DIM, 4, width - 4, b->why_not[i].reason);
        }
    }
}

/* Joins the ids of flagged entries: "node-1, node-2" or "none". Owned. */
static char *flagged_ids(const bool *flags, size_t n,
                         const char *(*id_of)(const Scenario *, size_t), const Scenario *s)
{
    char *out = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        if (!flags[i]) continue;
        char *next = xasprintf("%s%s%s", out, *out ? ", " : "", id_of(s, i));
        free(out);
        out = next;
    }
    if (!*out) {
        free(out);
        out = xstrdup("none");
    }
    return out;
}

static const char *host_id(const Scenario *s, size_t i)
{
    return s->hosts[i].id;
}

static const char *tenant_id(const Scenario *s, size_t i)
{
    return s->tenants[i].id;
}

static size_t count_true(const bool *flags, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += flags[i];
    return c;
}

static void detail_scenario(const Explorer *ex, TermLines *l, int width)
{
    const Scenario *s = ex->sc;
    lines_add(l, ROLE_TITLE, 0, "Scenario %s", s->name);
    if (s->description) lines_add_wrapped(l, ROLE_NORMAL, 0, width, s->description);
    lines_add(l, ROLE_NORMAL, 0, "%zu tenants, %zu hosts, %zu workloads", s->n_tenants, s->n_hosts,
              s->n_workloads);
    lines_add(l, ROLE_TITLE, 0, "Assumptions");
    for (int a = 0; a < ASSUME_COUNT; a++)
        lines_add(l, ROLE_NORMAL, 2, "%-20s %s", assumption_name((Assumption)a),
                  s->assume[a] ? "true" : "false");
    lines_add(l, ROLE_TITLE, 0, "Analysis");
    char *hosts = flagged_ids(ex->an->host_compromised, s->n_hosts, host_id, s);
    char *tenants = flagged_ids(ex->an->tenant_exposed, s->n_tenants, tenant_id, s);
    lines_add(l, strcmp(hosts, "none") ? ROLE_FAILS : ROLE_HOLDS, 2, "hosts compromised: %s",
              hosts);
    lines_add(l, strcmp(tenants, "none") ? ROLE_FAILS : ROLE_HOLDS, 2, "tenants exposed: %s",
              tenants);
    lines_add(l, ROLE_NORMAL, 2, "attack paths: %zu (p lists them)", ex->an->paths_total);
    free(hosts);
    free(tenants);
}

static void detail_tenant(const Explorer *ex, TermLines *l, size_t t)
{
    const Scenario *s = ex->sc;
    const Tenant *tn = &s->tenants[t];
    lines_add(l, ROLE_TITLE, 0, "Tenant %s", tn->id);
    lines_add(l, ROLE_NORMAL, 2, "name:  %s", tn->name);
    lines_add(l, tn->trust == TRUST_UNTRUSTED ? ROLE_UNTRUSTED : ROLE_NORMAL, 2, "trust: %s",
              trust_name(tn->trust));
    lines_add(l, ex->an->tenant_exposed[t] ? ROLE_FAILS : ROLE_HOLDS, 2,
              "exposed to another tenant's start: %s", ex->an->tenant_exposed[t] ? "yes" : "no");
    lines_add(l, ROLE_TITLE, 0, "Workloads");
    for (size_t w = 0; w < s->n_workloads; w++)
        if (ex->an->tenant_of[w] == t)
            lines_add(
                l, ROLE_NORMAL, 2, "%s%s %s on %s", isolation_symbol(s->workloads[w].isolation),
                account_symbol(s->workloads[w].account), s->workloads[w].id, s->workloads[w].host);
}

static void detail_host(const Explorer *ex, TermLines *l, size_t h)
{
    const Scenario *s = ex->sc;
    const Host *hs = &s->hosts[h];
    lines_add(l, ROLE_TITLE, 0, "Host %s", hs->id);
    lines_add(l, ROLE_NORMAL, 2, "os:  %s", os_name(hs->os));
    lines_add(l, ROLE_NORMAL, 2, "ssh: %s", hs->ssh ? "key logins accepted" : "off");
    lines_add(l, ROLE_NORMAL, 2, "users: %s (admin, implicit)",
              hs->os == OS_WINDOWS ? "Administrator" : "root");
    for (size_t u = 0; u < hs->n_users; u++)
        lines_add(l, ROLE_NORMAL, 9, "%s%s", hs->users[u].name,
                  hs->users[u].admin ? " (admin)" : "");
    bool pwned = ex->an->host_compromised[h];
    lines_add(l, pwned ? ROLE_FAILS : ROLE_HOLDS, 2, "compromised by a start: %s",
              pwned ? "YES" : "no");
}

static void detail_user(const Explorer *ex, TermLines *l, size_t h, size_t u, int width)
{
    const Host *hs = &ex->sc->hosts[h];
    const HostUser *hu = &hs->users[u];
    lines_add(l, ROLE_TITLE, 0, "User %s on host %s", hu->name, hs->id);
    lines_add(l, ROLE_NORMAL, 2, "admin: %s", hu->admin ? "yes" : "no");
    lines_add(l, ROLE_NORMAL, 2, "ssh:   %s", hs->ssh ? "key logins accepted" : "off");
    lines_add_wrapped(l, ROLE_DIM, 2, width - 2,
                      "A workload that can write this user's SSH key file (through a mount) "
                      "can log in to the host as this user while SSH is on.");
}

static void detail_workload(const Explorer *ex, TermLines *l, size_t w, int width)
{
    const Scenario *s = ex->sc;
    const Workload *wl = &s->workloads[w];
    bool u = tenant_untrusted(ex, w);
    lines_add(l, ROLE_TITLE, 0, "Workload %s%s", wl->id, ex->an->is_start[w] ? "  * start" : "");
    lines_add(l, u ? ROLE_UNTRUSTED : ROLE_NORMAL, 2, "tenant:    %s (%s)", wl->tenant,
              u ? "untrusted" : "trusted");
    lines_add(l, ROLE_NORMAL, 2, "host:      %s", wl->host);
    lines_add(l, ROLE_NORMAL, 2, "isolation: %s %s", isolation_symbol(wl->isolation),
              isolation_name(wl->isolation));
    lines_add(l, ROLE_NORMAL, 2, "account:   %s %s", account_symbol(wl->account),
              account_name(wl->account));
    if (wl->privileged || wl->compromised)
        lines_add(l, ROLE_NORMAL, 2, "%s%s", wl->privileged ? "privileged " : "",
                  wl->compromised ? "assumed compromised" : "");
    if (wl->hardening.n) {
        char *h = xstrdup("");
        for (size_t i = 0; i < wl->hardening.n; i++) {
            char *next = xasprintf("%s%s%s", h, i ? ", " : "", wl->hardening.items[i]);
            free(h);
            h = next;
        }
        lines_add(l, ROLE_NORMAL, 2, "hardening: %s", h);
        free(h);
    }
    for (size_t i = 0; i < wl->notes.n; i++)
        lines_add_wrapped(l, ROLE_DIM, 2, width - 2, wl->notes.items[i]);
    lines_add(l, ROLE_TITLE, 0, "Boundaries");
    detail_boundary(ex, l, w, BOUNDARY_ISOLATION, width);
    detail_boundary(ex, l, w, BOUNDARY_HOST_VOLUME, width);
    size_t from = 0;
    for (size_t p = 0; p < ex->an->n_paths; p++)
        from += ex->an->paths[p].start == w;
    if (ex->an->is_start[w])
        lines_add(l, ROLE_NORMAL, 0, "%zu attack path%s start here (p to step through)", from,
                  from == 1 ? "" : "s");
}

static void detail_mount(const Explorer *ex, TermLines *l, size_t w, size_t m)
{
    const Mount *mt = &ex->sc->workloads[w].mounts[m];
    lines_add(l, ROLE_TITLE, 0, "Mount of %s", ex->sc->workloads[w].id);
    lines_add(l, ROLE_NORMAL, 2, "host path: %s", mt->host_path);
    lines_add(l, ROLE_NORMAL, 2, "path:      %s", mt->path ? mt->path : "(same)");
    lines_add(l, ROLE_NORMAL, 2, "access:    %s", mt->read_only ? "read-only" : "read-write");
    bool key_file, writable_risk, any_risk;
    engine_mount_risk(ex->an, w, m, &key_file, &writable_risk, &any_risk);
    if (key_file) lines_add(l, ROLE_FAILS, 2, "covers a host user's SSH key file");
    if (writable_risk && !mt->read_only)
        lines_add(l, ROLE_FAILS, 2, "writable path a technique can use");
    else if (any_risk)
        lines_add(l, ROLE_FAILS, 2, "a technique can use it even read-only");
    if (!key_file && !writable_risk && !any_risk)
        lines_add(l, ROLE_HOLDS, 2, "no technique of the catalog uses it");
}

static void detail_build(const Explorer *ex, TermLines *l, int width)
{
    if (ex->n_items == 0) return;
    const TreeItem *it = &ex->items[ex->tree.sel];
    switch (it->kind) {
    case ITEM_SCENARIO: detail_scenario(ex, l, width); break;
    case ITEM_TENANT: detail_tenant(ex, l, it->index); break;
    case ITEM_HOST: detail_host(ex, l, it->index); break;
    case ITEM_USER: detail_user(ex, l, it->index, it->mount, width); break;
    case ITEM_WORKLOAD: detail_workload(ex, l, it->index, width); break;
    case ITEM_MOUNT: detail_mount(ex, l, it->index, it->mount); break;
    }
}

static void main_draw(Explorer *ex)
{
    const Scenario *s = ex->sc;
    explorer_draw_title(ex, NULL);
    size_t hosts = count_true(ex->an->host_compromised, s->n_hosts);
    size_t tenants = count_true(ex->an->tenant_exposed, s->n_tenants);
    term_printf(1, 1, COLS - 2, hosts || tenants ? ROLE_FAILS : ROLE_HOLDS,
                "hosts compromised %zu of %zu   tenants exposed %zu of %zu   paths %zu   "
                "starts %zu",
                hosts, s->n_hosts, tenants, s->n_tenants, ex->an->paths_total, ex->an->n_starts);
    term_hline(2, 0, COLS);
    int h = pane_height(), tw = tree_width();
    term_vline(PANE_TOP, tw, h);
    listpos_clamp(&ex->tree, ex->n_items, h);
    for (int r = 0; r < h && ex->tree.top + (size_t)r < ex->n_items; r++) {
        size_t i = ex->tree.top + (size_t)r;
        char buf[512];
        Role role = tree_row(ex, &ex->items[i], buf, sizeof buf);
        bool sel = i == ex->tree.sel;
        if (sel) {
            role = ROLE_SELECTED;
            term_fill(PANE_TOP + r, 0, tw, ex->focus_detail ? ROLE_NORMAL : ROLE_SELECTED);
            if (ex->focus_detail) role = ROLE_TITLE;
        }
        int indent = 1 + 2 * ex->items[i].depth;
        term_put(PANE_TOP + r, indent, tw - indent - 1, role, buf);
    }
    TermLines l;
    lines_init(&l);
    int dw = COLS - tw - 3;
    const TreeItem *sel = explorer_selected(ex);
    if (sel && sel->kind == ITEM_WORKLOAD) explorer_explain(ex, sel->index); /* lazy why-not */
    detail_build(ex, &l, dw);
    ex->detail_top = lines_draw(&l, ex->detail_top, PANE_TOP, tw + 2, h, dw);
    if (ex->detail_top + (size_t)h < l.n) term_put(2, COLS - 16, 15, ROLE_DIM, " more below v ");
    lines_done(&l);
    explorer_draw_keybar(ex, "i a t r s c toggle  + add  e edit  d remove  u undo  p paths  "
                             "f fixes  ? help");
}

/* True when the tree row i matches the search (ids, case-insensitive substring). */
static bool item_matches(const Explorer *ex, size_t i, const char *q)
{
    const TreeItem *it = &ex->items[i];
    const char *id = NULL;
    switch (it->kind) {
    case ITEM_TENANT: id = ex->sc->tenants[it->index].id; break;
    case ITEM_HOST: id = ex->sc->hosts[it->index].id; break;
    case ITEM_WORKLOAD: id = ex->sc->workloads[it->index].id; break;
    case ITEM_USER: id = ex->sc->hosts[it->index].users[it->mount].name; break;
    default: return false;
    }
    size_t n = strlen(q);
    for (const char *p = id; *p; p++)
        if (strncasecmp(p, q, n) == 0) return true;
    return false;
}

/* Selects the first match at or after from (wrapping); false when none. */
static bool search_from(Explorer *ex, size_t from)
{
    if (!ex->search[0] || ex->n_items == 0) return false;
    for (size_t k = 0; k < ex->n_items; k++) {
        size_t i = (from + k) % ex->n_items;
        if (item_matches(ex, i, ex->search)) {
            ex->tree.sel = i;
            ex->detail_top = 0;
            return true;
        }
    }
    return false;
}

static int main_key(Explorer *ex, Action act, int ch)
{
    (void)ch;
    int h = pane_height();
    if (ex->focus_detail) {
        switch (act) {
        case ACT_UP:
            if (ex->detail_top) ex->detail_top--;
            return REACT_NONE;
        case ACT_DOWN: ex->detail_top++; return REACT_NONE;
        case ACT_PAGE_UP:
            ex->detail_top = ex->detail_top > (size_t)h ? ex->detail_top - (size_t)h : 0;
            return REACT_NONE;
        case ACT_PAGE_DOWN: ex->detail_top += (size_t)h; return REACT_NONE;
        default: break;
        }
    } else if (listpos_move(&ex->tree, act, ex->n_items, h)) {
        ex->detail_top = 0;
        return REACT_NONE;
    }
    switch (act) {
    case ACT_TAB: ex->focus_detail = !ex->focus_detail; return REACT_NONE;
    case ACT_LEFT: ex->focus_detail = false; return REACT_NONE;
    case ACT_RIGHT:
    case ACT_ENTER: ex->focus_detail = true; return REACT_NONE;
    case ACT_SEARCH:
        if (!ex->searching) {
            ex->searching = true;
            ex->search[0] = 0;
            ex->search_from = ex->tree.sel;
            ex->focus_detail = false;
        } else if (!search_from(ex, ex->search_from)) {
            ex->tree.sel = ex->search_from; /* no match, or the query was emptied */
        }
        return REACT_NONE;
    case ACT_NEXT:
        if (!ex->search[0])
            explorer_status(ex, "nothing to repeat: / searches");
        else if (!search_from(ex, ex->tree.sel + 1))
            explorer_status(ex, "no match for \"%s\"", ex->search);
        return REACT_NONE;
    case ACT_PATHS:
        ex->paths = (ListPos){0, 0};
        explorer_push(ex, &view_paths);
        return REACT_NONE;
    case ACT_MATRIX: explorer_push(ex, &view_matrix); return REACT_NONE;
    case ACT_FINDINGS:
        explorer_need_findings(ex);
        ex->findings_top = 0;
        explorer_push(ex, &view_findings);
        return REACT_NONE;
    case ACT_ISOLATION:
    case ACT_ACCOUNT:
    case ACT_TRUST:
    case ACT_READ_ONLY:
    case ACT_SSH:
    case ACT_COMPROMISED: explorer_toggle(ex, act); return REACT_NONE;
    case ACT_ADD: forms_add_menu(ex); return REACT_NONE;
    case ACT_EDIT: forms_edit(ex); return REACT_NONE;
    case ACT_REMOVE: forms_remove(ex); return REACT_NONE;
    case ACT_ASSUMPTIONS: forms_assumptions(ex); return REACT_NONE;
    case ACT_RECORD: forms_record(ex); return REACT_NONE;
    case ACT_MOUSE: {
        MEVENT me;
        if (getmouse(&me) != OK) return REACT_NONE;
        if (me.y >= PANE_TOP && me.y < PANE_TOP + h && me.x < tree_width()) {
            size_t i = ex->tree.top + (size_t)(me.y - PANE_TOP);
            if (i < ex->n_items) {
                ex->tree.sel = i;
                ex->detail_top = 0;
            }
            ex->focus_detail = false;
        } else if (me.y >= PANE_TOP && me.x > tree_width()) {
            ex->focus_detail = true;
        }
        return REACT_NONE;
    }
    default: return REACT_UNHANDLED;
    }
}

static void main_resize(Explorer *ex)
{
    listpos_clamp(&ex->tree, ex->n_items, pane_height());
}

const View view_main = {"main", main_draw, main_key, main_resize};
