/* Lessons: the types, edits on a lesson's scenario, the engine's answers to questions, goals
 * and the check that a lesson only asks what the engine can answer. See lesson.h. */
#include "lesson.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "engine.h"
#include "fixplan.h"
#include "xalloc.h"

/* ---- names ---- */

static const char *const step_names[STEP_KIND_COUNT] = {"note",      "boundary", "reach", "fix",
                                                        "servicing", "change",   "goal"};
static const char *const edit_names[LEDIT_KIND_COUNT] = {
    "isolation",    "account",   "privileged", "compromised", "hardening",       "mount-read-only",
    "mount-remove", "mount-add", "ssh",        "trust",       "dedicated-hosts", "assume"};
static const char *const goal_names[GOAL_KIND_COUNT] = {"all-hold", "no-path", "no-exposure",
                                                        "boundary-holds"};

static bool lookup(const char *const *table, size_t n, const char *s, int *out)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i], s) == 0) {
            *out = (int)i;
            return true;
        }
    return false;
}

const char *step_kind_name(StepKind k)
{
    return (size_t)k < STEP_KIND_COUNT ? step_names[k] : "?";
}

bool step_kind_parse(const char *s, StepKind *out)
{
    int v;
    if (!lookup(step_names, STEP_KIND_COUNT, s, &v)) return false;
    *out = (StepKind)v;
    return true;
}

const char *lesson_edit_kind_name(LessonEditKind k)
{
    return (size_t)k < LEDIT_KIND_COUNT ? edit_names[k] : "?";
}

bool lesson_edit_kind_parse(const char *s, LessonEditKind *out)
{
    int v;
    if (!lookup(edit_names, LEDIT_KIND_COUNT, s, &v)) return false;
    *out = (LessonEditKind)v;
    return true;
}

const char *goal_kind_name(GoalKind g)
{
    return (size_t)g < GOAL_KIND_COUNT ? goal_names[g] : "?";
}

bool goal_kind_parse(const char *s, GoalKind *out)
{
    int v;
    if (!lookup(goal_names, GOAL_KIND_COUNT, s, &v)) return false;
    *out = (GoalKind)v;
    return true;
}

bool lesson_misconception_key_valid(StepKind k, const char *key)
{
    if (strcmp(key, "*") == 0) return k != STEP_NOTE && k != STEP_CHANGE;
    LessonEditKind ek;
    Servicing sv;
    switch (k) {
    case STEP_BOUNDARY:
    case STEP_REACH: return strcmp(key, "yes") == 0 || strcmp(key, "no") == 0;
    case STEP_FIX:
    case STEP_GOAL: return lesson_edit_kind_parse(key, &ek);
    case STEP_SERVICING: return strcmp(key, "none") == 0 || servicing_parse(key, &sv);
    default: return false;
    }
}

const char *lesson_misconception(const LessonStep *st, const char *key)
{
    const char *any = NULL;
    for (size_t i = 0; i < st->n_misconceptions; i++) {
        if (key && strcmp(st->misconceptions[i].key, key) == 0) return st->misconceptions[i].text;
        if (strcmp(st->misconceptions[i].key, "*") == 0) any = st->misconceptions[i].text;
    }
    return any;
}

/* ---- lifetimes ---- */

Lesson *lesson_new(const char *name)
{
    Lesson *l = xcalloc(1, sizeof *l);
    l->name = xstrdup(name);
    return l;
}

void lesson_edit_done(LessonEdit *e)
{
    free(e->target);
    free(e->host_path);
    free(e->path);
    strlist_done(&e->names);
    memset(e, 0, sizeof *e);
}

void lesson_edit_copy(LessonEdit *dst, const LessonEdit *src)
{
    *dst = *src;
    dst->target = xstrdup(src->target);
    dst->host_path = xstrdup(src->host_path);
    dst->path = xstrdup(src->path);
    memset(&dst->names, 0, sizeof dst->names);
    for (size_t i = 0; i < src->names.n; i++)
        strlist_add(&dst->names, src->names.items[i]);
}

static void step_done(LessonStep *st)
{
    free(st->text);
    free(st->explain);
    free(st->source);
    free(st->workload);
    free(st->from);
    free(st->to);
    for (size_t i = 0; i < st->n_distractors; i++)
        lesson_edit_done(&st->distractors[i]);
    free(st->distractors);
    for (size_t i = 0; i < st->n_subjects; i++) {
        free(st->subjects[i].workload);
        free(st->subjects[i].technique);
        free(st->subjects[i].label);
    }
    free(st->subjects);
    lesson_edit_done(&st->edit);
    for (size_t i = 0; i < st->n_misconceptions; i++) {
        free(st->misconceptions[i].key);
        free(st->misconceptions[i].text);
    }
    free(st->misconceptions);
}

void lesson_free(Lesson *l)
{
    if (!l) return;
    free(l->name);
    free(l->title);
    free(l->summary);
    free(l->intro);
    free(l->source);
    free(l->origin);
    scenario_free(l->scenario);
    for (size_t i = 0; i < l->n_steps; i++)
        step_done(&l->steps[i]);
    free(l->steps);
    free(l);
}

LessonStep *lesson_add_step(Lesson *l, StepKind k)
{
    xgrow((void **)&l->steps, &l->cap_steps, l->n_steps + 1, sizeof *l->steps);
    LessonStep *st = &l->steps[l->n_steps++];
    memset(st, 0, sizeof *st);
    st->kind = k;
    st->boundary = BOUNDARY_ISOLATION;
    return st;
}

Misconception *lesson_step_add_misconception(LessonStep *st, const char *key, const char *text)
{
    st->misconceptions =
        xrealloc(st->misconceptions, (st->n_misconceptions + 1) * sizeof *st->misconceptions);
    Misconception *m = &st->misconceptions[st->n_misconceptions++];
    m->key = xstrdup(key);
    m->text = xstrdup(text);
    return m;
}

LessonEdit *lesson_step_add_distractor(LessonStep *st)
{
    st->distractors = xrealloc(st->distractors, (st->n_distractors + 1) * sizeof *st->distractors);
    LessonEdit *e = &st->distractors[st->n_distractors++];
    memset(e, 0, sizeof *e);
    return e;
}

