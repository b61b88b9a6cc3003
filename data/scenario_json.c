/* The scenario file: reads formats 1, 2 and 3 into a model Scenario (and format 3's optional
 * decisions), writes format 3.
 * Sits between json_strict (syntax) and model/scenario (ids and references).
 *
 * The format (docs/scenario-format.md is the user's version of this block):
 *
 *   {
 *     "breakout": 3,                        required: the format version, 1, 2 or 3
 *     "name": "...",                        required, non-empty
 *     "description": "...",                 optional
 *     "assumptions": {                      optional; each key optional
 *       "kernel_exploit": true,             default true
 *       "hypervisor_exploit": false,        default false
 *       "sandbox_exploit": false },         default false
 *     "tenants": [                          required (may be empty)
 *       { "id": "...",                      required, non-empty, unique among tenants
 *         "name": "...",                    optional, non-empty; default: the id
 *         "trust": "untrusted" } ],         required: "trusted" or "untrusted"
 *     "hosts": [                            required (may be empty)
 *       { "id": "...",                      required, non-empty, unique among hosts
 *         "os": "linux",                    required: "windows" or "linux"
 *         "ssh": false,                     default false
 *         "users": [                        default []; names unique on the host
 *           { "name": "...",                required, non-empty
 *             "admin": false } ] } ],       default false
 *     "workloads": [                        required (may be empty)
 *       { "id": "...",                      required, non-empty, unique among workloads
 *         "tenant": "...", "host": "...",   required: ids of a tenant and a host
 *         "isolation": "process",           required: "process", "hyperv", "sandbox", "host"
 *         "account": "admin",               required: "admin" or "user"
 *         "privileged": false,              default false
 *         "compromised": false,             default false
 *         "mounts": [                       default []
 *           { "host_path": "...",           required, non-empty
 *             "path": "...",                optional, non-empty
 *             "read_only": false } ],       default false
 *         "hardening": ["seccomp"],         default []; non-empty strings, kept as written
 *         -- format 2 only (unknown keys, so errors, in a format 1 file): --
 *         "host_pid": false, "host_network": false, "host_ipc": false,   default false
 *         "capabilities": ["SYS_ADMIN"],    default []; a "CAP_" prefix is dropped, upper-cased
 *         "assumed": ["..."] } ],           default []; what an importer assumed
 *     -- format 3 only: --
 *     "decisions": [                        optional; the workshop record (model/decision.h),
 *       { "subject": "boundary:w:isolation", oldest first: each replaces the one before it
 *         "kind": "accept",                   on the same subject
 *         "text": "...", "owner": "...",    as decision_validate asks for the kind
 *         "review_date": "2027-03-31", "due_date": "2027-01-15",
 *         "author": "...", "created": "2026-11-28T10:00:00Z" } ]       required both
 *   }
 *
 * Errors, one line each, the first found in document order: syntax errors from json_strict
 * (FILE:LINE:COL: ...); then content errors, FILE:LINE:COL: PATH: MESSAGE, where PATH is
 * the JSON path (workloads[2].isolation) and LINE:COL where its value starts: a missing
 * required key (at the object), an unknown key (at the key; "did you mean" for a near miss),
 * a wrong type, a value outside an enum, an empty id or name, an unsupported version; then
 * scenario_validate's duplicate ids, duplicate host users and dangling references.
 *
 * Two ways to read, one set of rules: from a cJSON tree, or (text mode, for large files)
 * straight from the text, without a tree, checking the JSON as json_strict would as it goes.
 * Text mode reports nothing itself: at the first thing that is not right, JSON or content, it
 * stops as "unsure", and the caller runs the strict check and reads the tree, which say what
 * is wrong. So text mode only ever reads valid scenarios, exactly as the tree reader would.
 * Each reading function takes the value as a cJSON node, or NULL in text mode, where the value
 * is at the Reader's cursor. */
#include "scenario_json.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decision.h"
#include "fileio.h"
#include "json_strict.h"
#include "jsonw.h"
#include "xalloc.h"

_Static_assert(SCENARIO_FORMAT_VERSION == 3, "teach the reader the new format version");

#define MAX_PATH     8  /* steps of the deepest path: workloads[i].mounts[j].host_path */
#define SUGGEST_DIST 2  /* an unknown key this close to a known one gets "did you mean" */
#define SUGGEST_MAX  64 /* keys longer than this get no suggestion */
#define TEXT_KEY_MAX 32 /* text mode: a longer key is no key of the format (so unsure) */

/* The keys of one kind of object: the first n_v1 exist in format 1, the rest from format 2
 * (the top level's "decisions" from format 3, key_version); required has bit k set when
 * keys[k] is required. */
typedef struct {
    const char *const *keys;
    size_t n, n_v1;
    unsigned required;
} KeyTable;

enum {
    TOP_BREAKOUT,
    TOP_NAME,
    TOP_DESCRIPTION,
    TOP_ASSUMPTIONS,
    TOP_TENANTS,
    TOP_HOSTS,
    TOP_WORKLOADS,
    TOP_DECISIONS
};
static const char *const top_keys[] = {"breakout", "name",  "description", "assumptions",
                                       "tenants",  "hosts", "workloads",   "decisions"};
static const KeyTable top_table = {top_keys, 8, 7,
                                   1u << TOP_BREAKOUT | 1u << TOP_NAME | 1u << TOP_TENANTS |
                                       1u << TOP_HOSTS | 1u << TOP_WORKLOADS};

enum { D_SUBJECT, D_KIND, D_TEXT, D_OWNER, D_REVIEW, D_DUE, D_AUTHOR, D_CREATED };
static const char *const decision_keys[] = {"subject",     "kind",     "text",   "owner",
                                            "review_date", "due_date", "author", "created"};
static const KeyTable decision_table = {
    decision_keys, 8, 8, 1u << D_SUBJECT | 1u << D_KIND | 1u << D_AUTHOR | 1u << D_CREATED};

static const char *const assumption_keys[] = {"kernel_exploit", "hypervisor_exploit",
                                              "sandbox_exploit"};
static const KeyTable assumption_table = {assumption_keys, 3, 3, 0};

enum { TENANT_ID, TENANT_NAME, TENANT_TRUST };
static const char *const tenant_keys[] = {"id", "name", "trust"};
static const KeyTable tenant_table = {tenant_keys, 3, 3, 1u << TENANT_ID | 1u << TENANT_TRUST};

