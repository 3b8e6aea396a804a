/*
 * Shared by the fuzz targets over the analyses (fuzz_graph.c, fuzz_report.c,
 * fuzz_cost.c, fuzz_reach.c, fuzz_check.c, fuzz_diff.c): the input is a
 * template, JSON or YAML, read as `solemate <analysis> FILE` reads one. A
 * form feed splits it into several templates (stacks "S0", "S1", ...), so
 * that cross-stack references (Fn::ImportValue, cross-region parameters) are
 * reached too. Their seeds are tests/fuzz/corpus/analysis (run.sh).
 */
#ifndef SM_FUZZ_ANALYSIS_H
#define SM_FUZZ_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/assembly.h"
#include "base/json_io.h"
#include "base/xalloc.h"

#define FUZZ_MAX_STACKS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Add the templates of `data` to `a` (those that load); returns how many. */
static inline size_t fuzz_load_assembly(struct sm_assembly *a, const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	size_t added = 0;
	for (int k = 0; p <= end && k < FUZZ_MAX_STACKS; k++) {
		const char *ff = memchr(p, '\f', (size_t)(end - p));
		const char *stop = ff ? ff : end;
		struct diag_list dl = DIAG_LIST_INIT;
		char name[16], file[32];
		snprintf(name, sizeof(name), "S%d", k);
		snprintf(file, sizeof(file), "S%d.template", k);
		json_t *v = jio_load_auto(file, p, (size_t)(stop - p), &dl);
		diag_list_release(&dl);
		if (json_is_object(v)) {
			/* the first in a region with a price file, the next in another */
			struct sm_template *t =
				sm_assembly_add(a, file, name, k % 2 ? "us-west-2" : "us-east-1", v);
			t->source = xstrndup(p, (size_t)(stop - p));
			t->source_len = (size_t)(stop - p);
			added++;
		} else {
			json_decref(v);
		}
		if (!ff)
			break;
		p = ff + 1;
	}
	return added;
}

#endif
