/* The import entry point: detects what the input is, parses it (strict JSON or YAML events),
 * hands the trees to the Kubernetes or docker mapper, and names and checks the result. Also
 * the helpers the mappers share (import_int.h). */
#include "import.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"
#include "import_int.h"
#include "scenario_json.h"
#include "utf8.h"
#include "xalloc.h"
#include "yaml_reader.h"

#define PROGRESS_STEP ((size_t)1 << 20)  /* units between progress calls */
#define NOTE_NAMES    10                 /* names listed in one note before "and N more" */
#define MAX_SAFE_INT  9007199254740992.0 /* 2^53 */

static const char *const kind_names[] = {"breakout scenario", "Kubernetes JSON", "Kubernetes YAML",
                                         "docker inspect"};

const char *import_kind_name(InputKind kind)
{
    return (size_t)kind < sizeof kind_names / sizeof *kind_names ? kind_names[kind] : "?";
}

/* ---- paths and errors ---- */

void import_push_key(ImportCtx *c, const char *key)
{
    if (c->depth < IMPORT_MAX_PATH) c->path[c->depth] = (JsonPathStep){key, 0};
    c->depth++;
}

void import_push_index(ImportCtx *c, size_t index)
{
    if (c->depth < IMPORT_MAX_PATH) c->path[c->depth] = (JsonPathStep){NULL, index};
    c->depth++;
}

void import_pop(ImportCtx *c)
{
    c->depth--;
}

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

bool import_fail(ImportCtx *c, bool at_key, const char *fmt, ...)
{
    if (c->err) return false;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    size_t n = c->depth < IMPORT_MAX_PATH ? c->depth : IMPORT_MAX_PATH;
    char *where = json_path_text(c->path, n);
    const char *sep = *where ? ": " : "";
    size_t line, col;
    bool found = c->yaml
                     ? yaml_reader_locate(c->text, c->len, c->doc, c->path, n, at_key, &line, &col)
                     : json_strict_locate(c->text, c->len, c->path, n, at_key, &line, &col);
    if (found)
        c->err = xasprintf("%s:%zu:%zu: %s%s%s", c->file, line, col, where, sep, msg);
    else
        c->err = xasprintf("%s: %s%s%s", c->file, where, sep, msg);
    free(where);
    free(msg);
    return false;
}

const char *import_object_word(const ImportCtx *c)
{
    return c->yaml ? "a mapping" : "an object";
}

const char *import_array_word(const ImportCtx *c)
{
    return c->yaml ? "a sequence" : "an array";
}