LessonSubject *lesson_step_add_subject(LessonStep *st)
{
    st->subjects = xrealloc(st->subjects, (st->n_subjects + 1) * sizeof *st->subjects);
    LessonSubject *sub = &st->subjects[st->n_subjects++];
    memset(sub, 0, sizeof *sub);
    sub->boundary = BOUNDARY_ISOLATION;
    return sub;
}

void lesson_problem_done(LessonProblem *p)
{
    free(p->field);
    free(p->message);
    p->field = p->message = NULL;
}

/* Sets p's place and message (printf-style). Returns false. */
__attribute__((format(printf, 3, 4))) static bool problem(LessonProblem *p, const char *field,
                                                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    free(p->field);
    free(p->message);
    p->field = xstrdup(field);
    p->message = msg;
    return false;
}

/* ---- edits ---- */

static size_t index_of_workload(const Scenario *s, const char *id)
{
    for (size_t i = 0; id && i < s->n_workloads; i++)
        if (strcmp(s->workloads[i].id, id) == 0) return i;
    return (size_t)-1;
}

static size_t index_of_tenant(const Scenario *s, const char *id)
{
    for (size_t i = 0; id && i < s->n_tenants; i++)
        if (strcmp(s->tenants[i].id, id) == 0) return i;
    return (size_t)-1;
}

static size_t index_of_host(const Scenario *s, const char *id)
{
    for (size_t i = 0; id && i < s->n_hosts; i++)
        if (strcmp(s->hosts[i].id, id) == 0) return i;
    return (size_t)-1;
}

static size_t index_of_mount(const Workload *w, const char *host_path)
{
    for (size_t i = 0; host_path && i < w->n_mounts; i++)
        if (strcmp(w->mounts[i].host_path, host_path) == 0) return i;
    return (size_t)-1;
}

/* True when tenant t has a workload on a host where another tenant has one. */
static bool tenant_shares_a_host(const Scenario *s, size_t t)
{
    const char *tid = s->tenants[t].id;
    for (size_t i = 0; i < s->n_workloads; i++) {
        if (strcmp(s->workloads[i].tenant, tid) != 0) continue;
        for (size_t j = 0; j < s->n_workloads; j++)
            if (strcmp(s->workloads[j].host, s->workloads[i].host) == 0 &&
                strcmp(s->workloads[j].tenant, tid) != 0)
                return true;
    }
    return false;
}

static EditKind edit_kind_of(LessonEditKind k)
{
    switch (k) {
    case LEDIT_SSH: return EDIT_HOST;
    case LEDIT_TRUST: return EDIT_TENANT;
    case LEDIT_ASSUME: return EDIT_SETTINGS;
    default: return EDIT_WORKLOAD;
    }
}

static const char *entity_name(EditKind k)
{
    return k == EDIT_HOST ? "host" : k == EDIT_TENANT ? "tenant" : "workload";
}

bool lesson_edit_apply(Scenario *s, const LessonEdit *e, char **err)
{
    if (e->kind == LEDIT_DEDICATED) {
        size_t t = index_of_tenant(s, e->target);
        if (t == (size_t)-1) {
            *err = xasprintf("no tenant \"%s\"", e->target ? e->target : "");
            return false;
        }
        if (!tenant_shares_a_host(s, t)) {
            *err = xasprintf("nothing changed: %s shares no host with another tenant", e->target);
            return false;
        }
        Change c = {CHANGE_TENANT_DEDICATED, t, 0, CHANGE_ALL_HOSTS};
        change_apply_all(s, &c, 1);
        return true;
    }
    EditKind ek = edit_kind_of(e->kind);
    Edit *ed = edit_change(s, ek, e->target);
    if (!ed) {
        *err = xasprintf("no %s \"%s\"", entity_name(ek), e->target ? e->target : "");
        return false;
    }
    Workload *w = edit_workload(ed->after);
    size_t m = w ? index_of_mount(w, e->host_path) : (size_t)-1;
    bool needs_mount = e->kind == LEDIT_MOUNT_READ_ONLY || e->kind == LEDIT_MOUNT_REMOVE;
    if (needs_mount && m == (size_t)-1) {
        *err = xasprintf("%s has no mount of \"%s\"", e->target, e->host_path ? e->host_path : "");
        edit_free(ed);
        return false;
    }
    switch (e->kind) {
    case LEDIT_ISOLATION: w->isolation = (Isolation)e->value; break;
    case LEDIT_ACCOUNT: w->account = (Account)e->value; break;
    case LEDIT_PRIVILEGED: w->privileged = e->flag; break;
    case LEDIT_COMPROMISED: w->compromised = e->flag; break;
    case LEDIT_HARDENING:
        for (size_t i = 0; i < e->names.n; i++)
            if (!strlist_has(&w->hardening, e->names.items[i]))
                strlist_add(&w->hardening, e->names.items[i]);
        break;
    case LEDIT_MOUNT_READ_ONLY: w->mounts[m].read_only = e->flag; break;
    case LEDIT_MOUNT_REMOVE: workload_remove_mount(w, m); break;
    case LEDIT_MOUNT_ADD: workload_add_mount(w, e->host_path, e->path, e->flag); break;
    case LEDIT_SSH: edit_host(ed->after)->ssh = e->flag; break;
    case LEDIT_TRUST: edit_tenant(ed->after)->trust = (Trust)e->value; break;
    case LEDIT_ASSUME: ed->after->assume[e->value] = e->flag; break;
    case LEDIT_DEDICATED:
    case LEDIT_KIND_COUNT: assert(!"handled above"); break;
    }
    char *label = lesson_edit_describe(s, e);
    edit_set_label(ed, "%s", label);
    free(label);
    bool ok = edit_apply(s, ed, err);
    edit_free(ed);
    return ok;
}

