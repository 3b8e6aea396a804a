/*
 * libFuzzer target: the diff. The templates of the input (fuzz_analysis.h)
 * are the new assembly; the old one is the same input with its first
 * template dropped, so stacks are added, removed and changed at once.
 * fuzz-corpus: analysis
 */
#include "fuzz_analysis.h"

#include "analysis/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sm_assembly old_a, new_a;
	sm_assembly_init(&old_a);
	sm_assembly_init(&new_a);
	fuzz_load_assembly(&new_a, data, size);
	const uint8_t *ff = memchr(data, '\f', size);
	if (ff)
		fuzz_load_assembly(&old_a, ff + 1, size - (size_t)(ff + 1 - data));
	/* old S0 is new S1's text, and so on: each stack changes, the last is added */
	struct diff_summary sum;
	FILE *null = fopen("/dev/null", "w");
	json_t *d = diff_assemblies(&old_a, &new_a, NULL, &sum);
	if (null)
		diff_print(null, d, false);
	json_decref(d);
	d = diff_assemblies(&new_a, &old_a, NULL, &sum);
	if (null) {
		diff_print(null, d, true);
		fclose(null);
	}
	json_decref(d);
	sm_assembly_release(&old_a);
	sm_assembly_release(&new_a);
	return 0;
}
