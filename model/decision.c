/* Decisions, subjects and how decisions stand against an analysis: see decision.h. */
#include "decision.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ---- Decisions ---- */

static const char *const kind_names[DECISION_KIND_COUNT] = {"accept", "fix", "dispute", "note"};

const char *decision_kind_name(DecisionKind k)
{
    return (size_t)k < DECISION_KIND_COUNT ? kind_names[k] : "?";
}

bool decision_kind_parse(const char *s, DecisionKind *out)
{
    for (int k = 0; k < DECISION_KIND_COUNT; k++)
        if (strcmp(s, kind_names[k]) == 0) {
            *out = (DecisionKind)k;
            return true;
        }
    return false;
}

Decision *decision_list_add(DecisionList *l)
{
    xgrow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items);
    Decision *d = &l->items[l->n++];
    memset(d, 0, sizeof *d);
    return d;
}

void decision_list_add_copy(DecisionList *l, const Decision *src)
{
    Decision *d = decision_list_add(l);
    d->id = src->id;
    d->subject = xstrdup(src->subject);
    d->kind = src->kind;
    d->text = xstrdup(src->text);
    d->owner = xstrdup(src->owner);
    d->review_date = xstrdup(src->review_date);
    d->due_date = xstrdup(src->due_date);
    d->author = xstrdup(src->author);
    d->created = xstrdup(src->created);
    d->replaces = src->replaces;
}

void decision_done(Decision *d)
{
    free(d->subject);
    free(d->text);
    free(d->owner);
    free(d->review_date);
    free(d->due_date);
    free(d->author);
    free(d->created);
    memset(d, 0, sizeof *d);
}

