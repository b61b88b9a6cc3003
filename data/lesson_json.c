/* Lesson files: reads a lesson (docs/lessons.md is the user's version of this block) into a
 * model Lesson, resolves its scenario and checks it against the engine (model/lesson.c).
 *
 *   {
 *     "breakout_lesson": 1,                 required: the format version
 *     "title": "...", "summary": "...",     required, non-empty
 *     "order": 10,                          optional: position in the list (default 1000)
 *     "intro": "...", "source": "...",      optional
 *     "scenario": "shared-node-admin",      a bundled scenario's file name or name, or
 *     "scenario": { ... },                  an inline scenario (docs/scenario-format.md), or
 *     "manifest": "..." | ["line", ...],    an inline Kubernetes manifest (YAML), imported
 *     "steps": [ {                          required, at least one
 *       "kind": "boundary",                 note, boundary, reach, fix, servicing, change, goal
 *       "text": "...",                      required
 *       "explain": "...", "source": "...",  optional, every kind
 *       "workload": "...", "boundary": "isolation",       boundary (and goal boundary-holds)
 *       "from": "guest", "to": "tenant:contoso",          reach
 *       "distractors": [ EDIT, ... ],                     fix, goal
 *       "subjects": [ { "workload", "boundary", "technique", "label" } ],   servicing
 *       "edit": EDIT,                                     change
 *       "goal": "all-hold", "keep_placement": true, "forbid": ["isolation"],   goal
 *       "misconception": { "yes": "...", "*": "..." } } ]  questions and goals
 *   }
 *   EDIT: { "workload": ID, one of "isolation", "account", "privileged", "compromised",
 *           "hardening": [...], "mount": HOST_PATH with "read_only" or "remove": true,
 *           "add_mount": { "host_path", "path", "read_only" } }
 *       | { "host": ID, "ssh": BOOL } | { "tenant": ID, "trust": T } | { "tenant": ID,
 *         "dedicated": true } | { "assume": { NAME: BOOL } }
 */
#include "lesson_json.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "fileio.h"
#include "import.h"
#include "json_strict.h"
#include "scenario_json.h"
#include "xalloc.h"

#define MAX_PATH 8

typedef struct {
    const char *text;
    size_t len;
    const char *file;
    JsonPathStep path[MAX_PATH];
    size_t depth;
    char *err; /* owned: the first error */
} Reader;

/* ---- messages and paths ---- */

static char *path_text(const JsonPathStep *path, size_t n)
{
    char *s = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *next = path[i].key ? xasprintf("%s%s%s", s, i ? "." : "", path[i].key)
                                 : xasprintf("%s[%zu]", s, path[i].index);
        free(s);
        s = next;
    }
    return s;
}

__attribute__((format(printf, 3, 4))) static bool bad(Reader *r, bool at_key, const char *fmt, ...)
{
    if (r->err) return false;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    size_t n = r->depth < MAX_PATH ? r->depth : MAX_PATH;
    char *where = path_text(r->path, n);
    const char *sep = *where ? ": " : "";
    size_t line, col;
    if (json_strict_locate(r->text, r->len, r->path, n, at_key, &line, &col))
        r->err = xasprintf("%s:%zu:%zu: %s%s%s", r->file, line, col, where, sep, msg);
    else
        r->err = xasprintf("%s: %s%s%s", r->file, where, sep, msg);
    free(where);
    free(msg);
    return false;
}

static char *describe_value(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        char *q = json_strict_quote(v->valuestring, strlen(v->valuestring));
        char *d = xasprintf("the string %s", q);
        free(q);
        return d;
    }
    if (cJSON_IsNumber(v)) return xasprintf("the number %.15g", v->valuedouble);
    if (cJSON_IsTrue(v)) return xstrdup("true");
    if (cJSON_IsFalse(v)) return xstrdup("false");
    if (cJSON_IsNull(v)) return xstrdup("null");
    if (cJSON_IsArray(v)) return xstrdup("an array");
    return xstrdup("an object");
}

static bool bad_type(Reader *r, const cJSON *v, const char *expected)
{
    char *d = describe_value(v);
    bad(r, false, "expected %s, got %s", expected, d);
    free(d);
    return false;
}

/* Returns an owned "\"a\", \"b\" or \"c\"". */
static char *choices_text(const char *const *names, size_t n)
{
    char *s = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *next = xasprintf("%s%s\"%s\"", s, i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
        free(s);
        s = next;
    }
    return s;
}

static bool bad_enum(Reader *r, const cJSON *v, const char *const *names, size_t n)
{
    char *list = choices_text(names, n);
    char *got = cJSON_IsString(v) ? json_strict_quote(v->valuestring, strlen(v->valuestring))
                                  : describe_value(v);
    bad(r, false, "expected %s, got %s", list, got);
    free(list);
    free(got);
    return false;
}

static void push_key(Reader *r, const char *key)
{
    if (r->depth < MAX_PATH) r->path[r->depth] = (JsonPathStep){key, 0};
    r->depth++;
}

static void push_index(Reader *r, size_t index)
{
    if (r->depth < MAX_PATH) r->path[r->depth] = (JsonPathStep){NULL, index};
    r->depth++;
}

static void pop(Reader *r)
{
    r->depth--;
}

/* ---- values ---- */