enum { HOST_ID, HOST_OS, HOST_SSH, HOST_USERS };
static const char *const host_keys[] = {"id", "os", "ssh", "users"};
static const KeyTable host_table = {host_keys, 4, 4, 1u << HOST_ID | 1u << HOST_OS};

enum { USER_NAME, USER_ADMIN };
static const char *const user_keys[] = {"name", "admin"};
static const KeyTable user_table = {user_keys, 2, 2, 1u << USER_NAME};

enum {
    W_ID,
    W_TENANT,
    W_HOST,
    W_ISOLATION,
    W_ACCOUNT,
    W_PRIVILEGED,
    W_COMPROMISED,
    W_MOUNTS,
    W_HARDENING,
    W_HOST_PID,
    W_HOST_NETWORK,
    W_HOST_IPC,
    W_CAPABILITIES,
    W_ASSUMED
};
static const char *const workload_keys[] = {
    "id",     "tenant",    "host",     "isolation",    "account",  "privileged",   "compromised",
    "mounts", "hardening", "host_pid", "host_network", "host_ipc", "capabilities", "assumed"};
static const KeyTable workload_table = {workload_keys, 14, 9,
                                        1u << W_ID | 1u << W_TENANT | 1u << W_HOST |
                                            1u << W_ISOLATION | 1u << W_ACCOUNT};

enum { MOUNT_HOST_PATH, MOUNT_PATH, MOUNT_READ_ONLY };
static const char *const mount_keys[] = {"host_path", "path", "read_only"};
static const KeyTable mount_table = {mount_keys, 3, 3, 1u << MOUNT_HOST_PATH};

/* The reader's state: the text (for positions), the version read, the path to the value
 * being read, and the first error; in text mode, the cursor and what json_strict counts. */
typedef struct {
    const char *text;
    size_t len;
    const char *file;
    int version;
    DecisionList *decisions; /* where format 3's decisions go */
    JsonPathStep path[MAX_PATH];
    size_t depth;
    char *err;      /* owned */
    bool from_text; /* text mode: values are read at pos, not from a tree */
    size_t pos;     /* text mode: where the value to read next starts */
    bool unsure;    /* text mode: stopped at something only the strict check or tree reader say */
    size_t values;  /* text mode: values and keys read, as json_strict counts them */
    size_t max_values; /* text mode: the limit on values */
    int newest_key;    /* text mode: the format version that added the newest key read */
    char *str;         /* text mode: the last string read (owned, reused) */
    size_t str_cap;
    const EngineRunner *runner; /* text mode: threads for a large workloads array, or NULL */
} Reader;

/* Stops text mode's reading: the strict check and the tree reader must say what is wrong.
 * Returns false. */
static bool unsure(Reader *r)
{
    r->unsure = true;
    return false;
}

/* ---- messages ---- */

/* A growing string. */
typedef struct {
    char *p;
    size_t n, cap;
} Str;

static void str_add(Str *b, const char *s)
{
    size_t n = strlen(s);
    xgrow((void **)&b->p, &b->cap, b->n + n + 1, 1);
    memcpy(b->p + b->n, s, n + 1);
    b->n += n;
}

static void str_take(Str *b, char *s)
{
    str_add(b, s);
    free(s);
}

/* Records the first error, at the value the path names (at_key: at its key), as
 * "FILE:LINE:COL: PATH: message". Returns false. */
__attribute__((format(printf, 3, 4))) static bool bad(Reader *r, bool at_key, const char *fmt, ...)
{
    if (r->from_text) return unsure(r); /* the tree reader will say it, in the same words */
    if (r->err) return false;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    size_t n = r->depth < MAX_PATH ? r->depth : MAX_PATH;
    char *where = json_path_text(r->path, n);
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

/* Returns an owned description of a value for "got ...": the string "x", the number 3, true,
 * null, an array, an object. */
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
    if (r->from_text) return unsure(r);
    char *d = describe_value(v);
    bad(r, false, "expected %s, got %s", expected, d);
    free(d);
    return false;
}

/* Appends "\"a\", \"b\" or \"c\"" for the n names. */
static void str_add_choices(Str *b, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0) str_add(b, i + 1 == n ? " or " : ", ");
        str_add(b, "\"");
        str_add(b, names[i]);
        str_add(b, "\"");
    }
}

/* ---- the path ---- */

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

/* ---- text mode: a cursor that checks the JSON it reads ---- */

static void text_ws(Reader *r)
{
    for (;;) {
        char c = r->text[r->pos];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
        r->pos++;
    }
}

/* Checks the string at the cursor (a '"') as json_strict does and moves past it; sets *p and
 * *n to its bytes as written, between the quotes, and *plain when they need no decoding.
 * False if it is not a valid string. */
static bool text_span(Reader *r, const char **p, size_t *n, bool *plain)
{
    const char *t = r->text;
    size_t start = r->pos + 1, i = start;
    unsigned char c;
    while ((unsigned char)((c = (unsigned char)t[i]) - 0x20) < 0x60 && c != '"' && c != '\\')
        i++; /* printable ASCII: valid as it is (a NUL, the text's end included, stops) */
    *plain = c == '"';
    if (*plain) {
        if (i - start > JSON_STRICT_MAX_STRING) return false;
        i++;
    } else {
        i = json_strict_string_end(t, r->len, r->pos);
        if (!i) return false;
    }
    *p = t + start;
    *n = i - 1 - start;
    r->pos = i;
    return true;
}

/* Reads the string at the cursor, decoded as cJSON decodes it, into *out (NULL: into r->str);
 * sets *n to its length. False (nothing read) if the value there is not a string. */
static bool text_string(Reader *r, char **out, size_t *n)
{
    const char *p;
    size_t raw;
    bool plain;
    if (r->text[r->pos] != '"' || !text_span(r, &p, &raw, &plain)) return false;
    char *dst;
    if (out) {
        dst = *out = xmalloc(raw + 1);
    } else {
        xgrow((void **)&r->str, &r->str_cap, raw + 1, 1);
        dst = r->str;
    }
    if (plain) {
        memcpy(dst, p, raw);
        dst[raw] = '\0';
        *n = raw;
    } else {
        *n = json_strict_unescape(p, raw, dst);
    }
    return true;
}

/* Reads the key at the cursor into key, NUL-terminated, and moves past the ':' after it to
 * the member's value. False if there is no key and ':', or the key is written longer than any
 * key of the format. */