char *lesson_edit_describe(const Scenario *s, const LessonEdit *e)
{
    const char *t = e->target ? e->target : "";
    size_t wi = index_of_workload(s, e->target);
    const Workload *w = wi != (size_t)-1 ? &s->workloads[wi] : NULL;
    switch (e->kind) {
    case LEDIT_ISOLATION:
        if (w)
            return xasprintf("%s: isolation %s -> %s", t, isolation_name(w->isolation),
                             isolation_name((Isolation)e->value));
        return xasprintf("%s: isolation -> %s", t, isolation_name((Isolation)e->value));
    case LEDIT_ACCOUNT:
        if (w)
            return xasprintf("%s: account %s -> %s", t, account_name(w->account),
                             account_name((Account)e->value));
        return xasprintf("%s: account -> %s", t, account_name((Account)e->value));
    case LEDIT_PRIVILEGED: return xasprintf("%s: privileged %s", t, e->flag ? "on" : "off");
    case LEDIT_COMPROMISED:
        return xasprintf(e->flag ? "%s: marked compromised" : "%s: no longer marked compromised",
                         t);
    case LEDIT_HARDENING: {
        char *list = xstrdup("");
        for (size_t i = 0; i < e->names.n; i++) {
            char *next = xasprintf("%s%s%s", list, i ? ", " : "", e->names.items[i]);
            free(list);
            list = next;
        }
        char *d = xasprintf("%s: add hardening %s", t, list);
        free(list);
        return d;
    }
    case LEDIT_MOUNT_READ_ONLY:
        return xasprintf("%s: mount %s %s", t, e->host_path, e->flag ? "read-only" : "writable");
    case LEDIT_MOUNT_REMOVE: return xasprintf("%s: remove mount %s", t, e->host_path);
    case LEDIT_MOUNT_ADD:
        return xasprintf("%s: add mount %s%s%s (%s)", t, e->host_path, e->path ? " -> " : "",
                         e->path ? e->path : "", e->flag ? "read-only" : "writable");
    case LEDIT_SSH: return xasprintf("%s: SSH %s", t, e->flag ? "on" : "off");
    case LEDIT_TRUST: {
        size_t ti = index_of_tenant(s, e->target);
        if (ti != (size_t)-1)
            return xasprintf("%s: trust %s -> %s", t, trust_name(s->tenants[ti].trust),
                             trust_name((Trust)e->value));
        return xasprintf("%s: trust -> %s", t, trust_name((Trust)e->value));
    }
    case LEDIT_DEDICATED: return xasprintf("%s: move its workloads to hosts of their own", t);
    case LEDIT_ASSUME:
        return xasprintf("assume %s=%s", assumption_name((Assumption)e->value),
                         e->flag ? "true" : "false");
    case LEDIT_KIND_COUNT: break;
    }
    return xstrdup("?");
}

/* The lesson edit that makes fix-plan change c on s. */
static void edit_from_change(const Scenario *s, const Change *c, LessonEdit *e)
{
    memset(e, 0, sizeof *e);
    switch (c->kind) {
    case CHANGE_ISOLATION_HYPERV:
        e->kind = LEDIT_ISOLATION;
        e->value = ISOLATION_HYPERV;
        break;
    case CHANGE_ACCOUNT_USER:
        e->kind = LEDIT_ACCOUNT;
        e->value = ACCOUNT_USER;
        break;
    case CHANGE_MOUNT_READ_ONLY:
        e->kind = LEDIT_MOUNT_READ_ONLY;
        e->flag = true;
        break;
    case CHANGE_MOUNT_REMOVE: e->kind = LEDIT_MOUNT_REMOVE; break;
    case CHANGE_SSH_OFF:
        e->kind = LEDIT_SSH;
        e->flag = false;
        e->target = xstrdup(s->hosts[c->target].id);
        return;
    case CHANGE_TENANT_DEDICATED:
        e->kind = LEDIT_DEDICATED;
        e->target = xstrdup(s->tenants[c->target].id);
        return;
    }
    const Workload *w = &s->workloads[c->target];
    e->target = xstrdup(w->id);
    if (e->kind == LEDIT_MOUNT_READ_ONLY || e->kind == LEDIT_MOUNT_REMOVE)
        e->host_path = xstrdup(w->mounts[c->mount].host_path);
}

static bool same_edit(const LessonEdit *a, const LessonEdit *b)
{
    if (a->kind != b->kind || a->value != b->value || a->flag != b->flag) return false;
    if (strcmp(a->target ? a->target : "", b->target ? b->target : "") != 0) return false;
    if (strcmp(a->host_path ? a->host_path : "", b->host_path ? b->host_path : "") != 0)
        return false;
    if (a->names.n != b->names.n) return false;
    for (size_t i = 0; i < a->names.n; i++)
        if (strcmp(a->names.items[i], b->names.items[i]) != 0) return false;
    return true;
}

/* ---- answers ---- */

void lesson_answer_done(LessonAnswer *a)
{
    for (size_t i = 0; i < a->n_choices; i++) {
        free(a->choices[i].label);
        free(a->choices[i].outcome);
        lesson_edit_done(&a->choices[i].edit);
    }
    free(a->choices);
    free(a->verdict);
    strlist_done(&a->detail);
    free(a->techniques);
    memset(a, 0, sizeof *a);
}

int lesson_answer_key(const LessonAnswer *a, size_t i)
{
    if (a->yes_no) return i == 0 ? 'y' : 'n';
    return 'a' + (int)i;
}

int lesson_answer_pick(const LessonAnswer *a, int key)
{
    if (key >= 'A' && key <= 'Z') key += 'a' - 'A';
    for (size_t i = 0; i < a->n_choices; i++)
        if (lesson_answer_key(a, i) == key) return (int)i;
    return -1;
}

static LessonChoice *add_choice(LessonAnswer *a, char *label, const char *key, bool correct,
                                char *outcome)
{
    a->choices = xrealloc(a->choices, (a->n_choices + 1) * sizeof *a->choices);
    LessonChoice *c = &a->choices[a->n_choices++];
    memset(c, 0, sizeof *c);
    c->label = label;
    c->key = key;
    c->correct = correct;
    c->outcome = outcome;
    return c;
}