static bool read_bool(Reader *r, const cJSON *v, bool *out)
{
    if (!cJSON_IsBool(v)) return bad_type(r, v, "true or false");
    *out = cJSON_IsTrue(v);
    return true;
}

/* Replaces *field (owned) with a copy of the non-empty string in v. */
static bool read_text(Reader *r, const cJSON *v, const char *what, char **field)
{
    if (!cJSON_IsString(v)) return bad_type(r, v, what);
    if (!*v->valuestring) return bad(r, false, "expected %s, got \"\"", what);
    free(*field);
    *field = xstrdup(v->valuestring);
    return true;
}

static bool read_int(Reader *r, const cJSON *v, int lo, int hi, int *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi) {
        char *what = xasprintf("an integer from %d to %d", lo, hi);
        bad_type(r, v, what);
        free(what);
        return false;
    }
    *out = (int)v->valuedouble;
    return true;
}

static bool read_boundary(Reader *r, const cJSON *v, BoundaryKind *out)
{
    if (cJSON_IsString(v) && strcmp(v->valuestring, "isolation") == 0) {
        *out = BOUNDARY_ISOLATION;
        return true;
    }
    if (cJSON_IsString(v) && strcmp(v->valuestring, "host-volume") == 0) {
        *out = BOUNDARY_HOST_VOLUME;
        return true;
    }
    const char *names[] = {"isolation", "host-volume"};
    return bad_enum(r, v, names, 2);
}

/* ---- objects: keys ---- */

typedef struct {
    const char *const *keys;
    size_t n;
} Keys;

static int key_index(const Keys *t, const char *key)
{
    for (size_t k = 0; k < t->n; k++)
        if (strcmp(t->keys[k], key) == 0) return (int)k;
    return -1;
}

/* Reports member key of the current object as unknown; allowed: bits of t's keys. */
static bool unknown_key(Reader *r, const Keys *t, unsigned allowed, const char *key,
                        const char *what)
{
    const char *names[32];
    size_t n = 0;
    for (size_t k = 0; k < t->n && n < 32; k++)
        if (allowed >> k & 1u) names[n++] = t->keys[k];
    char *list = choices_text(names, n);
    push_key(r, key);
    bad(r, true, "unknown key%s%s, expected %s", what ? " for " : "", what ? what : "", list);
    pop(r);
    free(list);
    return false;
}

/* ---- edits ---- */

enum {
    E_WORKLOAD,
    E_HOST,
    E_TENANT,
    E_ASSUME,
    E_ISOLATION,
    E_ACCOUNT,
    E_PRIVILEGED,
    E_COMPROMISED,
    E_HARDENING,
    E_MOUNT,
    E_READ_ONLY,
    E_REMOVE,
    E_ADD_MOUNT,
    E_SSH,
    E_TRUST,
    E_DEDICATED,
    E_COUNT
};
static const char *const edit_keys[E_COUNT] = {"workload",  "host",    "tenant",     "assume",
                                               "isolation", "account", "privileged", "compromised",
                                               "hardening", "mount",   "read_only",  "remove",
                                               "add_mount", "ssh",     "trust",      "dedicated"};
static const Keys edit_table = {edit_keys, E_COUNT};
#define TARGETS (1u << E_WORKLOAD | 1u << E_HOST | 1u << E_TENANT | 1u << E_ASSUME)
#define WORKLOAD_SETTINGS                                                                          \
    (1u << E_ISOLATION | 1u << E_ACCOUNT | 1u << E_PRIVILEGED | 1u << E_COMPROMISED |              \
     1u << E_HARDENING | 1u << E_MOUNT | 1u << E_ADD_MOUNT)

static const char *const mount_keys[] = {"host_path", "path", "read_only"};
static const Keys mount_table = {mount_keys, 3};

static unsigned popcount(unsigned x)
{
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* The names of the keys in bits, as "\"a\", \"b\" and \"c\"" (conj "and"), or with "or". */
static char *keys_named(unsigned bits, const char *conj)
{
    const char *names[E_COUNT];
    size_t n = 0;
    for (int k = 0; k < E_COUNT; k++)
        if (bits >> k & 1u) names[n++] = edit_keys[k];
    char *s = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *next = xasprintf("%s%s\"%s\"", s, i == 0 ? "" : i + 1 == n ? conj : ", ", names[i]);
        free(s);
        s = next;
    }
    return s;
}

static bool read_add_mount(Reader *r, const cJSON *v, LessonEdit *e)
{
    if (!cJSON_IsObject(v)) return bad_type(r, v, "an object with \"host_path\"");
    const cJSON *m;
    bool has_host_path = false;
    cJSON_ArrayForEach(m, v)
    {
        int k = key_index(&mount_table, m->string);
        if (k < 0) return unknown_key(r, &mount_table, 7u, m->string, NULL);
        push_key(r, m->string);
        bool ok = k == 0   ? read_text(r, m, "a non-empty path", &e->host_path)
                  : k == 1 ? read_text(r, m, "a non-empty path", &e->path)
                           : read_bool(r, m, &e->flag);
        pop(r);
        if (!ok) return false;
        has_host_path |= k == 0;
    }
    if (!has_host_path) return bad(r, false, "missing required key \"host_path\"");
    return true;
}

