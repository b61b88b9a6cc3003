/* The HTML report (`breakout analyze --format html`): one self-contained file for a design
 * review, readable on a projector and on paper. No script, no network, no external asset (a
 * Content-Security-Policy says so to the browser): inline CSS with print rules, the attack
 * graph as inline SVG drawn by Graphviz when `dot` is on the PATH (a text rendering
 * otherwise), the boundary matrix in colours that also read in greyscale (FAILS / holds in
 * words, weight, border and hatching), paths with teaching text, findings and the fix plan.
 * Every user string goes through report_escape_html. */
#ifndef BREAKOUT_REPORT_HTML_H
#define BREAKOUT_REPORT_HTML_H

#include <stdio.h>

#include "analysis_json.h"

typedef enum {
    HTML_GRAPH_AUTO, /* inline SVG when `dot -Tsvg` runs and the graph is small enough */
    HTML_GRAPH_TEXT, /* always the text rendering (deterministic; for tests and Graphviz-free use)
                      */
} HtmlGraph;

/* Graphs above these sizes are rendered as text: a drawing of them would not be read. */
#define HTML_GRAPH_MAX_NODES 150
#define HTML_GRAPH_MAX_EDGES 400

/* Writes r as an HTML document to out, drawing the graph as report_write_html_with(...,
 * HTML_GRAPH_AUTO) does. Runs `dot -Tsvg` as a child process (input through an unnamed
 * temporary file, output through a pipe; its stderr discarded); if it is missing or fails,
 * the text rendering is used and the report says why. The SVG is inlined without its XML
 * prolog, comments (Graphviz's version) and <title> elements. */
void report_write_html(const Report *r, FILE *out);
void report_write_html_with(const Report *r, FILE *out, HtmlGraph graph);

/* Runs `dot -Tsvg` on r's DOT graph and returns the SVG element, cleaned as above, as an owned
 * string; NULL when dot is not on the PATH, fails, or prints no <svg>. */
char *report_html_render_svg(const Report *r);

#endif
