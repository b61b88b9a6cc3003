/* Reading the technique catalog from JSON: see catalog_json.h and docs/catalog.md.
 * The text is checked by json_strict first (syntax, duplicates, UTF-8), then every key
 * here, so a user catalog gets the same clear errors as a scenario. */
#include "catalog_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "embedded.h"
#include "fileio.h"
#include "json_strict.h"
#include "utf8.h"
#include "xalloc.h"

#define CATALOG_MAX_BYTES ((size_t)16 * 1024 * 1024)

typedef struct {
    const char *file;
    char *err;
} Reader;

/* Records the first error, as "FILE: PATH: message". Returns false for chaining. */
__attribute__((format(printf, 3, 4))) static bool fail(Reader *r, const char *path, const char *fmt,
                                                       ...)
{
    if (r->err) return false;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    r->err = xasprintf("%s: %s: %s", r->file, path, msg);
    free(msg);
    return false;
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    return "an object";
}

/* Checks obj has only the allowed keys (NULL-terminated list). */
static bool only_keys(Reader *r, const cJSON *obj, const char *path, const char *const *allowed)
{
    for (const cJSON *m = obj->child; m; m = m->next) {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], m->string) == 0;
        if (!ok) {
            char *list = xstrdup("");
            for (size_t i = 0; allowed[i]; i++) {
                char *next = xasprintf("%s%s%s", list, i ? ", " : "", allowed[i]);
                free(list);
                list = next;
            }
            fail(r, path, "unknown key \"%s\" (expected one of: %s)", m->string, list);
            free(list);
            return false;
        }
    }
    return true;
}

static const char *get_string(Reader *r, const cJSON *obj, const char *key, const char *path,
                              bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (required) fail(r, path, "missing required key \"%s\"", key);
        return NULL;
    }
    if (!cJSON_IsString(v)) {
        fail(r, path, "%s: expected a string, got %s", key, type_name(v));
        return NULL;
    }
    return v->valuestring;
}

/* Reads an array of strings (or a single string) at obj.key into out. */
static bool get_strings(Reader *r, const cJSON *obj, const char *key, const char *path,
                        StrList *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) return true;
    if (cJSON_IsString(v)) {
        strlist_add(out, v->valuestring);
        return true;
    }
    if (!cJSON_IsArray(v))
        return fail(r, path, "%s: expected an array of strings, got %s", key, type_name(v));
    size_t i = 0;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        if (!cJSON_IsString(e))
            return fail(r, path, "%s[%zu]: expected a string, got %s", key, i, type_name(e));
        strlist_add(out, e->valuestring);
    }
    return true;
}

/* Reads an array of enum names into a bit mask, using parse(name, &value). */
static bool get_mask(Reader *r, const cJSON *obj, const char *key, const char *path,
                     bool (*parse)(const char *, int *), const char *expected, unsigned *mask)
{
    StrList names = {0};
    bool ok = get_strings(r, obj, key, path, &names);
    for (size_t i = 0; ok && i < names.n; i++) {
        int v;
        if (!parse(names.items[i], &v))
            ok =
                fail(r, path, "%s[%zu]: expected %s, got \"%s\"", key, i, expected, names.items[i]);
        else
            *mask |= 1u << v;
    }
    strlist_done(&names);
    return ok;
}

static bool parse_isolation_i(const char *s, int *v)
{
    Isolation i;
    return isolation_parse(s, &i) && (*v = (int)i, true);
}

static bool parse_os_i(const char *s, int *v)
{
    Os o;
    return os_parse(s, &o) && (*v = (int)o, true);
}

static bool parse_assume_i(const char *s, int *v)
{
    Assumption a;
    return assumption_parse(s, &a) && (*v = (int)a, true);
}

static bool parse_hostns_i(const char *s, int *v)
{
    static const char *const names[] = {"pid", "network", "ipc"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) return (*v = i, true);
    return false;
}

