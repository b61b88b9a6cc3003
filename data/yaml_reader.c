/* YAML to cJSON through libyaml's event API: an explicit stack of open containers (so
 * nesting costs no recursion and is counted), duplicate keys found by comparison while a
 * mapping is small and by hashing beyond. See yaml_reader.h. */
#include "yaml_reader.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "xalloc.h"

#define LINEAR_KEYS   16                /* mappings with up to this many keys compare keys */
#define PROGRESS_STEP ((size_t)1 << 20) /* bytes between progress calls */

#define TAG_STR "tag:yaml.org,2002:str"

/* A container being filled. */
typedef struct {
    cJSON *node;
    bool mapping;
    char *key;     /* mapping: the key read, waiting for its value (owned) */
    size_t n_keys; /* mapping: keys so far */
    size_t serial; /* mapping: identifies it in the key table */
    bool hashed;   /* mapping: its keys are in the key table */
} Frame;

/* Keys of large mappings, for duplicate detection: open addressing over (serial, key). */
typedef struct {
    size_t serial;
    size_t hash;
    const char *key; /* borrowed from the tree; NULL for an empty slot */
} KeySlot;

typedef struct {
    const char *file;
    char *err; /* the first problem, owned */
    Frame *frames;
    size_t depth, cap_frames;
    size_t nodes;
    size_t max_nodes; /* the limit on nodes */
    size_t next_serial;
    KeySlot *slots;
    size_t n_slots, used_slots; /* n_slots: a power of two, or 0 */
    cJSON *docs;
} Reader;

/* ---- messages ---- */

__attribute__((format(printf, 3, 4))) static bool fail_at(Reader *r, yaml_mark_t m, const char *fmt,
                                                          ...)
{
    if (r->err) return false;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    r->err = xasprintf("%s:%zu:%zu: %s", r->file, m.line + 1, m.column + 1, msg);
    free(msg);
    return false;
}

/* The message for an error libyaml itself reports. */
static char *parser_error(const yaml_parser_t *p, const char *text, size_t len, const char *file)
{
    const char *problem = p->problem ? p->problem : "cannot parse the YAML";
    if (p->error == YAML_MEMORY_ERROR) return xasprintf("%s: out of memory reading YAML", file);
    if (p->error == YAML_READER_ERROR) {
        size_t line, col, off = p->problem_offset <= len ? p->problem_offset : len;
        json_strict_position(text, len, off, &line, &col);
        return xasprintf("%s:%zu:%zu: %s", file, line, col, problem);
    }
    if (p->context)
        return xasprintf("%s:%zu:%zu: %s (%s at %zu:%zu)", file, p->problem_mark.line + 1,
                         p->problem_mark.column + 1, problem, p->context, p->context_mark.line + 1,
                         p->context_mark.column + 1);
    return xasprintf("%s:%zu:%zu: %s", file, p->problem_mark.line + 1, p->problem_mark.column + 1,
                     problem);
}

/* ---- scalars ---- */

static bool word_in(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(*words, s, n) == 0) return true;
    return false;
}

static const char *const null_words[] = {"~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                         "on",   "On",   "ON",   "y",   "Y",   NULL};
static const char *const false_words[] = {"false", "False", "FALSE", "no", "No", "NO",
                                          "off",   "Off",   "OFF",   "n",  "N",  NULL};

/* Parses digits of the given base in s[0..n) into *out; false if any is not a digit or the
 * value does not fit 2^63. */
static bool parse_unsigned(const char *s, size_t n, unsigned base, double *out)
{
    if (n == 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d;
        char c = s[i];
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return false;
        if (d >= base) return false;
        if (v > (UINT64_MAX - d) / base) return false;
        v = v * base + d;
    }
    *out = (double)v;
    return true;
}

/* True if s[0..n) is a YAML 1.1 integer; sets *out. */
static bool plain_int(const char *s, size_t n, double *out)
{
    bool neg = false;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s++;
        n--;
    }
    double v;
    bool ok;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        ok = parse_unsigned(s + 2, n - 2, 16, &v);
    else if (n > 2 && s[0] == '0' && s[1] == 'o')
        ok = parse_unsigned(s + 2, n - 2, 8, &v);
    else if (n > 1 && s[0] == '0')
        ok = parse_unsigned(s + 1, n - 1, 8, &v) || parse_unsigned(s, n, 10, &v);
    else
        ok = parse_unsigned(s, n, 10, &v);
    if (!ok) return false;
    *out = neg ? -v : v;
    return true;
}

