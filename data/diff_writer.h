/* Writing a Diff (model/diff.h) for `breakout diff A B --format text|json|md`: the story of a
 * what-if, from the scenario edits to the verdicts, paths and findings they changed. User
 * strings are sanitised (text), JSON-escaped (json) or Markdown-escaped (md). */
#ifndef BREAKOUT_DIFF_WRITER_H
#define BREAKOUT_DIFF_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "diff.h"

/* For people: a verdict line (regression or not), the summary before -> after, the numbered
 * edits, then boundary, path and finding changes, each with the numbers of its related edits.
 * colour: ANSI colour (red for what got worse, green for what got better). */
void diff_write_text(const Diff *d, FILE *out, bool colour);

/* For machines: one JSON object, pretty-printed: "a", "b", "regressed", "paths_partial",
 * "summary" ({"a": ..., "b": ...} per figure), "edits", "boundaries", "paths" (change
 * "opened", "closed", "easier" or "harder"), "findings" (change "added" or "removed"). Related
 * edits are 0-based indices into "edits". docs/reports.md has the whole shape. */
void diff_write_json(const Diff *d, FILE *out);

/* For a pull request or a workshop record: Markdown with a summary table and one table per
 * kind of change. */
void diff_write_md(const Diff *d, FILE *out);

#endif
