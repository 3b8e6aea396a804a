/*
 * libFuzzer target: the report (every analysis gathered: inventory,
 * findings, cost, availability, capacity, graph) as JSON and as HTML.
 * fuzz-corpus: analysis
 */
#include "fuzz_analysis.h"

#include "analysis/graph.h"
#include "analysis/report.h"
#include "base/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sm_assembly a;
	sm_assembly_init(&a);
	if (fuzz_load_assembly(&a, data, size)) {
		struct graph g;
		struct diag_list dl = DIAG_LIST_INIT;
		struct report_options o = {.environment = "fuzz",
					   .prices_dir = "data/prices",
					   .slas_file = "data/slas.json"};
		graph_init(&g);
		graph_build(&g, &a, &dl);
		json_t *facts = report_facts(&a, &g, &o, &dl);
		struct strbuf html = STRBUF_INIT;
		report_write_html(facts, NULL, "fuzz", &html);
		char *js = jio_dump_json(facts, NULL);
		free(js);
		strbuf_release(&html);
		json_decref(facts);
		graph_release(&g);
		diag_list_release(&dl);
	}
	sm_assembly_release(&a);
	return 0;
}