static bool read_hardening(Reader *r, const cJSON *v, StrList *names)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return bad_type(r, v, "a non-empty array of hardening names");
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        push_index(r, i++);
        char *s = NULL;
        bool ok = read_text(r, e, "a hardening name such as \"apparmor\"", &s);
        pop(r);
        if (!ok) return false;
        strlist_add(names, s);
        free(s);
    }
    return true;
}

static bool read_assume(Reader *r, const cJSON *v, LessonEdit *e)
{
    if (!cJSON_IsObject(v) || cJSON_GetArraySize(v) != 1)
        return bad_type(r, v, "an object with one assumption, e.g. {\"kernel_exploit\": false}");
    const cJSON *m = v->child;
    Assumption a;
    if (!assumption_parse(m->string, &a)) {
        const char *names[] = {"kernel_exploit", "hypervisor_exploit", "sandbox_exploit"};
        char *list = choices_text(names, 3);
        push_key(r, m->string);
        bad(r, true, "unknown assumption, expected %s", list);
        pop(r);
        free(list);
        return false;
    }
    e->value = (int)a;
    push_key(r, m->string);
    bool ok = read_bool(r, m, &e->flag);
    pop(r);
    return ok;
}

/* Reads one member of an edit object. */
static bool edit_member(Reader *r, int k, const cJSON *v, LessonEdit *e)
{
    switch (k) {
    case E_WORKLOAD:
    case E_HOST:
    case E_TENANT: return read_text(r, v, "a non-empty id", &e->target);
    case E_ASSUME: return read_assume(r, v, e);
    case E_ISOLATION: {
        Isolation i;
        if (cJSON_IsString(v) && isolation_parse(v->valuestring, &i)) {
            e->value = (int)i;
            return true;
        }
        const char *names[] = {"process", "hyperv", "sandbox", "host"};
        return bad_enum(r, v, names, 4);
    }
    case E_ACCOUNT: {
        Account a;
        if (cJSON_IsString(v) && account_parse(v->valuestring, &a)) {
            e->value = (int)a;
            return true;
        }
        const char *names[] = {"admin", "user"};
        return bad_enum(r, v, names, 2);
    }
    case E_TRUST: {
        Trust t;
        if (cJSON_IsString(v) && trust_parse(v->valuestring, &t)) {
            e->value = (int)t;
            return true;
        }
        const char *names[] = {"trusted", "untrusted"};
        return bad_enum(r, v, names, 2);
    }
    case E_PRIVILEGED:
    case E_COMPROMISED:
    case E_SSH:
    case E_READ_ONLY: return read_bool(r, v, &e->flag);
    case E_HARDENING: return read_hardening(r, v, &e->names);
    case E_MOUNT: return read_text(r, v, "a non-empty host path", &e->host_path);
    case E_ADD_MOUNT: return read_add_mount(r, v, e);
    case E_REMOVE:
    case E_DEDICATED:
        if (!cJSON_IsTrue(v)) return bad_type(r, v, "true");
        return true;
    default: return false;
    }
}

static bool read_edit(Reader *r, const cJSON *v, LessonEdit *e)
{
    if (!cJSON_IsObject(v))
        return bad_type(r, v,
                        "an object such as {\"workload\": \"app\", \"isolation\": \"hyperv\"}");
    unsigned seen = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, v)
    {
        int k = key_index(&edit_table, m->string);
        if (k < 0) return unknown_key(r, &edit_table, (1u << E_COUNT) - 1, m->string, "an edit");
        push_key(r, m->string);
        bool ok = edit_member(r, k, m, e);
        pop(r);
        if (!ok) return false;
        seen |= 1u << k;
    }
    unsigned targets = seen & TARGETS, settings = seen & ~TARGETS;
    if (popcount(targets) != 1) {
        char *got = keys_named(targets, " and ");
        bad(r, false,
            "expected exactly one of \"workload\", \"host\", \"tenant\" or \"assume\"%s%s",
            targets ? ", got " : "", got);
        free(got);
        return false;
    }
    unsigned allowed = targets & 1u << E_WORKLOAD
                           ? WORKLOAD_SETTINGS | 1u << E_READ_ONLY | 1u << E_REMOVE
                       : targets & 1u << E_HOST   ? 1u << E_SSH
                       : targets & 1u << E_TENANT ? 1u << E_TRUST | 1u << E_DEDICATED
                                                  : 0;
    if (settings & ~allowed) {
        int k = 0;
        while (!((settings & ~allowed) >> k & 1u))
            k++;
        char *list = keys_named(allowed, " or ");
        push_key(r, edit_keys[k]);
        if (allowed)
            bad(r, true, "does not apply to a %s, expected %s", edit_keys[__builtin_ctz(targets)],
                list);
        else
            bad(r, true, "an assumption edit takes nothing else");
        pop(r);
        free(list);
        return false;
    }
    if (targets & 1u << E_WORKLOAD) {
        unsigned main = settings & WORKLOAD_SETTINGS;
        if (popcount(main) != 1) {
            char *got = keys_named(main, " and ");
            char *list = keys_named(WORKLOAD_SETTINGS, " or ");
            bad(r, false, "expected exactly one change of the workload: %s%s%s", list,
                main ? "; got " : "", got);
            free(got);
            free(list);
            return false;
        }
        unsigned mount_opts = settings & (1u << E_READ_ONLY | 1u << E_REMOVE);
        if (main == 1u << E_MOUNT && popcount(mount_opts) != 1)
            return bad(r, false, "\"mount\" needs exactly one of \"read_only\" or \"remove\"");
        if (main != 1u << E_MOUNT && mount_opts) {
            push_key(r, mount_opts & 1u << E_READ_ONLY ? "read_only" : "remove");
            bad(r, true, "goes with \"mount\" only");
            pop(r);
            return false;
        }
        switch (main) {
        case 1u << E_ISOLATION: e->kind = LEDIT_ISOLATION; break;
        case 1u << E_ACCOUNT: e->kind = LEDIT_ACCOUNT; break;
        case 1u << E_PRIVILEGED: e->kind = LEDIT_PRIVILEGED; break;
        case 1u << E_COMPROMISED: e->kind = LEDIT_COMPROMISED; break;
        case 1u << E_HARDENING: e->kind = LEDIT_HARDENING; break;
        case 1u << E_ADD_MOUNT: e->kind = LEDIT_MOUNT_ADD; break;
        default: e->kind = mount_opts & 1u << E_REMOVE ? LEDIT_MOUNT_REMOVE : LEDIT_MOUNT_READ_ONLY;
        }
        return true;
    }
    if (targets & 1u << E_ASSUME) {
        e->kind = LEDIT_ASSUME;
        return true;
    }
    if (popcount(settings) != 1) {
        char *list = keys_named(allowed, " or ");
        bad(r, false, "expected exactly one change: %s", list);
        free(list);
        return false;
    }
    e->kind = settings & 1u << E_SSH     ? LEDIT_SSH
              : settings & 1u << E_TRUST ? LEDIT_TRUST
                                         : LEDIT_DEDICATED;
    return true;
}

