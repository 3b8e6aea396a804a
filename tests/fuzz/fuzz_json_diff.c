/*
 * Differential libFuzzer target: the fast JSON reader of base/json_read.c
 * against jansson, and its position scanner against libyaml's, on the same
 * bytes. They must accept and refuse the same documents, read the same values
 * (dumped byte for byte) and place every path at the same line and column;
 * any difference aborts (tests/unit/test_json_fast.c holds the cases found).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differ(const char *what)
{
	fprintf(stderr, "fuzz_json_diff: %s differ\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct diag_list d1 = DIAG_LIST_INIT, d2 = DIAG_LIST_INIT;
	json_t *fast = jio_load_json("fuzz.json", text, size, &d1);
	json_t *ref = jio_load_json_jansson("fuzz.json", text, size, &d2);
	if (!fast != !ref)
		differ(fast ? "accepted by the fast reader only:" : "accepted by jansson only:");
	if (fast && !(json_equal(fast, ref) && jio_equal_dump(fast, ref)))
		differ("values");
	json_decref(fast);
	json_decref(ref);
	diag_list_release(&d1);
	diag_list_release(&d2);
	if (!fast)
		return 0; /* positions are compared on documents both read */

	struct jio_posmap *pf = jio_posmap_build(text, size),
			  *py = jio_posmap_build_yaml(text, size);
	size_t n = jio_posmap_size(py);
	if (jio_posmap_size(pf) != n)
		differ("position counts");
	for (size_t i = 0; i < n; i++) {
		int l1, c1, l2, c2;
		const char *a = jio_posmap_at(pf, i, &l1, &c1), *b = jio_posmap_at(py, i, &l2, &c2);
		if (strcmp(a, b) || l1 != l2 || c1 != c2)
			differ("positions");
	}
	jio_posmap_free(pf);
	jio_posmap_free(py);
	return 0;
}