static void set_yes_no(LessonAnswer *a, bool yes)
{
    a->yes_no = true;
    add_choice(a, xstrdup("yes"), "yes", yes, xstrdup(yes ? "the engine says yes" : "no"));
    add_choice(a, xstrdup("no"), "no", !yes, xstrdup(yes ? "yes" : "the engine says no"));
}

static void teach(LessonAnswer *a, uint32_t technique)
{
    for (size_t i = 0; i < a->n_techniques; i++)
        if (a->techniques[i] == technique) return;
    a->techniques = xrealloc(a->techniques, (a->n_techniques + 1) * sizeof *a->techniques);
    a->techniques[a->n_techniques++] = technique;
}

__attribute__((format(printf, 2, 3))) static void detail(LessonAnswer *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = xvasprintf(fmt, ap);
    va_end(ap);
    strlist_add(&a->detail, line);
    free(line);
}

static Analysis *analyse(const Scenario *s, const Catalog *c)
{
    EngineOptions opt = {.max_paths = 0};
    return engine_analyze(s, c, &opt);
}

/* True when state st is one of workload w's own states (its account's, or its VM). */
static bool own_state(const Analysis *a, size_t w, uint32_t st)
{
    if (state_is_host(a, st) || state_owner(a, st) != w) return false;
    const Workload *wl = &a->scenario->workloads[w];
    Level lv = state_level(a, st);
    if (lv == LEVEL_VM)
        return wl->isolation == ISOLATION_HYPERV || wl->isolation == ISOLATION_SANDBOX;
    return lv == (wl->account == ACCOUNT_ADMIN ? LEVEL_ADMIN : LEVEL_USER);
}

static bool lists_technique(const BoundaryResult *b, uint32_t t)
{
    for (size_t i = 0; i < b->n_techniques; i++)
        if (b->techniques[i] == t) return true;
    return false;
}

/* Appends "TECH: FROM -> TO [servicing]" for each use of b's techniques from w's states. */
static void describe_failure(LessonAnswer *out, const Analysis *a, const BoundaryResult *b)
{
    for (size_t i = 0; i < a->n_edges; i++) {
        const Edge *e = &a->edges[i];
        if (e->crosses != b->kind || !own_state(a, b->workload, e->from) ||
            !lists_technique(b, e->technique))
            continue;
        char *from = state_label(a, e->from), *to = state_label(a, e->to);
        detail(out, "%s: %s -> %s  [%s]", a->catalog->techniques[e->technique].id, from, to,
               servicing_name((Servicing)e->servicing));
        free(from);
        free(to);
        teach(out, e->technique);
    }
}

/* True when some clause of technique t admits workloads of isolation mode i. */
static bool applies_to(const Technique *t, Isolation i)
{
    for (size_t k = 0; k < t->n_clauses; k++)
        if (t->clauses[k].isolation == 0 || t->clauses[k].isolation & (1u << i)) return true;
    return false;
}

/* Appends why b holds: the techniques that could break it for this kind of container (those
 * for another isolation mode say nothing) and the condition each one lacks. */
static void describe_why_not(LessonAnswer *out, const Analysis *a, const BoundaryResult *b,
                             const char *bullet, size_t max_teach)
{
    Isolation iso = a->scenario->workloads[b->workload].isolation;
    size_t shown = 0;
    for (size_t i = 0; i < b->n_why_not; i++) {
        const Technique *t = &a->catalog->techniques[b->why_not[i].technique];
        if (!applies_to(t, iso)) continue;
        detail(out, "%s%s: %s", bullet, t->id, b->why_not[i].reason);
        if (shown++ < max_teach) teach(out, b->why_not[i].technique);
    }
    if (shown == 0)
        detail(out, "%sno technique of the catalog applies to a %s-isolated workload here", bullet,
               isolation_name(iso));
}

static bool parse_kind(const char *s, const char *kind)
{
    return strncmp(s, kind, strlen(kind)) == 0;
}

static const char *verdict_word(bool fails)
{
    return fails ? "fails" : "holds";
}

static bool eval_boundary(const LessonStep *st, const Scenario *s, const Catalog *c,
                          LessonAnswer *out, LessonProblem *p)
{
    size_t w = index_of_workload(s, st->workload);
    if (w == (size_t)-1)
        return problem(p, "workload", "no workload \"%s\" in the lesson's scenario",
                       st->workload ? st->workload : "");
    Analysis *a = analyse(s, c);
    const BoundaryResult *b = analysis_boundary(a, w, st->boundary);
    set_yes_no(out, !b->fails);
    if (b->fails) {
        out->verdict = xasprintf("No: %s's %s boundary fails (%s).", st->workload,
                                 boundary_name(st->boundary), servicing_name(b->servicing));
        describe_failure(out, a, b);
        if (a->is_start[w])
            detail(out,
                   "%s is a start: an attacker is assumed inside it (its tenant is untrusted "
                   "or it is marked compromised).",
                   st->workload);
        else if (b->attacked)
            detail(out, "No attacker starts in %s, but one reaches it from elsewhere.",
                   st->workload);
        else
            detail(out,
                   "No attacker reaches %s, yet the boundary is judged for whoever might run "
                   "inside it.",
                   st->workload);
    } else {
        out->verdict =
            xasprintf("Yes: %s's %s boundary holds.", st->workload, boundary_name(st->boundary));
        describe_why_not(out, a, b, "", st->boundary == BOUNDARY_ISOLATION ? 3 : 1);
    }
    analysis_free(a);
    return true;
}