/* True if s[0..n) is a decimal float ([-+]? (.d+ | d+(.d*)?) ([eE][-+]?d+)?) that is finite. */
static bool plain_float(const char *s, size_t n, double *out)
{
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (digits == 0) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) i++;
        size_t exp_digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, exp_digits++;
        if (exp_digits == 0) return false;
    }
    if (i != n) return false;
    char *copy = xstrndup(s, n);
    double v = strtod(copy, NULL);
    free(copy);
    if (!isfinite(v)) return false;
    *out = v;
    return true;
}

/* Returns the node for a scalar event (NULL when out of memory). */
static cJSON *scalar_node(const yaml_event_t *e)
{
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    const char *tag = (const char *)e->data.scalar.tag;
    bool plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    bool as_string = !plain || (tag && (strcmp(tag, TAG_STR) == 0 || strcmp(tag, "!") == 0));
    if (!as_string) {
        double v;
        if (n == 0 || word_in(s, n, null_words)) return cJSON_CreateNull();
        if (word_in(s, n, true_words)) return cJSON_CreateTrue();
        if (word_in(s, n, false_words)) return cJSON_CreateFalse();
        if (plain_int(s, n, &v) || plain_float(s, n, &v)) return cJSON_CreateNumber(v);
    }
    return cJSON_CreateString(s);
}

/* ---- duplicate keys ---- */

static size_t key_hash(size_t serial, const char *key)
{
    size_t h = 1469598103934665603u ^ (serial * 0x9e3779b97f4a7c15u);
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}

/* Adds (serial, key) to the table; false if it was there. */
static bool table_add(Reader *r, size_t serial, const char *key)
{
    if ((r->used_slots + 1) * 2 > r->n_slots) {
        size_t old_n = r->n_slots;
        KeySlot *old = r->slots;
        r->n_slots = old_n ? old_n * 2 : 256;
        r->slots = xcalloc(r->n_slots, sizeof *r->slots);
        r->used_slots = 0;
        for (size_t i = 0; i < old_n; i++) {
            if (!old[i].key) continue;
            size_t j = old[i].hash & (r->n_slots - 1);
            while (r->slots[j].key)
                j = (j + 1) & (r->n_slots - 1);
            r->slots[j] = old[i];
            r->used_slots++;
        }
        free(old);
    }
    size_t h = key_hash(serial, key);
    size_t j = h & (r->n_slots - 1);
    while (r->slots[j].key) {
        if (r->slots[j].hash == h && r->slots[j].serial == serial &&
            strcmp(r->slots[j].key, key) == 0)
            return false;
        j = (j + 1) & (r->n_slots - 1);
    }
    r->slots[j] = (KeySlot){serial, h, key};
    r->used_slots++;
    return true;
}

/* Checks that key is new in the mapping of f; at m for the message. */
static bool key_is_new(Reader *r, Frame *f, const char *key, yaml_mark_t m)
{
    bool dup = false;
    if (!f->hashed) {
        for (const cJSON *c = f->node->child; c && !dup; c = c->next)
            dup = strcmp(c->string, key) == 0;
    } else {
        size_t h = key_hash(f->serial, key);
        for (size_t j = h & (r->n_slots - 1); r->slots[j].key && !dup;
             j = (j + 1) & (r->n_slots - 1))
            dup = r->slots[j].hash == h && r->slots[j].serial == f->serial &&
                  strcmp(r->slots[j].key, key) == 0;
    }
    if (dup) {
        char *q = json_strict_quote(key, strlen(key));
        fail_at(r, m, "duplicate key %s", q);
        free(q);
        return false;
    }
    return true;
}

/* ---- building ---- */

/* Attaches node (a value) where the stack says: the document root, the next element of a
 * sequence or the value of the pending key. Takes node. */