static bool read_edits(Reader *r, const cJSON *v, LessonStep *st)
{
    if (!cJSON_IsArray(v)) return bad_type(r, v, "an array of edits");
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        push_index(r, i++);
        bool ok = read_edit(r, e, lesson_step_add_distractor(st));
        pop(r);
        if (!ok) return false;
    }
    return true;
}

/* ---- steps ---- */

enum {
    S_KIND,
    S_TEXT,
    S_EXPLAIN,
    S_SOURCE,
    S_WORKLOAD,
    S_BOUNDARY,
    S_FROM,
    S_TO,
    S_DISTRACTORS,
    S_SUBJECTS,
    S_EDIT,
    S_GOAL,
    S_KEEP_PLACEMENT,
    S_FORBID,
    S_MISCONCEPTION,
    S_COUNT
};
static const char *const step_keys[S_COUNT] = {
    "kind",           "text",   "explain",      "source",   "workload", "boundary",
    "from",           "to",     "distractors",  "subjects", "edit",     "goal",
    "keep_placement", "forbid", "misconception"};
static const Keys step_table = {step_keys, S_COUNT};
#define COMMON (1u << S_KIND | 1u << S_TEXT | 1u << S_EXPLAIN | 1u << S_SOURCE)
static const unsigned step_allowed[STEP_KIND_COUNT] = {
    [STEP_NOTE] = COMMON,
    [STEP_BOUNDARY] = COMMON | 1u << S_WORKLOAD | 1u << S_BOUNDARY | 1u << S_MISCONCEPTION,
    [STEP_REACH] = COMMON | 1u << S_FROM | 1u << S_TO | 1u << S_MISCONCEPTION,
    [STEP_FIX] = COMMON | 1u << S_DISTRACTORS | 1u << S_MISCONCEPTION,
    [STEP_SERVICING] = COMMON | 1u << S_SUBJECTS | 1u << S_MISCONCEPTION,
    [STEP_CHANGE] = COMMON | 1u << S_EDIT,
    [STEP_GOAL] = COMMON | 1u << S_GOAL | 1u << S_WORKLOAD | 1u << S_BOUNDARY |
                  1u << S_KEEP_PLACEMENT | 1u << S_FORBID | 1u << S_DISTRACTORS |
                  1u << S_MISCONCEPTION,
};
static const unsigned step_required[STEP_KIND_COUNT] = {
    [STEP_NOTE] = 1u << S_KIND | 1u << S_TEXT,
    [STEP_BOUNDARY] = 1u << S_KIND | 1u << S_TEXT | 1u << S_WORKLOAD,
    [STEP_REACH] = 1u << S_KIND | 1u << S_TEXT | 1u << S_FROM | 1u << S_TO,
    [STEP_FIX] = 1u << S_KIND | 1u << S_TEXT,
    [STEP_SERVICING] = 1u << S_KIND | 1u << S_TEXT | 1u << S_SUBJECTS,
    [STEP_CHANGE] = 1u << S_KIND | 1u << S_TEXT | 1u << S_EDIT,
    [STEP_GOAL] = 1u << S_KIND | 1u << S_TEXT | 1u << S_GOAL,
};

static const char *const subject_keys[] = {"workload", "boundary", "technique", "label"};
static const Keys subject_table = {subject_keys, 4};

