/*
 * libFuzzer target: the cost estimate, its JSON, and the difference of a change.
 * fuzz-corpus: analysis
 */
#include "fuzz_analysis.h"

#include "analysis/cost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sm_assembly a;
	sm_assembly_init(&a);
	if (fuzz_load_assembly(&a, data, size)) {
		struct diag_list dl = DIAG_LIST_INIT;
		struct cost_report r;
		if (cost_estimate(&a, NULL, "data/prices", &r, &dl) == 0) {
			json_t *j = cost_report_json(&r);
			char *s = jio_dump_json(j, NULL);
			free(s);
			json_decref(j);
			struct cost_diff d;
			cost_compare(&r, &r, &d);
			j = cost_diff_json(&d);
			json_decref(j);
			cost_diff_release(&d);
			cost_report_release(&r);
		}
		diag_list_release(&dl);
	}
	sm_assembly_release(&a);
	return 0;
}
