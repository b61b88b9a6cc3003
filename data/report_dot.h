/* The attack graph as Graphviz DOT (`breakout analyze --format dot`): the attacker states
 * reachable from a start, grouped by host as clusters, techniques as labelled edges, edges that
 * break an isolation or host-volume boundary in red. The HTML report draws the same graph. */
#ifndef BREAKOUT_REPORT_DOT_H
#define BREAKOUT_REPORT_DOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis_json.h"

/* The part of an analysis's graph the reports draw: every state reachable from a start, the
 * account state of every workload no start reaches (drawn dashed), and the edges leaving
 * reachable states, one per (from, to, technique). */
typedef struct {
    const Analysis *a; /* borrowed */
    bool *reached;     /* per state: a start reaches it (starts included); owned */
    bool *shown;       /* per state: drawn; owned */
    uint32_t *depth;   /* per state: fewest steps from a start (UINT32_MAX: not reached); owned */
    size_t n_nodes;    /* states drawn */
    uint32_t *edges;   /* edge indices into a->edges, sorted by (from, technique id, to); owned */
    size_t n_edges;
    size_t *edge_first; /* per state s: edges[edge_first[s] .. edge_first[s + 1]) leave s; owned */
    size_t *host_first; /* per host h: by_host[host_first[h] .. host_first[h + 1]); owned */
    size_t *by_host;    /* workload indices grouped by host, in scenario order within one; owned */
    size_t *host_order; /* host indices sorted by id; owned */
} DotGraph;

/* Computes the graph of a (which must outlive g). Release with report_dot_graph_done. */
void report_dot_graph_init(DotGraph *g, const Analysis *a);
void report_dot_graph_done(DotGraph *g);

/* True when host h holds a drawn state (its own, or one of its workloads'). */
bool report_dot_host_shown(const DotGraph *g, size_t h);

/* True when edge e leaves its workload across an isolation or host-volume boundary: the step
 * that makes that boundary fail (drawn red). */
bool report_dot_edge_breaks(const Analysis *a, const Edge *e);

/* The account state (user or admin) of workload w: where an attacker starting there is. */
uint32_t report_dot_home_state(const Analysis *a, size_t w);

/* Writes the graph of r->analysis as a DOT digraph, left to right from the starts (steps back
 * to a state no deeper than their origin do not constrain the layout). Nodes are named by
 * state index ("s12"); every label is escaped with report_escape_dot. */
void report_write_dot(const Report *r, FILE *out);

#endif