/* The index of the first path of a matching (start in from, target to). */
static bool eval_reach(const LessonStep *st, const Scenario *s, const Catalog *c, LessonAnswer *out,
                       LessonProblem *p)
{
    const char *from = st->from ? st->from : "";
    const char *to = st->to ? st->to : "";
    size_t fw = index_of_workload(s, from);
    size_t ft = fw == (size_t)-1 ? index_of_tenant(s, from) : (size_t)-1;
    if (fw == (size_t)-1 && ft == (size_t)-1)
        return problem(p, "from", "no workload or tenant \"%s\" in the lesson's scenario", from);
    TargetKind kind;
    size_t target;
    if (parse_kind(to, "host:")) {
        kind = TARGET_HOST;
        target = index_of_host(s, to + 5);
    } else if (parse_kind(to, "tenant:")) {
        kind = TARGET_TENANT;
        target = index_of_tenant(s, to + 7);
    } else {
        return problem(p, "to", "expected \"host:ID\" or \"tenant:ID\", got \"%s\"", to);
    }
    if (target == (size_t)-1)
        return problem(p, "to", "no %s \"%s\" in the lesson's scenario",
                       kind == TARGET_HOST ? "host" : "tenant", strchr(to, ':') + 1);
    if (kind == TARGET_TENANT && ft == target)
        return problem(p, "to", "a tenant does not attack itself: choose another tenant");
    Analysis *a = analyse(s, c);
    const Path *found = NULL;
    size_t n_starts = 0;
    for (size_t w = 0; w < s->n_workloads; w++)
        if (a->is_start[w] && (w == fw || a->tenant_of[w] == ft)) n_starts++;
    for (size_t i = 0; i < a->n_paths && !found; i++) {
        const Path *q = &a->paths[i];
        bool from_ok = q->start == fw || a->tenant_of[q->start] == ft;
        if (from_ok && q->kind == kind && q->target == target) found = q;
    }
    set_yes_no(out, found != NULL);
    if (found) {
        out->verdict = xasprintf("Yes: %s reaches %s (effort %d, %zu step%s).", from, to,
                                 found->effort, found->n_steps, found->n_steps == 1 ? "" : "s");
        for (size_t k = 0; k < found->n_steps; k++) {
            const Edge *e = &a->edges[found->steps[k]];
            char *f = state_label(a, e->from), *t = state_label(a, e->to);
            if (e->crosses != BOUNDARY_NONE && e->servicing != SERVICING_NONE)
                detail(out, "%zu. %s: %s -> %s  [%s, %s]", k + 1, c->techniques[e->technique].id, f,
                       t, boundary_name((BoundaryKind)e->crosses),
                       servicing_name((Servicing)e->servicing));
            else if (e->crosses != BOUNDARY_NONE)
                detail(out, "%zu. %s: %s -> %s  [%s]", k + 1, c->techniques[e->technique].id, f, t,
                       boundary_name((BoundaryKind)e->crosses));
            else
                detail(out, "%zu. %s: %s -> %s", k + 1, c->techniques[e->technique].id, f, t);
            free(f);
            free(t);
            teach(out, e->technique);
        }
    } else if (n_starts == 0) {
        out->verdict = xasprintf("No: %s has no attacker in it.", from);
        detail(out,
               "%s is not a start: its tenant is trusted and nothing of it is marked compromised, "
               "so the environment is not hostile from there.",
               from);
    } else {
        out->verdict = xasprintf("No: %s does not reach %s.", from, to);
        for (size_t w = 0; w < s->n_workloads; w++) {
            if (!a->is_start[w] || !(w == fw || a->tenant_of[w] == ft)) continue;
            const char *id = s->workloads[w].id;
            for (int k = BOUNDARY_ISOLATION; k <= BOUNDARY_HOST_VOLUME; k++) {
                const BoundaryResult *b = analysis_boundary(a, w, (BoundaryKind)k);
                detail(out, "%s's %s boundary %s%s", id, boundary_name((BoundaryKind)k),
                       verdict_word(b->fails), b->fails ? "" : ":");
                if (!b->fails) describe_why_not(out, a, b, "- ", k == BOUNDARY_ISOLATION ? 3 : 1);
            }
            for (size_t i = 0; i < a->n_paths; i++) {
                const Path *q = &a->paths[i];
                if (q->start != w || q->kind != TARGET_HOST) continue;
                detail(out, "%s reaches host %s, where %s has no workload.", id,
                       s->hosts[q->target].id, kind == TARGET_TENANT ? to + 7 : "the target");
            }
        }
    }
    analysis_free(a);
    return true;
}

/* Appends "N paths: a -> b, c -> d" (at most three named) of the analysis of t to *out. */
static char *paths_left(const Scenario *t, const Catalog *c, size_t *n_left)
{
    Analysis *a = analyse(t, c);
    *n_left = a->paths_total;
    char *text;
    if (a->paths_total == 0) {
        text = xstrdup("closes every path");
    } else {
        text = xasprintf("leaves %zu path%s:", a->paths_total, a->paths_total == 1 ? "" : "s");
        for (size_t i = 0; i < a->n_paths && i < 3; i++) {
            const Path *q = &a->paths[i];
            char *next = xasprintf(
                "%s%s %s -> %s:%s", text, i ? "," : "", t->workloads[q->start].id,
                q->kind == TARGET_HOST ? "host" : "tenant",
                q->kind == TARGET_HOST ? t->hosts[q->target].id : t->tenants[q->target].id);
            free(text);
            text = next;
        }
        if (a->n_paths > 3) {
            char *next = xasprintf("%s, ...", text);
            free(text);
            text = next;
        }
    }
    analysis_free(a);
    return text;
}

/* Returns an owned "a", "a and c", "a, b and d": the keys of the correct choices. */
static char *correct_keys(const LessonAnswer *a, size_t *n)
{
    char *s = xstrdup("");
    *n = 0;
    size_t total = 0;
    for (size_t i = 0; i < a->n_choices; i++)
        total += a->choices[i].correct;
    for (size_t i = 0; i < a->n_choices; i++) {
        if (!a->choices[i].correct) continue;
        (*n)++;
        const char *sep = *n == 1 ? "" : *n == total ? " and " : ", ";
        char *next = xasprintf("%s%s%c", s, sep, lesson_answer_key(a, i));
        free(s);
        s = next;
    }
    return s;
}

typedef struct {
    LessonEdit edit;
    char *label;
    char *outcome;
    bool correct;
    bool distractor;
} FixOption;