bool import_bad_type(ImportCtx *c, const cJSON *v, const char *expected)
{
    char *d;
    if (cJSON_IsString(v)) {
        char *q = json_strict_quote(v->valuestring, strlen(v->valuestring));
        d = xasprintf("the string %s", q);
        free(q);
    } else if (cJSON_IsNumber(v)) {
        d = xasprintf("the number %.15g", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        d = xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        d = xstrdup("null");
    } else {
        d = xstrdup(cJSON_IsArray(v) ? import_array_word(c) : import_object_word(c));
    }
    import_fail(c, false, "expected %s, got %s", expected, d);
    free(d);
    return false;
}

/* ---- typed members ---- */

/* The member key of obj, or NULL when obj is NULL or the member is absent or null. */
static const cJSON *member(const cJSON *obj, const char *key)
{
    if (!obj) return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

/* Reports a member of the wrong type at its path. */
static bool bad_member(ImportCtx *c, const cJSON *v, const char *key, const char *expected)
{
    import_push_key(c, key);
    import_bad_type(c, v, expected);
    import_pop(c);
    return false;
}

bool import_get_object(ImportCtx *c, const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *v = member(obj, key);
    *out = NULL;
    if (v && !cJSON_IsObject(v)) return bad_member(c, v, key, import_object_word(c));
    *out = v;
    return true;
}

bool import_get_items(ImportCtx *c, const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *v = member(obj, key);
    *out = NULL;
    if (v && !cJSON_IsArray(v)) return bad_member(c, v, key, import_array_word(c));
    *out = v;
    return true;
}

bool import_get_array(ImportCtx *c, const cJSON *obj, const char *key, const cJSON **out)
{
    if (!import_get_items(c, obj, key, out)) return false;
    size_t n = 0;
    for (const cJSON *e = *out ? (*out)->child : NULL; e && n <= IMPORT_MAX_ENTRIES; e = e->next)
        n++;
    if (n <= IMPORT_MAX_ENTRIES) return true;
    *out = NULL;
    import_push_key(c, key);
    import_fail(c, false, "more than %d entries", IMPORT_MAX_ENTRIES);
    import_pop(c);
    return false;
}

bool import_get_string(ImportCtx *c, const cJSON *obj, const char *key, const char **out)
{
    const cJSON *v = member(obj, key);
    *out = NULL;
    if (v && !cJSON_IsString(v)) return bad_member(c, v, key, "a string");
    *out = v ? v->valuestring : NULL;
    return true;
}

bool import_get_bool(ImportCtx *c, const cJSON *obj, const char *key, int *out)
{
    const cJSON *v = member(obj, key);
    *out = -1;
    if (v && !cJSON_IsBool(v)) return bad_member(c, v, key, "true or false");
    if (v) *out = cJSON_IsTrue(v) ? 1 : 0;
    return true;
}

bool import_get_int(ImportCtx *c, const cJSON *obj, const char *key, double min, bool *set,
                    double *out)
{
    const cJSON *v = member(obj, key);
    *set = false;
    *out = 0;
    if (!v) return true;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble > MAX_SAFE_INT)
        return bad_member(c, v, key, "a whole number");
    if (v->valuedouble < min) {
        char *expected = xasprintf("a whole number of at least %.15g", min);
        bad_member(c, v, key, expected);
        free(expected);
        return false;
    }
    *set = true;
    *out = v->valuedouble;
    return true;
}

/* ---- notes, progress, options ---- */

void import_note(ImportCtx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    bool known = strlist_has(c->notes, s); /* at most IMPORT_MAX_NOTES to compare */
    if (!known && c->notes->n - c->notes_at_start >= IMPORT_MAX_NOTES)
        c->notes_omitted++;
    else if (!known)
        strlist_add(c->notes, s);
    free(s);
}

void import_progress(ImportCtx *c, size_t done)
{
    if (!c->opt->progress) return;
    if (done > c->total) done = c->total;
    if (done < c->next_progress && done < c->total) return;
    c->opt->progress(done, c->total, c->opt->progress_ctx);
    c->next_progress = done == c->total ? (size_t)-1 : done + PROGRESS_STEP;
}

static bool in_list(const char *const *list, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], id) == 0) return true;
    return false;
}

Trust import_trust(const ImportCtx *c, const char *id, Trust default_trust, bool *overridden)
{
    *overridden = true;
    if (in_list(c->opt->untrusted, c->opt->n_untrusted, id)) return TRUST_UNTRUSTED;
    if (in_list(c->opt->trusted, c->opt->n_trusted, id)) return TRUST_TRUSTED;
    *overridden = false;
    return default_trust;
}

bool import_runtime_option(ImportCtx *c, const char *name, Isolation *mode)
{
    for (size_t i = 0; i < c->opt->n_runtime_class; i++) {
        if (strcmp(c->opt->runtime_class[i].name, name) == 0) {
            *mode = c->opt->runtime_class[i].mode;
            c->runtime_used[i] = true;
            return true;
        }
    }
    return false;
}

static bool starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool contains_ci(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (strncasecmp(s, word, n) == 0) return true;
    return false;
}

bool import_runtime_isolation(const char *name, Isolation *mode)
{
    static const char *const process[] = {"runc", "crun", "runhcs-wcow-process",
                                          "io.containerd.runc.v2", "io.containerd.runhcs.v1"};
    if (strcasecmp(name, "runhcs-wcow-hypervisor") == 0 || contains_ci(name, "hyperv") ||
        starts_with_ci(name, "kata") || starts_with_ci(name, "io.containerd.kata")) {
        *mode = ISOLATION_HYPERV;
        return true;
    }
    if (strcasecmp(name, "runsc") == 0 || contains_ci(name, "gvisor") ||
        starts_with_ci(name, "io.containerd.runsc")) {
        *mode = ISOLATION_SANDBOX;
        return true;
    }
    for (size_t i = 0; i < sizeof process / sizeof *process; i++) {
        if (strcasecmp(name, process[i]) == 0) {
            *mode = ISOLATION_PROCESS;
            return true;
        }
    }
    return false;
}

char *import_capability(const char *name)
{
    const char *s = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
    if (!*s) return NULL;
    char *up = xstrdup(s);
    for (char *p = up; *p; p++) {
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')) {
            free(up);
            return NULL;
        }
    }
    return up;
}

/* Appends "a, b, c" (at most NOTE_NAMES, then "and N more") of the n names to b. */
static void add_names(Str *b, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n && i < NOTE_NAMES; i++) {
        if (i > 0) str_add(b, ", ");
        str_add(b, names[i]);
    }
    if (n > NOTE_NAMES) str_take(b, xasprintf(" and %zu more", n - NOTE_NAMES));
}