static void attach(Reader *r, cJSON *node)
{
    if (r->depth == 0) {
        cJSON_AddItemToArray(r->docs, node);
        return;
    }
    Frame *f = &r->frames[r->depth - 1];
    if (!f->mapping) {
        cJSON_AddItemToArray(f->node, node);
        return;
    }
    node->string = f->key; /* cJSON_Delete frees it (malloc, the default hooks) */
    f->key = NULL;
    cJSON_AddItemToArray(f->node, node);
    f->n_keys++;
    if (f->hashed) {
        table_add(r, f->serial, node->string);
    } else if (f->n_keys > LINEAR_KEYS) {
        f->hashed = true;
        for (const cJSON *c = f->node->child; c; c = c->next)
            table_add(r, f->serial, c->string);
    }
}

/* True when the next node of the open mapping is a key. */
static bool expects_key(const Reader *r)
{
    if (r->depth == 0) return false;
    const Frame *f = &r->frames[r->depth - 1];
    return f->mapping && !f->key;
}

static bool count_node(Reader *r, yaml_mark_t m)
{
    if (++r->nodes > r->max_nodes) return fail_at(r, m, "more than %zu values", r->max_nodes);
    return true;
}

static bool on_scalar(Reader *r, const yaml_event_t *e)
{
    if (!count_node(r, e->start_mark)) return false;
    size_t n = e->data.scalar.length;
    if (n > YAML_READER_MAX_STRING)
        return fail_at(r, e->start_mark, "string longer than %zu bytes", YAML_READER_MAX_STRING);
    if (memchr(e->data.scalar.value, '\0', n))
        return fail_at(r, e->start_mark, "a string contains a NUL character");
    if (expects_key(r)) {
        Frame *f = &r->frames[r->depth - 1];
        const char *key = (const char *)e->data.scalar.value;
        if (!key_is_new(r, f, key, e->start_mark)) return false;
        f->key = xstrndup(key, n);
        return true;
    }
    cJSON *node = scalar_node(e);
    if (!node) return fail_at(r, e->start_mark, "out of memory");
    attach(r, node);
    return true;
}

static bool on_start(Reader *r, const yaml_event_t *e, bool mapping)
{
    if (!count_node(r, e->start_mark)) return false;
    if (expects_key(r))
        return fail_at(r, e->start_mark, "a mapping key must be a scalar, got a %s",
                       mapping ? "mapping" : "sequence");
    if (r->depth >= YAML_READER_MAX_DEPTH)
        return fail_at(r, e->start_mark, "nesting deeper than %d levels", YAML_READER_MAX_DEPTH);
    cJSON *node = mapping ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!node) return fail_at(r, e->start_mark, "out of memory");
    attach(r, node);
    xgrow((void **)&r->frames, &r->cap_frames, r->depth + 1, sizeof *r->frames);
    r->frames[r->depth++] = (Frame){node, mapping, NULL, 0, r->next_serial++, false};
    return true;
}

static void on_end(Reader *r)
{
    /* libyaml pairs start and end events, so a frame is open */
    Frame *f = &r->frames[--r->depth];
    free(f->key);
    f->key = NULL;
}

/* Handles one event; false on a problem (r->err set). */
static bool on_event(Reader *r, const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT: return on_scalar(r, e);
    case YAML_SEQUENCE_START_EVENT: return on_start(r, e, false);
    case YAML_MAPPING_START_EVENT: return on_start(r, e, true);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: on_end(r); return true;
    case YAML_ALIAS_EVENT:
        return fail_at(r, e->start_mark, "aliases are not supported (*%s): write the value out",
                       (const char *)e->data.alias.anchor);
    default: return true;
    }
}

cJSON *yaml_reader_read(const char *text, size_t len, const char *file, YamlReaderProgress progress,
                        void *ctx, char **err)
{
    return yaml_reader_read_max(text, len, file, YAML_READER_MAX_NODES, progress, ctx, err);
}

