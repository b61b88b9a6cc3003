/* What every fuzz target checks (tests/fuzz): runs the entry point `breakout import` uses on
 * one input and aborts, so that libFuzzer or the replay reports it, when a promise a caller
 * relies on is broken. docs/fuzzing.md lists the promises. */
#ifndef BREAKOUT_FUZZ_CHECK_H
#define BREAKOUT_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "import.h"

/* Imports the size bytes at data with import_text (file names the input; opt may be NULL)
 * and checks the outcome: an error is one non-empty line starting with file; a scenario
 * passes scenario_validate, survives scenario_to_json and scenario_parse unchanged (what
 * the workspace stores and `export` writes), and the engine and findings run on it. */
void fuzz_import(const uint8_t *data, size_t size, const char *file, const ImportOptions *opt);

/* Merges the size bytes at data as a --catalog file into the built-in catalog with
 * catalog_merge_text and checks the outcome: an error is one line starting with file and
 * leaves no trace; a merged catalog passes catalog_validate and the engine runs with it on
 * every third bundled scenario. */
void fuzz_catalog(const uint8_t *data, size_t size, const char *file);

/* Aborts with "fuzz: MESSAGE" on stderr when ok is false. */
void fuzz_require(int ok, const char *what, const char *detail);

#endif