void import_note_trust(ImportCtx *c, const Scenario *s, const char *what, const bool *overridden)
{
    const char **names = xcalloc(s->n_tenants + 1, sizeof *names);
    for (int t = 0; t < 2; t++) {
        Trust trust = t == 0 ? TRUST_UNTRUSTED : TRUST_TRUSTED;
        size_t n = 0;
        for (size_t i = 0; i < s->n_tenants; i++)
            if (!overridden[i] && s->tenants[i].trust == trust) names[n++] = s->tenants[i].id;
        if (n == 0) continue;
        Str b = {0};
        str_take(&b, xasprintf("%s assumed %s: ", what, trust_name(trust)));
        add_names(&b, names, n);
        str_add(&b, trust == TRUST_UNTRUSTED ? " (--trusted NAME to change)"
                                             : " (--untrusted NAME to change)");
        import_note(c, "%s", b.p);
        free(b.p);
    }
    free(names);
    for (int t = 0; t < 2; t++) {
        const char *const *list = t == 0 ? c->opt->trusted : c->opt->untrusted;
        size_t n = t == 0 ? c->opt->n_trusted : c->opt->n_untrusted;
        for (size_t i = 0; i < n; i++)
            if (!scenario_tenant(s, list[i]))
                import_note(c, "--%s %s: no such %s in the input", t == 0 ? "trusted" : "untrusted",
                            list[i], strcmp(what, "namespaces") == 0 ? "namespace" : "tenant");
    }
}

/* ---- option helpers ---- */

static bool add_name(const char **list, size_t *n, const char *name, const char *flag, char **err)
{
    if (!name || !*name) {
        *err = xasprintf("%s: expected a name", flag);
        return false;
    }
    if (*n >= IMPORT_MAX_LIST) {
        *err = xasprintf("%s: at most %d may be given", flag, IMPORT_MAX_LIST);
        return false;
    }
    list[(*n)++] = name;
    return true;
}

bool import_options_add_trusted(ImportOptions *o, const char *ns, char **err)
{
    return add_name(o->trusted, &o->n_trusted, ns, "--trusted", err);
}

bool import_options_add_untrusted(ImportOptions *o, const char *ns, char **err)
{
    return add_name(o->untrusted, &o->n_untrusted, ns, "--untrusted", err);
}

bool import_options_add_runtime_class(ImportOptions *o, char *arg, char **err)
{
    char *eq = arg ? strchr(arg, '=') : NULL;
    Isolation mode;
    if (!eq || eq == arg || !isolation_parse(eq + 1, &mode)) {
        char *q = json_strict_quote(arg ? arg : "", arg ? strlen(arg) : 0);
        *err = xasprintf("--runtime-class: expected NAME=MODE with MODE \"process\", \"hyperv\", "
                         "\"sandbox\" or \"host\", got %s",
                         q);
        free(q);
        return false;
    }
    if (o->n_runtime_class >= IMPORT_MAX_LIST) {
        *err = xasprintf("--runtime-class: at most %d may be given", IMPORT_MAX_LIST);
        return false;
    }
    *eq = '\0';
    o->runtime_class[o->n_runtime_class].name = arg;
    o->runtime_class[o->n_runtime_class].mode = mode;
    o->n_runtime_class++;
    return true;
}

/* ---- detection and the entry points ---- */

bool import_is_k8s_object(const cJSON *v)
{
    return cJSON_IsObject(v) && (cJSON_GetObjectItemCaseSensitive(v, "kind") ||
                                 cJSON_GetObjectItemCaseSensitive(v, "apiVersion"));
}

bool import_is_docker_object(const cJSON *v)
{
    return cJSON_IsObject(v) && cJSON_GetObjectItemCaseSensitive(v, "Id") &&
           (cJSON_GetObjectItemCaseSensitive(v, "Config") ||
            cJSON_GetObjectItemCaseSensitive(v, "HostConfig"));
}

/* True if v, or some element of the array v, passes test. */
static bool any_is(const cJSON *v, bool (*test)(const cJSON *))
{
    if (!cJSON_IsArray(v)) return test(v);
    for (const cJSON *e = v->child; e; e = e->next)
        if (test(e)) return true;
    return false;
}

/* True if some YAML document is a Kubernetes object (or an array holding one). */
static bool docs_have_k8s(const cJSON *docs)
{
    for (const cJSON *d = docs->child; d; d = d->next)
        if (any_is(d, import_is_k8s_object)) return true;
    return false;
}