cJSON *yaml_reader_read_max(const char *text, size_t len, const char *file, size_t max_values,
                            YamlReaderProgress progress, void *ctx, char **err)
{
    Reader r = {.file = file,
                .max_nodes = max_values ? max_values : YAML_READER_MAX_NODES,
                .docs = cJSON_CreateArray()};
    if (!r.docs) {
        *err = xasprintf("%s: out of memory reading YAML", file);
        return NULL;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        cJSON_Delete(r.docs);
        *err = xasprintf("%s: out of memory reading YAML", file);
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    size_t next_progress = PROGRESS_STEP;
    bool done = false;
    while (!done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            r.err = parser_error(&p, text, len, file);
            break;
        }
        bool ok = on_event(&r, &e);
        done = e.type == YAML_STREAM_END_EVENT;
        if (progress && e.end_mark.index >= next_progress) {
            progress(e.end_mark.index, ctx);
            next_progress = e.end_mark.index + PROGRESS_STEP;
        }
        yaml_event_delete(&e);
        if (!ok) break;
    }
    yaml_parser_delete(&p);
    for (size_t i = 0; i < r.depth; i++)
        free(r.frames[i].key);
    free(r.frames);
    free(r.slots);
    if (r.err) {
        cJSON_Delete(r.docs);
        *err = r.err;
        return NULL;
    }
    return r.docs;
}

/* ---- locating ---- */

/* An open container while locating. */
typedef struct {
    bool mapping;
    bool want_key;      /* mapping: the next node is a key */
    bool matched;       /* its path is a prefix of the target */
    size_t index;       /* sequence: the next element's index */
    char *key;          /* mapping: the current key (owned) */
    yaml_mark_t key_at; /* mapping: where the current key starts */
} Open;

/* True when the child of o about to be read is the step. */
static bool step_matches(const Open *o, const JsonPathStep *step)
{
    if (o->mapping) return step->key && o->key && strcmp(o->key, step->key) == 0;
    return !step->key && o->index == step->index;
}

bool yaml_reader_locate(const char *text, size_t len, size_t doc, const JsonPathStep *path,
                        size_t n, bool at_key, size_t *line, size_t *col)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) return false;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    Open *open = NULL;
    size_t depth = 0, cap = 0, doc_at = 0;
    bool found = false, done = false;
    while (!found && !done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) break;
        done = e.type == YAML_STREAM_END_EVENT;
        bool node = e.type == YAML_SCALAR_EVENT || e.type == YAML_ALIAS_EVENT ||
                    e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT;
        bool is_end = e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT;
        if (e.type == YAML_DOCUMENT_END_EVENT) doc_at++;
        if (is_end) {
            free(open[--depth].key);
        } else if (node && doc_at == doc) {
            Open *parent = depth ? &open[depth - 1] : NULL;
            bool is_key = parent && parent->mapping && parent->want_key;
            bool matched = false;
            if (is_key) {
                parent->want_key = false;
                free(parent->key);
                parent->key =
                    e.type == YAML_SCALAR_EVENT
                        ? xstrndup((const char *)e.data.scalar.value, e.data.scalar.length)
                        : NULL;
                parent->key_at = e.start_mark;
            } else {
                matched = !parent ||
                          (parent->matched && depth <= n && step_matches(parent, &path[depth - 1]));
                if (matched && depth == n) {
                    yaml_mark_t m = at_key && n > 0 && path[n - 1].key && parent ? parent->key_at
                                                                                 : e.start_mark;
                    *line = m.line + 1;
                    *col = m.column + 1;
                    found = true;
                }
                if (parent && parent->mapping) parent->want_key = true;
                if (parent && !parent->mapping) parent->index++;
            }
            if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT) {
                xgrow((void **)&open, &cap, depth + 1, sizeof *open);
                bool mapping = e.type == YAML_MAPPING_START_EVENT;
                open[depth++] = (Open){mapping, mapping, matched && !is_key, 0, NULL, {0}};
            }
        } else if (node &&
                   (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT)) {
            xgrow((void **)&open, &cap, depth + 1, sizeof *open);
            open[depth++] = (Open){false, false, false, 0, NULL, {0}};
        }
        yaml_event_delete(&e);
    }
    for (size_t i = 0; i < depth; i++)
        free(open[i].key);
    free(open);
    yaml_parser_delete(&p);
    return found;
}