static bool read_subjects(Reader *r, const cJSON *v, LessonStep *st)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return bad_type(r, v, "a non-empty array of subjects");
    if (cJSON_GetArraySize(v) >= LESSON_MAX_CHOICES)
        return bad(r, false, "at most %d subjects (the last key is \"none of these\")",
                   LESSON_MAX_CHOICES - 1);
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        push_index(r, i++);
        LessonSubject *sub = lesson_step_add_subject(st);
        if (!cJSON_IsObject(e)) {
            bad_type(r, e, "an object with \"workload\"");
            pop(r);
            return false;
        }
        const cJSON *m;
        bool ok = true;
        cJSON_ArrayForEach(m, e)
        {
            int k = key_index(&subject_table, m->string);
            if (k < 0) {
                ok = unknown_key(r, &subject_table, 15u, m->string, NULL);
                break;
            }
            push_key(r, m->string);
            ok = k == 0   ? read_text(r, m, "a non-empty workload id", &sub->workload)
                 : k == 1 ? read_boundary(r, m, &sub->boundary)
                 : k == 2 ? read_text(r, m, "a technique id", &sub->technique)
                          : read_text(r, m, "a non-empty label", &sub->label);
            pop(r);
            if (!ok) break;
        }
        if (ok && !sub->workload) ok = bad(r, false, "missing required key \"workload\"");
        pop(r);
        if (!ok) return false;
    }
    return true;
}

static bool read_misconceptions(Reader *r, const cJSON *v, LessonStep *st)
{
    if (!cJSON_IsObject(v)) return bad_type(r, v, "an object keyed by wrong answers");
    const cJSON *m;
    cJSON_ArrayForEach(m, v)
    {
        push_key(r, m->string);
        if (!lesson_misconception_key_valid(st->kind, m->string)) {
            const char *hint = st->kind == STEP_SERVICING
                                   ? "a servicing class (\"none\", \"by-design\", "
                                     "\"not-a-boundary\", \"security-boundary\") or \"*\""
                               : st->kind == STEP_FIX || st->kind == STEP_GOAL
                                   ? "an edit kind (\"isolation\", \"account\", \"hardening\", "
                                     "\"mount-read-only\", ...) or \"*\""
                                   : "\"yes\", \"no\" or \"*\"";
            bad(r, true, "not a possible wrong answer of a %s step, expected %s",
                step_kind_name(st->kind), hint);
            pop(r);
            return false;
        }
        char *text = NULL;
        bool ok = read_text(r, m, "a non-empty text", &text);
        pop(r);
        if (!ok) return false;
        lesson_step_add_misconception(st, m->string, text);
        free(text);
    }
    return true;
}

static bool read_forbid(Reader *r, const cJSON *v, unsigned *forbid)
{
    if (!cJSON_IsArray(v)) return bad_type(r, v, "an array of edit kinds");
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        push_index(r, i++);
        LessonEditKind k;
        bool ok = cJSON_IsString(e) && lesson_edit_kind_parse(e->valuestring, &k);
        if (ok) {
            *forbid |= 1u << k;
        } else {
            const char *names[LEDIT_KIND_COUNT];
            for (int j = 0; j < LEDIT_KIND_COUNT; j++)
                names[j] = lesson_edit_kind_name((LessonEditKind)j);
            bad_enum(r, e, names, LEDIT_KIND_COUNT);
        }
        pop(r);
        if (!ok) return false;
    }
    return true;
}

static bool step_member(Reader *r, int k, const cJSON *v, LessonStep *st)
{
    switch (k) {
    case S_KIND: return true; /* read first */
    case S_TEXT: return read_text(r, v, "a non-empty text", &st->text);
    case S_EXPLAIN: return read_text(r, v, "a non-empty text", &st->explain);
    case S_SOURCE: return read_text(r, v, "a non-empty section name", &st->source);
    case S_WORKLOAD: return read_text(r, v, "a non-empty workload id", &st->workload);
    case S_BOUNDARY: return read_boundary(r, v, &st->boundary);
    case S_FROM: return read_text(r, v, "a workload or tenant id", &st->from);
    case S_TO: return read_text(r, v, "\"host:ID\" or \"tenant:ID\"", &st->to);
    case S_DISTRACTORS: return read_edits(r, v, st);
    case S_SUBJECTS: return read_subjects(r, v, st);
    case S_EDIT: return read_edit(r, v, &st->edit);
    case S_GOAL: {
        GoalKind g;
        if (cJSON_IsString(v) && goal_kind_parse(v->valuestring, &g)) {
            st->goal = g;
            return true;
        }
        const char *names[GOAL_KIND_COUNT];
        for (int j = 0; j < GOAL_KIND_COUNT; j++)
            names[j] = goal_kind_name((GoalKind)j);
        return bad_enum(r, v, names, GOAL_KIND_COUNT);
    }
    case S_KEEP_PLACEMENT: return read_bool(r, v, &st->keep_placement);
    case S_FORBID: return read_forbid(r, v, &st->forbid);
    case S_MISCONCEPTION: return read_misconceptions(r, v, st);
    default: return false;
    }
}