/* A breakout scenario, or JSON that reads best as a broken one: an object with a scenario's
 * keys, or an array holding such an object (and no Kubernetes or docker object). */
static bool scenario_object(const cJSON *v)
{
    static const char *const keys[] = {"breakout", "tenants", "hosts", "workloads"};
    for (size_t i = 0; cJSON_IsObject(v) && i < sizeof keys / sizeof *keys; i++)
        if (cJSON_GetObjectItemCaseSensitive(v, keys[i])) return true;
    return false;
}

static bool looks_like_scenario(const cJSON *root)
{
    if (cJSON_IsObject(root)) return scenario_object(root);
    return cJSON_IsArray(root) && any_is(root, scenario_object) &&
           !any_is(root, import_is_k8s_object) && !any_is(root, import_is_docker_object);
}

static char *not_recognised(const char *file)
{
    return xasprintf("%s: not a breakout scenario, Kubernetes manifest or docker inspect output",
                     file);
}

/* True if the n bytes at word occur in the len bytes at text. */
static bool has_bytes(const char *text, size_t len, const char *word, size_t n)
{
    for (const char *p = text; (size_t)(p - text) + n <= len; p++) {
        p = memchr(p, word[0], len - (size_t)(p - text) - n + 1);
        if (!p) return false;
        if (memcmp(p, word, n) == 0) return true;
    }
    return false;
}

/* True if the text mentions what every Kubernetes object has. */
static bool mentions_k8s(const char *text, size_t len)
{
    return has_bytes(text, len, "kind", 4) || has_bytes(text, len, "apiVersion", 10);
}

static void yaml_progress(size_t done, void *ctx)
{
    import_progress(ctx, done);
}

/* True when msg ends with a limit's words: prefix, a number and end (the readers' messages for
 * the limits the command line can raise). */
static bool is_limit(const char *msg, const char *prefix, const char *end)
{
    size_t n = strlen(msg), e = strlen(end), p = strlen(prefix);
    if (n < e || strcmp(msg + n - e, end) != 0) return false;
    size_t digits = 0;
    while (digits < n - e && msg[n - e - digits - 1] >= '0' && msg[n - e - digits - 1] <= '9')
        digits++;
    return digits > 0 && n - e - digits >= p && memcmp(msg + n - e - digits - p, prefix, p) == 0;
}

/* Returns msg (owned) with hint appended when it is the limit is_limit recognises. */
static char *with_hint(char *msg, const char *prefix, const char *end, const char *hint)
{
    if (!is_limit(msg, prefix, end)) return msg;
    char *out = xasprintf("%s%s", msg, hint);
    free(msg);
    return out;
}

/* Returns s; when s is NULL, makes *err one line (a name in it may hold a newline: the
 * scenario reader's messages quote ids as they are). */
static Scenario *one_line(Scenario *s, char **err)
{
    if (!s && *err && strpbrk(*err, "\n\r")) {
        char *safe = utf8_sanitize(*err);
        free(*err);
        *err = safe;
    }
    return s;
}

/* The file name without its directories. */
static const char *base_name(const char *file)
{
    const char *slash = strrchr(file, '/');
    const char *b = slash ? slash + 1 : file;
    return *b ? b : file;
}

/* Names and describes s, and checks it. */
static bool finish(ImportCtx *c, Scenario *s, InputKind kind)
{
    free(s->name);
    s->name = xstrdup(*base_name(c->file) ? base_name(c->file) : "imported");
    free(s->description);
    s->description = xasprintf(
        "Imported from %s (%s): %zu workload%s, %zu tenant%s, %zu host%s.", base_name(c->file),
        import_kind_name(kind), s->n_workloads, s->n_workloads == 1 ? "" : "s", s->n_tenants,
        s->n_tenants == 1 ? "" : "s", s->n_hosts, s->n_hosts == 1 ? "" : "s");
    char *verr = NULL;
    if (!scenario_validate(s, &verr)) {
        c->err = xasprintf("%s: the imported scenario is inconsistent (a bug): %s", c->file, verr);
        free(verr);
        return false;
    }
    return true;
}