static bool eval_fix(const LessonStep *st, const Scenario *s, const Catalog *c, LessonAnswer *out,
                     LessonProblem *p)
{
    Analysis *a = analyse(s, c);
    size_t before = a->paths_total;
    if (before == 0) {
        analysis_free(a);
        return problem(p, "", "the scenario has no path to close at this step");
    }
    size_t n_cands = 0;
    Change *cands = fixplan_candidates(s, a, &n_cands);
    analysis_free(a);
    size_t n = 0;
    FixOption *opts = xcalloc(n_cands + st->n_distractors + 1, sizeof *opts);
    for (size_t i = 0; i < n_cands; i++)
        edit_from_change(s, &cands[i], &opts[n++].edit);
    free(cands);
    for (size_t i = 0; i < st->n_distractors; i++) {
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = same_edit(&opts[j].edit, &st->distractors[i]);
        if (dup) continue;
        lesson_edit_copy(&opts[n].edit, &st->distractors[i]);
        opts[n++].distractor = true;
    }
    size_t n_correct = 0;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        Scenario *t = scenario_clone(s);
        char *err = NULL;
        if (!lesson_edit_apply(t, &opts[i].edit, &err)) {
            if (opts[i].distractor) {
                size_t d = 0;
                for (; d < st->n_distractors && !same_edit(&st->distractors[d], &opts[i].edit); d++)
                    ;
                char *field = xasprintf("distractors[%zu]", d);
                ok = problem(p, field, "%s", err);
                free(field);
            } else {
                ok = problem(p, "", "the engine's candidate does not apply: %s", err);
            }
            free(err);
            scenario_free(t);
            break;
        }
        size_t left;
        opts[i].label = lesson_edit_describe(s, &opts[i].edit);
        opts[i].outcome = paths_left(t, c, &left);
        opts[i].correct = left == 0;
        n_correct += opts[i].correct;
        scenario_free(t);
    }
    if (ok && n_correct == 0)
        ok = problem(p, "",
                     "no single change closes every path here (the fix plan needs more): ask "
                     "for a goal instead");
    /* At most LESSON_MAX_CHOICES: every correct one, then distractors, then other candidates. */
    bool *keep = xcalloc(n + 1, sizeof *keep);
    size_t kept = 0;
    for (int pass = 0; pass < 3 && ok; pass++)
        for (size_t i = 0; i < n && kept < LESSON_MAX_CHOICES; i++) {
            bool want = pass == 0   ? opts[i].correct
                        : pass == 1 ? !opts[i].correct && opts[i].distractor
                                    : !opts[i].correct && !opts[i].distractor;
            if (want && !keep[i]) {
                keep[i] = true;
                kept++;
            }
        }
    for (size_t i = 0; i < n; i++) {
        if (ok && keep[i]) {
            LessonChoice *ch =
                add_choice(out, opts[i].label, lesson_edit_kind_name(opts[i].edit.kind),
                           opts[i].correct, opts[i].outcome);
            ch->edit = opts[i].edit;
        } else {
            free(opts[i].label);
            free(opts[i].outcome);
            lesson_edit_done(&opts[i].edit);
        }
    }
    free(keep);
    free(opts);
    if (!ok) return false;
    size_t k;
    char *keys = correct_keys(out, &k);
    out->verdict = xasprintf("%s %s closes every path on its own (%zu path%s before).",
                             k == 1 ? "Only" : "Each of", keys, before, before == 1 ? "" : "s");
    free(keys);
    for (size_t i = 0; i < out->n_choices; i++)
        detail(out, "%c) %s: %s", lesson_answer_key(out, i), out->choices[i].label,
               out->choices[i].outcome);
    return true;
}

static const char *servicing_meaning(Servicing sv)
{
    switch (sv) {
    case SERVICING_SECURITY_BOUNDARY: return "serviced as a security vulnerability";
    case SERVICING_NOT_A_BOUNDARY:
        return "no security boundary: fixed as an ordinary bug, if at all";
    case SERVICING_BY_DESIGN: return "by design: nothing is crossed, so there is no bug";
    default: return "the boundary holds: there is no escape to service";
    }
}

static bool eval_servicing(const LessonStep *st, const Scenario *s, const Catalog *c,
                           LessonAnswer *out, LessonProblem *p)
{
    if (st->n_subjects == 0) return problem(p, "subjects", "expected at least one subject");
    Analysis *a = analyse(s, c);
    bool ok = true;
    size_t n_correct = 0;
    for (size_t i = 0; i < st->n_subjects && ok; i++) {
        const LessonSubject *sub = &st->subjects[i];
        char field[64];
        size_t w = index_of_workload(s, sub->workload);
        if (w == (size_t)-1) {
            snprintf(field, sizeof field, "subjects[%zu].workload", i);
            ok = problem(p, field, "no workload \"%s\" in the lesson's scenario",
                         sub->workload ? sub->workload : "");
            break;
        }
        const BoundaryResult *b = analysis_boundary(a, w, sub->boundary);
        Servicing sv = b->servicing;
        uint32_t tech = UINT32_MAX;
        if (sub->technique) {
            const Technique *t = catalog_find(c, sub->technique);
            snprintf(field, sizeof field, "subjects[%zu].technique", i);
            if (!t) {
                ok = problem(p, field, "no technique \"%s\" in the catalog", sub->technique);
                break;
            }
            tech = (uint32_t)(t - c->techniques);
            if (!lists_technique(b, tech)) {
                ok = problem(p, field,
                             "%s does not break %s's %s boundary here, so the engine cannot class "
                             "that escape",
                             sub->technique, sub->workload, boundary_name(sub->boundary));
                break;
            }
            sv = SERVICING_COUNT;
            for (size_t k = 0; k < a->n_edges; k++) {
                const Edge *e = &a->edges[k];
                if (e->technique == tech && e->crosses == sub->boundary &&
                    own_state(a, w, e->from) && (Servicing)e->servicing < sv)
                    sv = (Servicing)e->servicing;
            }
            if (sv == SERVICING_COUNT) sv = b->servicing;
            teach(out, tech);
        } else {
            for (size_t k = 0; k < b->n_techniques && k < 2; k++)
                teach(out, b->techniques[k]);
        }
        const Workload *wl = &s->workloads[w];
        char *label = sub->label ? xstrdup(sub->label)
                      : tech != UINT32_MAX
                          ? xasprintf("an escape from %s (%s, %s) by %s", wl->id,
                                      isolation_name(wl->isolation), account_name(wl->account),
                                      sub->technique)
                          : xasprintf("an escape through %s's %s boundary (%s, %s)", wl->id,
                                      boundary_name(sub->boundary), isolation_name(wl->isolation),
                                      account_name(wl->account));
        bool correct = sv == SERVICING_SECURITY_BOUNDARY;
        n_correct += correct;
        add_choice(out, label, sv == SERVICING_NONE ? "none" : servicing_name(sv), correct,
                   xasprintf("%s: %s", sv == SERVICING_NONE ? "none" : servicing_name(sv),
                             servicing_meaning(sv)));
    }
    analysis_free(a);
    if (!ok) return false;
    add_choice(out, xstrdup("none of these"), "none", n_correct == 0,
               xstrdup(n_correct == 0 ? "right: none of them breaks a security boundary"
                                      : "one of them does break a security boundary"));
    if (n_correct == 0) {
        out->verdict = xstrdup("None of these is a security bug to the vendor.");
    } else {
        size_t k;
        char *keys = correct_keys(out, &k);
        out->verdict = xasprintf("%s %s would be serviced as a security vulnerability.",
                                 k == 1 ? "Only" : "Each of", keys);
        free(keys);
    }
    for (size_t i = 0; i + 1 < out->n_choices; i++)
        detail(out, "%c) %s", lesson_answer_key(out, i), out->choices[i].outcome);
    return true;
}

