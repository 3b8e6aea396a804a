/*
 * libFuzzer target: the architecture graph (graph_build) and its writers.
 * fuzz-corpus: analysis
 */
#include "fuzz_analysis.h"

#include "analysis/graph.h"
#include "base/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sm_assembly a;
	sm_assembly_init(&a);
	if (fuzz_load_assembly(&a, data, size)) {
		struct graph g;
		struct diag_list dl = DIAG_LIST_INIT;
		struct strbuf out = STRBUF_INIT;
		graph_init(&g);
		graph_build(&g, &a, &dl);
		graph_write_dot(&g, "fuzz", &out);
		strbuf_reset(&out);
		graph_write_mermaid(&g, "fuzz", &out);
		strbuf_release(&out);
		graph_release(&g);
		diag_list_release(&dl);
	}
	sm_assembly_release(&a);
	return 0;
}