void decision_list_done(DecisionList *l)
{
    for (size_t i = 0; i < l->n; i++)
        decision_done(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* A calendar date in the first 10 bytes of s (YYYY-MM-DD). */
static bool date_prefix_valid(const char *s)
{
    if (strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return false;
    int y = number(s, 4), m = number(s + 5, 2), d = number(s + 8, 2);
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

bool decision_date_valid(const char *s)
{
    return s && strlen(s) == 10 && date_prefix_valid(s);
}

bool decision_timestamp_valid(const char *s)
{
    if (!s || strlen(s) != 20 || !date_prefix_valid(s) || s[10] != 'T' || s[19] != 'Z')
        return false;
    const char *t = s + 11;
    if (!digits(t, 2) || t[2] != ':' || !digits(t + 3, 2) || t[5] != ':' || !digits(t + 6, 2))
        return false;
    return number(t, 2) < 24 && number(t + 3, 2) < 60 && number(t + 6, 2) < 60;
}

static bool given(const char *s)
{
    return s && *s;
}

bool decision_validate(const Decision *d, char **err)
{
    SubjectKind sk;
    if (!given(d->subject)) {
        *err = xstrdup("a decision needs a subject");
        return false;
    }
    if (!subject_check(d->subject, &sk, err)) return false;
    if ((size_t)d->kind >= DECISION_KIND_COUNT) {
        *err = xstrdup("unknown decision kind");
        return false;
    }
    const char *k = kind_names[d->kind];
    bool needs_text = d->kind != DECISION_FIX, needs_owner = d->kind <= DECISION_FIX;
    const char *what = d->kind == DECISION_ACCEPT    ? "a reason"
                       : d->kind == DECISION_DISPUTE ? "an argument"
                                                     : "a text";
    if (needs_text && !given(d->text))
        *err =
            xasprintf("%s %s decision needs %s", d->kind == DECISION_ACCEPT ? "an" : "a", k, what);
    else if (needs_owner && !given(d->owner))
        *err =
            xasprintf("%s %s decision needs an owner", d->kind == DECISION_ACCEPT ? "an" : "a", k);
    else if (!needs_owner && d->owner)
        *err = xasprintf("a %s has no owner", d->kind == DECISION_NOTE ? "note" : "dispute");
    else if (d->kind == DECISION_FIX && !given(d->due_date))
        *err = xstrdup("a fix decision needs a due date");
    else if (d->kind != DECISION_FIX && d->due_date)
        *err = xasprintf("only a fix has a due date, not %s %s",
                         d->kind == DECISION_ACCEPT ? "an" : "a", k);
    else if (d->kind != DECISION_ACCEPT && d->review_date)
        *err = xasprintf("only an accept has a review date, not a %s", k);
    else if (d->review_date && !decision_date_valid(d->review_date))
        *err = xasprintf("review date \"%s\" is not a date (expected YYYY-MM-DD)", d->review_date);
    else if (d->due_date && !decision_date_valid(d->due_date))
        *err = xasprintf("due date \"%s\" is not a date (expected YYYY-MM-DD)", d->due_date);
    else if (!given(d->author))
        *err = xstrdup("a decision needs an author");
    else if (!decision_timestamp_valid(d->created))
        *err = xasprintf("creation time \"%s\" is not a UTC time (expected YYYY-MM-DDTHH:MM:SSZ)",
                         d->created ? d->created : "");
    else
        return true;
    return false;
}

/* ---- Subjects ---- */

char *subject_of_boundary(const Analysis *a, const BoundaryResult *b)
{
    return xasprintf("boundary:%s:%s", a->scenario->workloads[b->workload].id,
                     boundary_name(b->kind));
}

char *subject_of_path(const Analysis *a, const Path *p)
{
    const Scenario *s = a->scenario;
    return xasprintf("path:%s->%s:%s", s->workloads[p->start].id,
                     p->kind == TARGET_HOST ? "host" : "tenant",
                     p->kind == TARGET_HOST ? s->hosts[p->target].id : s->tenants[p->target].id);
}

char *subject_of_pathkey(const PathKey *k)
{
    return xasprintf("path:%s->%s", k->from, k->to);
}

/* The mount a sensitive-mount or readable-key-folder finding is about: the one of its workload
 * whose detail (as findings.c words it) it carries; NULL if none matches. */
static const Mount *finding_mount(const Analysis *a, const Finding *f)
{
    if (!f->n_workloads || !f->detail) return NULL;
    const Workload *wl = &a->scenario->workloads[f->workloads[0]];
    size_t n = strlen(wl->id);
    if (strncmp(f->detail, wl->id, n) != 0) return NULL;
    const char *rest = f->detail + n;
    for (size_t m = 0; m < wl->n_mounts; m++) {
        const char *hp = wl->mounts[m].host_path;
        size_t l = strlen(hp);
        const char *p = NULL;
        if (f->kind == FINDING_SENSITIVE_MOUNT && strncmp(rest, " mounts ", 8) == 0)
            p = rest + 8;
        else if (f->kind == FINDING_READABLE_KEYS && strncmp(rest, " can read ", 10) == 0)
            p = rest + 10;
        if (!p || strncmp(p, hp, l) != 0) continue;
        p += l;
        if (f->kind == FINDING_READABLE_KEYS
                ? *p == '\0'
                : (strcmp(p, " read-write") == 0 ||
                   strcmp(p, " (read-only, which does not help)") == 0))
            return &wl->mounts[m];
    }
    return NULL;
}

char *subject_of_finding(const Analysis *a, const Finding *f)
{
    const Scenario *s = a->scenario;
    const char *kind = finding_kind_id(f->kind);
    if (f->kind == FINDING_SHARED_KERNEL || !f->n_workloads)
        return xasprintf("finding:%s:%s", kind, s->hosts[f->host].id);
    const char *w = s->workloads[f->workloads[0]].id;
    if (f->kind == FINDING_SENSITIVE_MOUNT || f->kind == FINDING_READABLE_KEYS) {
        const Mount *m = finding_mount(a, f);
        return xasprintf("finding:%s:%s:%s", kind, w, m ? m->host_path : f->detail);
    }
    return xasprintf("finding:%s:%s", kind, w);
}

char *subject_of_change(const Scenario *s, const Change *c)
{
    const char *k = change_kind_name(c->kind);
    switch (c->kind) {
    case CHANGE_ISOLATION_HYPERV:
    case CHANGE_ACCOUNT_USER: return xasprintf("fix:%s:%s", k, s->workloads[c->target].id);
    case CHANGE_MOUNT_READ_ONLY:
    case CHANGE_MOUNT_REMOVE:
        return xasprintf("fix:%s:%s:%s", k, s->workloads[c->target].id,
                         s->workloads[c->target].mounts[c->mount].host_path);
    case CHANGE_SSH_OFF: return xasprintf("fix:%s:%s", k, s->hosts[c->target].id);
    case CHANGE_TENANT_DEDICATED:
        if (c->host != CHANGE_ALL_HOSTS)
            return xasprintf("fix:%s:%s:%s", k, s->tenants[c->target].id, s->hosts[c->host].id);
        return xasprintf("fix:%s:%s", k, s->tenants[c->target].id);
    }
    return xstrdup("fix:?");
}

#define LAST_CHANGE_KIND CHANGE_TENANT_DEDICATED

/* The part of id after "PREFIX:KIND:" when kind is one of the names of names(0..n-1); the
 * kind's index in *k. NULL when it is not. */
static const char *after_kind(const char *id, const char *prefix, const char *(*name)(int), int n,
                              int *k)
{
    size_t pl = strlen(prefix);
    if (strncmp(id, prefix, pl) != 0) return NULL;
    for (int i = 0; i < n; i++) {
        const char *nm = name(i);
        size_t l = strlen(nm);
        if (strncmp(id + pl, nm, l) == 0 && id[pl + l] == ':') {
            *k = i;
            return id + pl + l + 1;
        }
    }
    return NULL;
}

static const char *finding_name(int k)
{
    return finding_kind_id((FindingKind)k);
}

static const char *change_name(int k)
{
    return change_kind_name((ChangeKind)k);
}

/* The "->" of a path identity that starts its target ("->host:" or "->tenant:"), the last
 * one; NULL if none. */
static const char *path_arrow(const char *id)
{
    const char *found = NULL;
    for (const char *p = strstr(id, "->"); p; p = strstr(p + 1, "->"))
        if ((strncmp(p + 2, "host:", 5) == 0 && p[7]) ||
            (strncmp(p + 2, "tenant:", 7) == 0 && p[9]))
            found = p;
    return found;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool subject_check(const char *id, SubjectKind *kind, char **err)
{
    int k;
    const char *rest;
    if (strncmp(id, "boundary:", 9) == 0) {
        *kind = SUBJECT_BOUNDARY;
        const char *suffix = ends_with(id, ":isolation") ? ":isolation" : ":host-volume";
        if (ends_with(id, suffix) && strlen(id) > 9 + strlen(suffix)) return true;
        *err = xasprintf("\"%s\" is not a subject: expected boundary:WORKLOAD:isolation or "
                         "boundary:WORKLOAD:host-volume",
                         id);
        return false;
    }
    if (strncmp(id, "path:", 5) == 0) {
        *kind = SUBJECT_PATH;
        const char *arrow = path_arrow(id);
        if (arrow && arrow > id + 5) return true;
        *err = xasprintf("\"%s\" is not a subject: expected path:START->host:HOST or "
                         "path:START->tenant:TENANT",
                         id);
        return false;
    }
    if (strncmp(id, "finding:", 8) == 0) {
        *kind = SUBJECT_FINDING;
        rest = after_kind(id, "finding:", finding_name, FINDING_KIND_COUNT, &k);
        if (rest && *rest) return true;
        *err = xasprintf("\"%s\" is not a subject: expected finding:KIND:... with KIND "
                         "shared-kernel, admin-account, sensitive-mount, readable-key-folder, "
                         "hostprocess or hardening-as-boundary",
                         id);
        return false;
    }
    if (strncmp(id, "fix:", 4) == 0) {
        *kind = SUBJECT_FIX;
        rest = after_kind(id, "fix:", change_name, LAST_CHANGE_KIND + 1, &k);
        if (rest && *rest) return true;
        *err = xasprintf("\"%s\" is not a subject: expected fix:KIND:... with KIND isolation, "
                         "account, mount-read-only, mount-remove, ssh-off or dedicated-hosts",
                         id);
        return false;
    }
    *err = xasprintf("\"%s\" is not a subject: expected boundary:..., path:..., finding:... or "
                     "fix:...",
                     id);
    return false;
}

char *subject_label(const char *id)
{
    int k;
    const char *rest;
    if (strncmp(id, "boundary:", 9) == 0) {
        const char *colon = strrchr(id, ':');
        return xasprintf("%.*s %s", (int)(colon - id - 9), id + 9, colon + 1);
    }
    if (strncmp(id, "path:", 5) == 0) {
        const char *arrow = path_arrow(id);
        if (arrow) return xasprintf("%.*s -> %s", (int)(arrow - id - 5), id + 5, arrow + 2);
    }
    if ((rest = after_kind(id, "finding:", finding_name, FINDING_KIND_COUNT, &k)))
        return xasprintf("finding %s: %s", finding_name(k), rest);
    if ((rest = after_kind(id, "fix:", change_name, LAST_CHANGE_KIND + 1, &k)))
        return xasprintf("fix %s: %s", change_name(k), rest);
    return xstrdup(id);
}

/* ---- Subject sets ---- */

static Subject *set_add(SubjectSet *set, char *id, SubjectKind kind, size_t index)
{
    xgrow((void **)&set->items, &set->cap, set->n + 1, sizeof *set->items);
    Subject *x = &set->items[set->n++];
    memset(x, 0, sizeof *x);
    x->id = id;
    x->kind = kind;
    x->index = index;
    return x;
}

static const Subject *sort_items; /* qsort context */

/* By id, then by order of addition. */
static int subject_order(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    int c = strcmp(sort_items[i].id, sort_items[j].id);
    return c ? c : (i > j) - (i < j);
}

/* Sorts the set by id and drops later duplicates (the first added wins: a plan item over a
 * candidate). */
static void set_finish(SubjectSet *set)
{
    size_t n = set->n;
    size_t *order = xcalloc(n + 1, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    sort_items = set->items;
    xqsort(order, n, sizeof *order, subject_order);
    sort_items = NULL;
    Subject *sorted = xcalloc(n + 1, sizeof *sorted);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        Subject *x = &set->items[order[i]];
        if (k && strcmp(sorted[k - 1].id, x->id) == 0) {
            free(x->id);
            continue;
        }
        sorted[k++] = *x;
    }
    free(order);
    free(set->items);
    set->items = sorted;
    set->n = k;
    set->cap = n + 1;
}

SubjectSet *subjects_compute(const Analysis *a, const Findings *f, const FixPlan *p)
{
    SubjectSet *set = xcalloc(1, sizeof *set);
    for (size_t i = 0; i < a->n_boundaries; i++)
        if (a->boundaries[i].fails)
            set_add(set, subject_of_boundary(a, &a->boundaries[i]), SUBJECT_BOUNDARY, i);
    for (size_t i = 0; i < a->n_paths; i++)
        set_add(set, subject_of_path(a, &a->paths[i]), SUBJECT_PATH, i);
    set->paths_partial = a->n_paths < a->paths_total;
    for (size_t i = 0; f && i < f->n; i++)
        set_add(set, subject_of_finding(a, &f->items[i]), SUBJECT_FINDING, i);
    for (size_t i = 0; p && i < p->n_items; i++)
        set_add(set, subject_of_change(a->scenario, &p->items[i].change), SUBJECT_FIX, i)->change =
            p->items[i].change;
    set_finish(set);
    return set;
}

void subjects_add_changes(SubjectSet *set, const Scenario *s, const Change *changes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *id = subject_of_change(s, &changes[i]);
        if (subjects_find(set, id)) {
            free(id);
            continue;
        }
        set_add(set, id, SUBJECT_FIX, SIZE_MAX)->change = changes[i];
    }
    set_finish(set);
}

void subjects_free(SubjectSet *set)
{
    if (!set) return;
    for (size_t i = 0; i < set->n; i++)
        free(set->items[i].id);
    free(set->items);
    free(set);
}

const Subject *subjects_find(const SubjectSet *set, const char *id)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(set->items[mid].id, id);
        if (c == 0) return &set->items[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

char *subject_describe(const Subject *x, const Analysis *a, const Findings *f, const FixPlan *p)
{
    const Scenario *s = a->scenario;
    (void)p;
    switch (x->kind) {
    case SUBJECT_BOUNDARY: {
        const BoundaryResult *b = &a->boundaries[x->index];
        char *techs = xstrdup("");
        for (size_t k = 0; k < b->n_techniques; k++) {
            char *next = xasprintf("%s%s%s", techs, k ? ", " : "",
                                   a->catalog->techniques[b->techniques[k]].id);
            free(techs);
            techs = next;
        }
        char *d = xasprintf("%s %s fails (%s)", s->workloads[b->workload].id,
                            boundary_name(b->kind), techs);
        free(techs);
        return d;
    }
    case SUBJECT_PATH: {
        const Path *q = &a->paths[x->index];
        return xasprintf("%s -> %s:%s (effort %d)", s->workloads[q->start].id,
                         q->kind == TARGET_HOST ? "host" : "tenant",
                         q->kind == TARGET_HOST ? s->hosts[q->target].id : s->tenants[q->target].id,
                         q->effort);
    }
    case SUBJECT_FINDING: {
        const Finding *y = &f->items[x->index];
        return xasprintf("%s %s: %s", severity_name(y->severity), finding_kind_id(y->kind),
                         y->detail ? y->detail : "");
    }
    case SUBJECT_FIX: return change_describe(s, &x->change);
    }
    return xstrdup(x->id);
}

/* Whether tenant t has a workload on a host (h, or any when h is NULL) that also runs a
 * workload of another tenant. */
static bool tenant_shares(const Scenario *s, const Tenant *t, const Host *h)
{
    for (size_t i = 0; i < s->n_workloads; i++) {
        const Workload *w = &s->workloads[i];
        if (strcmp(w->tenant, t->id) != 0 || (h && strcmp(w->host, h->id) != 0)) continue;
        for (size_t j = 0; j < s->n_workloads; j++)
            if (strcmp(s->workloads[j].host, w->host) == 0 &&
                strcmp(s->workloads[j].tenant, t->id) != 0)
                return true;
    }
    return false;
}

bool subject_fix_pending(const Scenario *s, const char *id)
{
    int k;
    const char *rest = after_kind(id, "fix:", change_name, LAST_CHANGE_KIND + 1, &k);
    if (!rest) return false;
    switch ((ChangeKind)k) {
    case CHANGE_ISOLATION_HYPERV:
    case CHANGE_ACCOUNT_USER: {
        const Workload *w = scenario_workload(s, rest);
        if (!w) return false;
        return k == CHANGE_ISOLATION_HYPERV ? w->isolation != ISOLATION_HYPERV
                                            : w->account == ACCOUNT_ADMIN;
    }
    case CHANGE_MOUNT_READ_ONLY:
    case CHANGE_MOUNT_REMOVE:
        for (size_t i = 0; i < s->n_workloads; i++) {
            const Workload *w = &s->workloads[i];
            size_t l = strlen(w->id);
            if (strncmp(rest, w->id, l) != 0 || rest[l] != ':') continue;
            for (size_t m = 0; m < w->n_mounts; m++)
                if (strcmp(rest + l + 1, w->mounts[m].host_path) == 0 &&
                    (k == CHANGE_MOUNT_REMOVE || !w->mounts[m].read_only))
                    return true;
        }
        return false;
    case CHANGE_SSH_OFF: {
        const Host *h = scenario_host(s, rest);
        return h && h->ssh;
    }
    case CHANGE_TENANT_DEDICATED: {
        const Tenant *t = scenario_tenant(s, rest);
        if (t) return tenant_shares(s, t, NULL);
        for (size_t i = 0; i < s->n_tenants; i++) {
            t = &s->tenants[i];
            size_t l = strlen(t->id);
            if (strncmp(rest, t->id, l) != 0 || rest[l] != ':') continue;
            const Host *h = scenario_host(s, rest + l + 1);
            if (h && tenant_shares(s, t, h)) return true;
        }
        return false;
    }
    }
    return false;
}

bool subject_applies(const SubjectSet *set, const Scenario *s, const char *id, bool *unchecked)
{
    if (unchecked) *unchecked = false;
    if (strncmp(id, "fix:", 4) == 0) return subject_fix_pending(s, id);
    if (subjects_find(set, id)) return true;
    if (unchecked && set->paths_partial && strncmp(id, "path:", 5) == 0) *unchecked = true;
    return false;
}

/* ---- The book ---- */

static const DecisionList *sort_list; /* qsort context */

static int by_subject_cmp(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    return strcmp(sort_list->items[i].subject, sort_list->items[j].subject);
}

DecisionBook *decision_book_new(DecisionList *list)
{
    DecisionBook *b = xcalloc(1, sizeof *b);
    b->list = *list;
    memset(list, 0, sizeof *list);
    size_t n = b->list.n;
    b->state = xcalloc(n + 1, sizeof *b->state);
    b->by_subject = xcalloc(n + 1, sizeof *b->by_subject);
    /* the latest on each subject is current: sort all by subject, keep the last index of each */
    size_t *all = xcalloc(n + 1, sizeof *all);
    for (size_t i = 0; i < n; i++)
        all[i] = i;
    sort_list = &b->list;
    xqsort(all, n, sizeof *all, by_subject_cmp);
    for (size_t i = 0; i < n; i++) {
        size_t best = all[i];
        while (i + 1 < n && by_subject_cmp(&all[i], &all[i + 1]) == 0) {
            i++;
            if (all[i] > best) best = all[i];
        }
        b->state[best].current = true;
        b->by_subject[b->n_current++] = best;
    }
    sort_list = NULL;
    free(all);
    return b;
}

void decision_book_free(DecisionBook *b)
{
    if (!b) return;
    decision_list_done(&b->list);
    free(b->state);
    free(b->by_subject);
    free(b);
}

void decision_book_observe(DecisionBook *b, const SubjectSet *set, const Scenario *s,
                           const char *when)
{
    for (size_t i = 0; i < b->list.n; i++) {
        const Decision *d = &b->list.items[i];
        if (b->state[i].lapsed || !d->created || strcmp(d->created, when) > 0) continue;
        bool unchecked;
        if (!subject_applies(set, s, d->subject, &unchecked) && !unchecked)
            b->state[i].lapsed = true;
    }
}

void decision_book_match(DecisionBook *b, const SubjectSet *set, const Scenario *s,
                         const char *today)
{
    snprintf(b->today, sizeof b->today, "%s", today ? today : "");
    for (size_t i = 0; i < b->list.n; i++) {
        bool unchecked;
        bool applies = subject_applies(set, s, b->list.items[i].subject, &unchecked);
        b->state[i].status = applies ? (b->state[i].lapsed ? STATUS_APPLIES_AGAIN : STATUS_APPLIES)
                             : unchecked ? STATUS_UNCHECKED
                                         : STATUS_NO_LONGER_APPLIES;
    }
}

size_t decision_book_find(const DecisionBook *b, const char *subject)
{
    size_t lo = 0, hi = b->n_current;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(b->list.items[b->by_subject[mid]].subject, subject);
        if (c == 0) return b->by_subject[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

static bool applies(const DecisionBook *b, size_t i)
{
    return b->state[i].status == STATUS_APPLIES || b->state[i].status == STATUS_APPLIES_AGAIN;
}

bool decision_book_expired(const DecisionBook *b, size_t i)
{
    const Decision *d = &b->list.items[i];
    return d->kind == DECISION_ACCEPT && d->review_date && b->today[0] &&
           strcmp(d->review_date, b->today) <= 0;
}

bool decision_book_in_force(const DecisionBook *b, size_t i)
{
    return b->state[i].current && b->list.items[i].kind == DECISION_ACCEPT && applies(b, i) &&
           !decision_book_expired(b, i);
}

bool decision_book_overdue(const DecisionBook *b, size_t i)
{
    const Decision *d = &b->list.items[i];
    return d->kind == DECISION_FIX && applies(b, i) && d->due_date && b->today[0] &&
           strcmp(d->due_date, b->today) < 0;
}

const char *decision_status_name(DecisionStatus s)
{
    switch (s) {
    case STATUS_APPLIES: return "applies";
    case STATUS_NO_LONGER_APPLIES: return "no longer applies";
    case STATUS_APPLIES_AGAIN: return "applies again";
    case STATUS_UNCHECKED: return "not checked (a path beyond those the analysis kept)";
    }
    return "?";
}

const char *decision_status_id(DecisionStatus s)
{
    switch (s) {
    case STATUS_APPLIES: return "applies";
    case STATUS_NO_LONGER_APPLIES: return "no-longer-applies";
    case STATUS_APPLIES_AGAIN: return "applies-again";
    case STATUS_UNCHECKED: return "unchecked";
    }
    return "?";
}

char *decision_book_describe(const DecisionBook *b, size_t i)
{
    const Decision *d = &b->list.items[i];
    char *head;
    switch (d->kind) {
    case DECISION_ACCEPT:
        if (!d->review_date)
            head = xasprintf("accepted, no review date (owner: %s)", d->owner);
        else if (decision_book_expired(b, i))
            head = xasprintf("acceptance expired on %s (owner: %s)", d->review_date, d->owner);
        else
            head = xasprintf("accepted until %s (owner: %s)", d->review_date, d->owner);
        break;
    case DECISION_FIX:
        head = decision_book_overdue(b, i)
                   ? xasprintf("fix overdue since %s (owner: %s)", d->due_date, d->owner)
                   : xasprintf("fix due %s (owner: %s)", d->due_date, d->owner);
        break;
    case DECISION_DISPUTE: head = xstrdup("disputed"); break;
    default: head = xstrdup("note"); break;
    }
    DecisionStatus st = b->state[i].status;
    char *out = xasprintf("%s%s%s%s%s%s", head, d->text ? ": " : "", d->text ? d->text : "",
                          st == STATUS_APPLIES ? "" : " [",
                          st == STATUS_APPLIES ? "" : decision_status_name(st),
                          st == STATUS_APPLIES ? "" : "]");
    free(head);
    return out;
}

/* ---- --check ---- */

/* The current decision on boundary kind of workload w, or SIZE_MAX. */
static size_t boundary_decision(const DecisionBook *b, const Analysis *a, size_t w,
                                BoundaryKind kind)
{
    char *id = subject_of_boundary(a, analysis_boundary(a, w, kind));
    size_t i = decision_book_find(b, id);
    free(id);
    return i;
}

/* How path p is covered: 2 an acceptance in force, 1 only an expired one, 0 nothing. The
 * covering decisions go to by (room for 2), *n_by set. */
static int path_cover(const DecisionBook *b, const Analysis *a, const Path *p, size_t *by,
                      size_t *n_by)
{
    *n_by = 0;
    char *id = subject_of_path(a, p);
    size_t i = decision_book_find(b, id);
    free(id);
    if (i != SIZE_MAX && b->list.items[i].kind == DECISION_ACCEPT) {
        by[(*n_by)++] = i;
        return decision_book_in_force(b, i) ? 2 : decision_book_expired(b, i) ? 1 : 0;
    }
    int cover = 2;
    size_t failing = 0;
    for (int kind = BOUNDARY_ISOLATION; kind <= BOUNDARY_HOST_VOLUME; kind++) {
        if (!analysis_boundary(a, p->start, (BoundaryKind)kind)->fails) continue;
        failing++;
        size_t k = boundary_decision(b, a, p->start, (BoundaryKind)kind);
        if (k == SIZE_MAX || b->list.items[k].kind != DECISION_ACCEPT) return *n_by = 0, 0;
        by[(*n_by)++] = k;
        if (!decision_book_in_force(b, k)) cover = decision_book_expired(b, k) ? 1 : 0;
        if (cover == 0) return *n_by = 0, 0;
    }
    if (!failing) *n_by = 0;
    return failing ? cover : 0;
}

bool decision_path_accepted(const DecisionBook *b, const Analysis *a, const Path *p, bool *expired)
{
    size_t by[2], n;
    int c = path_cover(b, a, p, by, &n);
    if (expired) *expired = c == 1;
    return c == 2;
}

static char *path_label(const Analysis *a, const Path *p)
{
    char *id = subject_of_path(a, p);
    char *label = subject_label(id);
    free(id);
    return label;
}

void decision_check(const DecisionBook *b, const Analysis *a, DecisionCheck *out)
{
    memset(out, 0, sizeof *out);
    bool *used = xcalloc(b->list.n + 1, sizeof *used);
    StrList open = {0};
    for (size_t i = 0; i < a->n_paths; i++) {
        size_t by[2], n;
        int c = path_cover(b, a, &a->paths[i], by, &n);
        for (size_t k = 0; k < n; k++)
            used[by[k]] = true;
        if (c == 2) {
            out->accepted++;
        } else if (c == 1) {
            out->expired++;
        } else {
            out->open++;
            char *label = path_label(a, &a->paths[i]);
            char *line = xasprintf("%s: open (no accepted decision covers it)", label);
            strlist_add(&open, line);
            free(line);
            free(label);
        }
    }
    out->unchecked = a->paths_total - a->n_paths;
    /* the acceptances used, by subject */
    for (size_t j = 0; j < b->n_current; j++) {
        size_t i = b->by_subject[j];
        if (!used[i]) continue;
        const Decision *d = &b->list.items[i];
        char *label = subject_label(d->subject), *line;
        if (decision_book_expired(b, i))
            line = xasprintf("%s: acceptance expired on %s (owner: %s): it fails again", label,
                             d->review_date, d->owner);
        else if (d->review_date)
            line = xasprintf("%s: accepted until %s (owner: %s)", label, d->review_date, d->owner);
        else
            line = xasprintf("%s: accepted, no review date (owner: %s)", label, d->owner);
        strlist_add(&out->lines, line);
        free(line);
        free(label);
    }
    for (size_t i = 0; i < open.n && i < DECISION_CHECK_MAX_OPEN; i++)
        strlist_add(&out->lines, open.items[i]);
    if (open.n > DECISION_CHECK_MAX_OPEN) {
        char *more =
            xasprintf("... and %zu more open paths", open.n - (size_t)DECISION_CHECK_MAX_OPEN);
        strlist_add(&out->lines, more);
        free(more);
    }
    strlist_done(&open);
    out->passes = !out->open && !out->expired && !out->unchecked;
    char *summary;
    size_t total = out->accepted + out->expired + out->open;
    if (out->unchecked)
        summary = xasprintf("check: %zu path%s: %zu accepted, %zu expired, %zu open, and %zu not "
                            "checked (beyond the paths the analysis kept): fails",
                            total + out->unchecked, total + out->unchecked == 1 ? "" : "s",
                            out->accepted, out->expired, out->open, out->unchecked);
    else
        summary = xasprintf("check: %zu path%s: %zu accepted, %zu expired, %zu open: %s", total,
                            total == 1 ? "" : "s", out->accepted, out->expired, out->open,
                            out->passes ? "passes" : "fails");
    strlist_add(&out->lines, summary);
    free(summary);
    free(used);
}

void decision_check_done(DecisionCheck *c)
{
    strlist_done(&c->lines);
    memset(c, 0, sizeof *c);
}