Scenario *import_text(const char *text, size_t len, const char *file, const ImportOptions *opt,
                      InputKind *kind, StrList *notes, char **err)
{
    static const ImportOptions defaults;
    StrList own_notes = {0};
    ImportCtx c = {.text = text,
                   .len = len,
                   .file = file,
                   .opt = opt ? opt : &defaults,
                   .notes = notes ? notes : &own_notes,
                   .notes_at_start = notes ? notes->n : 0,
                   .total = 2 * len};
    InputKind k = INPUT_K8S_YAML;
    Scenario *s = NULL;
    cJSON *root = NULL;
    size_t i = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    while (i < len && strchr(" \t\r\n", text[i]))
        i++;
    import_progress(&c, 0);

    if (i == len) { /* empty: the scenario reader says so best */
        strlist_done(&own_notes);
        return one_line(scenario_parse(text, len, file, err), err);
    }
    if (i < len && (text[i] == '{' || text[i] == '[')) {
        /* a scenario is read without a tree when it can be (a large file's fast way) */
        if (text[i] == '{') {
            Scenario *sc = scenario_parse_fast(text, len, file, c.opt->max_values, c.opt->decisions,
                                               c.opt->runner, err);
            if (sc || *err) {
                strlist_done(&own_notes);
                if (kind) *kind = INPUT_SCENARIO;
                if (sc) import_progress(&c, c.total);
                return one_line(sc, err);
            }
        }
        char *json_err = NULL;
        root = json_parse_strict_max(text, len, file, c.opt->max_values, &json_err);
        if (root) {
            if (looks_like_scenario(root)) {
                strlist_done(&own_notes);
                if (kind) *kind = INPUT_SCENARIO;
                Scenario *sc =
                    one_line(scenario_from_json(root, text, len, file, c.opt->decisions, err), err);
                cJSON_Delete(root);
                if (sc) import_progress(&c, c.total);
                return sc;
            }
            if (any_is(root, import_is_k8s_object))
                k = INPUT_K8S_JSON;
            else if (any_is(root, import_is_docker_object))
                k = INPUT_DOCKER;
            else
                c.err = not_recognised(file);
        } else if (is_limit(json_err, ": more than ", " values")) {
            c.err = json_err; /* not read again as YAML: that would build the trees it bounds */
        } else {
            /* flow-style YAML starts like JSON: it wins if it reads as Kubernetes YAML */
            char *yaml_err = NULL;
            root = yaml_reader_read_max(text, len, file, c.opt->max_values, yaml_progress, &c,
                                        &yaml_err);
            free(yaml_err);
            if (root && docs_have_k8s(root)) {
                free(json_err);
            } else {
                cJSON_Delete(root);
                root = NULL;
                c.err = json_err;
            }
        }
    } else {
        root = yaml_reader_read_max(text, len, file, c.opt->max_values, yaml_progress, &c, &c.err);
        if (!root && !mentions_k8s(text, len)) {
            free(c.err);
            c.err = not_recognised(file);
        } else if (root && !docs_have_k8s(root)) {
            c.err = not_recognised(file);
        }
    }
    import_progress(&c, len);

    if (!c.err) {
        s = scenario_new("imported");
        c.yaml = k == INPUT_K8S_YAML;
        bool ok = k == INPUT_DOCKER ? import_docker_map(&c, root, s) : import_k8s_map(&c, root, s);
        for (size_t r = 0; ok && r < c.opt->n_runtime_class && r < IMPORT_MAX_LIST; r++)
            if (!c.runtime_used[r])
                import_note(&c, "--runtime-class %s: no workload in the input uses it",
                            c.opt->runtime_class[r].name);
        if (ok) ok = finish(&c, s, k);
        if (ok && c.notes_omitted) {
            char *more = xasprintf("%zu more notes not shown (the first %d are)", c.notes_omitted,
                                   IMPORT_MAX_NOTES);
            strlist_add(c.notes, more);
            free(more);
        }
        if (!ok) {
            scenario_free(s);
            s = NULL;
        }
    }
    cJSON_Delete(root);
    strlist_done(&own_notes);
    if (!s) {
        *err = c.err ? with_hint(c.err, ": more than ", " values",
                                 " (--max-values N raises the limit)")
                     : xasprintf("%s: cannot import", file);
        return one_line(NULL, err);
    }
    import_progress(&c, c.total);
    if (kind) *kind = k;
    return s;
}

Scenario *import_file(const char *path, const ImportOptions *opt, InputKind *kind, StrList *notes,
                      char **err)
{
    FileText text;
    size_t max = opt && opt->max_bytes ? opt->max_bytes : IMPORT_MAX_FILE_BYTES;
    if (!file_text_read(path, max, &text, err)) {
        *err = with_hint(*err, ": larger than the ", " MB limit", " (--max-size MB raises it)");
        return NULL;
    }
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    Scenario *s = import_text(text.data, text.len, name, opt, kind, notes, err);
    file_text_done(&text);
    return s;
}
