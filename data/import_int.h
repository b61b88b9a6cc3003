/* Internals shared by the importers (data/import.c, import_k8s.c, import_docker.c): the
 * reading context with its JSON path, typed member access with located errors, notes. */
#ifndef BREAKOUT_IMPORT_INT_H
#define BREAKOUT_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "import.h"
#include "json_strict.h"
#include "scenario.h"

#define IMPORT_MAX_PATH 48 /* steps of a path kept for messages (deeper ones are not read) */
/* Entries of one list of an object the mappers read (containers, volumes, mounts, capabilities,
 * security options), and of what a pod gathers from its containers (host mounts, capabilities,
 * notes): the mappers compare entries pairwise, so the bound keeps time linear in the input. */
#define IMPORT_MAX_ENTRIES 1000
/* File-level notes one import adds: further ones are counted in one last note. */
#define IMPORT_MAX_NOTES 100

/* Where the importer is, and what it has decided. */
typedef struct {
    const char *text; /* the input, for locating errors */
    size_t len;
    const char *file;
    bool yaml;  /* the trees come from YAML: locate with yaml_reader_locate */
    size_t doc; /* YAML: the document being read */
    JsonPathStep path[IMPORT_MAX_PATH]; /* from the document's root to the current value */
    size_t depth;
    const ImportOptions *opt; /* never NULL */
    StrList *notes;           /* file-level notes (never NULL) */
    char *err;                /* the first error, owned */
    size_t done, total;       /* progress, in the units of ImportProgress */
    size_t next_progress;
    size_t notes_at_start;              /* notes->n before this import */
    size_t notes_omitted;               /* notes not added past IMPORT_MAX_NOTES */
    bool runtime_used[IMPORT_MAX_LIST]; /* which --runtime-class options matched something */
} ImportCtx;

/* Path steps. Keys are borrowed: they must live as long as the step is on the path. */
void import_push_key(ImportCtx *c, const char *key);
void import_push_index(ImportCtx *c, size_t index);
void import_pop(ImportCtx *c);

/* Records the first error at the current path (at_key: at the last key rather than its value)
 * as "FILE:LINE:COL: PATH: MESSAGE". Returns false. */
bool import_fail(ImportCtx *c, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records "expected EXPECTED, got DESCRIPTION OF v" at the current path. Returns false. */
bool import_bad_type(ImportCtx *c, const cJSON *v, const char *expected);
/* "an object" / "a mapping", "an array" / "a sequence", as the input calls them. */
const char *import_object_word(const ImportCtx *c);
const char *import_array_word(const ImportCtx *c);

/* Typed members of obj (an object, or NULL: then every member is absent). An absent or null
 * member is unset: *out NULL (or *set false) and true. A member of another type is an error
 * at its path: false. The results are borrowed from the tree. */
bool import_get_object(ImportCtx *c, const cJSON *obj, const char *key, const cJSON **out);
bool import_get_array(ImportCtx *c, const cJSON *obj, const char *key, const cJSON **out);
/* import_get_array fails, at the member, on more than IMPORT_MAX_ENTRIES elements: "more than
 * 1000 entries". import_get_items does not: for the items of a List. */
bool import_get_items(ImportCtx *c, const cJSON *obj, const char *key, const cJSON **out);
bool import_get_string(ImportCtx *c, const cJSON *obj, const char *key, const char **out);
/* *out: -1 unset, 0 false, 1 true. */
bool import_get_bool(ImportCtx *c, const cJSON *obj, const char *key, int *out);
/* A whole number in [min, 2^53]. */
bool import_get_int(ImportCtx *c, const cJSON *obj, const char *key, double min, bool *set,
                    double *out);

/* Appends a file-level note unless it is already there; past IMPORT_MAX_NOTES new notes of this
 * import, counts it instead (import_text then adds "N more notes not shown"). */
void import_note(ImportCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports progress: done units so far (of c->total). Calls the callback about once per MiB. */
void import_progress(ImportCtx *c, size_t done);

/* The trust of a namespace or tenant: the options first (--untrusted wins), else the
 * default given. */
Trust import_trust(const ImportCtx *c, const char *id, Trust default_trust, bool *overridden);

/* The isolation --runtime-class gives name, if it names it (the option is then marked used). */
bool import_runtime_option(ImportCtx *c, const char *name, Isolation *mode);

/* The isolation a runtime handler or class name implies by the DESIGN.md rules:
 * runhcs-wcow-hypervisor, a name containing "hyperv" or starting "kata": hyperv; runsc or a
 * name containing "gvisor": sandbox; runc, crun, runhcs-wcow-process: process. False when
 * the name says nothing (the caller assumes process isolation and says so). */
bool import_runtime_isolation(const char *name, Isolation *mode);

/* A capability as the scenario writes it ("cap_sys_admin" -> "SYS_ADMIN"): owned, or NULL
 * when the name has characters other than letters, digits and '_' (or is empty). */
char *import_capability(const char *name);

/* Adds the per-input notes about trust to c->notes, for the tenants of s: which were assumed
 * trusted or untrusted, and which --trusted/--untrusted names matched nothing. what is
 * "namespaces" or "tenants". */
void import_note_trust(ImportCtx *c, const Scenario *s, const char *what, const bool *overridden);

/* The mappers. Each reads its trees into s (which it fills: tenants, hosts, workloads) and
 * returns false with c->err set on a malformed field.
 * import_k8s_map: docs holds the documents (YAML: one per document, c->doc follows them;
 * JSON: one element, the root). import_docker_map: root is the array or the single object. */
bool import_k8s_map(ImportCtx *c, const cJSON *docs, Scenario *s);
bool import_docker_map(ImportCtx *c, const cJSON *root, Scenario *s);

/* True if v is a Kubernetes object (has "kind" or "apiVersion") / a docker inspect container
 * ("Id" and "Config" or "HostConfig"). */
bool import_is_k8s_object(const cJSON *v);
bool import_is_docker_object(const cJSON *v);

#endif
