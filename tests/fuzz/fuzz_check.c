/* The checks shared by the fuzz targets (fuzz_check.h). Every input gets a private,
 * NUL-terminated copy, as file_read_all hands one to import_text. */
#include "fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_json.h"
#include "decision.h"
#include "embedded.h"
#include "engine.h"
#include "findings.h"
#include "json_strict.h"
#include "scenario_json.h"
#include "xalloc.h"

#define FUZZ_MAX_PATHS 50 /* paths kept by the engine runs (the search is the same) */
#define CATALOG_EVERY  3  /* a merged catalog runs on every third bundled scenario */

void fuzz_require(int ok, const char *what, const char *detail)
{
    if (ok) return;
    fprintf(stderr, "fuzz: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* Returns an owned, NUL-terminated copy of the input. */
static char *terminated(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size + 1);
    if (size) memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

/* An error a user sees: one line, not empty, naming the input first. */
static void check_error(const char *err, const char *file)
{
    fuzz_require(err != NULL, "failed without an error message", NULL);
    fuzz_require(strncmp(err, file, strlen(file)) == 0, "error does not start with the file", err);
    fuzz_require(err[strlen(file)] == ':', "error does not start with \"FILE:\"", err);
    fuzz_require(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL,
                 "error is more than one line", err);
    fuzz_require(strlen(err) > strlen(file) + 2, "error says nothing", err);
}

static void analyze(const Scenario *s, const Catalog *c)
{
    EngineOptions eo = {.max_paths = FUZZ_MAX_PATHS};
    Analysis *a = engine_analyze(s, c, &eo);
    Findings *f = findings_compute(a);
    findings_free(f);
    analysis_free(a);
}

/* The built-in catalog, read once: the engine only borrows it. Global so that the leak
 * checker does not count it; freed at exit. */
static Catalog *builtin;

static void free_builtin(void)
{
    catalog_free(builtin);
}

static const Catalog *builtin_catalog(void)
{
    if (!builtin) {
        builtin = catalog_load_builtin();
        atexit(free_builtin);
    }
    return builtin;
}

/* Returns the owned canonical JSON of s and its decisions, to compare two readings. */
static char *canonical(const Scenario *s, const DecisionList *d)
{
    return scenario_to_json_with_decisions(s, d);
}

/* The scenario reader's two ways agree: what text mode reads straight from the text is what
 * the strict check lets through and the tree reader reads (the same scenario and decisions, or
 * the same error). */
static void check_text_mode(const char *text, size_t size, const char *file, size_t max_values)
{
    char *err = NULL, *jerr = NULL;
    DecisionList dt = {0}, dj = {0};
    Scenario *st = scenario_parse_fast(text, size, file, max_values, &dt, NULL, &err);
    if (!st && !err) { /* unsure: the strict check and the tree reader decide */
        decision_list_done(&dt);
        return;
    }
    cJSON *root = json_parse_strict_max(text, size, file, max_values, &jerr);
    fuzz_require(root != NULL, "text mode read what the strict check rejects", jerr);
    Scenario *sj = scenario_from_json(root, text, size, file, &dj, &jerr);
    cJSON_Delete(root);
    if (st) {
        fuzz_require(sj != NULL, "text mode read a scenario the tree reader rejects", jerr);
        char *a = canonical(st, &dt), *b = canonical(sj, &dj);
        fuzz_require(strcmp(a, b) == 0, "text mode and the tree reader read different scenarios",
                     a);
        free(a);
        free(b);
    } else {
        fuzz_require(sj == NULL, "text mode rejects a scenario the tree reader reads", err);
        fuzz_require(strcmp(err, jerr) == 0, "text mode and the tree reader differ in the error",
                     err);
    }
    scenario_free(st);
    scenario_free(sj);
    decision_list_done(&dt);
    decision_list_done(&dj);
    free(err);
    free(jerr);
}

void fuzz_import(const uint8_t *data, size_t size, const char *file, const ImportOptions *opt)
{
    char *text = terminated(data, size);
    check_text_mode(text, size, file, opt ? opt->max_values : 0);
    char *err = NULL;
    StrList notes = {0};
    InputKind kind = (InputKind)-1;
    Scenario *s = import_text(text, size, file, opt, &kind, &notes, &err);
    if (!s) {
        check_error(err, file);
        free(err);
    } else {
        fuzz_require(err == NULL, "an error message and a scenario", err);
        fuzz_require((unsigned)kind <= INPUT_DOCKER, "no input kind set", NULL);
        char *verr = NULL;
        fuzz_require(scenario_validate(s, &verr), "imported scenario is not valid", verr);
        /* what the workspace stores and `export` writes reads back the same */
        char *json = scenario_to_json(s);
        char *perr = NULL;
        Scenario *back = scenario_parse(json, strlen(json), "export.json", &perr);
        fuzz_require(back != NULL, "exported scenario does not read back", perr);
        char *again = scenario_to_json(back);
        fuzz_require(strcmp(json, again) == 0, "exported scenario changes when read back", json);
        free(again);
        scenario_free(back);
        free(json);
        analyze(s, builtin_catalog());
        scenario_free(s);
    }
    strlist_done(&notes);
    free(text);
}

/* The bundled scenarios, read once, to run a merged catalog on. */
static Scenario **bundled;
static size_t n_bundled;

static void free_bundled(void)
{
    for (size_t i = 0; i < n_bundled; i++)
        scenario_free(bundled[i]);
    free(bundled);
}

static void load_bundled(void)
{
    if (bundled) return;
    size_t n = 0;
    while (embedded_scenarios[n].path)
        n++;
    bundled = xcalloc(n + 1, sizeof *bundled);
    for (size_t i = 0; i < n; i++) {
        char *err = NULL;
        bundled[i] = scenario_parse(embedded_scenarios[i].data, embedded_scenarios[i].size,
                                    embedded_scenarios[i].path, &err);
        fuzz_require(bundled[i] != NULL, "a bundled scenario does not read", err);
    }
    n_bundled = n;
    atexit(free_bundled);
}

void fuzz_catalog(const uint8_t *data, size_t size, const char *file)
{
    load_bundled();
    char *text = terminated(data, size);
    Catalog *c = catalog_load_builtin();
    char *err = NULL;
    if (!catalog_merge_text(c, text, size, file, &err)) {
        check_error(err, file);
        free(err);
    } else {
        fuzz_require(err == NULL, "an error message and a merged catalog", err);
        char *verr = NULL;
        fuzz_require(catalog_validate(c, &verr), "merged catalog is not valid", verr);
        for (size_t i = 0; i < n_bundled; i += CATALOG_EVERY)
            analyze(bundled[i], c);
    }
    catalog_free(c);
    free(text);
}
