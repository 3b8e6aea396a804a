/*
 * `solemate report`: the facts about one environment gathered from every
 * analysis (inventory by stack, the findings of `check`, the cost estimate,
 * availability and capacity, the architecture graph) as one JSON document,
 * and a self-contained HTML page made from that document alone, so that the
 * page and `--format json` can never disagree.
 *
 * The page has inline CSS, the diagram inlined as SVG, no script and no
 * reference to anything on the network: it opens from a file, offline.
 * Every text taken from a template is HTML-escaped.
 */
#ifndef SM_REPORT_H
#define SM_REPORT_H

#include <jansson.h>

#include "analysis/assembly.h"
#include "analysis/context.h"
#include "analysis/graph.h"
#include "base/diag.h"
#include "base/strbuf.h"

struct report_options {
	const char *environment; /* NULL: "templates" */
	/*
	 * The page's title, from the configuration ("SoleMate production": its
	 * project and environment); NULL: the environment's name alone, never
	 * a product's name for templates a user hands in.
	 */
	const char *title;
	const struct sm_context *ctx; /* NULL: default usage assumptions, no budget */
	const char *prices_dir;	      /* NULL: cost_default_prices_dir() */
	const char *slas_file;	      /* NULL: <data dir>/slas.json */
	const char *generator;	      /* "solemate 0.1.0", for the footer; NULL: "solemate" */
	/*
	 * What the metrics cost (tradeoff_json() of analysis/tradeoff.h), which
	 * the command makes by synthesizing the environment again; borrowed.
	 * NULL: "metricsCost" is null (templates without a configuration).
	 */
	const json_t *metrics_cost;
};

/*
 * The facts, a new reference:
 *   {"environment", "title", "generator", "summary": {stacks, resources, monthlyCost,
 *    currency, budget, availability, availabilityTarget, availabilityMeets,
 *    concurrentUsers, targetUsers, capacityMeets, findings: {error, warning,
 *    info, suppressed}},
 *    "stacks": [{name, region, monthly, resources: [{logicalId, type,
 *     properties: {name: text}}]}],
 *    "findings": [{rule, severity, title, stack, resource, message, fix,
 *     suppressed, reason}],
 *    "diagram": {nodes, edges},
 *    "cost": <cost_report_json> | null, "availability": {..., "composite"} |
 *    null, "capacity": {...} | null, "latency": <latency_evaluate>,
 *    "metricsCost": <tradeoff_json> | null,
 *    "errors": [text]}
 * An analysis that cannot run (a missing price file, say) is null in the
 * document, its reason is in "errors", and its diagnostics are added to `dl`
 * as warnings: the rest of the report is still worth having.
 */
json_t *report_facts(struct sm_assembly *a, const struct graph *g, const struct report_options *o,
		     struct diag_list *dl);

/*
 * The page for `facts`. `svg` is the diagram from graph_render_svg(), or
 * NULL: then `diagram_note` (may be NULL) says why there is none.
 */
void report_write_html(const json_t *facts, const char *svg, const char *diagram_note,
		       struct strbuf *out);

#endif
