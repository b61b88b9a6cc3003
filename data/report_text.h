/* The text form of an analysis, for people (`breakout analyze --format text`): grouped by
 * host and tenant, with ANSI colour when asked. User strings are sanitised. */
#ifndef BREAKOUT_REPORT_TEXT_H
#define BREAKOUT_REPORT_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis_json.h"

void report_write_text(const Report *r, FILE *out, bool colour);

#endif
