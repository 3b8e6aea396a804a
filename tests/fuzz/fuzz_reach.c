/*
 * libFuzzer target: the reachability model, its queries and its invariants.
 * fuzz-corpus: analysis
 */
#include "fuzz_analysis.h"

#include "analysis/reach.h"
#include "base/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"internet", "alb",	 "app",	     "database",
					    "instances", "public", "private", "isolated"};
	static const int ports[] = {443, 8080, 5432, 22};
	struct sm_assembly a;
	sm_assembly_init(&a);
	if (fuzz_load_assembly(&a, data, size)) {
		struct reach_model *m = reach_model_build(&a);
		for (size_t i = 0; m && i < sizeof(names) / sizeof(names[0]); i++)
			for (size_t j = 1; j < sizeof(names) / sizeof(names[0]); j++) {
				struct strbuf ex = STRBUF_INIT;
				reach_query(m, names[i], names[j], ports[(i + j) % 4], &ex);
				strbuf_release(&ex);
			}
		reach_model_free(m);
		struct sm_findings f = SM_FINDINGS_INIT;
		reach_check_invariants(&a, &f);
		sm_findings_release(&f);
	}
	sm_assembly_release(&a);
	return 0;
}