static bool read_step(Reader *r, const cJSON *v, Lesson *l)
{
    if (!cJSON_IsObject(v)) return bad_type(r, v, "a step object with \"kind\" and \"text\"");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(v, "kind");
    if (!kind) return bad(r, false, "missing required key \"kind\"");
    StepKind k;
    push_key(r, "kind");
    if (!cJSON_IsString(kind) || !step_kind_parse(kind->valuestring, &k)) {
        const char *names[STEP_KIND_COUNT];
        for (int j = 0; j < STEP_KIND_COUNT; j++)
            names[j] = step_kind_name((StepKind)j);
        bad_enum(r, kind, names, STEP_KIND_COUNT);
        pop(r);
        return false;
    }
    pop(r);
    LessonStep *st = lesson_add_step(l, k);
    unsigned seen = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, v)
    {
        int key = key_index(&step_table, m->string);
        if (key < 0 || !(step_allowed[k] >> key & 1u)) {
            char *what = xasprintf("a %s step", step_kind_name(k));
            unknown_key(r, &step_table, step_allowed[k], m->string, what);
            free(what);
            return false;
        }
        push_key(r, m->string);
        bool ok = step_member(r, key, m, st);
        pop(r);
        if (!ok) return false;
        seen |= 1u << key;
    }
    unsigned required = step_required[k];
    if (k == STEP_GOAL && st->goal == GOAL_BOUNDARY_HOLDS) required |= 1u << S_WORKLOAD;
    for (int key = 0; key < S_COUNT; key++)
        if ((required >> key & 1u) && !(seen >> key & 1u))
            return bad(r, false, "missing required key \"%s\" for a %s step%s", step_keys[key],
                       step_kind_name(k),
                       k == STEP_GOAL && key == S_WORKLOAD ? " with goal \"boundary-holds\"" : "");
    if (k == STEP_GOAL && st->goal != GOAL_BOUNDARY_HOLDS &&
        (seen & (1u << S_WORKLOAD | 1u << S_BOUNDARY))) {
        push_key(r, seen & 1u << S_WORKLOAD ? "workload" : "boundary");
        bad(r, true, "goes with goal \"boundary-holds\" only");
        pop(r);
        return false;
    }
    return true;
}

/* ---- the scenario ---- */

Scenario *lesson_bundled_scenario(const char *name)
{
    for (const EmbeddedFile *f = embedded_scenarios; f->path; f++) {
        const char *base = strrchr(f->path, '/');
        base = base ? base + 1 : f->path;
        size_t n = strlen(base);
        if (n > 5 && strncmp(base, name, n - 5) == 0 && name[n - 5] == '\0') {
            char *err = NULL;
            Scenario *s = scenario_parse(f->data, f->size, f->path, &err);
            free(err);
            return s;
        }
    }
    for (const EmbeddedFile *f = embedded_scenarios; f->path; f++) {
        char *err = NULL;
        Scenario *s = scenario_parse(f->data, f->size, f->path, &err);
        free(err);
        if (s && strcmp(s->name, name) == 0) return s;
        scenario_free(s);
    }
    return NULL;
}

/* The byte offset of (line, col) in text (positions as json_strict counts them). */
static size_t offset_of(const char *text, size_t len, size_t line, size_t col)
{
    size_t l = 1, c = 1;
    size_t i = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    for (; i < len; i++) {
        unsigned char b = (unsigned char)text[i];
        if ((b & 0xc0) == 0x80) continue;
        if (l == line && c == col) return i;
        if (b == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    return len;
}

/* The end (exclusive) of the JSON object or array starting at text[at] (valid JSON). */
static size_t value_end(const char *text, size_t len, size_t at)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = at; i < len; i++) {
        char ch = text[i];
        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '{' || ch == '[') {
            depth++;
        } else if (ch == '}' || ch == ']') {
            if (--depth == 0) return i + 1;
        }
    }
    return len;
}

/* "FILE:L:C: PATH: MSG" from scenario_parse -> the same with PATH under "scenario". */
static char *under_scenario(const char *file, const char *msg)
{
    size_t fl = strlen(file);
    const char *rest = msg;
    if (strncmp(msg, file, fl) == 0 && msg[fl] == ':') {
        rest = msg + fl + 1;
        while ((*rest >= '0' && *rest <= '9') || *rest == ':')
            rest++;
        while (*rest == ' ')
            rest++;
    }
    size_t head = (size_t)(rest - msg);
    static const char *const top[] = {"breakout", "name",  "description", "assumptions",
                                      "tenants",  "hosts", "workloads"};
    bool path = false;
    for (size_t i = 0; i < sizeof top / sizeof *top && !path; i++) {
        size_t n = strlen(top[i]);
        path =
            strncmp(rest, top[i], n) == 0 && (rest[n] == '.' || rest[n] == '[' || rest[n] == ':');
    }
    return xasprintf("%.*sscenario%s%s", (int)head, msg, path ? "." : ": ", rest);
}

/* Reads the inline scenario v (at the current path) by handing scenario_parse a copy of the
 * file in which everything but v is blanked, so that its positions are the file's. */
