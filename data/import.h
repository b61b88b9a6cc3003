/* Importing what users already have: a breakout scenario, Kubernetes objects (JSON or YAML)
 * or `docker inspect` output, detected from the content and mapped to a Scenario as
 * DESIGN.md ("Importing real manifests") and docs/import.md say. The one entry point for the
 * command line, the explorer and the fuzzers. */
#ifndef BREAKOUT_IMPORT_H
#define BREAKOUT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"
#include "scenario.h"

#define IMPORT_MAX_LIST 32 /* entries of each option list */
/* import_file's default limit on the input's size: a 150,000-pod `kubectl get pods -A -o json`
 * is about 1.2 GB (docs/guarantees.md). --max-size MB changes it. */
#define IMPORT_MAX_FILE_BYTES ((size_t)2048 * 1024 * 1024)

/* Called as an import advances, about once per MiB of input. The work is measured in bytes
 * of input, counted twice: reading, then mapping; total is twice the input's size and the
 * last call has done == total. */
typedef void (*ImportProgress)(size_t done, size_t total, void *ctx);

/* Choices the user makes on the command line (--trusted NS, --untrusted NS,
 * --runtime-class NAME=MODE, --no-ssh, --tenant-label KEY, --host NAME). Every string is
 * borrowed and must outlive the import. A zeroed struct means the defaults. */
struct DecisionList; /* model/decision.h */

typedef struct {
    const char *trusted[IMPORT_MAX_LIST]; /* namespaces (docker: tenants) made trusted */
    size_t n_trusted;
    const char *untrusted[IMPORT_MAX_LIST]; /* made untrusted; wins over trusted */
    size_t n_untrusted;
    struct {
        const char *name; /* a runtimeClassName (or a handler, or a docker runtime) */
        Isolation mode;
    } runtime_class[IMPORT_MAX_LIST];
    size_t n_runtime_class;
    bool no_ssh;              /* hosts do not run SSH (default: they do) */
    const char *tenant_label; /* docker: the label whose value names the tenant, or NULL */
    const char *host_name;    /* docker: the host's id, or NULL for "docker-host" */
    ImportProgress progress;  /* NULL for none */
    void *progress_ctx;
    /* import_file's limit on the input's size, 0 for IMPORT_MAX_FILE_BYTES (--max-size) */
    size_t max_bytes;
    /* the limit on values (keys included) of a JSON or YAML input, 0 for the readers' defaults
     * JSON_STRICT_MAX_VALUES and YAML_READER_MAX_NODES (--max-values) */
    size_t max_values;
    /* when set, a breakout scenario file's decisions section is appended here (format 3) */
    struct DecisionList *decisions;
    /* threads lent for a large breakout scenario file (NULL: none) */
    const EngineRunner *runner;
} ImportOptions;

typedef enum { INPUT_SCENARIO, INPUT_K8S_JSON, INPUT_K8S_YAML, INPUT_DOCKER } InputKind;

/* Returns the name of an input kind: "breakout scenario", "Kubernetes JSON",
 * "Kubernetes YAML", "docker inspect". */
const char *import_kind_name(InputKind kind);

/* Imports the len bytes at text (text[len] == '\0'); file names the input in messages and
 * its base name becomes the scenario's name. opt may be NULL (the defaults). The kind is
 * detected from the content: a JSON object with a "breakout" key is a scenario (read by
 * scenario_parse, options unused); JSON with "kind" or "apiVersion" (an object, a List, or
 * an array of such objects) is Kubernetes; a JSON object, or array of objects, with "Id"
 * and "Config" or "HostConfig" is docker inspect; anything else is read as YAML (one or more
 * Kubernetes documents). On success returns an owned scenario (scenario_free) that
 * scenario_validate accepts, sets *kind (if kind is not NULL) and appends to notes (if not
 * NULL) what the importer skipped or decided for the whole input ("skipped kind Service
 * (default/web)", "namespaces assumed untrusted: team-a, team-b (--trusted NS to change)");
 * what it assumed for one workload is in that workload's notes ("runAsUser unset: assumed
 * root"). On failure returns NULL with *err set to an owned one-line message:
 *   FILE: not a breakout scenario, Kubernetes manifest or docker inspect output
 *   FILE:LINE:COL: MESSAGE                 a syntax error (JSON or YAML) or a limit (the
 *                      limit on values ends "(--max-values N raises the limit)")
 *   FILE:LINE:COL: PATH: expected ..., got ...   a field of the wrong type, e.g.
 *   pods.yaml:14:20: spec.securityContext.runAsUser: expected an integer, got the string "x"
 * (and scenario_parse's own errors for a scenario). PATH is relative to its YAML document. */
Scenario *import_text(const char *text, size_t len, const char *file, const ImportOptions *opt,
                      InputKind *kind, StrList *notes, char **err);

/* Reads the file at path ("-": standard input) with file_read_all (at most opt->max_bytes,
 * by default IMPORT_MAX_FILE_BYTES) and imports it with import_text. Errors as both give
 * them; a file over the limit: "FILE: larger than the N MB limit (--max-size MB raises it)". */
Scenario *import_file(const char *path, const ImportOptions *opt, InputKind *kind, StrList *notes,
                      char **err);

/* Option helpers for the command line; each returns false with *err set (owned) when the
 * value is bad or the list is full (IMPORT_MAX_LIST).
 * import_options_add_runtime_class reads "NAME=MODE" (MODE: process, hyperv, sandbox or
 * host), splitting arg in place: arg must be writable and outlive o. */
bool import_options_add_trusted(ImportOptions *o, const char *ns, char **err);
bool import_options_add_untrusted(ImportOptions *o, const char *ns, char **err);
bool import_options_add_runtime_class(ImportOptions *o, char *arg, char **err);

#endif
