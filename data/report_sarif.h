/* SARIF 2.1.0 (`breakout analyze --format sarif`), for CI gates and code-scanning dashboards:
 * one result per failing boundary and one per finding, with the technique catalog as rules.
 * Valid against the OASIS schema (tests check it). docs/reports.md gives the levels. */
#ifndef BREAKOUT_REPORT_SARIF_H
#define BREAKOUT_REPORT_SARIF_H

#include <stdio.h>

#include "analysis_json.h"

/* Writes r as a SARIF log with one run to out.
 * Rules: every catalog technique (id, a PascalCase name, shortDescription = its name,
 * fullDescription = its teaching text, help = what closes it and its source, properties with
 * boundary, servicing, effort), then one rule per finding kind ("finding:shared-kernel", ...).
 * Results, boundaries first (by workload id, isolation before host-volume), then findings:
 *   failing boundary: ruleId = the lowest-effort technique that breaks it (ties: id order),
 *     level "error" when its servicing is by-design or not-a-boundary and an attacker is in or
 *     reaches the workload, "warning" when only a security-boundary break (a serviced,
 *     assumed exploit) fails it while attacked, or a configuration failure is not attacked,
 *     "note" for a security-boundary failure nobody attacks;
 *   finding: level "error" (high), "warning" (medium), "note" (low).
 * Locations are logical (the workload, its host and its tenant, kind "resource" / "namespace");
 * when artifact_uri is non-NULL (the scenario file as given on the command line) each result
 * also points at that file (percent-encoded, backslashes as slashes). */
void report_write_sarif(const Report *r, FILE *out, const char *artifact_uri);

#endif