static Scenario *read_inline_scenario(Reader *r, const cJSON *v)
{
    (void)v;
    size_t line, col;
    size_t n = r->depth < MAX_PATH ? r->depth : MAX_PATH;
    if (!json_strict_locate(r->text, r->len, r->path, n, false, &line, &col)) {
        bad(r, false, "cannot find the inline scenario");
        return NULL;
    }
    size_t start = offset_of(r->text, r->len, line, col);
    size_t end = value_end(r->text, r->len, start);
    char *copy = xmalloc(end + 1);
    size_t k = 0;
    size_t i = r->len >= 3 && memcmp(r->text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    for (; i < start; i++) {
        unsigned char b = (unsigned char)r->text[i];
        if ((b & 0xc0) == 0x80) continue; /* one blank per character keeps columns */
        copy[k++] = b == '\n' ? '\n' : ' ';
    }
    memcpy(copy + k, r->text + start, end - start);
    k += end - start;
    copy[k] = '\0';
    char *err = NULL;
    Scenario *s = scenario_parse(copy, k, r->file, &err);
    free(copy);
    if (!s) {
        r->err = under_scenario(r->file, err);
        free(err);
    }
    return s;
}

static Scenario *read_manifest(Reader *r, const cJSON *v)
{
    char *text = NULL;
    if (cJSON_IsString(v) && *v->valuestring) {
        text = xstrdup(v->valuestring);
    } else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0) {
        text = xstrdup("");
        size_t i = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, v)
        {
            if (!cJSON_IsString(e)) {
                push_index(r, i);
                bad_type(r, e, "a line of YAML (a string)");
                pop(r);
                free(text);
                return NULL;
            }
            char *next = xasprintf("%s%s\n", text, e->valuestring);
            free(text);
            text = next;
            i++;
        }
    } else {
        bad_type(r, v, "a Kubernetes manifest: a YAML string or an array of lines");
        return NULL;
    }
    char *err = NULL;
    StrList notes = {0};
    Scenario *s = import_text(text, strlen(text), "manifest", NULL, NULL, &notes, &err);
    strlist_done(&notes);
    free(text);
    if (!s) {
        bad(r, false, "%s", err);
        free(err);
    }
    return s;
}

/* ---- the lesson ---- */

enum { T_VERSION, T_TITLE, T_SUMMARY, T_ORDER, T_INTRO, T_SOURCE, T_SCENARIO, T_MANIFEST, T_STEPS };
static const char *const top_keys[] = {"breakout_lesson", "title",    "summary",  "order", "intro",
                                       "source",          "scenario", "manifest", "steps"};
static const Keys top_table = {top_keys, 9};

static bool read_lesson(Reader *r, const cJSON *root, Lesson *l)
{
    if (!cJSON_IsObject(root)) {
        char *d = describe_value(root);
        bad(r, false, "expected a JSON object (a breakout lesson), got %s", d);
        free(d);
        return false;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "breakout_lesson");
    if (!version)
        return bad(r, false,
                   "missing required key \"breakout_lesson\" (the lesson format "
                   "version, 1)");
    push_key(r, "breakout_lesson");
    bool ok = cJSON_IsNumber(version) && version->valuedouble == LESSON_FORMAT_VERSION;
    if (!ok) {
        if (cJSON_IsNumber(version))
            bad(r, false, "unsupported lesson format version %.15g, expected 1",
                version->valuedouble);
        else
            bad_type(r, version, "the lesson format version 1");
    }
    pop(r);
    if (!ok) return false;
    l->order = 1000;
    unsigned seen = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, root)
    {
        int k = key_index(&top_table, m->string);
        if (k < 0) return unknown_key(r, &top_table, 0x1ffu, m->string, NULL);
        push_key(r, m->string);
        switch (k) {
        case T_VERSION: ok = true; break;
        case T_TITLE: ok = read_text(r, m, "a non-empty title", &l->title); break;
        case T_SUMMARY: ok = read_text(r, m, "a non-empty summary", &l->summary); break;
        case T_ORDER: ok = read_int(r, m, 0, 1000000, &l->order); break;
        case T_INTRO: ok = read_text(r, m, "a non-empty text", &l->intro); break;
        case T_SOURCE: ok = read_text(r, m, "a non-empty section name", &l->source); break;
        case T_SCENARIO:
        case T_MANIFEST:
            if (seen & (1u << T_SCENARIO | 1u << T_MANIFEST)) {
                ok = bad(r, true, "a lesson has one of \"scenario\" or \"manifest\", not both");
            } else if (k == T_MANIFEST) {
                l->scenario = read_manifest(r, m);
                ok = l->scenario != NULL;
                if (ok) l->origin = xstrdup("an inline Kubernetes manifest, imported");
            } else if (cJSON_IsString(m)) {
                l->scenario = lesson_bundled_scenario(m->valuestring);
                ok = l->scenario != NULL;
                if (ok) {
                    l->origin = xasprintf("the bundled scenario %s", m->valuestring);
                } else {
                    char *q = json_strict_quote(m->valuestring, strlen(m->valuestring));
                    bad(r, false, "no bundled scenario named %s (see breakout list)", q);
                    free(q);
                }
            } else if (cJSON_IsObject(m)) {
                l->scenario = read_inline_scenario(r, m);
                ok = l->scenario != NULL;
                if (ok) l->origin = xstrdup("a scenario written in the lesson");
            } else {
                ok = bad_type(r, m, "a bundled scenario's name or an inline scenario object");
            }
            break;
        default: {
            if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) == 0) {
                ok = bad_type(r, m, "a non-empty array of steps");
                break;
            }
            size_t i = 0;
            const cJSON *e;
            cJSON_ArrayForEach(e, m)
            {
                push_index(r, i++);
                ok = read_step(r, e, l);
                pop(r);
                if (!ok) break;
            }
        }
        }
        pop(r);
        if (!ok) return false;
        seen |= 1u << k;
    }
    static const int required[] = {T_TITLE, T_SUMMARY, T_STEPS};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!(seen >> required[i] & 1u))
            return bad(r, false, "missing required key \"%s\"", top_keys[required[i]]);
    if (!(seen & (1u << T_SCENARIO | 1u << T_MANIFEST)))
        return bad(r, false, "missing required key \"scenario\" (or \"manifest\")");
    return true;
}