static bool parse_from_bits(Reader *r, const cJSON *obj, const char *path, unsigned *bits)
{
    StrList names = {0};
    bool ok = get_strings(r, obj, "from", path, &names);
    if (ok && names.n == 0) ok = fail(r, path, "missing required key \"from\"");
    for (size_t i = 0; ok && i < names.n; i++) {
        unsigned b;
        if (!from_parse(names.items[i], &b))
            ok = fail(r, path,
                      "from[%zu]: expected \"workload-user\", \"workload-admin\", \"workload\", "
                      "\"vm\", \"host-user\", \"host-admin\" or \"host\", got \"%s\"",
                      i, names.items[i]);
        else
            *bits |= b;
    }
    strlist_done(&names);
    return ok;
}

static bool get_int(Reader *r, const cJSON *obj, const char *key, const char *path, int lo, int hi,
                    bool required, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) return required ? fail(r, path, "missing required key \"%s\"", key) : true;
    /* the range first: converting a double outside int's range is undefined */
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi) ||
        v->valuedouble != (double)(int)v->valuedouble)
        return fail(r, path, "%s: expected an integer from %d to %d", key, lo, hi);
    *out = (int)v->valuedouble;
    return true;
}

static bool read_mount(Reader *r, const cJSON *m, const char *path, MountRule *rule)
{
    static const char *const keys[] = {"need", "key_files", "covers", "within", NULL};
    if (!cJSON_IsObject(m)) return fail(r, path, "expected an object, got %s", type_name(m));
    if (!only_keys(r, m, path, keys)) return false;
    const char *need = get_string(r, m, "need", path, true);
    if (!need) return false;
    if (strcmp(need, "any") == 0)
        rule->need = MOUNT_ANY;
    else if (strcmp(need, "writable") == 0)
        rule->need = MOUNT_WRITABLE;
    else
        return fail(r, path, "need: expected \"any\" or \"writable\", got \"%s\"", need);
    const cJSON *kf = cJSON_GetObjectItemCaseSensitive(m, "key_files");
    if (kf && !cJSON_IsBool(kf))
        return fail(r, path, "key_files: expected true or false, got %s", type_name(kf));
    rule->key_files = kf && cJSON_IsTrue(kf);
    if (!get_strings(r, m, "covers", path, &rule->covers) ||
        !get_strings(r, m, "within", path, &rule->within))
        return false;
    if (!rule->key_files && !rule->covers.n && !rule->within.n)
        return fail(r, path, "expected \"key_files\": true or a \"covers\" or \"within\" list");
    return true;
}

static bool read_clause(Reader *r, const cJSON *cj, const char *path, Clause *c)
{
    static const char *const keys[] = {
        "from",         "isolation",      "os",    "assume", "privileged", "host_namespaces",
        "capabilities", "any_capability", "mount", "effect", NULL};
    if (!cJSON_IsObject(cj)) return fail(r, path, "expected an object, got %s", type_name(cj));
    if (!only_keys(r, cj, path, keys) || !parse_from_bits(r, cj, path, &c->from)) return false;
    if (!get_mask(r, cj, "isolation", path, parse_isolation_i,
                  "\"process\", \"hyperv\", \"sandbox\" or \"host\"", &c->isolation) ||
        !get_mask(r, cj, "os", path, parse_os_i, "\"windows\" or \"linux\"", &c->os) ||
        !get_mask(r, cj, "assume", path, parse_assume_i,
                  "\"kernel_exploit\", \"hypervisor_exploit\" or \"sandbox_exploit\"", &c->assume))
        return false;
    unsigned ns = 0;
    if (!get_mask(r, cj, "host_namespaces", path, parse_hostns_i, "\"pid\", \"network\" or \"ipc\"",
                  &ns))
        return false;
    c->host_ns = ns; /* bit i is 1 << i, matching HOSTNS_* */
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(cj, "privileged");
    if (p && !cJSON_IsBool(p))
        return fail(r, path, "privileged: expected true or false, got %s", type_name(p));
    if (p) c->privileged = cJSON_IsTrue(p) ? 1 : 0;
    if (!get_strings(r, cj, "capabilities", path, &c->capabilities) ||
        !get_strings(r, cj, "any_capability", path, &c->any_capability))
        return false;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(cj, "mount");
    if (m) {
        char *mp = xasprintf("%s.mount", path);
        bool ok = read_mount(r, m, mp, &c->mount);
        free(mp);
        if (!ok) return false;
    }
    const char *effect = get_string(r, cj, "effect", path, true);
    if (!effect) return false;
    if (!effect_parse(effect, &c->effect))
        return fail(r, path,
                    "effect: expected \"host-admin\", \"host-user\", \"host-same-level\", "
                    "\"host-key-owner\", \"vm\" or \"host-workloads\", got \"%s\"",
                    effect);
    return true;
}