static bool text_key(Reader *r, char key[TEXT_KEY_MAX])
{
    const char *p;
    size_t n;
    bool plain;
    if (r->text[r->pos] != '"' || !text_span(r, &p, &n, &plain)) return false;
    if (n >= TEXT_KEY_MAX) return false; /* decoding makes nothing longer */
    if (plain) {
        memcpy(key, p, n);
        key[n] = '\0';
    } else {
        json_strict_unescape(p, n, key);
    }
    text_ws(r);
    if (r->text[r->pos] != ':') return false;
    r->pos++;
    text_ws(r);
    return true;
}

/* Counts a value or key as json_strict does; false when that passes the limit. */
static bool text_count(Reader *r)
{
    return ++r->values <= r->max_values;
}

/* Moves past the ',' between members or elements, or stops at the closing bracket close:
 * true if there is another member or element. Sets r->unsure when there is neither. */
static bool text_next(Reader *r, char close)
{
    text_ws(r);
    char c = r->text[r->pos];
    if (c == ',') {
        r->pos++;
        text_ws(r);
        return true;
    }
    if (c != close) unsure(r);
    return false;
}

/* ---- values ---- */

static bool read_bool(Reader *r, const cJSON *v, bool *out)
{
    if (r->from_text) { /* what follows is checked by the caller: ',' or a bracket */
        const char *t = r->text + r->pos; /* compared in order: a NUL stops it */
        if (t[0] == 't' && t[1] == 'r' && t[2] == 'u' && t[3] == 'e') {
            *out = true;
            r->pos += 4;
        } else if (t[0] == 'f' && t[1] == 'a' && t[2] == 'l' && t[3] == 's' && t[4] == 'e') {
            *out = false;
            r->pos += 5;
        } else {
            return unsure(r);
        }
        return true;
    }
    if (!cJSON_IsBool(v)) return bad_type(r, v, "true or false");
    *out = cJSON_IsTrue(v);
    return true;
}

/* Reads a string; with what (e.g. "a non-empty id"), an empty one is an error. The result is
 * borrowed from v (text mode: from the reader, until the next string read). */
static bool read_string(Reader *r, const cJSON *v, const char *what, const char **out)
{
    if (r->from_text) {
        size_t n;
        if (!text_string(r, NULL, &n) || (what && n == 0)) return unsure(r);
        *out = r->str;
        return true;
    }
    if (!cJSON_IsString(v)) return bad_type(r, v, what ? what : "a string");
    if (what && !*v->valuestring) return bad(r, false, "expected %s, got \"\"", what);
    *out = v->valuestring;
    return true;
}

/* Replaces *field (owned) with a copy of the string in v. */
static bool read_owned(Reader *r, const cJSON *v, const char *what, char **field)
{
    if (r->from_text) { /* straight into the field */
        char *copy;
        size_t n;
        if (!text_string(r, &copy, &n)) return unsure(r);
        free(*field);
        *field = copy;
        if (what && n == 0) return unsure(r);
        return true;
    }
    const char *s = NULL;
    if (!read_string(r, v, what, &s)) return false;
    free(*field);
    *field = xstrdup(s);
    return true;
}