/* Reports problem p of lesson_check at its place in the file: the deepest part of the path
 * the file has (a default the file leaves out has no place of its own). */
static void report_problem(Reader *r, const LessonProblem *p)
{
    char names[MAX_PATH][48];
    size_t n_names = 0;
    r->depth = 0;
    if (p->step != LESSON_NO_STEP) {
        push_key(r, "steps");
        push_index(r, p->step);
    }
    const char *f = p->field ? p->field : "";
    while (*f && r->depth < MAX_PATH) {
        if (*f == '.') {
            f++;
        } else if (*f == '[') {
            char *end;
            push_index(r, strtoul(f + 1, &end, 10));
            f = *end == ']' ? end + 1 : end;
        } else {
            size_t k = 0;
            while (*f && *f != '.' && *f != '[' && k + 1 < sizeof names[0])
                names[n_names][k++] = *f++;
            names[n_names][k] = '\0';
            push_key(r, names[n_names++]);
        }
    }
    char *full = path_text(r->path, r->depth);
    const char *sep = *full ? ": " : "";
    size_t line, col, d = r->depth;
    while (d > 0 && !json_strict_locate(r->text, r->len, r->path, d, false, &line, &col))
        d--;
    if (d > 0 || json_strict_locate(r->text, r->len, r->path, 0, false, &line, &col))
        r->err = xasprintf("%s:%zu:%zu: %s%s%s", r->file, line, col, full, sep, p->message);
    else
        r->err = xasprintf("%s: %s%s%s", r->file, full, sep, p->message);
    free(full);
}

Lesson *lesson_parse(const char *text, size_t len, const char *file, const char *name,
                     const Catalog *c, char **err)
{
    cJSON *root = json_parse_strict(text, len, file, err);
    if (!root) return NULL;
    Reader r = {.text = text, .len = len, .file = file};
    Lesson *l = lesson_new(name);
    bool ok = read_lesson(&r, root, l);
    cJSON_Delete(root);
    if (ok) {
        LessonProblem p;
        if (!lesson_check(l, c, &p)) {
            report_problem(&r, &p);
            ok = false;
        }
        lesson_problem_done(&p);
    }
    if (!ok) {
        lesson_free(l);
        *err = r.err;
        return NULL;
    }
    return l;
}

/* Returns the owned base name of path without its ".json". */
static char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".json") == 0) n -= 5;
    return xstrndup(b, n);
}

Lesson *lesson_load_file(const char *path, const Catalog *c, char **err)
{
    char *text;
    size_t len;
    if (!file_read_all(path, LESSON_MAX_FILE_BYTES, &text, &len, err)) return NULL;
    char *name = base_name(path);
    Lesson *l = lesson_parse(text, len, path, name, c, err);
    free(name);
    free(text);
    return l;
}

/* ---- the list ---- */

static void list_put(LessonList *list, Lesson *l)
{
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i]->name, l->name) == 0) {
            lesson_free(list->items[i]);
            list->items[i] = l;
            return;
        }
    xgrow((void **)&list->items, &list->cap, list->n + 1, sizeof *list->items);
    list->items[list->n++] = l;
}

static int by_order(const void *x, const void *y)
{
    const Lesson *a = *(Lesson *const *)x, *b = *(Lesson *const *)y;
    if (a->order != b->order) return a->order < b->order ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int by_string(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

bool lessons_load_all(const char *dir, const Catalog *c, LessonList *out, char **err)
{
    memset(out, 0, sizeof *out);
    for (const EmbeddedFile *f = embedded_lessons; f->path; f++) {
        char *name = base_name(f->path);
        Lesson *l = lesson_parse(f->data, f->size, f->path, name, c, err);
        free(name);
        if (!l) {
            lesson_list_done(out);
            return false;
        }
        list_put(out, l);
    }
    if (dir && *dir) {
        DIR *d = opendir(dir);
        if (!d) {
            *err = xasprintf("%s: no such directory (lessons)", dir);
            lesson_list_done(out);
            return false;
        }
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t k = strlen(e->d_name);
            if (k <= 5 || e->d_name[0] == '.' || strcmp(e->d_name + k - 5, ".json") != 0) continue;
            xgrow((void **)&names, &cap, n + 1, sizeof *names);
            names[n++] = xstrdup(e->d_name);
        }
        closedir(d);
        xqsort(names, n, sizeof *names, by_string);
        bool ok = true;
        for (size_t i = 0; i < n; i++) {
            if (ok) {
                size_t dl = strlen(dir);
                char *path =
                    xasprintf("%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", names[i]);
                Lesson *l = lesson_load_file(path, c, err);
                free(path);
                if (l)
                    list_put(out, l);
                else
                    ok = false;
            }
            free(names[i]);
        }
        free(names);
        if (!ok) {
            lesson_list_done(out);
            return false;
        }
    }
    xqsort(out->items, out->n, sizeof *out->items, by_order);
    return true;
}

void lesson_list_done(LessonList *l)
{
    for (size_t i = 0; i < l->n; i++)
        lesson_free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

const Lesson *lesson_list_find(const LessonList *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i]->name, name) == 0) return l->items[i];
    return NULL;
}