static bool read_technique(Reader *r, Catalog *cat, const cJSON *tj, const char *path)
{
    static const char *const keys[] = {
        "id",   "name",      "boundary",  "servicing", "servicing_admin", "effort",
        "when", "hardening", "closed_by", "teaching",  "source",          NULL};
    if (!cJSON_IsObject(tj)) return fail(r, path, "expected an object, got %s", type_name(tj));
    if (!only_keys(r, tj, path, keys)) return false;
    const char *id = get_string(r, tj, "id", path, true);
    if (!id) return false;
    if (!*id) return fail(r, path, "id: expected a non-empty string");
    Technique *t = catalog_add(cat, id);
    const char *name = get_string(r, tj, "name", path, true);
    const char *boundary = get_string(r, tj, "boundary", path, true);
    if (!name || !boundary) return false;
    t->name = xstrdup(name);
    if (!boundary_parse(boundary, &t->boundary))
        return fail(r, path,
                    "boundary: expected \"none\", \"isolation\", \"host-volume\" or \"tenant\", "
                    "got \"%s\"",
                    boundary);
    const char *serv = get_string(r, tj, "servicing", path, false);
    const char *serv_admin = get_string(r, tj, "servicing_admin", path, false);
    if (r->err) return false;
    const char *expected_serv =
        "expected \"by-design\", \"not-a-boundary\" or \"security-boundary\"";
    if (serv && !servicing_parse(serv, &t->servicing))
        return fail(r, path, "servicing: %s, got \"%s\"", expected_serv, serv);
    t->servicing_admin = t->servicing;
    if (serv_admin && !servicing_parse(serv_admin, &t->servicing_admin))
        return fail(r, path, "servicing_admin: %s, got \"%s\"", expected_serv, serv_admin);
    if (!get_int(r, tj, "effort", path, 1, 5, true, &t->effort)) return false;

    const cJSON *when = cJSON_GetObjectItemCaseSensitive(tj, "when");
    if (!when) return fail(r, path, "missing required key \"when\"");
    if (!cJSON_IsArray(when) || !when->child)
        return fail(r, path, "when: expected a non-empty array of clauses");
    size_t k = 0;
    for (const cJSON *cj = when->child; cj; cj = cj->next, k++) {
        char *cp = xasprintf("%s.when[%zu]", path, k);
        bool ok = read_clause(r, cj, cp, technique_add_clause(t));
        free(cp);
        if (!ok) return false;
    }

    const cJSON *hard = cJSON_GetObjectItemCaseSensitive(tj, "hardening");
    if (hard && !cJSON_IsArray(hard))
        return fail(r, path, "hardening: expected an array, got %s", type_name(hard));
    k = 0;
    for (const cJSON *hj = hard ? hard->child : NULL; hj; hj = hj->next, k++) {
        static const char *const hkeys[] = {"name", "effort", "os", NULL};
        char *hp = xasprintf("%s.hardening[%zu]", path, k);
        const char *hname = NULL;
        int effort = 0;
        unsigned os = 0;
        bool ok = cJSON_IsObject(hj) ? only_keys(r, hj, hp, hkeys)
                                     : fail(r, hp, "expected an object, got %s", type_name(hj));
        ok = ok && (hname = get_string(r, hj, "name", hp, true)) != NULL &&
             get_int(r, hj, "effort", hp, 0, 5, true, &effort) &&
             get_mask(r, hj, "os", hp, parse_os_i, "\"windows\" or \"linux\"", &os);
        free(hp);
        if (!ok) return false;
        technique_add_hardening(t, hname, effort, os);
    }
    if (!get_strings(r, tj, "closed_by", path, &t->closed_by)) return false;
    const char *teaching = get_string(r, tj, "teaching", path, true);
    const char *source = get_string(r, tj, "source", path, true);
    if (!teaching || !source) return false;
    t->teaching = xstrdup(teaching);
    t->source = xstrdup(source);
    return true;
}