/* The string of v when it is one, else NULL (text mode: moves past it). */
static const char *enum_string(Reader *r, const cJSON *v)
{
    size_t n;
    if (r->from_text) return text_string(r, NULL, &n) ? r->str : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Reports a value that is not one of the n names. */
static bool bad_enum(Reader *r, const cJSON *v, const char *const *names, size_t n)
{
    if (r->from_text) return unsure(r);
    Str b = {0};
    str_add(&b, "expected ");
    str_add_choices(&b, names, n);
    str_add(&b, ", got ");
    if (cJSON_IsString(v))
        str_take(&b, json_strict_quote(v->valuestring, strlen(v->valuestring)));
    else
        str_take(&b, describe_value(v));
    bad(r, false, "%s", b.p);
    free(b.p);
    return false;
}

static bool read_trust(Reader *r, const cJSON *v, Trust *out)
{
    const char *name = enum_string(r, v);
    if (name && trust_parse(name, out)) return true;
    const char *names[] = {trust_name(TRUST_TRUSTED), trust_name(TRUST_UNTRUSTED)};
    return bad_enum(r, v, names, 2);
}

static bool read_os(Reader *r, const cJSON *v, Os *out)
{
    const char *name = enum_string(r, v);
    if (name && os_parse(name, out)) return true;
    const char *names[] = {os_name(OS_WINDOWS), os_name(OS_LINUX)};
    return bad_enum(r, v, names, 2);
}

static bool read_isolation(Reader *r, const cJSON *v, Isolation *out)
{
    const char *name = enum_string(r, v);
    if (name && isolation_parse(name, out)) return true;
    const char *names[] = {isolation_name(ISOLATION_PROCESS), isolation_name(ISOLATION_HYPERV),
                           isolation_name(ISOLATION_SANDBOX), isolation_name(ISOLATION_HOST)};
    return bad_enum(r, v, names, 4);
}

static bool read_account(Reader *r, const cJSON *v, Account *out)
{
    const char *name = enum_string(r, v);
    if (name && account_parse(name, out)) return true;
    const char *names[] = {account_name(ACCOUNT_ADMIN), account_name(ACCOUNT_USER)};
    return bad_enum(r, v, names, 2);
}

/* Reads the format version into r->version. */
static bool read_version(Reader *r, const cJSON *v)
{
    if (r->from_text) {
        /* only 1, 2 and 3 as written so (what follows is checked by the caller): anything
         * else is for the tree reader */
        const char *t = r->text + r->pos;
        if (t[0] < '1' || t[0] > '3' || (t[1] >= '0' && t[1] <= '9') || t[1] == '.' ||
            t[1] == 'e' || t[1] == 'E')
            return unsure(r);
        r->version = t[0] - '0';
        r->pos++;
        return true;
    }
    if (!cJSON_IsNumber(v)) return bad_type(r, v, "the format version 1, 2 or 3");
    double d = v->valuedouble;
    if (d == 1 || d == 2 || d == 3) {
        r->version = (int)d;
        return true;
    }
    if (d > SCENARIO_FORMAT_VERSION && d < 1e9 && d == floor(d))
        return bad(r, false,
                   "unsupported format version %.0f, expected 1, 2 or 3 (a file from a newer "
                   "breakout?)",
                   d);
    return bad(r, false, "unsupported format version %.15g, expected 1, 2 or 3", d);
}

/* ---- keys ---- */

/* Edit distance between a and b (at most SUGGEST_MAX bytes each). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    size_t row[SUGGEST_MAX + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* The format version that added key k of t. */
static int key_version(const KeyTable *t, size_t k)
{
    if (t == &top_table && k == TOP_DECISIONS) return 3;
    return k < t->n_v1 ? 1 : 2;
}

/* How many of t's keys (the first ones) exist in format version v. */
static size_t keys_in(const KeyTable *t, int v)
{
    size_t n = 0;
    while (n < t->n && key_version(t, n) <= v)
        n++;
    return n;
}

/* strcmp(a, b) == 0 for short strings such as keys, without a call. */
static bool same_key(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* The index of key among the first n keys of t (those of this file's version), or -1. hint
 * is the index to try first: files mostly list keys in the table's order. */
static int key_index(const KeyTable *t, size_t n, const char *key, size_t hint)
{
    if (hint < n && same_key(t->keys[hint], key)) return (int)hint;
    for (size_t k = 0; k < n; k++)
        if (same_key(t->keys[k], key)) return (int)k;
    return -1;
}

/* Reports key, a member of the object at the current path, as unknown. */
static bool unknown_key(Reader *r, const KeyTable *t, const char *key)
{
    size_t n = keys_in(t, r->version);
    push_key(r, key);
    for (size_t k = n; k < t->n; k++) {
        if (strcmp(t->keys[k], key) == 0) {
            int added = key_version(t, k);
            bad(r, true,
                "unknown key in format version %d (it was added in version %d: write "
                "\"breakout\": %d)",
                r->version, added, added);
            pop(r);
            return false;
        }
    }
    const char *best = NULL;
    size_t best_dist = SUGGEST_DIST + 1;
    if (strlen(key) <= SUGGEST_MAX) {
        for (size_t k = 0; k < n; k++) {
            if (strlen(t->keys[k]) > SUGGEST_MAX) continue;
            size_t d = edit_distance(key, t->keys[k]);
            if (d < best_dist && d < strlen(key)) {
                best = t->keys[k];
                best_dist = d;
            }
        }
    }
    if (best) {
        bad(r, true, "unknown key, did you mean \"%s\"?", best);
    } else {
        Str b = {0};
        str_add(&b, "unknown key, expected ");
        str_add_choices(&b, t->keys, n);
        bad(r, true, "%s", b.p);
        free(b.p);
    }
    pop(r);
    return false;
}

/* Reports the first required key of t missing from seen (bits of the keys present), at the
 * object at the current path. True if none is missing. */
static bool check_required(Reader *r, const KeyTable *t, unsigned seen)
{
    for (size_t k = 0; k < t->n; k++)
        if ((t->required >> k & 1u) && !(seen >> k & 1u))
            return bad(r, false, "missing required key \"%s\"", t->keys[k]);
    return true;
}

/* Reads the members of object v in document order: for each member whose key t knows,
 * member(r, k, value, ctx) with the path extended by the key. Then checks required keys. */
typedef bool (*MemberFn)(Reader *r, int k, const cJSON *v, void *ctx);

static bool text_members(Reader *r, const KeyTable *t, MemberFn member, void *ctx);

static bool read_members(Reader *r, const cJSON *v, const KeyTable *t, MemberFn member, void *ctx)
{
    if (r->from_text) return text_members(r, t, member, ctx);
    if (!cJSON_IsObject(v)) return bad_type(r, v, "an object");
    size_t n = keys_in(t, r->version);
    unsigned seen = 0;
    size_t next = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, v)
    {
        int k = key_index(t, n, m->string, next);
        if (k < 0) return unknown_key(r, t, m->string);
        push_key(r, m->string);
        bool ok = member(r, k, m, ctx);
        pop(r);
        if (!ok) return false;
        seen |= 1u << k;
        next = (size_t)k + 1;
    }
    return check_required(r, t, seen);
}

/* read_members in text mode. Every key of t is read whatever the version (which may come
 * later): text_scenario compares the newest with the version at the end. */
static bool text_members(Reader *r, const KeyTable *t, MemberFn member, void *ctx)
{
    if (r->text[r->pos] != '{') return unsure(r);
    r->pos++;
    text_ws(r);
    unsigned seen = 0;
    size_t next = 0;
    if (r->text[r->pos] == '}') {
        r->pos++;
        return check_required(r, t, seen);
    }
    do {
        char key[TEXT_KEY_MAX];
        if (!text_count(r) || !text_key(r, key) || !text_count(r)) return unsure(r);
        int k = key_index(t, t->n, key, next);
        if (k < 0 || (seen >> k & 1u)) return unsure(r); /* unknown or repeated */
        if (key_version(t, (size_t)k) > r->newest_key) r->newest_key = key_version(t, (size_t)k);
        push_key(r, t->keys[k]);
        bool ok = member(r, k, NULL, ctx);
        pop(r);
        if (!ok) return false;
        seen |= 1u << k;
        next = (size_t)k + 1;
    } while (text_next(r, '}'));
    if (r->unsure) return false;
    r->pos++;
    return check_required(r, t, seen);
}

/* Reads array v, calling element(r, i, value, ctx) with the path extended by [i]. */
typedef bool (*ElementFn)(Reader *r, size_t i, const cJSON *v, void *ctx);

static bool text_elements(Reader *r, ElementFn element, void *ctx);

static bool read_elements(Reader *r, const cJSON *v, ElementFn element, void *ctx)
{
    if (r->from_text) return text_elements(r, element, ctx);
    if (!cJSON_IsArray(v)) return bad_type(r, v, "an array");
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        push_index(r, i);
        bool ok = element(r, i, e, ctx);
        pop(r);
        if (!ok) return false;
        i++;
    }
    return true;
}

static bool text_elements_at(Reader *r, size_t i, size_t stop, size_t *stopped, ElementFn element,
                             void *ctx);

/* Moves past an array's '[' and the whitespace after it, and past its ']' when it is empty
 * (setting *empty). False (unsure) when no array is there. */
static bool text_open_array(Reader *r, bool *empty)
{
    if (r->text[r->pos] != '[') return unsure(r);
    r->pos++;
    text_ws(r);
    *empty = r->text[r->pos] == ']';
    r->pos += *empty;
    return true;
}

/* read_elements in text mode. */
static bool text_elements(Reader *r, ElementFn element, void *ctx)
{
    bool empty;
    if (!text_open_array(r, &empty)) return false;
    return empty || text_elements_at(r, 0, SIZE_MAX, NULL, element, ctx);
}

/* The elements of an array from the one at the cursor (index i) to the closing ']', past it;
 * but when the element at offset stop is reached first, stops before it and sets *stopped to
 * its index (else SIZE_MAX). */
static bool text_elements_at(Reader *r, size_t i, size_t stop, size_t *stopped, ElementFn element,
                             void *ctx)
{
    if (stopped) *stopped = SIZE_MAX;
    do {
        if (r->pos == stop) {
            *stopped = i;
            return true;
        }
        if (!text_count(r)) return unsure(r);
        push_index(r, i);
        bool ok = element(r, i, NULL, ctx);
        pop(r);
        if (!ok) return false;
        i++;
    } while (text_next(r, ']'));
    if (r->unsure) return false;
    r->pos++;
    return true;
}

/* ---- arrays of strings ---- */

static bool string_element(Reader *r, size_t i, const cJSON *v, void *ctx)
{
    (void)i;
    const char *s = NULL;
    if (!read_string(r, v, "a non-empty string", &s)) return false;
    strlist_add(ctx, s);
    return true;
}

/* A capability: "CAP_SYS_ADMIN", "sys_admin" -> "SYS_ADMIN"; duplicates are dropped. */
static bool capability_element(Reader *r, size_t i, const cJSON *v, void *ctx)
{
    (void)i;
    StrList *caps = ctx;
    const char *s = NULL;
    if (!read_string(r, v, "a capability name such as \"SYS_ADMIN\"", &s)) return false;
    const char *name = strncasecmp(s, "CAP_", 4) == 0 ? s + 4 : s;
    char *up = xstrdup(name);
    bool ok = *up != '\0';
    for (char *c = up; *c; c++) {
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_')) ok = false;
    }
    if (!ok) {
        free(up);
        char *q = json_strict_quote(s, strlen(s));
        bad(r, false, "expected a capability name such as \"SYS_ADMIN\", got %s", q);
        free(q);
        return false;
    }
    if (!strlist_has(caps, up)) strlist_add(caps, up);
    free(up);
    return true;
}

/* ---- objects ---- */

static bool assumption_member(Reader *r, int k, const cJSON *v, void *ctx)
{
    Scenario *s = ctx;
    Assumption a;
    bool ok = assumption_parse(assumption_keys[k], &a);
    (void)ok;
    return read_bool(r, v, &s->assume[a]);
}

static bool tenant_member(Reader *r, int k, const cJSON *v, void *ctx)
{
    Tenant *t = ctx;
    switch (k) {
    case TENANT_ID: return read_owned(r, v, "a non-empty id", &t->id);
    case TENANT_NAME: return read_owned(r, v, "a non-empty name", &t->name);
    default: return read_trust(r, v, &t->trust);
    }
}

static bool tenant_element(Reader *r, size_t i, const cJSON *v, void *ctx)
{
    (void)i;
    Scenario *s = ctx;
    Tenant *t = scenario_add_tenant(s, NULL, TRUST_UNTRUSTED); /* the id and name read next */
    if (!read_members(r, v, &tenant_table, tenant_member, t)) return false;
    if (!t->name) t->name = xstrdup(t->id);
    return true;
}

static bool user_member(Reader *r, int k, const cJSON *v, void *ctx)
{
    HostUser *u = ctx;
    if (k == USER_NAME) return read_owned(r, v, "a non-empty user name", &u->name);
    return read_bool(r, v, &u->admin);
}

static bool user_element(Reader *r, size_t i, const cJSON *v, void *ctx)
{
    (void)i;
    HostUser *u = host_add_user(ctx, NULL, false);
    return read_members(r, v, &user_table, user_member, u);
}

static bool host_member(Reader *r, int k, const cJSON *v, void *ctx)
{
    Host *h = ctx;
    switch (k) {
    case HOST_ID: return read_owned(r, v, "a non-empty id", &h->id);
    case HOST_OS: return read_os(r, v, &h->os);
    case HOST_SSH: return read_bool(r, v, &h->ssh);
    default: return read_elements(r, v, user_element, h);
    }
}

static bool host_element(Reader *r, size_t i, const cJSON *v, void *ctx)
{
    (void)i;
    Host *h = scenario_add_host(ctx, NULL, OS_LINUX);
    return read_members(r, v, &host_table, host_member, h);
}

static bool mount_member(Reader *r, int k, const cJSON *v, void *ctx)
{
    Mount *m = ctx;
    switch (k) {
    case MOUNT_HOST_PATH: return read_owned(r, v, "a non-empty path", &m->host_path);
    case MOUNT_PATH: return read_owned(r, v, "a non-empty path", &m->path);
    default: return read_bool(r, v, &m->read_only);
    }
}

static bool mount_element(Reader *r, size_t i, const cJSON *v, void *ctx)
{
    (void)i;
    Mount *m = workload_add_mount(ctx, NULL, NULL, false);
    return read_members(r, v, &mount_table, mount_member, m);
}

/* Sets or clears a HOSTNS_* bit from a boolean. */
static bool read_namespace(Reader *r, const cJSON *v, Workload *w, unsigned bit)
{
    bool on;
    if (!read_bool(r, v, &on)) return false;
    w->host_namespaces = on ? w->host_namespaces | bit : w->host_namespaces & ~bit;
    return true;
}

static bool workload_member(Reader *r, int k, const cJSON *v, void *ctx)
{
    Workload *w = ctx;
    switch (k) {
    case W_ID: return read_owned(r, v, "a non-empty id", &w->id);
    case W_TENANT: return read_owned(r, v, "a non-empty tenant id", &w->tenant);
    case W_HOST: return read_owned(r, v, "a non-empty host id", &w->host);
    case W_ISOLATION: return read_isolation(r, v, &w->isolation);
    case W_ACCOUNT: return read_account(r, v, &w->account);
    case W_PRIVILEGED: return read_bool(r, v, &w->privileged);
    case W_COMPROMISED: return read_bool(r, v, &w->compromised);
    case W_MOUNTS: return read_elements(r, v, mount_element, w);
    case W_HARDENING: return read_elements(r, v, string_element, &w->hardening);
    case W_HOST_PID: return read_namespace(r, v, w, HOSTNS_PID);
    case W_HOST_NETWORK: return read_namespace(r, v, w, HOSTNS_NETWORK);
    case W_HOST_IPC: return read_namespace(r, v, w, HOSTNS_IPC);
    case W_CAPABILITIES: return read_elements(r, v, capability_element, &w->capabilities);
    default: return read_elements(r, v, string_element, &w->notes);
    }
}

static bool workload_element(Reader *r, size_t i, const cJSON *v, void *ctx)
{
    (void)i;
    Workload *w = scenario_add_workload(ctx, NULL, NULL, NULL);
    return read_members(r, v, &workload_table, workload_member, w);
}

static bool read_decision_kind(Reader *r, const cJSON *v, DecisionKind *out)
{
    const char *name = enum_string(r, v);
    if (name && decision_kind_parse(name, out)) return true;
    const char *names[] = {decision_kind_name(DECISION_ACCEPT), decision_kind_name(DECISION_FIX),
                           decision_kind_name(DECISION_DISPUTE), decision_kind_name(DECISION_NOTE)};
    return bad_enum(r, v, names, 4);
}

static bool decision_member(Reader *r, int k, const cJSON *v, void *ctx)
{
    Decision *d = ctx;
    switch (k) {
    case D_SUBJECT: return read_owned(r, v, "a non-empty subject", &d->subject);
    case D_KIND: return read_decision_kind(r, v, &d->kind);
    case D_TEXT: return read_owned(r, v, "a non-empty string", &d->text);
    case D_OWNER: return read_owned(r, v, "a non-empty owner", &d->owner);
    case D_REVIEW: return read_owned(r, v, "a date (YYYY-MM-DD)", &d->review_date);
    case D_DUE: return read_owned(r, v, "a date (YYYY-MM-DD)", &d->due_date);
    case D_AUTHOR: return read_owned(r, v, "a non-empty author", &d->author);
    default: return read_owned(r, v, "a UTC time (YYYY-MM-DDTHH:MM:SSZ)", &d->created);
    }
}

/* A decision of format 3, checked as a whole by decision_validate. */
static bool decision_element(Reader *r, size_t i, const cJSON *v, void *ctx)
{
    (void)i;
    Decision *d = decision_list_add(ctx);
    if (!read_members(r, v, &decision_table, decision_member, d)) return false;
    char *why = NULL;
    if (decision_validate(d, &why)) return true;
    bad(r, false, "%s", why);
    free(why);
    return false;
}

/* ---- a large workloads array, in two halves at once ---- */

static bool workload_element(Reader *r, size_t i, const cJSON *v, void *ctx);

#define SPLIT_MIN_BYTES  ((size_t)1 << 20) /* smaller texts are read in one go */
#define SPLIT_SCAN_BYTES ((size_t)1 << 16)

static bool is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* A reader of r's text from offset at, in r's place in the document, with nothing read yet. */
static Reader reader_at(const Reader *r, size_t at)
{
    Reader t = {.text = r->text,
                .len = r->len,
                .file = r->file,
                .version = r->version,
                .depth = r->depth,
                .from_text = true,
                .pos = at,
                .max_values = r->max_values};
    memcpy(t.path, r->path, sizeof r->path);
    return t;
}

/* Whether a workload reads at offset at, followed by a ',' or the array's end. */
static bool workload_at(const Reader *r, size_t at)
{
    Reader t = reader_at(r, at);
    Scenario *one = scenario_new("");
    bool ok = workload_element(&t, 0, NULL, one);
    if (ok) {
        text_ws(&t);
        ok = t.text[t.pos] == ',' || t.text[t.pos] == ']';
    }
    scenario_free(one);
    free(t.str);
    free(t.err);
    return ok;
}

/* Where a second half of the workloads array (whose first element is at the cursor) may start:
 * the first '{' after the middle of the rest of the text that follows a '}' and a ',' and
 * starts a workload; SIZE_MAX when the text is small or none is near. Only a guess (it may be
 * inside a string): text_workloads takes it only if the first half's reading reaches it as
 * the start of a workload. */
static size_t split_guess(const Reader *r)
{
    size_t rest = r->len - r->pos;
    if (rest < SPLIT_MIN_BYTES) return SIZE_MAX;
    size_t end = r->pos + rest / 2 + SPLIT_SCAN_BYTES;
    if (end > r->len) end = r->len;
    for (size_t i = r->pos + rest / 2; i < end; i++) {
        if (r->text[i] != '{') continue;
        size_t j = i;
        while (j > r->pos && is_ws(r->text[j - 1]))
            j--;
        if (j == r->pos || r->text[j - 1] != ',') continue;
        j--;
        while (j > r->pos && is_ws(r->text[j - 1]))
            j--;
        if (j > r->pos && r->text[j - 1] == '}' && workload_at(r, i)) return i;
    }
    return SIZE_MAX;
}

/* The two halves: the first read into the scenario up to the split, the second from it into
 * a scenario of its own, by a reader of its own. */
typedef struct {
    Reader *first;
    Scenario *s;
    size_t split, stopped;
    bool first_ok;
    Reader second;
    Scenario *rest;
    bool second_ok;
} Halves;

static void half_job(void *ctx, size_t part)
{
    Halves *h = ctx;
    if (part == 0)
        h->first_ok = text_elements_at(h->first, 0, h->split, &h->stopped, workload_element, h->s);
    else
        h->second_ok = text_elements_at(&h->second, 0, SIZE_MAX, NULL, workload_element, h->rest);
}

/* The workloads array in text mode, read as text_elements reads it (the same scenario, the same
 * errors), in two halves at once when it is large. */
static bool text_workloads(Reader *r, Scenario *s)
{
    bool empty;
    if (!text_open_array(r, &empty)) return false;
    if (empty) return true;
    size_t split = r->runner->parts > 1 ? split_guess(r) : SIZE_MAX;
    if (split == SIZE_MAX) return text_elements_at(r, 0, SIZE_MAX, NULL, workload_element, s);
    Halves h = {.first = r, .s = s, .split = split, .rest = scenario_new("")};
    h.second = reader_at(r, split);
    r->runner->run(r->runner->runner, half_job, &h, 2);

    bool ok = h.first_ok;
    if (ok && h.stopped != SIZE_MAX) { /* the guess was the start of a workload */
        if (!h.second_ok || h.second.values > r->max_values - r->values) {
            /* text mode says nothing itself of what is wrong in a workload (the strict check and
             * the tree reader tell it), nor of the limit passed on the way */
            ok = unsure(r);
        } else {
            r->values += h.second.values;
            if (h.second.newest_key > r->newest_key) r->newest_key = h.second.newest_key;
            for (size_t i = 0; i < h.rest->n_workloads; i++)
                *scenario_add_workload(s, NULL, NULL, NULL) = h.rest->workloads[i];
            h.rest->n_workloads = 0; /* moved */
            r->pos = h.second.pos;
        }
    }
    scenario_free(h.rest);
    free(h.second.str);
    free(h.second.err);
    return ok;
}

static bool top_member(Reader *r, int k, const cJSON *v, void *ctx)
{
    Scenario *s = ctx;
    switch (k) {
    case TOP_BREAKOUT: /* the tree reader reads it first, in read_scenario */
        return !r->from_text || read_version(r, NULL);
    case TOP_NAME: return read_owned(r, v, "a non-empty name", &s->name);
    case TOP_DESCRIPTION: return read_owned(r, v, NULL, &s->description);
    case TOP_ASSUMPTIONS: return read_members(r, v, &assumption_table, assumption_member, s);
    case TOP_TENANTS: return read_elements(r, v, tenant_element, s);
    case TOP_HOSTS: return read_elements(r, v, host_element, s);
    case TOP_WORKLOADS:
        return r->from_text && r->runner ? text_workloads(r, s)
                                         : read_elements(r, v, workload_element, s);
    default: return read_elements(r, v, decision_element, r->decisions);
    }
}

/* read_scenario in text mode: the members in order (the version among them), then nothing
 * but whitespace, and no key newer than the version. */
static bool text_scenario(Reader *r, Scenario *s)
{
    r->values = 1; /* the object */
    if (!read_members(r, NULL, &top_table, top_member, s)) return false;
    text_ws(r);
    if (r->pos != r->len || r->newest_key > r->version) return unsure(r);
    return true;
}

static bool read_scenario(Reader *r, const cJSON *root, Scenario *s)
{
    if (r->from_text) return text_scenario(r, s);
    if (!cJSON_IsObject(root)) {
        char *d = describe_value(root);
        bad(r, false, "expected a JSON object (a breakout scenario), got %s", d);
        free(d);
        return false;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "breakout");
    if (!version)
        return bad(r, false,
                   "missing required key \"breakout\" (the scenario format version, 1, 2 or 3)");
    push_key(r, "breakout");
    bool ok = read_version(r, version);
    pop(r);
    return ok && read_members(r, root, &top_table, top_member, s);
}

/* ---- scenario_validate's messages ---- */

/* Parses the path that starts msg ("hosts[0].users[1].name: ...") into steps whose keys
 * point into names; returns the number of steps, or 0 if msg starts with no path. */
static size_t parse_path_prefix(const char *msg, JsonPathStep *steps, char names[][32])
{
    size_t n = 0;
    const char *p = msg;
    while (*p && *p != ':') {
        if (n == MAX_PATH) return 0;
        if (*p == '[') {
            char *end;
            unsigned long long v = strtoull(p + 1, &end, 10);
            if (end == p + 1 || *end != ']') return 0;
            steps[n++] = (JsonPathStep){NULL, (size_t)v};
            p = end + 1;
            continue;
        }
        if (*p == '.' && n > 0) p++;
        size_t k = 0;
        while ((*p >= 'a' && *p <= 'z') || *p == '_') {
            if (k + 1 >= sizeof names[n]) return 0;
            names[n][k++] = *p++;
        }
        if (k == 0) return 0;
        names[n][k] = '\0';
        steps[n] = (JsonPathStep){names[n], 0};
        n++;
    }
    return *p == ':' ? n : 0;
}

/* Returns the owned message "FILE:LINE:COL: msg" for a scenario_validate message. */
static char *locate_message(const Reader *r, const char *msg)
{
    JsonPathStep steps[MAX_PATH];
    char names[MAX_PATH][32];
    size_t n = parse_path_prefix(msg, steps, names);
    size_t line, col;
    if (n > 0 && json_strict_locate(r->text, r->len, steps, n, false, &line, &col))
        return xasprintf("%s:%zu:%zu: %s", r->file, line, col, msg);
    return xasprintf("%s: %s", r->file, msg);
}

/* ---- entry points ---- */

Scenario *scenario_parse(const char *text, size_t len, const char *file, char **err)
{
    return scenario_parse_with_decisions(text, len, file, NULL, err);
}

Scenario *scenario_parse_with_decisions(const char *text, size_t len, const char *file,
                                        DecisionList *decisions, char **err)
{
    Scenario *s = scenario_parse_fast(text, len, file, 0, decisions, NULL, err);
    if (s || *err) return s;
    cJSON *root = json_parse_strict(text, len, file, err);
    if (!root) return NULL;
    s = scenario_from_json(root, text, len, file, decisions, err);
    cJSON_Delete(root);
    return s;
}

/* Reads r's text (text mode) or root into a new scenario and checks it with
 * scenario_validate; on success appends the decisions read to decisions (if not NULL).
 * Returns the scenario, or NULL with *err set (NULL when text mode is unsure). */
static Scenario *read_checked(Reader *r, const cJSON *root, DecisionList *decisions, char **err)
{
    DecisionList read = {0};
    r->decisions = &read;
    Scenario *s = scenario_new("");
    bool ok = read_scenario(r, root, s);
    char *verr = NULL;
    if (ok && !scenario_validate_on(s, r->runner, &verr)) {
        r->err = locate_message(r, verr);
        free(verr);
        ok = false;
    }
    for (size_t i = 0; ok && decisions && i < read.n; i++)
        decision_list_add_copy(decisions, &read.items[i]);
    decision_list_done(&read);
    free(r->str);
    if (!ok) {
        scenario_free(s);
        *err = r->err;
        return NULL;
    }
    return s;
}

Scenario *scenario_from_json(const cJSON *root, const char *text, size_t len, const char *file,
                             DecisionList *decisions, char **err)
{
    Reader r = {.text = text, .len = len, .file = file};
    return read_checked(&r, root, decisions, err);
}

Scenario *scenario_parse_fast(const char *text, size_t len, const char *file, size_t max_values,
                              DecisionList *decisions, const EngineRunner *runner, char **err)
{
    assert(text[len] == '\0');
    Reader r = {.text = text,
                .len = len,
                .file = file,
                .from_text = true,
                .max_values = max_values ? max_values : JSON_STRICT_MAX_VALUES,
                .runner = runner};
    r.pos = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    text_ws(&r);
    Scenario *s = read_checked(&r, NULL, decisions, err);
    assert(s || r.unsure == !*err);
    return s;
}

Scenario *scenario_parse_fragment(const char *text, size_t len, const char *file, char **err)
{
    cJSON *root = json_parse_strict(text, len, file, err);
    if (!root) return NULL;
    DecisionList ignored = {0};
    Reader r = {.text = text, .len = len, .file = file, .decisions = &ignored};
    Scenario *s = scenario_new("");
    bool ok = read_scenario(&r, root, s);
    cJSON_Delete(root);
    decision_list_done(&ignored);
    if (!ok) {
        scenario_free(s);
        *err = r.err;
        return NULL;
    }
    return s;
}

Scenario *scenario_load_file(const char *path, char **err)
{
    char *text;
    size_t len;
    if (!file_read_all(path, SCENARIO_MAX_FILE_BYTES, &text, &len, err)) return NULL;
    Scenario *s = scenario_parse(text, len, strcmp(path, "-") == 0 ? "<stdin>" : path, err);
    free(text);
    return s;
}

/* ---- writing ---- */

static void write_strings(JsonW *w, const char *key, const StrList *l)
{
    jsonw_key(w, key);
    jsonw_array_inline(w);
    for (size_t i = 0; i < l->n; i++)
        jsonw_string(w, l->items[i]);
    jsonw_end(w);
}

static void write_workload(JsonW *w, const Workload *wl)
{
    jsonw_object(w);
    jsonw_kstring(w, "id", wl->id);
    jsonw_kstring(w, "tenant", wl->tenant);
    jsonw_kstring(w, "host", wl->host);
    jsonw_kstring(w, "isolation", isolation_name(wl->isolation));
    jsonw_kstring(w, "account", account_name(wl->account));
    jsonw_kbool(w, "privileged", wl->privileged);
    jsonw_kbool(w, "compromised", wl->compromised);
    jsonw_kbool(w, "host_pid", (wl->host_namespaces & HOSTNS_PID) != 0);
    jsonw_kbool(w, "host_network", (wl->host_namespaces & HOSTNS_NETWORK) != 0);
    jsonw_kbool(w, "host_ipc", (wl->host_namespaces & HOSTNS_IPC) != 0);
    write_strings(w, "capabilities", &wl->capabilities);
    jsonw_key(w, "mounts");
    jsonw_array(w);
    for (size_t m = 0; m < wl->n_mounts; m++) {
        const Mount *mt = &wl->mounts[m];
        jsonw_object_inline(w);
        jsonw_kstring(w, "host_path", mt->host_path);
        if (mt->path) jsonw_kstring(w, "path", mt->path);
        jsonw_kbool(w, "read_only", mt->read_only);
        jsonw_end(w);
    }
    jsonw_end(w);
    write_strings(w, "hardening", &wl->hardening);
    write_strings(w, "assumed", &wl->notes);
    jsonw_end(w);
}

/* Writes format 3's decisions section. */
static void write_decisions(JsonW *w, const DecisionList *list)
{
    jsonw_key(w, "decisions");
    jsonw_array(w);
    for (size_t i = 0; i < list->n; i++) {
        const Decision *d = &list->items[i];
        jsonw_object(w);
        jsonw_kstring(w, "subject", d->subject);
        jsonw_kstring(w, "kind", decision_kind_name(d->kind));
        if (d->text) jsonw_kstring(w, "text", d->text);
        if (d->owner) jsonw_kstring(w, "owner", d->owner);
        if (d->review_date) jsonw_kstring(w, "review_date", d->review_date);
        if (d->due_date) jsonw_kstring(w, "due_date", d->due_date);
        jsonw_kstring(w, "author", d->author);
        jsonw_kstring(w, "created", d->created);
        jsonw_end(w);
    }
    jsonw_end(w);
}

char *scenario_to_json(const Scenario *s)
{
    return scenario_to_json_with_decisions(s, NULL);
}

char *scenario_to_json_with_decisions(const Scenario *s, const DecisionList *decisions)
{
    JsonW w;
    jsonw_init_buf(&w, true);
    jsonw_object(&w);
    jsonw_kint(&w, "breakout", SCENARIO_FORMAT_VERSION);
    jsonw_kstring(&w, "name", s->name);
    if (s->description) jsonw_kstring(&w, "description", s->description);
    jsonw_key(&w, "assumptions");
    jsonw_object(&w);
    for (int a = 0; a < ASSUME_COUNT; a++)
        jsonw_kbool(&w, assumption_name((Assumption)a), s->assume[a]);
    jsonw_end(&w);

    jsonw_key(&w, "tenants");
    jsonw_array(&w);
    for (size_t i = 0; i < s->n_tenants; i++) {
        const Tenant *t = &s->tenants[i];
        jsonw_object_inline(&w);
        jsonw_kstring(&w, "id", t->id);
        jsonw_kstring(&w, "name", t->name);
        jsonw_kstring(&w, "trust", trust_name(t->trust));
        jsonw_end(&w);
    }
    jsonw_end(&w);

    jsonw_key(&w, "hosts");
    jsonw_array(&w);
    for (size_t i = 0; i < s->n_hosts; i++) {
        const Host *h = &s->hosts[i];
        jsonw_object(&w);
        jsonw_kstring(&w, "id", h->id);
        jsonw_kstring(&w, "os", os_name(h->os));
        jsonw_kbool(&w, "ssh", h->ssh);
        jsonw_key(&w, "users");
        jsonw_array(&w);
        for (size_t u = 0; u < h->n_users; u++) {
            jsonw_object_inline(&w);
            jsonw_kstring(&w, "name", h->users[u].name);
            jsonw_kbool(&w, "admin", h->users[u].admin);
            jsonw_end(&w);
        }
        jsonw_end(&w);
        jsonw_end(&w);
    }
    jsonw_end(&w);

    jsonw_key(&w, "workloads");
    jsonw_array(&w);
    for (size_t i = 0; i < s->n_workloads; i++)
        write_workload(&w, &s->workloads[i]);
    jsonw_end(&w);
    if (decisions && decisions->n) write_decisions(&w, decisions);
    jsonw_end(&w);
    return jsonw_finish(&w);
}

bool scenario_write_file(const Scenario *s, const char *path, char **err)
{
    char *json = scenario_to_json(s);
    bool ok = file_write_atomic(path, json, strlen(json), err);
    free(json);
    return ok;
}
