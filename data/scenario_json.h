/* The scenario file (docs/scenario-format.md): reads formats 1, 2 and 3 into a model Scenario
 * (format 3 adds an optional section of decisions, docs/decisions.md), with errors that point at
 * the place (FILE:LINE:COL and the JSON path), and writes the current format
 * (SCENARIO_FORMAT_VERSION) canonically, every default explicit. */
#ifndef BREAKOUT_SCENARIO_JSON_H
#define BREAKOUT_SCENARIO_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"
#include "scenario.h"

struct DecisionList; /* model/decision.h */
struct cJSON;

#define SCENARIO_MAX_FILE_BYTES ((size_t)256 * 1024 * 1024) /* scenario_load_file's limit */

/* Reads the scenario in the len bytes at text (text[len] == '\0'); file names it in
 * messages. Returns an owned scenario (scenario_free), checked with scenario_validate, or
 * NULL with *err set to an owned one-line message:
 *   FILE: empty file, expected a JSON object            (and the other json_parse_strict errors)
 *   FILE:LINE:COL: PATH: MESSAGE                        a content error, e.g.
 *   FILE:12:20: workloads[2].isolation: expected "process", "hyperv", "sandbox" or "host", got "vm"
 *   FILE:3:5: tenants[0]: missing required key "trust"
 *   FILE:9:17: hosts[1].ssh: expected true or false, got the string "yes"
 *   FILE:7:9: workloads[0].colour: unknown key, expected "id", "tenant", ... or "hardening"
 *   FILE:2:17: breakout: unsupported format version 7, expected 1, 2 or 3
 *   FILE:14:17: workloads[1].tenant: no tenant with id "ghost"   (from scenario_validate)
 * LINE:COL is where the value starts (for an unknown key, the key; for a missing key, the
 * object). */
Scenario *scenario_parse(const char *text, size_t len, const char *file, char **err);

/* As scenario_parse_with_decisions, from root: the tree json_parse_strict made of text (which
 * locates errors). Borrows root. */
Scenario *scenario_from_json(const struct cJSON *root, const char *text, size_t len,
                             const char *file, struct DecisionList *decisions, char **err);

/* scenario_parse_with_decisions without a tree, the fast way for a large file: reads the len
 * bytes at text (text[len] == '\0') straight into a scenario, checking the JSON as
 * json_parse_strict_max would with the limit max_values (0: the default). Returns the
 * scenario; or NULL with *err set to scenario_validate's message, as scenario_parse gives it;
 * or NULL with *err set to NULL for anything else it does not read (a syntax error, a limit,
 * a content error, a version written other than 1, 2 or 3): json_parse_strict_max and
 * scenario_from_json on the tree then say what is wrong. With runner (NULL: none), a large
 * workloads array is read in two halves at once, with the same outcome. */
Scenario *scenario_parse_fast(const char *text, size_t len, const char *file, size_t max_values,
                              struct DecisionList *decisions, const EngineRunner *runner,
                              char **err);

/* As scenario_parse, and appends the decisions section of a format 3 file to decisions, in the
 * file's order (oldest first), each checked with decision_validate (a bad one is an error:
 * `FILE:LINE:COL: decisions[0]: an accept decision needs an owner`). decisions is unchanged on
 * failure. scenario_parse reads and checks the section too, and drops it. */
Scenario *scenario_parse_with_decisions(const char *text, size_t len, const char *file,
                                        struct DecisionList *decisions, char **err);

/* Reads a one-entity fragment (an edit's before or after state, model/edit.h) written by
 * scenario_to_json: as scenario_parse, but without scenario_validate, since a fragment's
 * references point outside it. Returns an owned scenario, or NULL with *err set (owned). */
Scenario *scenario_parse_fragment(const char *text, size_t len, const char *file, char **err);

/* Reads the file at path ("-": standard input) with file_read_all (at most
 * SCENARIO_MAX_FILE_BYTES) and scenario_parse. Errors as both give them, naming path. */
Scenario *scenario_load_file(const char *path, char **err);

/* Returns the owned canonical JSON of s in format SCENARIO_FORMAT_VERSION: pretty-printed,
 * keys in a fixed order, every default written out, ending with a newline. For a scenario
 * that scenario_validate accepts, with non-empty ids and names and UTF-8 strings, reading the
 * output back gives a scenario equal to s (invalid UTF-8 is written as U+FFFD). */
char *scenario_to_json(const Scenario *s);

/* The same with a decisions section holding decisions (borrowed; none: no section), in their
 * order; the row ids and what each replaces are not written (a decision replaces the one before
 * it on the same subject). For `breakout export`. */
char *scenario_to_json_with_decisions(const Scenario *s, const struct DecisionList *decisions);

/* Writes scenario_to_json(s) to path with file_write_atomic ("-": standard output).
 * Returns false with *err set (owned) if the file cannot be written. */
bool scenario_write_file(const Scenario *s, const char *path, char **err);

#endif
