/* The Markdown report (`breakout analyze --format md`): a workshop's written record that renders
 * on a code-hosting site: summary, assumptions, inventory, boundary matrix, exposure, attack
 * paths hop by hop, the teaching text of every technique used, findings, fix plan, sources.
 * Every user string goes through report_escape_md. */
#ifndef BREAKOUT_REPORT_MD_H
#define BREAKOUT_REPORT_MD_H

#include <stdio.h>

#include "analysis_json.h"

/* Writes r as a Markdown document to out. Shows at most r->max_paths paths (0: all the
 * analysis kept); the findings and fix plan sections only when r has them. */
void report_write_md(const Report *r, FILE *out);

#endif
