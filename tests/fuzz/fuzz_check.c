/*
 * libFuzzer target: every check rule (with the reachability invariants).
 * fuzz-corpus: analysis
 */
#include "fuzz_analysis.h"

#include "analysis/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sm_assembly a;
	sm_assembly_init(&a);
	if (fuzz_load_assembly(&a, data, size)) {
		struct sm_findings f = SM_FINDINGS_INIT;
		check_assembly(&a, &f);
		check_count(&f, SM_SEV_ERROR);
		sm_findings_release(&f);
	}
	sm_assembly_release(&a);
	return 0;
}