/* Reads every technique of the document into cat (which may be left partly filled). */
static bool read_catalog(Reader *r, Catalog *cat, const cJSON *root)
{
    static const char *const keys[] = {"breakout_catalog", "techniques", NULL};
    if (!cJSON_IsObject(root)) {
        r->err = xasprintf("%s: expected a JSON object with \"breakout_catalog\" and "
                           "\"techniques\", got %s",
                           r->file, type_name(root));
        return false;
    }
    if (!only_keys(r, root, "(top level)", keys)) return false;
    int version = 0;
    if (!get_int(r, root, "breakout_catalog", "(top level)", 0, 1000000, true, &version))
        return false;
    if (version != CATALOG_FORMAT_VERSION)
        return fail(r, "breakout_catalog", "unsupported catalog version %d, expected %d", version,
                    CATALOG_FORMAT_VERSION);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "techniques");
    if (!list) return fail(r, "(top level)", "missing required key \"techniques\"");
    if (!cJSON_IsArray(list))
        return fail(r, "techniques", "expected an array, got %s", type_name(list));
    size_t i = 0;
    for (const cJSON *tj = list->child; tj; tj = tj->next, i++) {
        char *path = xasprintf("techniques[%zu]", i);
        bool ok = read_technique(r, cat, tj, path);
        free(path);
        if (!ok) return false;
    }
    char *verr = NULL;
    if (!catalog_validate(cat, &verr)) {
        r->err = xasprintf("%s: %s", r->file, verr);
        free(verr);
        return false;
    }
    return true;
}

bool catalog_merge_text(Catalog *c, const char *text, size_t len, const char *file, char **err)
{
    cJSON *root = json_parse_strict(text, len, file, err);
    if (!root) return false;
    /* Read into a scratch catalog first, so that an error leaves c unchanged. */
    Reader r = {.file = file};
    Catalog *scratch = catalog_new();
    bool ok = read_catalog(&r, scratch, root);
    catalog_free(scratch);
    if (ok) {
        Reader r2 = {.file = file};
        ok = read_catalog(&r2, c, root);
        if (!ok) /* a user technique may break a built-in one's checks: report it */
            r.err = r2.err;
    }
    cJSON_Delete(root);
    if (!ok && strpbrk(r.err, "\n\r")) { /* a key or name quoted from the file held one */
        char *safe = utf8_sanitize(r.err);
        free(r.err);
        r.err = safe;
    }
    if (!ok) *err = r.err;
    return ok;
}

bool catalog_merge_file(Catalog *c, const char *path, char **err)
{
    char *text = NULL;
    size_t len = 0;
    if (!file_read_all(path, CATALOG_MAX_BYTES, &text, &len, err)) return false;
    bool ok = catalog_merge_text(c, text, len, path, err);
    free(text);
    return ok;
}

Catalog *catalog_load_builtin(void)
{
    Catalog *c = catalog_new();
    const EmbeddedFile *f = &embedded_catalog[0];
    char *err = NULL;
    if (!f->path || !catalog_merge_text(c, f->data, f->size, f->path, &err)) {
        fprintf(stderr, "breakout: the built-in catalog is broken: %s\n", err ? err : "missing");
        abort();
    }
    return c;
}