bool lesson_evaluate(const LessonStep *st, const Scenario *s, const Catalog *c, LessonAnswer *out,
                     LessonProblem *p)
{
    memset(out, 0, sizeof *out);
    bool ok;
    switch (st->kind) {
    case STEP_BOUNDARY: ok = eval_boundary(st, s, c, out, p); break;
    case STEP_REACH: ok = eval_reach(st, s, c, out, p); break;
    case STEP_FIX: ok = eval_fix(st, s, c, out, p); break;
    case STEP_SERVICING: ok = eval_servicing(st, s, c, out, p); break;
    default: ok = problem(p, "kind", "a %s step is not a question", step_kind_name(st->kind));
    }
    if (!ok) lesson_answer_done(out);
    return ok;
}

/* ---- goals ---- */

size_t lesson_goal_distance(const LessonStep *st, const Scenario *s, const Catalog *c,
                            char **status)
{
    Analysis *a = analyse(s, c);
    size_t failing = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        failing += a->boundaries[i].fails;
    size_t exposed = 0;
    for (size_t t = 0; t < s->n_tenants; t++)
        exposed += a->tenant_exposed[t];
    size_t d = 0;
    switch (st->goal) {
    case GOAL_ALL_HOLD: d = failing; break;
    case GOAL_NO_PATH: d = a->paths_total; break;
    case GOAL_NO_EXPOSURE: d = exposed; break;
    case GOAL_BOUNDARY_HOLDS: {
        size_t w = index_of_workload(s, st->workload);
        d = w == (size_t)-1 ? 1 : analysis_boundary(a, w, st->boundary)->fails;
        break;
    }
    case GOAL_KIND_COUNT: break;
    }
    if (status) {
        char *what = NULL;
        if (st->goal == GOAL_BOUNDARY_HOLDS)
            what = xasprintf("%s's %s boundary %s; ", st->workload ? st->workload : "?",
                             boundary_name(st->boundary), d ? "fails" : "holds");
        *status =
            xasprintf("%s%zu boundar%s fail%s, %zu path%s, %zu tenant%s exposed", what ? what : "",
                      failing, failing == 1 ? "y" : "ies", failing == 1 ? "s" : "", a->paths_total,
                      a->paths_total == 1 ? "" : "s", exposed, exposed == 1 ? "" : "s");
        free(what);
    }
    analysis_free(a);
    return d;
}

static void add_move(LessonEdit **list, size_t *n, const LessonStep *st, LessonEdit e)
{
    if (st->forbid & (1u << e.kind) || *n >= LESSON_MAX_MOVES ||
        (st->keep_placement && e.kind == LEDIT_DEDICATED)) {
        lesson_edit_done(&e);
        return;
    }
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = e;
}

LessonEdit *lesson_goal_moves(const LessonStep *st, const Scenario *s, size_t *n)
{
    LessonEdit *list = NULL;
    *n = 0;
    for (size_t w = 0; w < s->n_workloads; w++) {
        const Workload *wl = &s->workloads[w];
        if (wl->isolation != ISOLATION_HYPERV)
            add_move(&list, n, st,
                     (LessonEdit){.kind = LEDIT_ISOLATION,
                                  .target = xstrdup(wl->id),
                                  .value = ISOLATION_HYPERV});
        if (wl->account == ACCOUNT_ADMIN)
            add_move(&list, n, st,
                     (LessonEdit){
                         .kind = LEDIT_ACCOUNT, .target = xstrdup(wl->id), .value = ACCOUNT_USER});
        if (wl->privileged)
            add_move(&list, n, st,
                     (LessonEdit){.kind = LEDIT_PRIVILEGED, .target = xstrdup(wl->id)});
        for (size_t m = 0; m < wl->n_mounts; m++) {
            if (index_of_mount(wl, wl->mounts[m].host_path) != m) continue; /* a duplicate */
            if (!wl->mounts[m].read_only)
                add_move(&list, n, st,
                         (LessonEdit){.kind = LEDIT_MOUNT_READ_ONLY,
                                      .target = xstrdup(wl->id),
                                      .host_path = xstrdup(wl->mounts[m].host_path),
                                      .flag = true});
            add_move(&list, n, st,
                     (LessonEdit){.kind = LEDIT_MOUNT_REMOVE,
                                  .target = xstrdup(wl->id),
                                  .host_path = xstrdup(wl->mounts[m].host_path)});
        }
    }
    for (size_t h = 0; h < s->n_hosts; h++)
        if (s->hosts[h].ssh)
            add_move(&list, n, st,
                     (LessonEdit){.kind = LEDIT_SSH, .target = xstrdup(s->hosts[h].id)});
    for (size_t t = 0; t < s->n_tenants; t++)
        if (tenant_shares_a_host(s, t))
            add_move(&list, n, st,
                     (LessonEdit){.kind = LEDIT_DEDICATED, .target = xstrdup(s->tenants[t].id)});
    for (size_t i = 0; i < st->n_distractors; i++) {
        Scenario *t = scenario_clone(s);
        char *err = NULL;
        bool changes = lesson_edit_apply(t, &st->distractors[i], &err);
        free(err);
        scenario_free(t);
        bool dup = false;
        for (size_t j = 0; j < *n && !dup; j++)
            dup = same_edit(&list[j], &st->distractors[i]);
        if (!changes || dup) continue;
        LessonEdit e;
        lesson_edit_copy(&e, &st->distractors[i]);
        add_move(&list, n, st, e);
    }
    return list;
}

/* True when the goal is reached from s in at most depth moves of its menu. */
static bool goal_reachable(const LessonStep *st, const Scenario *s, const Catalog *c, int depth)
{
    if (lesson_goal_distance(st, s, c, NULL) == 0) return true;
    if (depth == 0) return false;
    size_t n;
    LessonEdit *moves = lesson_goal_moves(st, s, &n);
    bool ok = false;
    for (size_t i = 0; i < n && !ok; i++) {
        Scenario *t = scenario_clone(s);
        char *err = NULL;
        if (lesson_edit_apply(t, &moves[i], &err)) ok = goal_reachable(st, t, c, depth - 1);
        free(err);
        scenario_free(t);
    }
    for (size_t i = 0; i < n; i++)
        lesson_edit_done(&moves[i]);
    free(moves);
    return ok;
}

/* ---- playing ---- */

LessonRun *lesson_run_new(const Lesson *l, const Catalog *c)
{
    LessonRun *r = xcalloc(1, sizeof *r);
    r->lesson = l;
    r->catalog = c;
    r->scenario = scenario_clone(l->scenario);
    return r;
}

void lesson_run_free(LessonRun *r)
{
    if (!r) return;
    scenario_free(r->scenario);
    free(r);
}

bool lesson_run_next(LessonRun *r, char **err)
{
    if (r->step >= r->lesson->n_steps) return true;
    const LessonStep *st = &r->lesson->steps[r->step];
    if (st->kind == STEP_CHANGE && !lesson_edit_apply(r->scenario, &st->edit, err)) return false;
    r->step++;
    return true;
}

bool lesson_run_seek(LessonRun *r, size_t step, char **err)
{
    if (step > r->lesson->n_steps) step = r->lesson->n_steps;
    scenario_free(r->scenario);
    r->scenario = scenario_clone(r->lesson->scenario);
    r->step = 0;
    while (r->step < step)
        if (!lesson_run_next(r, err)) return false;
    return true;
}

/* ---- checking ---- */

static bool check_step(const LessonStep *st, const Scenario *s, const Catalog *c, LessonProblem *p)
{
    for (size_t i = 0; i < st->n_misconceptions; i++)
        if (!lesson_misconception_key_valid(st->kind, st->misconceptions[i].key)) {
            char *field = xasprintf("misconception.%s", st->misconceptions[i].key);
            problem(p, field, "not a possible wrong answer of a %s step", step_kind_name(st->kind));
            free(field);
            return false;
        }
    switch (st->kind) {
    case STEP_NOTE: return true;
    case STEP_BOUNDARY:
    case STEP_REACH:
    case STEP_FIX:
    case STEP_SERVICING: {
        LessonAnswer ans;
        if (!lesson_evaluate(st, s, c, &ans, p)) return false;
        lesson_answer_done(&ans);
        return true;
    }
    case STEP_CHANGE: {
        Scenario *t = scenario_clone(s);
        char *err = NULL;
        bool ok = lesson_edit_apply(t, &st->edit, &err);
        if (!ok) problem(p, "edit", "%s", err);
        free(err);
        scenario_free(t);
        return ok;
    }
    case STEP_GOAL: {
        if (st->goal == GOAL_BOUNDARY_HOLDS && index_of_workload(s, st->workload) == (size_t)-1)
            return problem(p, "workload", "no workload \"%s\" in the lesson's scenario",
                           st->workload ? st->workload : "");
        for (size_t i = 0; i < st->n_distractors; i++) {
            Scenario *t = scenario_clone(s);
            char *err = NULL;
            bool ok = lesson_edit_apply(t, &st->distractors[i], &err);
            if (!ok) {
                char *field = xasprintf("distractors[%zu]", i);
                problem(p, field, "%s", err);
                free(field);
            }
            free(err);
            scenario_free(t);
            if (!ok) return false;
        }
        if (lesson_goal_distance(st, s, c, NULL) == 0)
            return problem(p, "goal", "the goal already holds at this step");
        if (!goal_reachable(st, s, c, LESSON_GOAL_MAX_MOVES))
            return problem(p, "goal", "the goal cannot be reached in %d moves of its menu",
                           LESSON_GOAL_MAX_MOVES);
        return true;
    }
    case STEP_KIND_COUNT: break;
    }
    return problem(p, "kind", "unknown step kind");
}

bool lesson_check(const Lesson *l, const Catalog *c, LessonProblem *p)
{
    memset(p, 0, sizeof *p);
    if (!l->scenario) {
        p->step = LESSON_NO_STEP;
        return problem(p, "", "the lesson has no scenario");
    }
    if (l->n_steps == 0) {
        p->step = LESSON_NO_STEP;
        return problem(p, "steps", "a lesson needs at least one step");
    }
    LessonRun *r = lesson_run_new(l, c);
    bool ok = true;
    for (size_t i = 0; i < l->n_steps && ok; i++) {
        p->step = i;
        ok = check_step(&l->steps[i], r->scenario, c, p);
        char *err = NULL;
        if (ok && !lesson_run_next(r, &err)) ok = problem(p, "edit", "%s", err);
        free(err);
    }
    lesson_run_free(r);
    return ok;
}
